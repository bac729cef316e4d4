"""Old public names kept importable for one release, with a :class:`DeprecationWarning`.

A package ``__init__`` declares ``__getattr__ = renamed(__name__, {"Old": "New"}, globals())``;
``from savantsdk.x import Old`` then warns once per access site and returns ``New``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ("renamed",)


def renamed(
    module: str, names: Mapping[str, str], namespace: Mapping[str, Any]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` serving each old name in ``names`` as its new one."""

    def __getattr__(name: str) -> Any:  # noqa: N807 - a module __getattr__
        new = names.get(name)
        if new is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        warnings.warn(
            f"{module}.{name} is deprecated and will be removed in the next release; "
            f"use {module}.{new} (the same object)",
            DeprecationWarning,
            stacklevel=2,
        )
        return namespace[new]

    return __getattr__
