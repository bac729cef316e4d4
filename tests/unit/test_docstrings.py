"""Every public name is documented (the API pages show it), and so is every public package."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import savantsdk

PUBLIC_MODULES = [
    "savantsdk",
    *sorted(
        m.name
        for m in pkgutil.walk_packages(savantsdk.__path__, "savantsdk.")
        if not any(part.startswith("_") for part in m.name.split("."))
    ),
]


def test_every_public_class_and_function_has_a_docstring() -> None:
    missing = set()
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        assert (module.__doc__ or "").strip(), f"module {name} has no docstring"
        for attr in module.__all__:
            value = getattr(module, attr)
            if inspect.isclass(value) or inspect.isfunction(value):
                doc = (value.__doc__ or "").strip()
                # attrs and enum give classes a generated doc; count only a written one
                if not doc or doc.startswith(f"{value.__name__}(") or doc == "An enumeration.":
                    missing.add(f"{value.__module__}.{value.__qualname__}")
    assert not missing, sorted(missing)
