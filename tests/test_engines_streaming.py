"""The local engine streams: lines come out before the input ends, in order."""

from itertools import count, islice

from pipeline.document import Document
from pipeline.engines.lines import annotate_lines
from tests.engines_articles import cheap_config


def test_lines_come_out_of_an_endless_input_in_order():
    config = cheap_config()
    pulled = []

    def endless():
        for i in count():
            pulled.append(i)
            yield Document(id=f"n{i}", text=f"قال المتحدث إن {i} جنديا وصلوا إلى بغداد.")

    first = list(islice(annotate_lines(config.build_pipeline(), endless(), config), 5))
    assert [line.id for line in first] == ["n0", "n1", "n2", "n3", "n4"]
    # Read ahead: at most one batch per stage, not the (endless) input.
    assert len(pulled) <= config.pipeline.batch_size * (len(config.pipeline.stages) + 1)


def test_an_article_over_the_size_limit_is_an_error_line_and_the_stream_goes_on():
    from pipeline.config import load_config

    config = load_config(None, {"pipeline.stages": ["tokenize"], "limits.max_chars": 20})
    docs = [Document(id="short", text="وصل الوزير."),
            Document(id="long", text="وصل الوزير إلى الرباط صباح اليوم."),
            Document(id="after", text="عاد الوفد.")]
    lines = list(annotate_lines(config.build_pipeline(), docs, config))
    assert [(x.id, x.error_type) for x in lines] == [("short", None), ("long", "TooLong"),
                                                      ("after", None)]
