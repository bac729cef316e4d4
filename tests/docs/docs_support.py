"""Helpers shared by the documentation and release tests in tests/docs/ (imported by name:
pytest puts this folder on sys.path)."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing(what: str) -> None:
    """Skip locally, fail in CI (``CI=true``): the docs toolchain is part of the test extra."""
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true) but is not available")
    pytest.skip(f"{what} not available")


def require_modules(*names: str) -> None:
    for name in names:
        if importlib.util.find_spec(name) is None:
            missing(f"Python package {name!r}")


def offline_env(**extra: str) -> dict[str, str]:
    """The caller's environment without proxies or SAVANTSDK_* settings that would change
    what an example does (test-infrastructure variables are kept)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not (k.startswith("SAVANTSDK_") and not k.startswith("SAVANTSDK_TEST_"))
        and k.lower() not in {"http_proxy", "https_proxy", "all_proxy"}
    }
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run(
    cmd: Sequence[str],
    *,
    timeout: float,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(cmd),
        cwd=cwd,
        env=offline_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def explain(proc: subprocess.CompletedProcess[str], limit: int = 6000) -> str:
    return (
        f"exit {proc.returncode}\n--- stdout (tail)\n{proc.stdout[-limit:]}"
        f"\n--- stderr (tail)\n{proc.stderr[-limit:]}"
    )


def shared_data_dir() -> Path:
    """``../shared/data`` beside the project: the path the docs' code blocks use literally."""
    path = ROOT.parent / "shared" / "data"
    if not path.is_dir():
        missing(f"shared data directory {path}")
    return path


# ---------------------------------------------------------------- fenced code blocks in docs

NOT_RUN = re.compile(r"^<!--\s*not-run:(?P<reason>.*?)-->\s*$")
FENCE_OPEN = re.compile(r"^```(?P<lang>[\w+-]*)\s*$")


@dataclasses.dataclass(frozen=True)
class Block:
    """A fenced ```python block: ``line`` is the 1-based line of its first code line."""

    path: Path
    line: int
    code: str
    not_run: str | None  # the reason of a ``<!-- not-run: reason -->`` marker, if any


def python_blocks(path: Path) -> list[Block]:
    """Every ```python block of a Markdown file, with its opt-out marker.

    A ``<!-- not-run: reason -->`` line must come right before the fence (blank lines allowed
    in between) and give a reason; a marker that does not precede a python block, or one
    without a reason, is an error (so a stale opt-out cannot hide a block silently).
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    pending: tuple[int, str] | None = None
    i = 0
    while i < len(lines):
        text = lines[i]
        if m := NOT_RUN.match(text.strip()):
            if pending is not None:
                raise ValueError(f"{path}:{pending[0]}: not-run marker not followed by a block")
            reason = m["reason"].strip()
            if not reason:
                raise ValueError(f"{path}:{i + 1}: not-run marker without a reason")
            pending = (i + 1, reason)
            i += 1
            continue
        fence = FENCE_OPEN.match(text)
        if fence is None:
            if text.strip() and pending is not None:
                raise ValueError(f"{path}:{pending[0]}: not-run marker not followed by a block")
            i += 1
            continue
        end = i + 1
        while end < len(lines) and lines[end].rstrip() != "```":
            end += 1
        if end == len(lines):
            raise ValueError(f"{path}:{i + 1}: unterminated code fence")
        if fence["lang"] == "python":
            code = "\n".join(lines[i + 1 : end]) + "\n"
            blocks.append(Block(path, i + 2, code, pending[1] if pending else None))
        elif pending is not None:
            raise ValueError(f"{path}:{pending[0]}: not-run marker before a non-python block")
        pending = None
        i = end + 1
    if pending is not None:
        raise ValueError(f"{path}:{pending[0]}: not-run marker not followed by a block")
    return blocks


def documented_pages() -> list[Path]:
    """The Markdown whose code blocks must run: README.md and every docs/*.md."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
