"""`--workers N`: the same lines as one process, in input order, bounded read-ahead."""

from pipeline.document import Document
from pipeline.engines.local import annotate
from pipeline.engines.workers import annotate_in_workers, share_cores
from tests.conftest import SEEDS
from tests.engines_articles import cheap_config, read_lines, small_articles, write_jsonl


def test_two_workers_write_the_same_file_as_one_process(tmp_path):
    config = cheap_config()
    articles = write_jsonl(tmp_path / "articles.jsonl", small_articles(300))
    inputs = [SEEDS, articles]  # long real articles, then many small ones
    one = annotate(inputs, tmp_path / "one.jsonl", config, progress=False)
    two = annotate(inputs, tmp_path / "two.jsonl", config, progress=False, workers=2,
                   chunk_size=16)
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    assert one.articles == two.articles == 305 and two.errors == 0
    ids = [r["id"] for r in read_lines(tmp_path / "two.jsonl")]
    assert ids[5:] == [a["id"] for a in small_articles(300)]  # duplicates kept, in order


def test_workers_read_ahead_a_bounded_number_of_chunks():
    config = cheap_config()
    pulled = 0

    def articles():
        nonlocal pulled
        for a in small_articles(400):
            pulled += 1
            yield Document(id=a["id"], text=a["text"])

    chunk, in_flight = 10, 3
    ahead = []
    for done, _ in enumerate(annotate_in_workers(articles(), config, 2, chunk_size=chunk,
                                                 in_flight=in_flight), start=1):
        ahead.append(pulled - done)
    assert done == 400
    # Never more than the chunks in flight plus the one being filled.
    assert max(ahead) <= (in_flight + 1) * chunk


def test_share_cores_gives_each_worker_its_part_of_the_threads():
    from pipeline.config import load_config

    config = load_config(None, {"pipeline.stages": ["tokenize", "quantities", "entities"],
                                "stages.entities.threads": 0})
    shared = share_cores(config, 1)
    assert shared.stages["entities"].threads == 1
    assert shared.stages["tokenize"] == config.stages["tokenize"]  # no threads key: as is
