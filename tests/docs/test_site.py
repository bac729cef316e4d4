"""The documentation site builds with ``mkdocs build --strict`` (every warning is an error).

Also checks what the build produced: the navigation lists exactly the pages in docs/ (the hook
in docs/_hooks/api_pages.py adds guide pages that mkdocs.yml does not list), every public
module has an API page, and every name in a public module's ``__all__`` is documented on it.
mkdocs missing is a skip locally and a failure in CI.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from docs_support import ROOT, explain, offline_env, require_modules, run

BUILD_TIMEOUT_S = 300


def _hook() -> Any:
    """docs/_hooks/api_pages.py, the mkdocs hook (importable without mkdocs)."""
    spec = importlib.util.spec_from_file_location(
        "savantsdk_docs_api_pages", ROOT / "docs" / "_hooks" / "api_pages.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _public_modules() -> list[str]:
    modules: list[str] = _hook().public_modules(ROOT / "src")
    return modules


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_modules("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")
    out = tmp_path_factory.mktemp("site")
    proc = run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(out),
        ],
        timeout=BUILD_TIMEOUT_S,
        cwd=out,  # paths in mkdocs.yml must not depend on the working directory
        env=offline_env(NO_MKDOCS_2_WARNING="1"),
    )
    assert proc.returncode == 0, explain(proc)
    assert "WARNING" not in proc.stderr, proc.stderr
    return out


def test_public_modules_match_the_package() -> None:
    import pkgutil

    import savantsdk

    walked = {
        m.name
        for m in pkgutil.walk_packages(savantsdk.__path__, "savantsdk.")
        if not any(part.startswith("_") for part in m.name.split("."))
    }
    assert _public_modules() == ["savantsdk", *sorted(walked)]


def test_hook_adds_unlisted_guides_in_order(tmp_path: Path) -> None:
    for name in [
        "index.md",
        "tutorial.md",
        "errors.md",
        "zeta.md",
        "alpha.md",
        "benchmarks.md",
        "operations.md",
    ]:
        (tmp_path / name).write_text("# t\n")
    listed = {"index.md", "tutorial.md", "errors.md"}
    assert _hook().unlisted_pages(tmp_path, listed) == [
        "operations.md",
        "benchmarks.md",
        "alpha.md",
        "zeta.md",
    ]


def test_build_is_strict_and_complete(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "tutorial" / "index.html").is_file()
    assert (site / "objects.inv").is_file()


def test_nav_lists_exactly_the_existing_pages(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'<a href="([^"#]*)" class="md-nav__link', html))
    pages = {"index" if h in {".", "./"} else h.strip("./").rstrip("/") for h in links}
    expected = {p.stem for p in (ROOT / "docs").glob("*.md")}
    expected |= {f"api/{m}" for m in _public_modules()}
    assert pages == expected


def test_every_public_name_has_an_api_entry(site: Path) -> None:
    for module in _public_modules():
        page = site / "api" / module / "index.html"
        assert page.is_file(), f"no API page for {module}"
        ids = set(re.findall(r'id="([^"]+)"', page.read_text(encoding="utf-8")))
        exported = importlib.import_module(module).__all__
        missing = [name for name in exported if f"{module}.{name}" not in ids]
        assert not missing, f"{module}: undocumented in the API reference: {missing}"
