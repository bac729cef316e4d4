"""Every ```python block of README.md and docs/*.md runs, offline, against the real API.

The blocks of one page run in order in one namespace (``run_doc_blocks.py``), in a subprocess
started from the project root, since the pages read ``../shared/data`` relative to it.  The
selected pages run two at a time (the suite's machines have two cores), started when the first
page test needs them.  A block
opts out only with ``<!-- not-run: reason -->`` right before its fence (network, real keys,
fragments); the parser rejects a marker without a reason or without a block after it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from docs_support import (
    ROOT,
    Block,
    documented_pages,
    explain,
    python_blocks,
    run,
    shared_data_dir,
)

RUNNER = Path(__file__).with_name("run_doc_blocks.py")
PAGE_TIMEOUT_S = 300
WORKERS = 2


def _blocks(page: Path) -> list[Block]:
    return python_blocks(page)


def _runnable_pages() -> list[Path]:
    pages = []
    for page in documented_pages():
        try:
            if any(b.not_run is None for b in _blocks(page)):
                pages.append(page)
        except ValueError:
            pages.append(page)  # reported by the test below
    return pages


def test_pages_parse_and_opt_outs_give_reasons() -> None:
    opted_out: list[str] = []
    runnable = 0
    for page in documented_pages():
        for block in _blocks(page):  # raises on a bad marker or fence
            if block.not_run is None:
                runnable += 1
            else:
                opted_out.append(f"{block.path.name}:{block.line}: {block.not_run}")
    assert runnable > 0
    # opt-outs are the exception: network, real keys, fragments
    assert len(opted_out) <= runnable // 3, opted_out


def test_parser_rejects_bad_markers(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("<!-- not-run: -->\n```python\nx = 1\n```\n")
    with pytest.raises(ValueError, match="without a reason"):
        python_blocks(page)
    page.write_text("<!-- not-run: network -->\n\ntext\n```python\nx = 1\n```\n")
    with pytest.raises(ValueError, match="not followed by a block"):
        python_blocks(page)
    page.write_text("<!-- not-run: network -->\n```sh\nls\n```\n")
    with pytest.raises(ValueError, match="non-python block"):
        python_blocks(page)
    page.write_text(
        "# t\n\n<!-- not-run: needs a key -->\n\n```python\nx = 1\n```\n```python\ny = 2\n```\n"
    )
    blocks = python_blocks(page)
    assert [(b.line, b.code, b.not_run) for b in blocks] == [
        (6, "x = 1\n", "needs a key"),
        (9, "y = 2\n", None),
    ]


def test_runner_reports_the_markdown_line(tmp_path: Path) -> None:
    page = tmp_path / "broken.md"
    page.write_text(
        "# t\n\n```python\nx = 1\n```\n\n```python\nimport math\nmath.sqrt(x) / 0\n```\n"
    )
    proc = run([sys.executable, str(RUNNER), str(page)], timeout=60)
    assert proc.returncode != 0
    assert f'File "{page}", line 9' in proc.stderr
    assert "ZeroDivisionError" in proc.stderr
    page.write_text("```python\nimport anyio\nawait anyio.sleep(0)\nprint('awaited')\n```\n")
    proc = run([sys.executable, str(RUNNER), str(page)], timeout=60)
    assert proc.returncode == 0, explain(proc)
    assert "awaited" in proc.stdout


def _run_page(page: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, str(RUNNER), str(page.relative_to(ROOT))], timeout=PAGE_TIMEOUT_S)


def _cost(page: Path) -> int:
    """A page's expected run time, roughly: the size of its runnable code."""
    try:
        return sum(len(b.code) for b in _blocks(page) if b.not_run is None)
    except ValueError:
        return 0


@pytest.fixture(scope="module")
def page_runs(request: pytest.FixtureRequest) -> Iterator[dict[Path, Future[Any]]]:
    """Start every selected page at once on a small pool; tests wait for their own page."""
    selected: list[Path] = [
        Path(str(item.callspec.params["page"]))
        for item in request.session.items
        if isinstance(item, pytest.Function)
        and item.originalname == "test_page_code_blocks_run"
        and hasattr(item, "callspec")
    ]
    selected.sort(key=_cost, reverse=True)  # longest first: the pool must not end on one
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="doc-page") as pool:
        futures = {page: pool.submit(_run_page, page) for page in selected}
        yield futures
        for future in futures.values():
            future.cancel()


@pytest.mark.parametrize("page", _runnable_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_page_code_blocks_run(page: Path, page_runs: dict[Path, Future[Any]]) -> None:
    blocks = _blocks(page)
    if any("../shared/data" in b.code for b in blocks if b.not_run is None):
        shared_data_dir()
    proc: subprocess.CompletedProcess[str] = page_runs[page].result()
    assert proc.returncode == 0, explain(proc)
    ran = [ln for ln in proc.stdout.splitlines() if ln.startswith("# ") and ": ok in " in ln]
    assert len(ran) == sum(b.not_run is None for b in blocks), proc.stdout
