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

from pipeline.ner.infer import ONNX_FILE

OPSET = 17


def export_onnx(folder: Path, fp32_path: Path) -> None:
    import torch
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(folder, dtype=torch.float32)
    model.eval()
    model.config.return_dict = False
    ids = torch.tensor([[0, 500, 600, 700, 2], [0, 800, 900, 2, 1]], dtype=torch.long)
    mask = (ids != 1).long()

    class Logits(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask)[0]

    torch.onnx.export(
        Logits(model), (ids, mask), str(fp32_path), input_names=["input_ids", "attention_mask"],
        output_names=["logits"], opset_version=OPSET, dynamo=False,
        dynamic_axes={"input_ids": {0: "batch", 1: "length"},
                      "attention_mask": {0: "batch", 1: "length"},
                      "logits": {0: "batch", 1: "length"}})


def quantize(fp32_path: Path, int8_path: Path, *, embeddings: bool = True) -> None:
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
                     per_channel=True, op_types_to_quantize=ops)
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


def build(folder: Path, *, quantize_embeddings: bool = True) -> Path:
    folder = Path(folder)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.fp32.onnx"
        export_onnx(folder, fp32)
        out = folder / ONNX_FILE
        quantize(fp32, out, embeddings=quantize_embeddings)
    return out


def compare_runtimes(folder: Path, data_dir: Path, max_length: int = 128) -> dict:
    """Dev-split scores of the fp32 torch model and the int8 ONNX model."""
    from transformers import AutoTokenizer

    from pipeline.ner import data as D
    from pipeline.ner.infer import _onnx_forward, _torch_forward
    from pipeline.ner.train import evaluate

    tokenizer = AutoTokenizer.from_pretrained(folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    labels = [config["id2label"][str(i)] for i in range(len(config["id2label"]))]
    types = json.loads((folder / "labels.json").read_text(encoding="utf-8"))["output_types"]
    _, dev = D.anercorp_split(data_dir)
    result = {}
    for name, forward in (("torch_fp32", _torch_forward(folder, 0)),
                          ("onnx_int8", _onnx_forward(folder / ONNX_FILE, 0))):
        result[name] = evaluate(forward, tokenizer, labels, dev, types, max_length)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--evaluate", action="store_true",
                        help="score fp32 torch and int8 onnx on the ANERcorp dev split")
    parser.add_argument("--fp16-embeddings", action="store_true",
                        help="keep the embedding tables out of int8, stored fp16 (+7 MB)")
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    args = parser.parse_args(argv)
    path = build(args.folder, quantize_embeddings=not args.fp16_embeddings)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    if args.evaluate:
        scores = compare_runtimes(args.folder, args.data_dir)
        for name, s in scores.items():
            per = " ".join(f"{k} {v['f1-score']:.4f}" for k, v in s["per_label"].items())
            print(f"{name}: dev F1 {s['f1']:.4f} (P {s['precision']:.4f} R {s['recall']:.4f}) {per}")
        path = args.folder / "scores.json"
        saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        saved["runtimes"] = scores
        path.write_text(json.dumps(saved, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
