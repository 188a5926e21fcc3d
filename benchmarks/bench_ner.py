"""Speed and memory of the NER stage vs a BERT-base token classifier.

    python benchmarks/bench_ner.py [--articles 200] [--threads 2]

Same run, same ~200 real articles (ANT multi-source news), same tokenize
stage, same windowing (max_length / stride), batching and decoding: only the
network and its tokenizer differ. Each system runs in its own subprocess so its peak RSS
(ru_maxrss) is its own. Systems:

* ours-onnx-int8  -- the shipped default as configured (int8 ONNX, onnxruntime)
* ours-torch-fp32 -- the same model's fp32 weights in torch
* ours-torch-bf16 -- the same weights in bf16 (what `runtime = "auto"` runs on
                     a CPU with AMX or AVX512-BF16; emulated and slow elsewhere)
* bert-base       -- BertForTokenClassification 12 x 768 (the size of
                     CAMeLBERT / AraBERT), random weights, torch fp32, reading
                     the articles through its own 30k Arabic WordPiece, as
                     CAMeLBERT does (benchmarks/baseline.py)
* bert-base-our-windows -- the same network over our tokenizer's windows (the
                     baseline until 2026-12-02: more subwords than BERT-base
                     would read, so it flatters our ratio)

Articles/s counts tokenize + entities over the articles (model loading is
reported separately), in wall time and per CPU-second of the process. On a
shared 2-core machine wall time swings with the neighbours' load; the
CPU-time ratio is the steadier figure, both are printed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NEWS = REPO.parent / "shared" / "data" / "raw_news" / "ant_multisource_v2.1.jsonl.gz"
SYSTEMS = ("ours-onnx-int8", "ours-torch-fp32", "ours-torch-bf16", "bert-base",
           "bert-base-our-windows")
RUNTIMES = {"ours-onnx-int8": "onnx", "ours-torch-bf16": "torch-bf16"}  # others: "torch"


def load_articles(n: int) -> list[dict]:
    out = []
    with gzip.open(NEWS, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec.get("text", "").strip():
                out.append({"id": str(rec["id"]), "text": rec["text"]})
            if len(out) >= n:
                break
    return out


def _cpu_seconds() -> float:
    """CPU time of this process (all threads): steadier than wall time when
    other jobs share the cores."""
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_one(system: str, model: Path, n: int, threads: int, batch_size: int,
            max_length: int) -> dict:
    """Child process: build the stages, annotate the articles, report."""
    import resource

    sys.path.insert(0, str(REPO))
    import torch

    torch.set_num_threads(threads)
    from pipeline.document import Document
    from pipeline.ner.stage import EntitiesSettings, EntitiesStage
    from pipeline.text.stage import TokenizeSettings, TokenizeStage

    articles = load_articles(n)
    t0 = time.perf_counter()
    tokenize = TokenizeStage(TokenizeSettings(), REPO)
    runtime = RUNTIMES.get(system, "torch")
    stage = EntitiesStage(EntitiesSettings(model=str(model), runtime=runtime, threads=threads,
                                           batch_size=batch_size, max_length=max_length),
                          REPO)
    if system.startswith("bert-base"):
        from baseline import use_bert_base

        use_bert_base(stage.model, own_tokenizer=system == "bert-base")
    load_s = time.perf_counter() - t0

    docs = [Document(a["id"], a["text"]) for a in articles]
    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    n_entities = 0
    for i in range(0, len(docs), 32):  # the pipeline's default document batch
        batch = [tokenize(d) for d in docs[i:i + 32]]
        for d in stage.pipe(batch):
            n_entities += len(d.entities)
    seconds = time.perf_counter() - t0
    cpu = _cpu_seconds() - cpu0
    words = sum(len(d.tokens) for d in docs)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"system": system, "articles": len(docs), "words": words, "seconds": seconds,
            "articles_per_s": len(docs) / seconds, "cpu_seconds": cpu,
            "articles_per_cpu_s": len(docs) / cpu, "load_s": load_s, "peak_rss_mb": peak_mb,
            "entities": n_entities}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--model", type=Path, default=REPO / "models" / "default")
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS,
                        help="default: all, bf16 only where the CPU has it in hardware")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_one(args.child, args.model, args.articles, args.threads,
                                 args.batch_size, args.max_length)))
        return 0
    if not args.systems:
        sys.path.insert(0, str(REPO))
        from pipeline.ner.infer import bf16_matmul

        args.systems = [s for s in SYSTEMS if s != "ours-torch-bf16" or bf16_matmul()]
    results = {}
    for system in args.systems:
        cmd = [sys.executable, __file__, "--child", system, "--articles", str(args.articles),
               "--threads", str(args.threads), "--batch-size", str(args.batch_size),
               "--max-length", str(args.max_length), "--model", str(args.model)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        results[system] = json.loads(out.strip().splitlines()[-1])
        r = results[system]
        print(f"{system:16s} {r['articles_per_s']:7.2f} articles/s  "
              f"({r['articles']} articles, {r['words']} words, {r['seconds']:.1f}s wall, "
              f"{r['cpu_seconds']:.1f}s CPU; "
              f"load {r['load_s']:.1f}s)  peak RSS {r['peak_rss_mb']:.0f} MB  "
              f"{r['entities']} entities", flush=True)
    if "bert-base" in results:
        base = results["bert-base"]
        for system, r in results.items():
            if system != "bert-base":
                print(f"speed-up {system} vs bert-base: "
                      f"{r['articles_per_s'] / base['articles_per_s']:.1f}x wall, "
                      f"{r['articles_per_cpu_s'] / base['articles_per_cpu_s']:.1f}x CPU time")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
