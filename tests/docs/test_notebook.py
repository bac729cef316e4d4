"""examples/quickstart.ipynb executes top to bottom in a real Jupyter kernel (nbclient).

The kernel is the ``python3`` spec that ipykernel installs into the environment; jupyter_client
starts it with the running interpreter, so the notebook sees this environment's savantsdk.
The stored notebook carries no outputs (clean diffs); the executed copy must show the props,
a DataFrame when pandas is installed, and the async cell's pitchers.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

from docs_support import ROOT, require_modules

NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"
CELL_TIMEOUT_S = 180


def _text(cell: Any) -> str:
    parts: list[str] = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif out["output_type"] in {"execute_result", "display_data"}:
            parts.append(out["data"].get("text/plain", ""))
            parts.append(out["data"].get("text/html", ""))
    return "".join(parts)


def test_stored_notebook_is_valid_and_clean() -> None:
    require_modules("nbformat")
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_notebook_executes(tmp_path: Path) -> None:
    require_modules("nbformat", "nbclient", "ipykernel")
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's working directory
    )
    client.execute()  # raises CellExecutionError with the traceback if a cell fails

    texts = [_text(c) for c in nb.cells if c.cell_type == "code"]
    joined = "\n".join(texts)
    assert re.search(
        r"^[1-9]\d* props, [1-9]\d* games, [1-9]\d* lines from \('odds_api',\)",
        joined,
        re.MULTILINE,
    ), joined
    if importlib.util.find_spec("pandas") is not None:
        assert "<table" in joined
        assert "p_over" in joined
        assert "edge" in joined
    assert re.search(r"mean \d\.\d\d  P\(over 4\.5\) 0\.\d{3}", joined), joined
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
