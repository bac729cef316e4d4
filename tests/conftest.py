"""Shared fixtures.  In CI (``CI=true``) a missing Redis or shared data set fails the test."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from redis_server_support import RedisProcess, free_port

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Tests never write to the real user cache directory: the disk cache (the blocking Client's
# default) and anything else using the platform cache dir land in this session's temporary
# directory (inherited by subprocesses); each test gets a fresh one below (_own_disk_cache).
_SESSION_CACHE = tempfile.mkdtemp(prefix="savantsdk-test-cache-")
os.environ["SAVANTSDK_CACHE_DIR"] = _SESSION_CACHE
os.environ["XDG_CACHE_HOME"] = _SESSION_CACHE
atexit.register(shutil.rmtree, _SESSION_CACHE, ignore_errors=True)


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true) but is not available")
    pytest.skip(f"{what} not available")


@pytest.fixture(autouse=True)
def _own_disk_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A fresh disk cache directory per test: no test reads what another one cached."""
    monkeypatch.setenv("SAVANTSDK_CACHE_DIR", str(tmp_path_factory.mktemp("disk-cache")))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``$SAVANTSDK_SHARED_DATA`` or ``../shared/data`` next to the project."""
    path = Path(os.environ.get("SAVANTSDK_SHARED_DATA") or ROOT.parent / "shared" / "data")
    if not path.is_dir():
        _missing(f"shared data directory {path}")
    return path


@pytest.fixture
def data_file(shared_data: Path):  # type: ignore[no-untyped-def]
    """``data_file("statcast/raw/x.csv")``: a path under shared data; fails in CI if absent."""

    def get(rel: str) -> Path:
        p = shared_data / rel
        if not p.exists():
            _missing(f"shared data file {rel}")
        return p

    return get


@pytest.fixture(scope="session")
def redis_url() -> str:
    """URL of the throwaway Redis started by scripts/test."""
    url = os.environ.get("SAVANTSDK_TEST_REDIS_URL")
    if not url:
        _missing("Redis (SAVANTSDK_TEST_REDIS_URL, started by scripts/test)")
    assert url is not None
    return url


@pytest.fixture(scope="session")
def redis_server_binary() -> str:
    """Path of redis-server, for tests that start and stop their own instance."""
    path = os.environ.get("SAVANTSDK_TEST_REDIS_SERVER")
    if not path:
        _missing("redis-server binary (SAVANTSDK_TEST_REDIS_SERVER)")
    assert path is not None
    return path


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No ``SAVANTSDK_*`` variables from the caller's shell leak into the test (but the
    test's own ``SAVANTSDK_CACHE_DIR`` stays: no test writes to the user cache directory)."""
    for name in list(os.environ):
        if name == "SAVANTSDK_CACHE_DIR":
            continue
        if name.startswith("SAVANTSDK_") and not name.startswith("SAVANTSDK_TEST_"):
            monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def own_redis(redis_server_binary: str, tmp_path: Path) -> Iterator[RedisProcess]:
    """A redis-server of this test's own (free port, no persistence), stopped afterwards."""
    server = RedisProcess(redis_server_binary, free_port(), tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
