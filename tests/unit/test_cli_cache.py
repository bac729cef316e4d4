"""``savantsdk cache clear --older-than``: ages parse, old entries go, new ones stay."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import anyio
import pytest

from savantsdk._cli import _age, main
from savantsdk._clock import FakeClock
from savantsdk.cache import DiskCache


def test_ages() -> None:
    assert _age("7d") == 7 * 86_400
    assert _age("90s") == 90
    assert _age("2w") == 14 * 86_400
    assert _age("30") == 30
    for bad in ("7x", "", "-1d", "d", "infd"):
        with pytest.raises(argparse.ArgumentTypeError):
            _age(bad)


def test_clear_older_than_keeps_recent_entries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def fill() -> None:
        old = DiskCache(tmp_path, clock=FakeClock(wall_start=time.time() - 10 * 86_400))
        await old.set_many({"old": b"o"}, ttl_s=None)
        await old.aclose()
        new = DiskCache(tmp_path)
        await new.set_many({"new": b"n"}, ttl_s=None)
        await new.aclose()

    anyio.run(fill)
    assert main(["cache", "clear", "--older-than", "7d", "--cache-dir", str(tmp_path)]) == 0
    assert "deleted 1 entry" in capsys.readouterr().out

    async def left() -> list[bytes | None]:
        disk = DiskCache(tmp_path)
        try:
            return await disk.get_many(["old", "new"])
        finally:
            await disk.aclose()

    assert anyio.run(left) == [None, b"n"]
    with pytest.raises(SystemExit):  # argparse: a usage error naming the accepted forms
        main(["cache", "clear", "--older-than", "7x"])
    assert "not an age" in capsys.readouterr().err
