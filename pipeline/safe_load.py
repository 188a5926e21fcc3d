"""Model folders are data, never code.

A model folder may come from anywhere (a colleague, a download, a pull
request). Pickle files -- PyTorch's `pytorch_model.bin`, `*.pt`, `*.ckpt`,
the Trainer's `training_args.bin` -- run arbitrary code when loaded, and a
`config.json` with `auto_map` plus a `*.py` file asks transformers to import
code from the folder. We load weights only from safetensors and ONNX, and
refuse, before loading anything, a folder that holds any of those files, so a
model folder from an untrusted source cannot run code here.
"""

from __future__ import annotations

import json
from pathlib import Path

# Weight formats that are Python pickles (or zip files holding one).
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib")
SAFE_WEIGHTS = ("*.safetensors", "*.onnx")
# Bytes a pickle (protocol 2+) or a torch zip archive starts with, for files
# whose name does not give them away.
_PICKLE_MAGIC = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05", b"PK\x03\x04")


class UnsafeModelError(ValueError):
    """A model folder that could run code when loaded."""


def check_model_folder(folder: str | Path) -> None:
    """Raise UnsafeModelError naming every file that makes `folder` unsafe."""
    folder = Path(folder)
    problems: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder)
        if path.suffix.lower() in PICKLE_SUFFIXES:
            problems.append(f"{rel} (a pickle: loading it can run code)")
        elif path.suffix.lower() == ".py":
            problems.append(f"{rel} (Python code shipped with the model)")
        elif path.suffix.lower() not in (".json", ".safetensors", ".onnx", ".txt", ".tsv",
                                         ".md") and _starts_like_pickle(path):
            problems.append(f"{rel} (pickle data under another name)")
    config = folder / "config.json"
    if config.is_file():
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"config.json (not readable JSON: {exc})")
        else:
            if isinstance(data, dict) and "auto_map" in data:
                problems.append("config.json (auto_map: asks to import code from the folder)")
    if problems:
        raise UnsafeModelError(
            f"refusing to load the model in {folder}: it holds " + "; ".join(problems)
            + ". Models load from safetensors or ONNX only; convert the weights "
              "(safetensors.torch.save_file) in a sandbox and remove the other files.")


def _starts_like_pickle(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return False
    return head.startswith(_PICKLE_MAGIC)
