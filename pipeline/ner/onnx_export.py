"""Export a trained model folder to ONNX and quantise it to int8 (dynamic).

    python -m pipeline.ner.onnx_export models/default [--evaluate --data-dir ../shared/data]

writes `model.int8.onnx` into the folder (the fp32 ONNX graph is an
intermediate and is deleted) and, with --evaluate, scores fp32 torch and int8
onnxruntime on the ANERcorp dev split, storing both in scores.json under
"runtimes" (the goal is int8 within half a point of fp32; the model card
says what was measured).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from pipeline.ner.gazetteer import FILE as GAZETTEER_FILE
from pipeline.ner.gazetteer import features_for
from pipeline.ner.infer import ONNX_FILE, trained_context, trained_pooling

OPSET = 17


def export_onnx(folder: Path, fp32_path: Path) -> None:
    import torch
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(folder, dtype=torch.float32)
    model.eval()
    model.config.return_dict = False
    ids = torch.tensor([[0, 500, 600, 700, 2], [0, 800, 900, 2, 1]], dtype=torch.long)
    mask = (ids != 1).long()
    # A model trained with a gazetteer takes its features as a third input.
    typed = (folder / GAZETTEER_FILE).exists()

    class Logits(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids)[0]

    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if typed else [])
    inputs = (ids, mask) + ((torch.tensor([[0, 1, 0, 8, 0], [0, 2, 4, 0, 0]]),) if typed else ())
    torch.onnx.export(
        Logits(model), inputs, str(fp32_path), input_names=names,
        output_names=["logits"], opset_version=OPSET, dynamo=False,
        dynamic_axes={**{name: {0: "batch", 1: "length"} for name in names},
                      "logits": {0: "batch", 1: "length"}})


def quantize(fp32_path: Path, int8_path: Path, *, embeddings: bool = True,
             exclude: Sequence[str] = ()) -> None:
    """int8 copy of `fp32_path`; the nodes named in `exclude` stay fp32."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Dynamic quantisation: int8 weights (per output channel), activations
    # quantised per batch at run time -- no calibration data needed, and the
    # MatMuls (nearly all the compute) run as integer kernels. Measured on the
    # dev split (epoch-4 model, fp32 0.7833): everything int8 0.7734 (30 MB);
    # embeddings kept fp16 0.7709 (37 MB); FFN output MatMuls kept fp32 too
    # 0.7731 (58 MB) -- the ~1 point loss is spread over the MatMuls, so the
    # smallest file is the default and `embeddings=False` stays an option.
    ops = None if embeddings else ["MatMul"]
    quantize_dynamic(str(fp32_path), str(int8_path), weight_type=QuantType.QInt8,
                     per_channel=True, op_types_to_quantize=ops, nodes_to_exclude=list(exclude))
    if not embeddings:
        store_embeddings_fp16(int8_path)


def store_embeddings_fp16(path: Path) -> None:
    """Keep float Gather tables (embeddings) as fp16 + a Cast back to fp32."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(path))
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    for node in list(graph.node):
        if node.op_type != "Gather" or node.input[0] not in inits:
            continue
        init = inits[node.input[0]]
        if init.data_type != TensorProto.FLOAT:
            continue
        table = numpy_helper.to_array(init).astype(np.float16)
        half_name = init.name + "_fp16"
        graph.initializer.remove(init)
        graph.initializer.append(numpy_helper.from_array(table, half_name))
        gathered = node.output[0]
        node.input[0] = half_name
        node.output[0] = gathered + "_fp16"
        cast = helper.make_node("Cast", [node.output[0]], [gathered], to=TensorProto.FLOAT,
                                name=node.name + "_to_fp32")
        graph.node.insert(list(graph.node).index(node) + 1, cast)
    onnx.save(model, str(path))


# -- which layers to keep in fp32 --------------------------------------------
# The int8 loss is spread over the MatMuls (see `quantize`), but not evenly.
# Each group (the embeddings, each encoder layer, the classifier) is scored by
# how much closer to fp32 the int8 model gets when that group alone stays fp32:
# mean KL(fp32 || int8) of the per-word label distributions on raw news
# sentences. Unlabelled text, so no dev or test sentence takes part in the
# choice. Only encoder layers are kept fp32: the embedding table in fp32 adds
# 22 MB for a small gain (KL 0.0207 -> 0.0155 for the 12-layer round-2 model),
# and the model folder must stay near 100 MB; every group is still scored and
# reported. `--fp16-embeddings` stores the table fp16 instead (+13 MB): with
# it and four layers fp32 the shipped 8-layer model's graph comes within half a
# point of fp32 on the dev split (0.7988 against 0.8002; 0.7926 with three
# layers and int8 embeddings; the two changes were not measured apart).
SENSITIVITY_SENTENCES = 300
KEEPABLE = "layer."  # group-name prefix of the groups `keep_fp32` may choose


def node_groups(fp32_path: Path) -> dict[str, list[str]]:
    """Weight-bearing MatMul/Gather node names per group: embeddings, layer.N, classifier."""
    import re

    import onnx

    model = onnx.load(str(fp32_path), load_external_data=False)
    weights = {i.name for i in model.graph.initializer}
    groups: dict[str, list[str]] = {}
    for node in model.graph.node:
        if node.op_type not in ("MatMul", "Gather") or not any(i in weights for i in node.input):
            continue
        layer = re.search(r"layer\.(\d+)/", node.name)
        group = (f"layer.{int(layer.group(1)):02d}" if layer
                 else "classifier" if "classifier" in node.name else "embeddings")
        groups.setdefault(group, []).append(node.name)
    return dict(sorted(groups.items()))


def raw_news_sentences(data_dir: Path, n: int = SENSITIVITY_SENTENCES) -> list[list[str]]:
    """`n` sentences (as words) from the end of the Tunisian raw news file:
    text no NER split uses."""
    from pipeline.io.raw_news import JAWHARAFM, iter_records, news_path

    texts = [rec.get("text") or "" for rec in iter_records(news_path(data_dir, JAWHARAFM))][-400:]
    out: list[list[str]] = []
    for text in texts:
        for sentence in text.replace("\n", ".").split("."):
            words = sentence.split()
            if 6 <= len(words) <= 40:
                out.append(words)
                if len(out) == n:
                    return out
    return out


def mean_kl(ref: list, other: list) -> float:
    import numpy as np

    total = sum(float((np.exp(r) * (r - o)).sum()) for r, o in zip(ref, other))
    return total / max(1, sum(len(r) for r in ref))


def layer_sensitivity(fp32_path: Path, tokenizer, sentences: list[list[str]],
                      max_length: int = 128, context: int = 0, pooling: str = "first",
                      log=print, features=None) -> dict[str, float]:
    """KL to fp32 with everything int8 ("all int8"), and with each group kept
    fp32. `features`: the gazetteer features of a model trained with them."""
    from pipeline.ner.infer import _onnx_forward
    from pipeline.ner.train import word_log_probs

    def log_probs(path: Path) -> list:
        return word_log_probs(_onnx_forward(path, 0, features), tokenizer, sentences, max_length,
                              context=context, pooling=pooling)

    ref = log_probs(fp32_path)
    groups = node_groups(fp32_path)
    result: dict[str, float] = {}
    for name, nodes in [("all int8", []), *groups.items()]:
        variant = fp32_path.with_name("variant.int8.onnx")
        quantize(fp32_path, variant, exclude=nodes)
        result[name] = mean_kl(ref, log_probs(variant))
        log(f"  {name:<12} kept fp32: KL to fp32 {result[name]:.5f}")
    return result


def most_sensitive(kl: dict[str, float], keep: int) -> list[str]:
    """The `keep` encoder layers whose staying fp32 brings int8 closest to fp32."""
    groups = sorted((g for g in kl if g.startswith(KEEPABLE)), key=lambda g: kl[g])
    return groups[:keep]


def build(folder: Path, *, quantize_embeddings: bool = True, keep_fp32: int = 0,
          data_dir: Path | None = None, log=print) -> tuple[Path, dict]:
    """Write `folder/model.int8.onnx`; with `keep_fp32`, the groups whose int8
    costs the most (measured on raw news) stay fp32. Returns the path and a
    summary of what was kept and why."""
    from transformers import AutoTokenizer

    folder = Path(folder)
    summary: dict = {"keep_fp32": []}
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.fp32.onnx"
        export_onnx(folder, fp32)
        exclude: list[str] = []
        if keep_fp32:
            if data_dir is None:
                raise ValueError("keep_fp32 needs data_dir (raw news for the sensitivity pass)")
            tokenizer = AutoTokenizer.from_pretrained(folder)
            kl = layer_sensitivity(fp32, tokenizer, raw_news_sentences(data_dir),
                                   context=trained_context(folder),
                                   pooling=trained_pooling(folder), log=log,
                                   features=features_for(folder))
            kept = most_sensitive(kl, keep_fp32)
            groups = node_groups(fp32)
            exclude = [n for g in kept for n in groups[g]]
            summary = {"keep_fp32": kept, "kl_to_fp32": {k: round(v, 6) for k, v in kl.items()},
                       "sentences": SENSITIVITY_SENTENCES,
                       "text": "raw_news/ant_jawharafm_v1.1.jsonl.gz, last 400 articles"}
        out = folder / ONNX_FILE
        quantize(fp32, out, embeddings=quantize_embeddings, exclude=exclude)
    # The graph's other setting: say it too, so the file explains the graph.
    summary["embeddings"] = "int8" if quantize_embeddings else "fp16"
    return out, summary


def compare_runtimes(folder: Path, data_dir: Path, max_length: int = 128) -> dict:
    """Dev-split scores of the torch model in fp32, of the int8 ONNX model and,
    on a CPU with hardware bf16 (AMX or AVX512-BF16), of the torch model in
    bf16 (elsewhere torch emulates bf16: slow, and not what `runtime = "auto"`
    runs there)."""
    from transformers import AutoTokenizer

    from pipeline.ner import crf
    from pipeline.ner import data as D
    from pipeline.ner.infer import _onnx_forward, _torch_forward, bf16_matmul, cpu_info
    from pipeline.ner.train import evaluate

    tokenizer = AutoTokenizer.from_pretrained(folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    labels = [config["id2label"][str(i)] for i in range(len(config["id2label"]))]
    types = json.loads((folder / "labels.json").read_text(encoding="utf-8"))["output_types"]
    _, dev = D.anercorp_split(data_dir)
    runtimes = [("torch_fp32", lambda: _torch_forward(folder, 0))]
    if bf16_matmul():
        runtimes.append(("torch_bf16", lambda: _torch_forward(folder, 0, bf16=True)))
    runtimes.append(("onnx_int8", lambda: _onnx_forward(folder / ONNX_FILE, 0,
                                                        features_for(folder))))
    # int8 results can differ by CPU (VNNI vs AVX2 kernels): say where they came from.
    result: dict = {"cpu": cpu_info()[0]}
    context, pooling = trained_context(folder), trained_pooling(folder)
    transitions = crf.load(folder, labels)
    for name, make in runtimes:
        result[name] = evaluate(make(), tokenizer, labels, dev, types, max_length,
                                context=context, pooling=pooling, transitions=transitions)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--evaluate", action="store_true",
                        help="score fp32 torch and int8 onnx (and bf16 where the CPU has it "
                             "in hardware) on the ANERcorp dev split")
    parser.add_argument("--fp16-embeddings", action="store_true",
                        help="keep the embedding tables out of int8, stored fp16 (+7 MB)")
    parser.add_argument("--keep-fp32", type=int, default=0, metavar="N",
                        help="keep the N groups (encoder layers, embeddings, classifier) whose "
                             "int8 costs most, measured on raw news, in fp32")
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--score-only", action="store_true",
                        help="no export: score the folder's existing files (with --evaluate)")
    args = parser.parse_args(argv)
    if not args.score_only:
        path, summary = build(args.folder, quantize_embeddings=not args.fp16_embeddings,
                              keep_fp32=args.keep_fp32, data_dir=args.data_dir)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB); kept fp32: "
              f"{', '.join(summary['keep_fp32']) or 'nothing'}")
        (args.folder / "quantization.json").write_text(json.dumps(summary, indent=2),
                                                        encoding="utf-8")
    if args.evaluate or args.score_only:
        scores = compare_runtimes(args.folder, args.data_dir)
        print(f"dev split scores on {scores['cpu']}")
        for name, s in scores.items():
            if name == "cpu":
                continue
            per = " ".join(f"{k} {v['f1-score']:.4f}" for k, v in s["per_label"].items())
            print(f"{name}: dev F1 {s['f1']:.4f} (P {s['precision']:.4f} R {s['recall']:.4f}) {per}")
        if not args.score_only:  # the shipped scores.json keeps the export's own run
            path = args.folder / "scores.json"
            saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
            saved["runtimes"] = scores
            path.write_text(json.dumps(saved, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
