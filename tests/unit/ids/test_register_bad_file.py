"""A damaged register file is a typed error naming the file, never a bare EOFError."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from savantsdk.exceptions import ConfigurationError
from savantsdk.ids import load_people

DataFile = Callable[[str], Path]


def test_truncated_register_names_the_file(data_file: DataFile, tmp_path: Path) -> None:
    whole = data_file("chadwick/people.csv.gz").read_bytes()
    cut = tmp_path / "people.csv.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ConfigurationError, match=r"people\.csv\.gz: cannot read the register"):
        load_people(cut)


def test_register_that_is_not_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "people.csv"
    bad.write_bytes(b"key_mlbam,name_first,name_last\n660271,Sh\xf6hei,Ohtani\n")
    with pytest.raises(ConfigurationError, match="UnicodeDecodeError"):
        load_people(bad)
