"""mkdocs hook: an API page per public module, and every guide page in the navigation.

* API reference: every public module of ``src/savantsdk`` (no path segment starting with
  ``_``, the rule ``tests/unit/test_public_api.py`` uses) gets a generated page
  ``api/<module>.md`` holding ``::: <module>``, listed under "API reference".  A module added
  to the package appears in the site without touching mkdocs.yml.
* Guides: pages of ``docs/`` that mkdocs.yml's ``nav`` does not list (``notebooks.md``,
  ``operations.md``, ``coordination.md``, ``benchmarks.md`` when someone adds them) are
  appended to the "Guides" section, known ones in :data:`GUIDE_ORDER`, others by name.  The
  nav therefore lists exactly the pages that exist.

Discovery reads the file tree (no import), so the hook works before the package is installed.
Not part of the package; loaded by ``hooks:`` in mkdocs.yml.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs.structure.files import Files

PACKAGE = "savantsdk"
API_DIR = "api"
GUIDES_SECTION = "Guides"
#: the order of guide pages that are added when they exist
GUIDE_ORDER = ("notebooks.md", "operations.md", "coordination.md", "benchmarks.md")
#: pages mkdocs.yml puts outside the "Guides" section
TOP_LEVEL = ("index.md", "tutorial.md")


def public_modules(src: Path) -> list[str]:
    """Dotted names of the package's public modules, the package first, then sorted."""
    root = src / PACKAGE
    names = {PACKAGE}
    for path in root.rglob("*.py"):
        rel = path.relative_to(src).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        if any(p.startswith("_") for p in parts):
            continue
        if all((src.joinpath(*parts[:i]) / "__init__.py").is_file() for i in range(1, len(parts))):
            names.add(".".join(parts))
    return [PACKAGE, *sorted(names - {PACKAGE})]


def api_page(module: str) -> str:
    return f"{API_DIR}/{module}.md"


def _nav_files(nav: Any) -> set[str]:
    """Every page path the nav (as written in mkdocs.yml) lists."""
    found: set[str] = set()
    if isinstance(nav, str):
        found.add(nav)
    elif isinstance(nav, dict):
        for value in nav.values():
            found |= _nav_files(value)
    elif isinstance(nav, list):
        for item in nav:
            found |= _nav_files(item)
    return found


def _guides(nav: list[Any]) -> list[Any]:
    for item in nav:
        if isinstance(item, dict) and GUIDES_SECTION in item:
            section: list[Any] = item[GUIDES_SECTION]
            return section
    section = []
    nav.append({GUIDES_SECTION: section})
    return section


def unlisted_pages(docs_dir: Path, listed: set[str]) -> list[str]:
    """Top-level ``*.md`` pages of ``docs_dir`` that ``listed`` lacks, in nav order."""
    pages = {p.name for p in docs_dir.glob("*.md")} - listed
    known = [name for name in GUIDE_ORDER if name in pages]
    return known + sorted(pages - set(known))


def on_config(config: Any) -> Any:
    root = Path(config["config_file_path"]).resolve().parent
    nav: list[Any] = config["nav"] if config["nav"] is not None else []
    config["nav"] = nav
    guides = _guides(nav)
    guides.extend(unlisted_pages(Path(config["docs_dir"]), _nav_files(nav)))
    modules = public_modules(root / "src")
    nav.append({"API reference": [{m: api_page(m)} for m in modules]})
    config["extra"]["savantsdk_api_modules"] = modules
    return config


def on_files(files: Files, config: Any) -> Files:
    from mkdocs.structure.files import File

    for module in config["extra"]["savantsdk_api_modules"]:
        content = f"# `{module}`\n\n::: {module}\n    options:\n      show_root_heading: false\n"
        files.append(File.generated(config, api_page(module), content=content))
    return files
