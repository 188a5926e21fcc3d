"""Training checkpoints without pickles: safetensors for tensors, JSON for the rest.

A checkpoint is everything needed to continue a run as if it had never
stopped: the fp32 weights, the AdamW moments, the learning-rate schedule,
the random generators (dropout draws from torch's) and where the loop was.
`torch.save` would pickle all of that; a pickle runs code when loaded, so a
model folder someone sends you could do anything. Here the optimizer state is
split into its tensors (safetensors) and its scalars (JSON):

    checkpoint/
      model.safetensors       fp32 weights (state_dict)
      optimizer.safetensors   "<param index>.<name>" -> tensor (exp_avg, exp_avg_sq, step)
      optimizer.json          param_groups (lr, betas, ...) and non-tensor state
      rng.safetensors         torch's CPU generator state
      trainer_state.json      loop position, history, scheduler, python/numpy RNG

A checkpoint is written to a temporary folder and swapped in, so an
interruption while saving leaves the previous checkpoint intact.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import numpy as np

FILES = ("model.safetensors", "optimizer.safetensors", "optimizer.json", "rng.safetensors",
         "trainer_state.json")


def exists(folder: Path) -> bool:
    return _readable(folder) is not None


def _readable(folder: Path) -> Path | None:
    # A crash between the two renames of save() leaves only the `.old` copy.
    for candidate in (folder, folder.with_name(folder.name + ".old")):
        if all((candidate / f).exists() for f in FILES):
            return candidate
    return None


def save(folder: Path, model, optimizer, scheduler, state: dict[str, Any]) -> None:
    import torch
    from safetensors.torch import save_file

    tmp = folder.with_name(folder.name + ".tmp")
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file({k: v.detach().contiguous() for k, v in model.state_dict().items()},
              str(tmp / "model.safetensors"))
    opt = optimizer.state_dict()
    tensors, scalars = {}, {}
    for pid, st in opt["state"].items():
        for name, value in st.items():
            if isinstance(value, torch.Tensor):
                tensors[f"{pid}.{name}"] = value.detach().contiguous()
            else:
                scalars.setdefault(str(pid), {})[name] = value
    save_file(tensors, str(tmp / "optimizer.safetensors"))
    _write_json(tmp / "optimizer.json", {"param_groups": opt["param_groups"], "scalars": scalars})
    save_file({"torch_cpu": torch.get_rng_state()}, str(tmp / "rng.safetensors"))
    np_state = np.random.get_state()
    _write_json(tmp / "trainer_state.json", {
        **state,
        "scheduler": scheduler.state_dict(),
        "python_rng": random.getstate(),
        "numpy_rng": [np_state[0], np_state[1].tolist(), *np_state[2:]],
    })
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    tmp.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def read_state(folder: Path) -> dict[str, Any]:
    """The loop's state alone (cheap: to check a --resume before loading a model)."""
    where = _readable(folder)
    if where is None:
        raise FileNotFoundError(f"no complete checkpoint in {folder}")
    return json.loads((where / "trainer_state.json").read_text(encoding="utf-8"))


def load(folder: Path, model, optimizer, scheduler) -> dict[str, Any]:
    """Restore weights, optimizer, schedule and random generators in place;
    return the loop's state. Order matters: the scheduler was created on the
    optimizer, so the optimizer's saved lr/initial_lr must land after it."""
    import torch
    from safetensors.torch import load_file

    where = _readable(folder)
    if where is None:
        raise FileNotFoundError(f"no complete checkpoint in {folder}")
    model.load_state_dict(load_file(str(where / "model.safetensors")))
    meta = json.loads((where / "optimizer.json").read_text(encoding="utf-8"))
    state: dict[int, dict[str, Any]] = {}
    for key, tensor in load_file(str(where / "optimizer.safetensors")).items():
        pid, name = key.split(".", 1)
        state.setdefault(int(pid), {})[name] = tensor
    for pid, values in meta["scalars"].items():
        state.setdefault(int(pid), {}).update(values)
    groups = [dict(g, betas=tuple(g["betas"])) if "betas" in g else g
              for g in meta["param_groups"]]
    optimizer.load_state_dict({"state": state, "param_groups": groups})
    saved = json.loads((where / "trainer_state.json").read_text(encoding="utf-8"))
    scheduler.load_state_dict(saved.pop("scheduler"))
    version, internal, gauss = saved.pop("python_rng")
    random.setstate((version, tuple(internal), gauss))
    name, keys, pos, has_gauss, cached = saved.pop("numpy_rng")
    np.random.set_state((name, np.array(keys, dtype=np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(load_file(str(where / "rng.safetensors"))["torch_cpu"])
    return saved


def remove(folder: Path) -> None:
    for path in (folder, folder.with_name(folder.name + ".tmp"),
                 folder.with_name(folder.name + ".old")):
        shutil.rmtree(path, ignore_errors=True)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
