"""Progress bars: shown in Jupyter / on a TTY / when forced, silent otherwise, never fatal.

The pull tests run ``SavantClient.statcast`` over ``httpx.MockTransport`` serving three real
2024 day files on an autojumping FakeClock (no real sleeping); pytest's captured stderr is not
a TTY, which is exactly the "auto means silent" case.
"""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.util
import os
import sys
import types
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from savantsdk import _progress
from savantsdk._client import AsyncClient
from savantsdk._clock import FakeClock
from savantsdk._progress import ENV_VAR, ProgressBar, progress_bar, progress_enabled
from savantsdk.props._backtest import backtest
from savantsdk.sources import PlateAppearances, SavantClient, ingest_statcast
from savantsdk.testing import no_backoff

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DAYS = (date(2024, 3, 28), date(2024, 3, 29), date(2024, 3, 30))
JULY = datetime(2024, 7, 1, tzinfo=UTC).timestamp()


def need_tqdm() -> None:
    if importlib.util.find_spec("tqdm") is None:
        if IN_CI:
            pytest.fail("tqdm is required in CI (CI=true) but is not installed")
        pytest.skip("tqdm not installed")


@pytest.fixture(autouse=True)
def no_env(clean_env: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No SAVANTSDK_PROGRESS from the caller's shell."""
    clean_env.delenv(ENV_VAR, raising=False)
    return clean_env


# ------------------------------------------------------------------------------- decision


def test_explicit_argument_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_progress, "_stderr_is_tty", lambda: True)
    monkeypatch.setenv(ENV_VAR, "0")
    assert progress_enabled(True) is True
    monkeypatch.setenv(ENV_VAR, "1")
    assert progress_enabled(False) is False


@pytest.mark.parametrize(
    ("env", "tty", "expected"),
    [
        (None, True, True),
        (None, False, False),
        ("0", True, False),
        ("off", True, False),
        ("false", True, False),
        ("1", False, True),
        ("yes", False, True),
        ("auto", True, True),
        ("auto", False, False),
    ],
)
def test_auto_follows_env_then_tty(
    monkeypatch: pytest.MonkeyPatch, env: str | None, tty: bool, expected: bool
) -> None:
    if env is not None:
        monkeypatch.setenv(ENV_VAR, env)
    monkeypatch.setattr(_progress, "_stderr_is_tty", lambda: tty)
    assert progress_enabled(None) is expected


def test_auto_is_on_in_a_jupyter_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_progress, "_stderr_is_tty", lambda: False)
    assert progress_enabled(None) is False
    shell = type("ZMQInteractiveShell", (), {})()
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: shell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert progress_enabled(None) is True
    terminal = type("TerminalInteractiveShell", (), {})()
    fake.get_ipython = lambda: terminal  # type: ignore[attr-defined]
    assert progress_enabled(None) is False  # a terminal IPython has a TTY or not, like python


def test_pytest_capture_is_not_a_tty(capsys: pytest.CaptureFixture[str]) -> None:
    assert _progress._stderr_is_tty() is False
    assert progress_enabled(None) is False


# ---------------------------------------------------------------------------------- bars


def test_forced_bar_writes_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    need_tqdm()
    with progress_bar("demo", unit="day", progress=True) as bar:
        assert bar.enabled
        for done in (1, 2, 2, 3):  # repeats never go backwards
            bar(done, 3)
    err = capsys.readouterr().err
    assert "demo" in err
    assert "3/3" in err


def test_auto_bar_is_silent_without_a_tty(capsys: pytest.CaptureFixture[str]) -> None:
    with progress_bar("demo", progress=None) as bar:
        assert not bar.enabled
        bar(1, 2)
        bar(2, 2)
    assert capsys.readouterr().err == ""


def test_without_tqdm_progress_is_silently_off(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [m for m in sys.modules if m == "tqdm" or m.startswith("tqdm.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    bar = progress_bar("demo", progress=True)
    assert not bar.enabled
    bar(1, 1)
    bar.close()
    assert capsys.readouterr().err == ""


def test_chain_calls_the_user_callback_too() -> None:
    seen: list[tuple[str, int, int]] = []

    class FakeBar:
        def __init__(self, **kw: Any) -> None:
            self.total = kw["total"]
            self.n = 0

        def update(self, k: int) -> None:
            self.n += k
            seen.append(("bar", self.n, self.total))

        def refresh(self) -> None:
            pass

        def close(self) -> None:
            seen.append(("closed", self.n, self.total))

    bar = ProgressBar("x", tqdm_class=FakeBar)
    both = bar.chain(lambda d, t: seen.append(("user", d, t)))
    assert both is not None
    both(1, 2)
    both(2, 2)
    bar.close()
    assert seen == [
        ("bar", 1, 2),
        ("user", 1, 2),
        ("bar", 2, 2),
        ("user", 2, 2),
        ("closed", 2, 2),
    ]
    off = ProgressBar("x")
    user = print
    assert off.chain(user) is user
    assert off.chain(None) is None
    assert bar.chain(None) is bar


def test_a_broken_bar_never_fails_the_work() -> None:
    def broken(**kw: Any) -> Any:
        raise OSError("terminal went away")

    bar = ProgressBar("x", tqdm_class=broken)
    bar(1, 2)  # swallowed (logged at DEBUG), then off
    assert not bar.enabled
    bar(2, 2)
    bar.close()


# ------------------------------------------------------------------------ statcast pulls


def _client(shared_data: Path) -> tuple[AsyncClient, SavantClient]:
    bodies = {
        d: gzip.decompress((shared_data / f"statcast/2024/sc_{d}.csv.gz").read_bytes())
        for d in DAYS
    }

    def handler(request: httpx.Request) -> httpx.Response:
        q = parse_qs(urlsplit(str(request.url)).query, keep_blank_values=True)
        return httpx.Response(200, content=bodies[date.fromisoformat(q["game_date_gt"][0])])

    client = AsyncClient(
        http_transport=httpx.MockTransport(handler),
        base_urls={"savant": "http://savant.test"},
        retry=no_backoff(1),
        clock=FakeClock(wall_start=JULY, autojump=True),
    )
    return client, SavantClient(client)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("progress", "env", "shown"),
    [
        (True, None, True),
        (None, "1", True),
        (None, None, False),  # auto, stderr captured: not a TTY
        (False, "1", False),
        (None, "0", False),
    ],
)
async def test_statcast_progress(
    shared_data: Path,
    capsys: pytest.CaptureFixture[str],
    no_env: pytest.MonkeyPatch,
    progress: bool | None,
    env: str | None,
    shown: bool,
) -> None:
    if shown:
        need_tqdm()
    if env is not None:
        no_env.setenv(ENV_VAR, env)
    calls: list[tuple[int, int]] = []
    client, savant = _client(shared_data)
    async with client:
        result = await savant.statcast(
            DAYS[0], DAYS[-1], progress=progress, on_progress=lambda d, t: calls.append((d, t))
        )
    assert result.ok
    assert calls[-1] == (3, 3)  # the user's callback still runs with the bar chained in
    err = capsys.readouterr().err
    if shown:
        assert "statcast" in err
        assert "3/3" in err
    else:
        assert "statcast" not in err
        assert "3/3" not in err


# ------------------------------------------------------------------------------ backtest


@pytest.fixture(scope="module")
def pas(shared_data: Path) -> PlateAppearances:
    days = [dt.date(2024, 4, 1) + dt.timedelta(days=i) for i in range(6)]
    return PlateAppearances.concat(
        [ingest_statcast(shared_data / f"statcast/2024/sc_{d}.csv.gz") for d in days]
    )


def test_backtest_progress_forced_and_auto(
    pas: PlateAppearances, capsys: pytest.CaptureFixture[str]
) -> None:
    need_tqdm()
    start, end = dt.date(2024, 4, 5), dt.date(2024, 4, 6)
    forced = backtest(pas, start, end, models=["naive"], progress=True)
    err = capsys.readouterr().err
    assert "backtest" in err
    assert f"{forced.days}/{forced.days}" in err
    quiet = backtest(pas, start, end, models=["naive"])
    assert capsys.readouterr().err == ""
    assert quiet.families == forced.families  # the bar changes nothing else
