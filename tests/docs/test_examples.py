"""Every examples/*.py runs offline in a subprocess, exits 0 and prints what it promises.

Each known example has patterns its output must match (numbers must be non-zero where zero
would mean nothing happened); a new example without an entry here must still exit 0 and print
something, and fails with a reminder to add its expectations.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from docs_support import ROOT, explain, offline_env, run, shared_data_dir

EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
TIMEOUT_S = 180
N = r"[1-9]\d*"  # a positive count

EXPECTED: dict[str, list[str]] = {
    "quickstart_async.py": [
        rf"^{N} props for \d{{4}}-\d\d-\d\d: {N} games, {N} plate appearances of history, "
        rf"{N} market lines from odds_api$",
        rf"^{N} upstream requests$",
        r"^player\s+stat\s+line\s+P\(over\)\s+side\s+edge\s+market$",
        r"\s(over|under)\s+[+-]\d\.\d{3}\s+odds_api:\w+$",
        r"^second cycle: 0 upstream requests$",
    ],
    "blocking_client.py": [
        rf"^{N} starters on \d{{4}}-\d\d-\d\d \({N} games\)$",
        r"^\S.*\s[A-Z]{2,3}\s+[A-Z]{2,3}\s+\d+\.\d\d\s+0\.\d{3}\s+\d+$",
        rf"requests per source: .*statsapi {N}",
    ],
    "statcast_pull.py": [
        rf"^2024-04-01\.\.2024-04-03: {N} pitches, {N} columns, StatcastResult\(",
        rf"^{N} games; upstream requests: 3$",
        rf"^FF\s+{N}\s+9\d\.\d$",
        rf"^{N} plate appearances, {N} home runs$",
        rf"^second pull: {N} pitches, 3 of 3 days from the cache, 0 upstream requests$",
    ],
    "props_offline_files.py": [
        rf"^{N} plate appearances from {N} daily files in ",
        rf"^{N} props for 2024-06-10 \({N} priced against a line\); PrizePicks lines: 906 read, "
        r"756 priced, not priced: 150 not_in_lineup$",
        r"\s(over|under)\s+[+-]\d\.\d{3}$",
    ],
}
NEEDS_SHARED_DATA = {"props_offline_files.py"}


def test_examples_exist() -> None:
    assert {p.name for p in EXAMPLES} >= set(EXPECTED)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path: Path) -> None:
    extra: dict[str, str] = {}
    if path.name in NEEDS_SHARED_DATA:
        data = os.environ.get("SAVANTSDK_SHARED_DATA") or str(shared_data_dir())
        extra["SAVANTSDK_SHARED_DATA"] = data
    # run from a foreign directory: an example must not depend on the working directory
    proc = run(
        [sys.executable, str(path)],
        timeout=TIMEOUT_S,
        cwd=path.parent.parent / "src",
        env=offline_env(**extra),
    )
    assert proc.returncode == 0, explain(proc)
    assert proc.stdout.strip(), "an example must print what it did"
    patterns = EXPECTED.get(path.name)
    assert patterns is not None, f"add the expected output of {path.name} to EXPECTED"
    for pattern in patterns:
        assert re.search(pattern, proc.stdout, re.MULTILINE), (pattern, proc.stdout)


def test_offline_files_example_explains_missing_data(tmp_path: Path) -> None:
    proc = run(
        [sys.executable, str(ROOT / "examples" / "props_offline_files.py")],
        timeout=60,
        env=offline_env(SAVANTSDK_SHARED_DATA=str(tmp_path)),
    )
    assert proc.returncode == 2
    assert "set SAVANTSDK_SHARED_DATA" in proc.stderr
