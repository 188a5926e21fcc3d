"""Safe loading: a model folder from an untrusted source cannot run code, and
a config is TOML data that is never executed."""

import json
import os
import pickle
import subprocess
import sys

import pytest

from pipeline.config import ConfigError, load_config
from pipeline.safe_load import UnsafeModelError, check_model_folder
from tests.conftest import REPO


class _Payload:
    """Unpickling this runs `touch MARKER`: what a hostile pytorch_model.bin does."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def hostile_folder(tmp_path, weights_name="pytorch_model.bin"):
    """A model folder whose weights are a pickle that leaves a marker file when loaded."""
    folder = tmp_path / "model"
    folder.mkdir()
    marker = tmp_path / "code_ran"
    (folder / "config.json").write_text(json.dumps({
        "model_type": "bert", "architectures": ["BertForTokenClassification"],
        "id2label": {"0": "O", "1": "B-PER", "2": "I-PER"}, "hidden_size": 8,
        "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16,
        "vocab_size": 32}), encoding="utf-8")
    (folder / weights_name).write_bytes(pickle.dumps(_Payload(marker), protocol=4))
    return folder, marker


@pytest.mark.parametrize("name", ["pytorch_model.bin", "model.pt", "checkpoint.ckpt",
                                  "training_args.bin", "weights.pkl"])
def test_a_folder_holding_a_pickle_is_refused_by_name(tmp_path, name):
    folder, marker = hostile_folder(tmp_path, name)
    with pytest.raises(UnsafeModelError, match=f"{name} \\(a pickle: loading it can run code\\)"):
        check_model_folder(folder)
    assert not marker.exists()


def test_a_pickle_under_an_innocent_name_is_refused_by_its_bytes(tmp_path):
    folder, marker = hostile_folder(tmp_path, "weights.data")
    with pytest.raises(UnsafeModelError, match="pickle data under another name"):
        check_model_folder(folder)


def test_code_in_the_folder_is_refused(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(
        {"auto_map": {"AutoModelForTokenClassification": "modeling_evil.Evil"}}))
    (folder / "modeling_evil.py").write_text("import os; os.system('touch pwned')\n")
    with pytest.raises(UnsafeModelError) as err:
        check_model_folder(folder)
    assert "modeling_evil.py" in str(err.value) and "auto_map" in str(err.value)


@pytest.mark.parametrize("runtime", ["torch", "onnx"])
def test_the_ner_model_refuses_a_hostile_folder_before_loading_anything(tmp_path, runtime):
    from pipeline.ner.infer import NerModel

    folder, marker = hostile_folder(tmp_path)
    with pytest.raises(UnsafeModelError, match="safetensors or ONNX only"):
        NerModel(folder, runtime)
    assert not marker.exists(), "the pickle ran"


def test_the_entities_stage_reports_the_refusal_through_the_cli(tmp_path):
    folder, marker = hostile_folder(tmp_path)
    article = tmp_path / "a.txt"
    article.write_text("وصل الوزير ناصر بوريطة إلى الكويت.", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline", "annotate", str(article),
                           "--model", str(folder), "--set", 'stages.entities.runtime="torch"'],
                          cwd=REPO, capture_output=True, timeout=300)
    assert proc.returncode != 0
    assert "refusing to load the model" in proc.stderr.decode("utf-8", "replace")
    assert not marker.exists(), "the pickle ran"


def test_transformers_is_told_safetensors_only(tmp_path):
    """Even past our check, the torch runtime asks transformers for safetensors:
    a folder with only a pickle fails to load instead of unpickling it."""
    import torch
    from transformers import AutoModelForTokenClassification, BertConfig, BertForTokenClassification

    folder, marker = hostile_folder(tmp_path)
    config = BertConfig(**{k: v for k, v in json.loads((folder / "config.json").read_text())
                           .items() if k not in ("architectures",)})
    (folder / "pytorch_model.bin").unlink()
    torch.save(BertForTokenClassification(config).state_dict(), folder / "pytorch_model.bin")
    with pytest.raises(OSError):
        AutoModelForTokenClassification.from_pretrained(folder, use_safetensors=True,
                                                        local_files_only=True)


def test_the_shipped_model_folders_are_safe():
    folders = [p.parent for p in (REPO / "models").glob("*/config.json")]
    if not folders:
        pytest.skip("no model shipped in models/ yet")
    for folder in folders:
        check_model_folder(folder)


# -- configs are data ---------------------------------------------------------

def test_a_config_holding_code_is_only_ever_a_string(tmp_path):
    marker = tmp_path / "code_ran"
    cfg = tmp_path / "evil.toml"
    cfg.write_text(f'[pipeline]\nstages = ["__import__(\'os\').system(\'touch {marker}\')"]\n')
    with pytest.raises(ConfigError, match="unknown stage"):
        load_config(cfg)
    assert not marker.exists()


def test_a_config_cannot_name_a_factory_to_import(tmp_path):
    cfg = tmp_path / "evil.toml"
    cfg.write_text('[pipeline]\nstages = ["tokenize"]\n'
                   '[stages.tokenize]\ntarget = "os:system"\n')
    with pytest.raises(ConfigError, match="unknown key 'target'"):
        load_config(cfg)


def test_a_set_override_is_parsed_as_toml_not_evaluated(tmp_path):
    marker = tmp_path / "code_ran"
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "annotate", str(REPO / "seeds"), "--stages",
         "tokenize", "--set", f"pipeline.batch_size=__import__('os').system('touch {marker}')"],
        cwd=REPO, capture_output=True, timeout=120)
    assert proc.returncode == 2
    assert "expected int" in proc.stderr.decode()
    assert not marker.exists()
