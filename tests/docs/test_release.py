"""Release readiness: the sdist and wheel build, pass ``twine check``, install into a fresh
virtual environment, run ``savantsdk demo``, and the wheel's public API is type-complete.

The fresh venv is created *without* ``--system-site-packages`` and the wheel is installed with
its ``testing`` extra from the normal package index (pip's cache keeps it to a few seconds):
inheriting packages from the interpreter would let a dependency missing from pyproject.toml go
unnoticed, which is exactly what this test is for.  The install is constrained by the committed
test lock (``requirements/test.txt``) and the build uses the locked hatchling
(``--no-isolation``), so a release of some dependency cannot break this test overnight; the
newest versions are tried on purpose by ``./scripts/test --latest``.  Run from a temporary
directory, so the checkout's ``src/`` cannot be imported by accident.

Type completeness: ``pyright --verifytypes savantsdk --ignoreexternal`` against the installed
wheel; the score is pinned at :data:`MIN_TYPE_COMPLETENESS` (raise it as it improves).
"""

from __future__ import annotations

import json
import os
import sys
import zipfile
from pathlib import Path

import pytest
from docs_support import ROOT, explain, require_modules, run

#: measured 1.0 (612 exported symbols with a known type, 0 ambiguous, 0 unknown) with pyright
#: 1.1.414 on an editable install at the typed sync.Client (was 0.8966: 546 known, 63 ambiguous);
#: pinned at 0.99, not 1.0, because that figure was not taken in the wheel venv built here
MIN_TYPE_COMPLETENESS = 0.99
BUILD_TIMEOUT_S = 300
INSTALL_TIMEOUT_S = 600
#: The test environment's lock: the fresh venv gets the same versions as the suite.
LOCK = ROOT / "requirements" / "test.txt"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    require_modules("build", "twine", "hatchling")
    out = tmp_path_factory.mktemp("dist")
    proc = run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        timeout=BUILD_TIMEOUT_S,
        cwd=out,
        env=dict(os.environ),
    )
    assert proc.returncode == 0, explain(proc)
    wheels = sorted(out.glob("savantsdk-*.whl"))
    sdists = sorted(out.glob("savantsdk-*.tar.gz"))
    built = sorted(p.name for p in out.iterdir())
    assert len(wheels) == 1, built
    assert len(sdists) == 1, built
    return {"wheel": wheels[0], "sdist": sdists[0]}


@pytest.fixture(scope="module")
def venv(dist: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("venv")
    env_dir = home / "env"
    proc = run(
        [sys.executable, "-m", "venv", str(env_dir)], timeout=120, cwd=home, env=dict(os.environ)
    )
    assert proc.returncode == 0, explain(proc)
    python = env_dir / "bin" / "python"
    proc = run(
        [
            str(python),
            *("-m", "pip", "install", "--quiet", "--constraint", str(LOCK)),
            f"{dist['wheel']}[testing]",
        ],
        timeout=INSTALL_TIMEOUT_S,
        cwd=home,
        env=dict(os.environ),
    )
    assert proc.returncode == 0, explain(proc)
    return env_dir


def _venv_env(env_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    env = {k: v for k, v in env.items() if not k.startswith("SAVANTSDK_")}
    env["VIRTUAL_ENV"] = str(env_dir)
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_twine_check_passes(dist: dict[str, Path]) -> None:
    proc = run(
        [
            sys.executable,
            "-m",
            "twine",
            "check",
            "--strict",
            str(dist["wheel"]),
            str(dist["sdist"]),
        ],
        timeout=120,
        cwd=dist["wheel"].parent,
        env=dict(os.environ),
    )
    assert proc.returncode == 0, explain(proc)
    assert proc.stdout.count("PASSED") == 2, proc.stdout


def test_wheel_holds_the_package_and_nothing_else(dist: dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as whl:
        names = whl.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = whl.read(meta_name).decode()
        entry_points = whl.read(meta_name.replace("METADATA", "entry_points.txt")).decode()
    tops = {n.split("/")[0] for n in names}
    assert tops == {"savantsdk", meta_name.split("/")[0]}, tops
    assert "savantsdk/py.typed" in names
    assert "savantsdk = savantsdk._cli:main" in entry_points
    assert "Requires-Python: >=3.11" in metadata
    assert "Provides-Extra: testing" in metadata
    assert "Description-Content-Type: text/markdown" in metadata


def test_installed_wheel_runs_the_demo(venv: Path, tmp_path: Path) -> None:
    env = _venv_env(venv)
    proc = run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import savantsdk, sys; print(savantsdk.__file__); print(savantsdk.__version__)",
        ],
        timeout=60,
        cwd=tmp_path,
        env=env,
    )
    assert proc.returncode == 0, explain(proc)
    where, version = proc.stdout.split()
    assert Path(where).is_relative_to(venv), where  # the wheel, not the checkout
    assert version[0].isdigit()

    proc = run(
        [str(venv / "bin" / "savantsdk"), "demo", "--history-days", "3", "--json"],
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert proc.returncode == 0, explain(proc)
    result = json.loads(proc.stdout)
    cold, warm = result["cycles"]
    assert result["history_days"] == 3
    assert cold["props"] > 0
    assert cold["games"] > 0
    assert cold["upstream_requests"] > 0
    assert warm["upstream_requests"] == 0
    assert warm["props"] == cold["props"]
    assert result["top"], "the demo prints its best edges"


def test_public_api_is_type_complete(venv: Path, tmp_path: Path) -> None:
    require_modules("pyright")
    proc = run(
        [
            sys.executable,
            "-m",
            "pyright",
            "--verifytypes",
            "savantsdk",
            "--ignoreexternal",
            "--outputjson",
        ],
        timeout=300,
        cwd=tmp_path,
        env=_venv_env(venv),
    )
    # exit 1 only means "not 100% complete"; the JSON says what was analysed
    assert proc.returncode in {0, 1}, explain(proc)
    report = json.loads(proc.stdout)
    completeness = report["typeCompleteness"]
    assert Path(completeness["packageRootDirectory"]).is_relative_to(venv), completeness
    assert report["summary"]["errorCount"] == 0, report.get("generalDiagnostics")
    score = completeness["completenessScore"]
    print(f"pyright --verifytypes completeness: {score:.4f}")
    assert score >= MIN_TYPE_COMPLETENESS, (
        f"type completeness fell to {score:.4f} (pinned {MIN_TYPE_COMPLETENESS}); run "
        "`pyright --verifytypes savantsdk --ignoreexternal` for the symbols"
    )
