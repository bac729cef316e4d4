"""Griffe extension: turn the Sphinx roles of savantsdk's docstrings into cross-references.

The docstrings use reST roles (``:class:`~savantsdk.AsyncClient```, ``:meth:`call```), which
Markdown would print literally.  Each role becomes an *optional* mkdocs-autorefs reference:
a link when the target is rendered somewhere in the API reference, plain code otherwise (no
warning, so ``mkdocs build --strict`` stays meaningful for real problems).

Loaded by mkdocstrings (``extensions:`` in mkdocs.yml); not part of the package.
"""

from __future__ import annotations

import html
import re
from typing import Any

import griffe

ROLE = re.compile(
    r":(?:py:)?(?P<role>class|func|meth|data|attr|mod|exc|obj|const):`(?P<tilde>~?)(?P<target>[^`]+)`"
)
CALLABLE_ROLES = frozenset({"func", "meth"})


def _qualify(obj: griffe.Object, target: str) -> str:
    """The full dotted path of ``target`` as seen from ``obj`` (unchanged if unresolvable)."""
    if target.startswith(("savantsdk", ".")):
        return target
    head, _, rest = target.partition(".")
    try:
        path = obj.resolve(head)
    except (griffe.NameResolutionError, AttributeError, KeyError, ValueError):
        return target
    return f"{path}.{rest}" if rest else path


def convert(text: str, obj: griffe.Object) -> str:
    """Replace every role in ``text`` with an optional autorefs reference."""

    def repl(m: re.Match[str]) -> str:
        target = m["target"].strip()
        shown = target.rsplit(".", 1)[-1] if m["tilde"] else target
        if m["role"] in CALLABLE_ROLES:
            shown += "()"
        identifier = html.escape(_qualify(obj, target), quote=True)
        return (
            f'<autoref identifier="{identifier}" optional>'
            f"<code>{html.escape(shown)}</code></autoref>"
        )

    return ROLE.sub(repl, text)


def _walk(obj: griffe.Object | griffe.Alias, seen: set[str]) -> None:
    if obj.is_alias or obj.path in seen:
        return
    seen.add(obj.path)
    assert isinstance(obj, griffe.Object)
    if obj.docstring is not None and ":" in obj.docstring.value:
        obj.docstring.value = convert(obj.docstring.value, obj)
    for member in obj.members.values():
        _walk(member, seen)


class SphinxRoles(griffe.Extension):
    """Rewrite roles once the whole package is loaded (so every name can be resolved)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        _walk(pkg, set())
