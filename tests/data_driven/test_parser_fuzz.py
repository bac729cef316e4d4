"""Run the parser fuzz (``fuzz_parsers.py``) in a child interpreter.

A segfault in a parser would kill the interpreter that meets it; in a child it fails this test
with the signal, the child's output and the counts, and the rest of the suite runs on.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

BODY = Path(__file__).with_name("fuzz_parsers.py")
ROOT = BODY.parents[2]


def test_every_parser_returns_a_model_or_a_typed_error(shared_data: Path, tmp_path: Path) -> None:
    report = tmp_path / "fuzz.json"
    env = {
        **os.environ,
        "SAVANTSDK_SHARED_DATA": str(shared_data),
        "SAVANTSDK_FUZZ_REPORT": str(report),
        "SAVANTSDK_FUZZ_FAILED_DIR": str(tmp_path),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(BODY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    tail = (proc.stdout + proc.stderr)[-6000:]
    if proc.returncode < 0:
        raise AssertionError(
            f"the fuzz child died of {signal.Signals(-proc.returncode).name}:\n{tail}"
        )
    assert proc.returncode == 0, tail
    counts = json.loads(report.read_text())
    print(json.dumps(counts, indent=1))  # shown with -s / -rP: the figures the note quotes
    for name, outcome in counts.items():
        assert outcome.get("untyped", 0) == 0, name
    # every public parser was exercised, and each saw both outcomes (mutations that keep a
    # payload valid, and ones that break it)
    parsers = {n for n in counts if "(" not in n or n.endswith("(lazy)")}
    assert len(parsers) == 23, sorted(parsers)
    for name in parsers:
        assert counts[name].get("model", 0) > 0, name
        assert counts[name].get("typed", 0) > 0, name
    assert sum(sum(v.values()) for v in counts.values()) >= 3000
