"""No import cycles among savantsdk's own modules (``scripts/import_cycles.py``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "import_cycles.py"


def test_no_import_cycles() -> None:
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--json"], capture_output=True, text=True, check=True
    )
    report = json.loads(out.stdout)
    assert report["cycles"] == []
    # deferred imports are for optional extras and import time only; a new one that dodges a
    # cycle shows up here first
    # (31: `savantsdk cache` imports the cache package only when that subcommand runs; the
    # client's ``chadwick`` and ``players`` namespaces are imported on first use; 35:
    # `backtest --live` and `demo --live` import their modules when they run, and the live
    # demo imports the testing extra when it starts)
    assert len(report["deferred_imports"]) <= 35, report["deferred_imports"]


#: Imports every own module *first*, each in a fresh fork of an interpreter that has loaded the
#: third-party dependencies but nothing of savantsdk: a cycle that only bites in one import
#: order (``savantsdk.ids`` before ``savantsdk.sources``, say) fails here.
_EACH_FIRST = """
import importlib, os, pathlib, sys
import anyio, attrs, cattrs, httpx, numpy, orjson  # noqa: F401 - shared by every child
root = pathlib.Path(sys.argv[1])
names = sorted(
    ".".join(("savantsdk", *p.relative_to(root).with_suffix("").parts)).removesuffix(".__init__")
    for p in root.rglob("*.py")
    if p.name != "__main__.py"
)
assert not [m for m in sys.modules if m.startswith("savantsdk")]
bad = []
running = {}
def reap():
    pid, status = os.wait()
    if status:
        bad.append(running[pid])
    del running[pid]
for name in names:
    if len(running) >= (os.cpu_count() or 1):
        reap()
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException as exc:
            print(f"{name}: {type(exc).__name__}: {exc}", flush=True)
            os._exit(1)
        os._exit(0)
    running[pid] = name
while running:
    reap()
bad.sort()
print(len(names), "modules;", len(bad), "failed:", bad)
sys.exit(1 if bad else 0)
"""


@pytest.mark.timeout(600)  # one fork per module (134): minutes on a loaded 2-core box
def test_every_module_imports_first() -> None:
    package = Path(__file__).resolve().parents[2] / "src" / "savantsdk"
    out = subprocess.run(
        [sys.executable, "-c", _EACH_FIRST, str(package)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 failed" in out.stdout
