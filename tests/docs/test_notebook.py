"""examples/quickstart.ipynb executes top to bottom in a real Jupyter kernel (nbclient).

The kernel is the ``python3`` spec that ipykernel installs into the environment; jupyter_client
starts it with the running interpreter, so the notebook sees this environment's savantsdk.
The stored notebook carries no outputs (clean diffs); the executed copy must show the props,
the DataFrames, the async cell's pitchers, the one-liners' results (Statcast, schedule,
leaderboard, lookup with its ids and a fuzzy score), a progress bar over the Statcast days and
the register's shards, and the two pitch plots as an image.  It needs the ``notebook`` extra.
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
    return "\n".join(parts)  # one output per line: a bar's carriage return never glues on


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
    require_modules("nbformat", "nbclient", "ipykernel", "pandas", "matplotlib")
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
    # the one-liners
    assert re.search(r"^[1-9]\d* pitches from [1-9]\d* games, 2024-", joined, re.MULTILINE), joined
    assert re.search(r"^game \d+: [1-9]\d* pitches$", joined, re.MULTILINE), joined
    assert re.search(r"^[1-9]\d* games on 2024-\d\d-\d\d; .+: 1 game\(s\)$", joined, re.MULTILINE)
    assert "est_woba" in joined
    ids = r"key_mlbam=\d+, key_fangraphs=\d+, key_bbref=[a-z]+\d\d, key_retro=[a-z]+\d{3}"
    assert re.search(rf"^\w+ \w+ -> {ids}$", joined, re.MULTILINE), joined
    assert "key_bbref" in joined  # the lookup's frame
    assert re.search(r"<td>[7-9]\d\.\d</td>", joined), joined  # the misspelling's fuzzy score
    # progress bars on the long pulls (stderr, text bars without ipywidgets)
    assert re.search(r"statcast: 100%.*3/3", joined), joined
    assert re.search(r"chadwick register: 100%.*16/16", joined), joined
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 1  # the strike zone and the movement plot, side by side
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
