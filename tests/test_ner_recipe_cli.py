"""The recipe's command line (`python -m pipeline.ner.train CONFIG`): a
variant of a recipe -- another seed, another output -- without a copy of the
file whose relative paths would all need rewriting."""

import pytest

from pipeline.ner.train import recipe_config

RECIPE = """[train]
base = "../models/default"
output = "../build/run"
data_dir = "../data"
seed = 13
keep_layers = [0, 1, 3]

[[train.sources]]
path = "../build/silver.conll"
sample = 20
"""


@pytest.fixture
def recipe(tmp_path, monkeypatch):
    (tmp_path / "configs").mkdir()
    path = tmp_path / "configs" / "r.toml"
    path.write_text(RECIPE, encoding="utf-8")
    here = tmp_path / "elsewhere"
    here.mkdir()
    monkeypatch.chdir(here)
    return path


def test_set_overrides_keys_and_reads_its_paths_from_the_working_folder(recipe, tmp_path):
    cfg = recipe_config([str(recipe), "--set", "seed=14", "--set", 'output="out/seed14"',
                         "--set", "keep_layers=[0, 2]"])
    assert cfg.seed == 14
    assert cfg.keep_layers == [0, 2]
    assert cfg.output == tmp_path / "elsewhere" / "out" / "seed14"
    # the file's own paths still resolve against the file's folder
    assert cfg.base == tmp_path / "models" / "default"
    assert cfg.sources[0].path == tmp_path / "build" / "silver.conll"


def test_without_set_the_recipe_is_read_as_written(recipe, tmp_path):
    cfg = recipe_config([str(recipe), "--epochs", "2"])
    assert (cfg.seed, cfg.epochs, cfg.output) == (13, 2, tmp_path / "build" / "run")


@pytest.mark.parametrize("item, message", [
    ("sed=14", "unknown \\[train\\] keys \\['sed'\\]"),
    ("seed", "expected KEY=VALUE"),
])
def test_a_bad_set_names_what_is_wrong_and_exits_2(recipe, capsys, item, message):
    import re

    with pytest.raises(SystemExit) as stop:
        recipe_config([str(recipe), "--set", item])
    assert stop.value.code == 2
    assert re.search(message, capsys.readouterr().err)
