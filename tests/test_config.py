"""A config mistake fails at load time, naming the key and what it accepts."""

import pytest

from pipeline.config import ConfigError, load_config
from pipeline.stages import PipelineError


def write(tmp_path, body: str):
    path = tmp_path / "c.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_tokenize_only_config_builds_and_runs(tmp_path):
    cfg = load_config(write(tmp_path, '[pipeline]\nstages = ["tokenize"]\n'))
    from pipeline.document import Document
    doc = cfg.build_pipeline()(Document(id="x", text="قال المصدر.وأضاف"))
    assert [doc.text[t.start:t.end] for t in doc.tokens] == ["قال", "المصدر", ".", "وأضاف"]
    assert len(doc.sentences) == 2


def test_bad_choice_lists_allowed_values(tmp_path):
    path = write(tmp_path, '[pipeline]\nstages = ["tokenize"]\n[stages.tokenize]\nbackend = "spacey"\n')
    with pytest.raises(ConfigError, match=r"\[stages.tokenize\] backend = 'spacey': allowed values: 'spacy', 'stanza'"):
        load_config(path)


def test_unknown_key_lists_allowed_keys(tmp_path):
    path = write(tmp_path, '[pipeline]\nstages = ["tokenize"]\nbatchsize = 3\n')
    with pytest.raises(ConfigError, match=r"\[pipeline\] unknown key 'batchsize'; allowed keys: stages, batch_size"):
        load_config(path)


def test_unknown_stage_lists_registered_stages(tmp_path):
    path = write(tmp_path, '[pipeline]\nstages = ["tokenize", "ner"]\n')
    with pytest.raises(ConfigError, match=r"unknown stage 'ner'; allowed: tokenize, quantities, entities"):
        load_config(path)


def test_wrong_type_names_the_key(tmp_path):
    path = write(tmp_path, '[pipeline]\nstages = ["tokenize"]\nbatch_size = "big"\n')
    with pytest.raises(ConfigError, match=r"\[pipeline\] batch_size = 'big': expected int"):
        load_config(path)


def test_unknown_table(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown table \[pipelines\]"):
        load_config(write(tmp_path, '[pipelines]\nstages = []\n'))


def test_invalid_toml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[pipeline\n"))
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_misordered_pipeline_fails_at_build(tmp_path):  # entities need tokens
    cfg = load_config(write(tmp_path, '[pipeline]\nstages = ["tokenize"]\n'),
                      overrides={"pipeline.stages": ["entities", "tokenize"]})
    with pytest.raises(PipelineError, match="stage 'entities' requires sentences, tokens"):
        cfg.build_pipeline()


def test_stanza_backend_without_models_says_how_to_get_them(tmp_path):
    path = write(tmp_path, '[pipeline]\nstages = ["tokenize"]\n[stages.tokenize]\n'
                           'backend = "stanza"\nstanza_dir = "no_such_dir"\n')
    with pytest.raises(Exception, match="stanza") as info:
        load_config(path).build_pipeline()
    assert "stanza_dir" in str(info.value) or "pip install" in str(info.value)


def test_dotted_overrides_are_validated_too(tmp_path):
    path = write(tmp_path, '[pipeline]\nstages = ["tokenize"]\n')
    with pytest.raises(ConfigError, match="batch_size"):
        load_config(path, overrides={"pipeline.batch_size": True})
