"""Speed by model shape, before training one: the shipped default cut to N
encoder layers x K feed-forward units, timed against BERT-base reading its
own Arabic WordPiece (benchmarks/baseline.py) in the same run.

    python benchmarks/bench_shapes.py [--shapes 8x1536 6x768 ...] [--articles 100]
                                      [--rounds 2] [--threads 1]

A cut model runs exactly as fast as one trained at that shape (same matrices,
same pieces), but its predictions mean nothing, so this prints no F1: it
answers "which shape would reach the speed goal on this CPU", and the dev
split answers what the shape costs once trained (docs/train.md). Layers are
kept evenly spread (6 of 8: 0, 1, 3, 4, 6, 7, as configs/train-default6.toml),
and each layer keeps its first K units (which units is irrelevant to speed;
training's `ffn_size` picks the most used ones).

Every shape and the baseline run as `bench_ner.py` children (their own
process, the same stage code, the same articles), alternating within each
round, so that load on a shared machine hits them alike; the ratio to the
baseline of the same round is the figure to read. Runtime: torch bf16 where
the CPU multiplies bf16 in hardware (what `auto` runs there), else torch fp32
(`auto` would run int8 ONNX there; this script does not export one per shape).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_NER = Path(__file__).resolve().parent / "bench_ner.py"
DEFAULT_SHAPES = ("8x1536", "8x1024", "8x768", "7x1536", "7x768", "6x1536", "6x768")
# Files a cut copy writes anew; it also leaves out the ONNX graphs (*.onnx,
# of the uncut network) and keeps the rest (tokenizer, labels, names) as it is.
SKIP = {"model.safetensors", "config.json"}


def parse_shape(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)x(\d+)", text)
    if not match:
        raise argparse.ArgumentTypeError(f"a shape is LAYERSxUNITS, for example 6x768, "
                                         f"not {text!r}")
    return int(match[1]), int(match[2])


def spread(n: int, total: int) -> list[int]:
    """`n` of `total` layer numbers, evenly spread, first and last kept."""
    if not 1 <= n <= total:
        raise ValueError(f"cannot keep {n} of {total} layers")
    if n == 1:
        return [0]
    return sorted({round(i * (total - 1) / (n - 1)) for i in range(n)})


def load(model_dir: Path):
    import torch
    from transformers import AutoModelForTokenClassification
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # one table is the output
    return AutoModelForTokenClassification.from_pretrained(model_dir, dtype=torch.float32)


def cut(full, model_dir: Path, layers: int, units: int, out: Path) -> Path:
    """A loadable copy of `full` (the model read from `model_dir`) with
    `layers` layers of `units` units; `full` is left as it is."""
    import copy

    import numpy as np
    import torch

    sys.path.insert(0, str(REPO))
    from pipeline.ner import prune
    from pipeline.ner.train import keep_encoder_layers

    model = copy.deepcopy(full)
    total = model.config.num_hidden_layers
    if layers != total:
        keep_encoder_layers(model, spread(layers, total))
    width = model.config.intermediate_size
    if units != width:  # more than the model has: refused by narrow_ffn, naming the width
        first = np.arange(width, 0, -1, dtype=np.float64)  # the first `units` rank highest
        prune.narrow_ffn(model, units, [first] * layers)
    out.mkdir(parents=True, exist_ok=True)
    for f in model_dir.iterdir():
        if f.is_file() and f.name not in SKIP and f.suffix != ".onnx":
            shutil.copy2(f, out / f.name)
    model.to(torch.float16).save_pretrained(out, safe_serialization=True)
    return out


def run_child(system: str, model: Path, args) -> dict:
    cmd = [sys.executable, str(BENCH_NER), "--child", system, "--model", str(model),
           "--articles", str(args.articles), "--threads", str(args.threads)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=REPO / "models" / "default")
    parser.add_argument("--shapes", nargs="+", type=parse_shape,
                        default=[parse_shape(s) for s in DEFAULT_SHAPES])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    from bench_pipeline import machine  # benchmarks/bench_pipeline.py: the same header line
    from pipeline.ner.infer import bf16_matmul

    system = "ours-torch-bf16" if bf16_matmul() else "ours-torch-fp32"
    print(f"{machine()}\nshapes run as {system}; {args.articles} articles, "
          f"{args.threads} thread(s), {args.rounds} round(s)\n", flush=True)
    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="shapes-") as tmp:
        full = load(args.model)
        try:
            folders = {f"{n}x{k}": cut(full, args.model, n, k, Path(tmp) / f"{n}x{k}")
                       for n, k in args.shapes}
        except ValueError as exc:  # a shape the model cannot be cut to
            parser.error(f"--shapes: {exc}")
        del full
        for r in range(args.rounds):
            base = run_child("bert-base", args.model, args)
            results.setdefault("bert-base", []).append(base)
            print(f"round {r + 1}: BERT-base (WordPiece) {base['articles_per_s']:.2f} "
                  f"articles/s, {base['peak_rss_mb']:.0f} MB", flush=True)
            for shape, folder in folders.items():
                res = run_child(system, folder, args)
                res["ratio"] = res["articles_per_s"] / base["articles_per_s"]
                res["ratio_cpu"] = res["articles_per_cpu_s"] / base["articles_per_cpu_s"]
                results.setdefault(shape, []).append(res)
                print(f"  {shape:>8s} {res['articles_per_s']:6.2f} articles/s  "
                      f"{res['ratio']:5.1f}x BERT-base ({res['ratio_cpu']:.1f}x in CPU time), "
                      f"{res['peak_rss_mb']:.0f} MB", flush=True)

    print("\n| layers x units | articles/s by round | against BERT-base, same round |")
    print("|---|---|---|")
    for shape in folders:
        runs = results[shape]
        speeds = ", ".join(f"{x['articles_per_s']:.2f}" for x in runs)
        ratios = [x["ratio"] for x in runs]
        span = (f"{min(ratios):.1f}x" if len(ratios) == 1 or max(ratios) - min(ratios) < 0.05
                else f"{min(ratios):.1f}-{max(ratios):.1f}x")
        print(f"| {shape} | {speeds} | {span} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
