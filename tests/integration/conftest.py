"""Integration fixtures: the Redis Cluster started by scripts/test, and private clusters for
tests that stop nodes.  In CI (``CI=true``) a missing cluster fails the test, else it skips."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CLUSTER_SCRIPT = ROOT / "scripts" / "redis-cluster"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _missing(what: str) -> None:
    """The rule of tests/conftest.py: fail in CI, skip elsewhere."""
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true) but is not available")
    pytest.skip(f"{what} not available")


@pytest.fixture(scope="session")
def redis_cluster_url() -> str:
    """Seed URL (``redis+cluster://...``) of the cluster started by scripts/test."""
    url = os.environ.get("SAVANTSDK_TEST_REDIS_CLUSTER_URL")
    if not url:
        _missing("Redis Cluster (SAVANTSDK_TEST_REDIS_CLUSTER_URL, started by scripts/test)")
    assert url is not None
    return url


class LocalCluster:
    """A 3-master cluster of this test's own (scripts/redis-cluster), free to break."""

    def __init__(self, workdir: Path, url: str) -> None:
        self.workdir = workdir
        self.url = url
        self.ports = [int(p) for p in (workdir / "ports").read_text().split()]

    def pid(self, port: int) -> int:
        return int((self.workdir / f"node-{port}" / "redis.pid").read_text())

    def stop_node(self, port: int) -> None:
        """Stop one node the hard way (SIGKILL: no goodbye to its peers or clients)."""
        pid = self.pid(port)
        os.kill(pid, 9)
        for _ in range(200):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.01)
        raise RuntimeError(f"node on port {port} did not stop")


@pytest.fixture
def own_redis_cluster(tmp_path: Path) -> Iterator[Callable[..., LocalCluster]]:
    """Factory of private clusters in ``tmp_path`` (scripts/redis-cluster start/stop):
    ``own_redis_cluster(password=None)``.  All are stopped after the test."""
    if not (shutil.which("redis-server") and shutil.which("redis-cli")):
        _missing("redis-server and redis-cli (for a private Redis Cluster)")
    made: list[Path] = []

    def start(password: str | None = None) -> LocalCluster:
        workdir = tmp_path / f"cluster-{len(made)}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SAVANTSDK_REDIS_CLUSTER")}
        if password:
            env["SAVANTSDK_REDIS_CLUSTER_PASSWORD"] = password
        made.append(workdir)
        started = subprocess.run(
            [str(CLUSTER_SCRIPT), "start", str(workdir)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        if started.returncode != 0:
            pytest.fail(f"scripts/redis-cluster failed: {started.stderr}")
        return LocalCluster(workdir, started.stdout.strip())

    try:
        yield start
    finally:
        for workdir in made:
            if workdir.exists():
                subprocess.run(
                    [str(CLUSTER_SCRIPT), "stop", str(workdir)],
                    capture_output=True,
                    timeout=60,
                    check=False,
                )
