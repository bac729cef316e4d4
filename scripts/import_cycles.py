#!/usr/bin/env python3
"""Import cycles among savantsdk's own modules, by an AST walk of ``src/savantsdk``.

    python scripts/import_cycles.py            # summary
    python scripts/import_cycles.py --json     # {"cycles": [...], "deferred_imports": [...]}

An edge A -> B is an ``import``/``from ... import`` of an own module B in module A, anywhere
but under ``if TYPE_CHECKING:`` (``--module-level``: only at module level, so imports inside
functions do not count).  A cycle is
a strongly connected component of two or more modules (or a module importing itself).
Imports inside functions are listed separately ("deferred"): each should be there only for an
optional extra or for import time, not to dodge a cycle.  Importing a package (``from . import
x``) counts as an edge to the package's ``__init__``.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "savantsdk"


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(current: str, is_package: bool, node: ast.ImportFrom | ast.Import) -> list[str]:
    """Own modules named by one import statement."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == PACKAGE]
    base_parts = current.split(".") if is_package else current.split(".")[:-1]
    if node.level:
        base_parts = base_parts[: len(base_parts) - (node.level - 1)]
        base = ".".join(base_parts + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    if base.split(".")[0] != PACKAGE:
        return []
    return [base] + [f"{base}.{a.name}" for a in node.names]


def targets_of(names: list[str], modules: Mapping[str, Path]) -> list[str]:
    """``from pkg import mod`` is an edge to ``pkg.mod`` only (what pylint's cyclic-import
    counts too): every submodule import runs its package's ``__init__`` first by design."""
    if len(names) > 1 and any(n in modules for n in names[1:]):
        return [n for n in names[1:] if n in modules]
    return [n for n in names[:1] if n in modules]


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def walk(tree: ast.Module) -> tuple[list[ast.stmt], list[ast.stmt]]:
    """(module-level imports, imports inside functions)."""
    top: list[ast.stmt] = []
    deferred: list[ast.stmt] = []

    def visit(body: list[ast.stmt], in_function: bool) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                (deferred if in_function else top).append(stmt)
            elif isinstance(stmt, ast.If):
                if not is_type_checking(stmt.test):
                    visit(stmt.body, in_function)
                visit(stmt.orelse, in_function)
            elif isinstance(stmt, ast.Try):
                for block in (stmt.body, stmt.orelse, stmt.finalbody):
                    visit(block, in_function)
                for handler in stmt.handlers:
                    visit(handler.body, in_function)
            elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(stmt.body, True)
            elif isinstance(stmt, ast.ClassDef | ast.With | ast.AsyncWith | ast.For | ast.While):
                visit(stmt.body, in_function)

    visit(tree.body, False)
    return top, deferred


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    sys.setrecursionlimit(10_000)

    def connect(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return sorted(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--module-level",
        action="store_true",
        help="count only module-level imports as edges (default: every import but those "
        "under TYPE_CHECKING, including the ones inside functions)",
    )
    args = parser.parse_args()
    files = sorted((ROOT / PACKAGE).rglob("*.py"))
    modules = {module_name(f): f for f in files}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    deferred: list[str] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        top, inner = walk(tree)
        is_pkg = path.name == "__init__.py"
        for stmt in top:
            assert isinstance(stmt, ast.Import | ast.ImportFrom)
            for target in targets_of(resolve(name, is_pkg, stmt), modules):
                if target != name:
                    graph[name].add(target)
        for stmt in inner:
            assert isinstance(stmt, ast.Import | ast.ImportFrom)
            targets = targets_of(resolve(name, is_pkg, stmt), modules)
            if targets:
                deferred.append(f"{name}:{stmt.lineno} -> {targets[0]}")
            if not args.module_level:
                graph[name].update(t for t in targets if t != name)
    cycles = strongly_connected(graph)
    if args.json:
        print(json.dumps({"cycles": cycles, "deferred_imports": deferred}))
    else:
        print(f"{len(cycles)} import cycle(s) among {len(modules)} modules")
        for c in cycles:
            print("  cycle:", " <-> ".join(c))
        print(f"{len(deferred)} import(s) of own modules inside functions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
