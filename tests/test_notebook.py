"""notebooks/walkthrough.ipynb runs top to bottom (a two-step training run:
WALKTHROUGH_TINY=1), so the worked example can never rot.

    python tests/test_notebook.py            # re-execute it and save its outputs
"""

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "walkthrough.ipynb"


def execute(path: Path, tiny: bool, timeout: int = 600):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    previous = os.environ.get("WALKTHROUGH_TINY")
    os.environ["WALKTHROUGH_TINY"] = "1" if tiny else "0"  # the kernel inherits it
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        if previous is None:
            del os.environ["WALKTHROUGH_TINY"]
        else:
            os.environ["WALKTHROUGH_TINY"] = previous
    return nb


@pytest.mark.slow
def test_walkthrough_notebook_runs_with_a_tiny_training_run():
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = execute(NOTEBOOK, tiny=True, timeout=300)
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "$ arabic-news annotate" in text
    if "(present)" in text:  # with a model, the whole loop ran
        assert "$ arabic-news train" in text and "gold micro-F1 (token level)" in text


if __name__ == "__main__":
    import nbformat

    executed = execute(NOTEBOOK, tiny="--tiny" in sys.argv)
    nbformat.write(executed, NOTEBOOK)
    print(f"executed and saved {NOTEBOOK}")
