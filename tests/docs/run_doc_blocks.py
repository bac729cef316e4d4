"""Run the ```python blocks of one Markdown page, in order, in one namespace.

Usage: ``python tests/docs/run_doc_blocks.py PAGE.md`` from the project root (the pages use
paths such as ``../shared/data`` relative to it).  Blocks share globals, like the cells of a
notebook, so a page can build on its earlier blocks.  Top-level ``await``/``async with`` is
allowed (as in ``python -m asyncio`` and Jupyter); such a block runs in its own event loop.
Tracebacks name the Markdown file and line.  Blocks marked ``<!-- not-run: reason -->`` are
skipped.  Exit status 0 when every block ran.
"""

from __future__ import annotations

import ast
import inspect
import sys
import time
from pathlib import Path
from typing import Any

from docs_support import python_blocks


def _run_coroutine(coro: Any) -> Any:
    import anyio

    async def main() -> Any:
        return await coro

    return anyio.run(main)


def main(argv: list[str]) -> int:
    page = Path(argv[1])
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": str(page)}
    sys.argv = [str(page)]
    for block in python_blocks(page):
        if block.not_run is not None:
            print(f"# {page}:{block.line}: not run ({block.not_run})", flush=True)
            continue
        # pad so that line numbers in tracebacks are the Markdown file's
        source = "\n" * (block.line - 1) + block.code
        code = compile(source, str(page), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        t0 = time.perf_counter()
        print(f"# {page}:{block.line}: running", flush=True)
        result = eval(code, namespace)
        if inspect.iscoroutine(result):
            _run_coroutine(result)
        print(f"# {page}:{block.line}: ok in {time.perf_counter() - t0:.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
