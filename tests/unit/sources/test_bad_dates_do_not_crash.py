"""Bad date values never reach a numpy cast that crashes the interpreter.

numpy 2.4's ``astype("datetime64[D]")`` on a bytes array dies with SIGSEGV when a large array
holds one unparsable value (``np.array([b"abc"] + [b"2020-09-01"] * 1000, dtype="S10")``).
Each case runs the parser in a subprocess over a real recorded day (about 4,800 pitches) with
one ``game_date`` replaced, so a crash fails the test instead of killing the run.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

DataFile = Callable[[str], Path]

_SCRIPT = r"""
import json, sys
from savantsdk.exceptions import SavantError
from savantsdk.sources import ingest_statcast, parse_statcast_csv
body = open(sys.argv[1], "rb").read()
out = {}
for name, parse in (("parse", parse_statcast_csv), ("ingest", ingest_statcast)):
    try:
        parse(body)
        out[name] = "ok"
    except SavantError as exc:
        out[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps(out))
"""


def _run(body: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "day.csv"
    path.write_bytes(body)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(path)],
        capture_output=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, f"the parser died: rc {proc.returncode}, {proc.stderr[-2000:]!r}"
    result: dict[str, str] = json.loads(proc.stdout)
    return result


@pytest.mark.parametrize(
    "bad",
    [
        "2024-13-45",
        "abc",
        "2024-02-30",
        "2024-6-1",
        "2024-06-01x",
        "0000-00-00",
        "\uff12\uff10\uff12\uff14-06-01",  # fullwidth digits: isdigit() but not ASCII
    ],
)
def test_one_bad_game_date_in_a_real_day_is_a_typed_error(
    data_file: DataFile, tmp_path: Path, bad: str
) -> None:
    text = gzip.decompress(data_file("statcast/2024/sc_2024-06-10.csv.gz").read_bytes()).decode()
    lines = text.splitlines(keepends=True)
    assert len(lines) > 1000
    events = next(csv.reader([lines[0]])).index("events")
    # a plate appearance's last pitch, so that ingest (which decodes only those) meets it too
    k = next(i for i in range(500, len(lines)) if next(csv.reader([lines[i]]))[events])
    good = "2024-06-10"
    assert lines[k].count(good) >= 1
    lines[k] = lines[k].replace(good, bad, 1)
    got = _run("".join(lines).encode(), tmp_path)
    for name in ("parse", "ingest"):
        assert got[name].startswith("SourceDecodeError: "), got
        assert "'game_date'" in got[name]
        assert "not YYYY-MM-DD dates (1 of" in got[name]
        assert repr(bad) in got[name]


def test_the_real_day_still_parses(data_file: DataFile, tmp_path: Path) -> None:
    body = gzip.decompress(data_file("statcast/2024/sc_2024-06-10.csv.gz").read_bytes())
    assert _run(body, tmp_path) == {"parse": "ok", "ingest": "ok"}
