"""Speed and memory of the pipeline on real news, against a BERT-base baseline.

    python benchmarks/bench_pipeline.py                 # the full run (minutes)
    python benchmarks/bench_pipeline.py --quick         # tiny sizes, to check it runs
    python benchmarks/bench_pipeline.py --model DIR --runtime torch

Prints markdown tables (paste them into the README):
1. articles/s, words/s and peak RSS for the full pipeline, tokenisation only,
   numbers (tokenize + quantities) and NER (tokenize + entities), and for a
   BERT-base-sized token classifier (12 layers x 768, random init, torch fp32)
   reading the SAME articles through its own Arabic 30k WordPiece, as
   CAMeLBERT does (benchmarks/baseline.py), in the same run -- the ratio is the
   figure that survives a noisy, shared machine; also BERT-base over our own
   tokenizer's windows (the baseline until 2026-12-02, which flatters us);
2. --workers 1 vs 2;
3. cost against article length (100 to 10,000 words);
4. peak memory of the streaming engine over input size (1k vs 10k articles).

Every configuration runs in its own subprocess, so its peak RSS is its own.
A stage that does not exist in this checkout (or a model that is not there)
shows as n/a with the reason. Articles: ../shared/data/raw_news (ANT corpus).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from baseline import arabic_wordpiece, pieces_per_word, use_bert_base  # noqa: E402  (benchmarks/baseline.py)
from pipeline.ner.infer import bf16_matmul, cpu_info  # noqa: E402  (needs the sys.path line)

NEWS = REPO.parent / "shared" / "data" / "raw_news" / "ant_multisource_v2.1.jsonl.gz"

# name -> stages; each is measured as a whole chain (every later stage needs tokens).
CHAINS = {
    "full pipeline": ["tokenize", "quantities", "entities"],
    "tokenisation only": ["tokenize"],
    "numbers (tokenize + quantities)": ["tokenize", "quantities"],
    "NER (tokenize + entities)": ["tokenize", "entities"],
}
BASELINE = "BERT-base NER, its own 30k Arabic WordPiece (torch fp32)"
# BERT-base over our tokenizer's windows: the baseline until 2026-12-02. Our
# multilingual pieces cut Arabic finer than an Arabic WordPiece does, so this
# row gives BERT-base more subwords than it would read; kept to tie the ratio
# to the earlier results files.
BASELINE_OUR_WINDOWS = "BERT-base NER over our windows (torch fp32; the earlier baseline)"
# The same BERT-base run in bf16: not the target's baseline (published taggers
# run in fp32), but what that model would cost on a CPU with hardware bf16 if
# its user also switched to bf16 -- shown so the ratio is not read as ours alone.
# Run only where the CPU multiplies bf16 in hardware (AMX or AVX512-BF16): elsewhere torch emulates
# it, 5x slower than fp32 (0.2 articles/s on an AVX2 EPYC), which no user picks.
BASELINE_BF16 = "BERT-base NER, WordPiece, bf16 weights (reference)"
WARMUP_ARTICLES = 5  # not timed: lazy initialisation, first ONNX/torch runs


# -- articles -----------------------------------------------------------------
def write_articles(path: Path, n: int) -> Path:
    """The first `n` non-empty articles of the news corpus, as pipeline input."""
    written = 0
    with gzip.open(NEWS, "rt", encoding="utf-8") as src, open(path, "w", encoding="utf-8") as out:
        for line in src:
            rec = json.loads(line)
            if not (rec.get("text") or "").strip():
                continue
            out.write(json.dumps({"id": rec["id"], "text": rec["text"]}, ensure_ascii=False) + "\n")
            written += 1
            if written >= n:
                break
    return path


def load_documents(path: Path, n: int, offset: int = 0):
    from itertools import islice

    from pipeline.io.readers import read_documents

    return list(islice(read_documents([path]), offset, offset + n))


def words(text: str) -> int:
    return len(text.split())


# -- measuring, inside a child process ---------------------------------------
def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


# CPU features that change which runtime is fastest and how fast BERT-base
# runs: the ratio is only comparable between runs with the same line here.
CPU_FEATURES = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_int8")


def machine() -> str:
    """CPU model, the features above, core count and the kernels' library versions."""
    import os
    from importlib.metadata import PackageNotFoundError, version

    model, flags = cpu_info()
    libs = []
    for name in ("torch", "onnxruntime", "transformers"):
        try:
            libs.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            libs.append(f"{name} absent")
    features = " ".join(f for f in CPU_FEATURES if f in flags) or "none of " + ", ".join(
        CPU_FEATURES)
    return f"Machine: {model}, {os.cpu_count()} CPUs, features: {features}; {', '.join(libs)}"


def make_config(spec: dict):
    from pipeline.config import load_config

    overrides: dict[str, Any] = {"pipeline.stages": spec["stages"]}
    if "entities" in spec["stages"]:
        if spec.get("model"):
            overrides["stages.entities.model"] = spec["model"]
        if spec.get("runtime"):
            overrides["stages.entities.runtime"] = spec["runtime"]
        if spec.get("threads") is not None:
            overrides["stages.entities.threads"] = spec["threads"]
    return load_config(None, overrides)


def build(spec: dict):
    config = make_config(spec)
    pipeline = config.build_pipeline()
    if spec.get("bert_base"):
        # Same words, windowing, batching and decoding as our NER stage; the
        # network differs, and (unless `our_windows`) the tokenizer.
        ner = next(s for s in pipeline.stages if s.name == "entities")
        use_bert_base(ner.model, own_tokenizer=not spec.get("our_windows"),
                      bf16=spec.get("bf16", False))
    return config, pipeline


def timed_lines(lines, skip: int) -> dict:
    """Consume `lines`; wall time, and the steady rate after the first `skip`
    lines (by then every worker has loaded its model and is busy)."""
    start = time.perf_counter()
    skipped_at = None
    count = 0
    for _ in lines:
        count += 1
        if count == skip:
            skipped_at = time.perf_counter()
    end = time.perf_counter()
    steady = (count - skip) / (end - skipped_at) if skipped_at and end > skipped_at else None
    return {"count": count, "seconds": end - start, "steady_rate": steady}


def child_chain(spec: dict) -> dict:
    from pipeline.engines.lines import annotate_lines

    docs = load_documents(Path(spec["data"]), spec["n"] + WARMUP_ARTICLES)
    started = time.perf_counter()
    config, pipeline = build(spec)
    load = time.perf_counter() - started
    list(annotate_lines(pipeline, docs[:WARMUP_ARTICLES], config))
    docs = docs[WARMUP_ARTICLES:]
    started = time.perf_counter()
    n_errors = sum(line.error_type is not None for line in annotate_lines(pipeline, docs, config))
    seconds = time.perf_counter() - started
    return {"articles": len(docs), "words": sum(words(d.text) for d in docs), "seconds": seconds,
            "load_seconds": load, "errors": n_errors, "peak_rss_mb": peak_rss_mb()}


def child_workers(spec: dict) -> dict:
    from pipeline.engines.lines import annotate_lines
    from pipeline.engines.workers import annotate_in_workers

    docs = load_documents(Path(spec["data"]), spec["n"], spec.get("offset", 0))
    config = make_config(spec)
    started = time.perf_counter()
    if spec["workers"] == 1:  # what `--workers 1` does: this process, no pool
        lines = annotate_lines(config.build_pipeline(), docs, config)
    else:
        lines = annotate_in_workers(docs, config, spec["workers"], chunk_size=spec["chunk"])
    # Lines come out a batch (sequential) or a chunk (workers) at a time:
    # skip the first batch so both are timed from their first full output.
    result = timed_lines(lines, max(spec["chunk"], config.pipeline.batch_size))
    result["seconds"] = time.perf_counter() - started  # start-up included
    result.update(articles=len(docs), words=sum(words(d.text) for d in docs),
                  peak_rss_mb=peak_rss_mb(),
                  worker_peak_rss_mb=peak_rss_mb(resource.RUSAGE_CHILDREN),
                  cpu_seconds=cpu_seconds(resource.RUSAGE_SELF),
                  worker_cpu_seconds=cpu_seconds(resource.RUSAGE_CHILDREN))
    return result


def child_length(spec: dict) -> dict:
    from pipeline.document import Document
    from pipeline.engines.lines import annotate_lines

    docs = load_documents(Path(spec["data"]), spec["n"])
    corpus = "\n".join(d.text for d in docs if d.error is None)
    bounds = [(m.start(), m.end()) for m in re.finditer(r"\S+", corpus)]
    config, pipeline = build(spec)
    list(annotate_lines(pipeline, [Document("warm", corpus[:2000])], config))
    rows = []
    for length in spec["lengths"]:
        count = max(1, spec["words_per_length"] // length)
        batch = []
        for i in range(count):
            first = (i * length) % max(1, len(bounds) - length)
            text = corpus[bounds[first][0]:bounds[first + length - 1][1]]
            batch.append(Document(f"len{length}_{i}", text))
        started = time.perf_counter()
        list(annotate_lines(pipeline, batch, config))
        seconds = time.perf_counter() - started
        rows.append({"length": length, "articles": count, "seconds": seconds,
                     "ms_per_article": 1000 * seconds / count,
                     "us_per_word": 1e6 * seconds / (count * length)})
    return {"rows": rows, "peak_rss_mb": peak_rss_mb()}


def child_memory(spec: dict) -> dict:
    from pipeline.engines.local import annotate

    config = make_config(spec)
    with tempfile.TemporaryDirectory() as tmp:
        summary = annotate([Path(spec["data"])], Path(tmp) / "out.jsonl", config,
                           progress=False)
    return {"articles": summary.articles, "seconds": summary.seconds,
            "peak_rss_mb": peak_rss_mb()}


def child_pieces(spec: dict) -> dict:
    """Subwords per word over the articles: our tokenizer against the
    baseline's WordPiece -- what makes the two baseline rows differ."""
    from pipeline.ner.stage import sentence_words

    config = make_config(spec)
    tokenize, entities = config.build_pipeline().stages
    docs = load_documents(Path(spec["data"]), spec["n"], WARMUP_ARTICLES)
    sentences = [[w.text for w in s] for d in docs for s in sentence_words(tokenize(d))]
    return {"ours": pieces_per_word(entities.model.tokenizer, sentences),
            "wordpiece": pieces_per_word(arabic_wordpiece(), sentences)}


CHILDREN = {"chain": child_chain, "workers": child_workers, "length": child_length,
            "memory": child_memory, "pieces": child_pieces}


def run_child(spec: dict, timeout: float) -> dict:
    """Run one configuration in a fresh interpreter; its last stdout line is JSON."""
    return run_children([spec], timeout)[0]


def run_children(specs: list[dict], timeout: float) -> list[dict]:
    """Run configurations in fresh interpreters at the same time."""
    procs = [subprocess.Popen([sys.executable, __file__, "--child", json.dumps(spec)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=REPO) for spec in specs]
    results = []
    for proc in procs:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            results.append({"error": f"timed out after {timeout:.0f} s"})
            continue
        if proc.returncode != 0:
            last = (err.strip().splitlines() or ["failed"])[-1]
            results.append({"error": last[:160]})
        else:
            results.append(json.loads(out.strip().splitlines()[-1]))
    return results


# -- tables ---------------------------------------------------------------------
def fmt(x, spec: str = ",.1f") -> str:
    return "n/a" if x is None else format(x, spec)


def table(headers: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def rate(result: dict, key: str) -> float | None:
    if "error" in result or not result.get("seconds"):
        return None
    return result[key] / result["seconds"]


def heaviest_available(results: dict[str, dict]) -> list[str]:
    for name in ("full pipeline", "numbers (tokenize + quantities)", "tokenisation only"):
        if "error" not in results.get(name, {"error": ""}):
            return CHAINS[name]
    return ["tokenize"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=120, help="articles per throughput run")
    ap.add_argument("--lengths", default="100,300,1000,3000,10000",
                    help="article lengths in words")
    ap.add_argument("--words-per-length", type=int, default=10_000,
                    help="words annotated per length (so each length costs about the same)")
    ap.add_argument("--memory-sizes", default="1000,10000", help="input sizes for the RSS test")
    ap.add_argument("--memory-stages", default="tokenize,quantities",
                    help="stages for the memory test (the engine's memory does not depend "
                         "on them; the default keeps 10k articles to a minute)")
    ap.add_argument("--chunk", type=int, default=None,
                    help="articles per chunk with --workers (default: the engine's, "
                         "which `annotate --workers` uses)")
    ap.add_argument("--model", help="NER model folder (default: the config's)")
    ap.add_argument("--runtime", choices=("auto", "onnx", "torch", "torch-bf16"),
                    help="NER runtime (default: the config's)")
    ap.add_argument("--sections", default="throughput,workers,length,memory")
    ap.add_argument("--quick", action="store_true",
                    help="tiny sizes: checks the script, measures nothing worth quoting")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per configuration")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        print(json.dumps(CHILDREN[spec["kind"]](spec)))
        return 0
    if args.chunk is None:
        from pipeline.engines.workers import DEFAULT_CHUNK_SIZE

        args.chunk = DEFAULT_CHUNK_SIZE
    if args.quick:
        args.articles, args.lengths, args.words_per_length = 40, "100,1000", 2000
        args.memory_sizes = "50,200"
    sections = set(args.sections.split(","))
    lengths = [int(x) for x in args.lengths.split(",")]
    sizes = [int(x) for x in args.memory_sizes.split(",")]
    # --model is relative to where the benchmark runs, as `annotate --model` is
    # (the config would read it relative to configs/).
    common = {"model": str(Path(args.model).resolve()) if args.model else None,
              "runtime": args.runtime}

    with tempfile.TemporaryDirectory() as tmp:
        data = write_articles(Path(tmp) / "articles.jsonl",
                              max([args.articles + WARMUP_ARTICLES, *sizes]))
        print(f"# Pipeline benchmark: {NEWS.name}, python {sys.version.split()[0]}, "
              f"{time.strftime('%Y-%m-%d %H:%M')}\n")
        print(f"{machine()}\n")
        results: dict[str, dict] = {}
        if sections & {"throughput", "workers", "length", "memory"}:
            for name, stages in CHAINS.items():
                if "throughput" not in sections and name != "full pipeline":
                    continue
                results[name] = run_child({"kind": "chain", "stages": stages, "data": str(data),
                                           "n": args.articles, **common}, args.timeout)
        if "throughput" in sections:
            ner_stages = CHAINS["NER (tokenize + entities)"]
            arabic_wordpiece()  # learnt here once, not inside a timed child
            baseline = {"kind": "chain", "stages": ner_stages, "bert_base": True,
                        "data": str(data), "n": args.articles, **common}
            results[BASELINE] = run_child(baseline, args.timeout)
            if bf16_matmul():
                results[BASELINE_BF16] = run_child({**baseline, "bf16": True}, args.timeout)
            results[BASELINE_OUR_WINDOWS] = run_child({**baseline, "our_windows": True},
                                                      args.timeout)
            rows = []
            for name, r in results.items():
                if "error" in r:
                    rows.append([name, "n/a", "n/a", "n/a", "n/a", r["error"]])
                    continue
                rows.append([name, fmt(rate(r, "articles")), fmt(rate(r, "words"), ",.0f"),
                             fmt(r["peak_rss_mb"], ",.0f"), fmt(r["load_seconds"]), ""])
            print(f"## Throughput ({args.articles} articles, one process)\n")
            print(table(["configuration", "articles/s", "words/s", "peak RSS MB", "load s",
                         "note"], rows))
            full, base = rate(results["full pipeline"], "articles"), rate(results[BASELINE],
                                                                           "articles")
            ner = rate(results["NER (tokenize + entities)"], "articles")
            line = (f"\nfull pipeline / BERT-base: "
                    f"{fmt(full / base if full and base else None, '.1f')}x articles/s; "
                    f"NER / BERT-base: {fmt(ner / base if ner and base else None, '.1f')}x")
            old = rate(results[BASELINE_OUR_WINDOWS], "articles")
            line += (f"; full pipeline / BERT-base over our windows: "
                     f"{fmt(full / old if full and old else None, '.1f')}x")
            if BASELINE_BF16 in results:
                bf16 = rate(results[BASELINE_BF16], "articles")
                line += (f"; full pipeline / BERT-base bf16: "
                         f"{fmt(full / bf16 if full and bf16 else None, '.1f')}x")
            print(line + "\n")
            pieces = run_child({"kind": "pieces", "stages": ner_stages, "data": str(data),
                                "n": args.articles, **common}, args.timeout)
            if "error" not in pieces:
                print(f"subwords per word over these articles: ours {pieces['ours']:.3f}, "
                      f"the baseline's WordPiece {pieces['wordpiece']:.3f}\n")

        chain = heaviest_available(results)
        if "workers" in sections:
            # Two questions, two tables. With the stage's default threads
            # (0 = all cores) one process already uses every core, so the
            # second worker has little to add on a 2-core box. With one thread
            # per worker, the table shows how throughput grows per core added,
            # which is what --workers buys on a machine with more cores.
            for threads, label in ((None, "stage default threads"), (1, "1 thread per worker")):
                rows, steady, whole = [], {}, {}
                for k in (1, 2):
                    r = run_child({"kind": "workers", "stages": chain, "data": str(data),
                                   "n": args.articles, "workers": k, "chunk": args.chunk,
                                   "threads": threads, **common}, args.timeout)
                    if "error" in r:
                        rows.append([str(k), "n/a", "n/a", "n/a", "n/a", "n/a", "n/a",
                                     r["error"]])
                        continue
                    steady[k], whole[k] = r["steady_rate"], rate(r, "articles")
                    # The parent's CPU is what the engine costs on top of the
                    # work (reading, pickling chunks, writing): on 2 cores it
                    # competes with the workers.
                    rows.append([str(k), fmt(r["steady_rate"]), fmt(whole[k]),
                                 fmt(r["peak_rss_mb"], ",.0f"),
                                 fmt(r["worker_peak_rss_mb"] if k > 1 else None, ",.0f"),
                                 fmt(r["cpu_seconds"]),
                                 fmt(r["worker_cpu_seconds"] if k > 1 else None),
                                 fmt(r["seconds"])])
                print(f"## --workers, {label} ({'+'.join(chain)}, {args.articles} articles, "
                      f"chunks of {args.chunk})\n")
                print(table(["workers", "articles/s steady", "articles/s incl. start-up",
                             "parent peak RSS MB", "largest worker RSS MB",
                             "parent CPU s", "workers' CPU s", "wall s"], rows))
                # "Steady" starts at the first finished chunk; with 2 workers the
                # other worker's chunk is nearly done by then, which flatters
                # it. Start-up included is the conservative figure.
                if whole.get(1) and whole.get(2):
                    ratio = (f"{steady[2] / steady[1]:.2f}x" if steady.get(1) and steady.get(2)
                             else "n/a")
                    print(f"\nspeed-up from the second worker ({label}): "
                          f"{whole[2] / whole[1]:.2f}x with start-up, {ratio} steady\n")
            # The machine's own ceiling for two workers: two independent
            # one-thread processes, each annotating half the articles at the
            # same time, with no engine between them (start-up included, as
            # above). Two vCPUs of a shared VM rarely give 2.0x; the engine
            # is near-linear when it comes close to this.
            half = args.articles // 2
            pair = run_children([{"kind": "workers", "stages": chain, "data": str(data),
                                  "n": half, "offset": i * half, "workers": 1,
                                  "chunk": args.chunk, "threads": 1, **common}
                                 for i in (0, 1)], args.timeout)
            errors = "; ".join(r["error"] for r in pair if "error" in r)
            if not errors and whole.get(1):
                both = 2 * half / max(r["seconds"] for r in pair)
                print(f"ceiling: two independent 1-thread processes at once, {half} articles "
                      f"each: {both:.1f} articles/s together with start-up, "
                      f"{both / whole[1]:.2f}x one process; --workers 2 reaches "
                      f"{(whole.get(2) or 0) / both:.0%} of that ceiling\n")
            else:
                print(f"ceiling: n/a ({errors or 'no single-worker figure'})\n")

        if "length" in sections:
            r = run_child({"kind": "length", "stages": chain, "data": str(data),
                           "n": max(args.articles, 200), "lengths": lengths,
                           "words_per_length": args.words_per_length, **common}, args.timeout)
            print(f"## Cost against article length ({'+'.join(chain)})\n")
            if "error" in r:
                print(f"n/a: {r['error']}\n")
            else:
                print(table(["words", "articles", "ms/article", "µs/word"],
                            [[str(x["length"]), str(x["articles"]), fmt(x["ms_per_article"]),
                              fmt(x["us_per_word"])] for x in r["rows"]]) + "\n")

        if "memory" in sections:
            stages = args.memory_stages.split(",")
            rows = []
            for n in sizes:
                part = write_articles(Path(tmp) / f"first_{n}.jsonl", n)
                r = run_child({"kind": "memory", "stages": stages, "data": str(part), **common},
                              args.timeout)
                rows.append([f"{n:,}", "n/a" if "error" in r else fmt(r["peak_rss_mb"], ",.0f"),
                             "n/a" if "error" in r else fmt(r["seconds"]),
                             r.get("error", "")])
            print(f"## Peak memory over input size (annotate engine, {'+'.join(stages)})\n")
            print(table(["articles", "peak RSS MB", "seconds", "note"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
