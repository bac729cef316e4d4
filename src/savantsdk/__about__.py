"""Package metadata, read lazily from the installed distribution."""

from __future__ import annotations

from functools import cache


@cache
def version() -> str:
    from importlib.metadata import PackageNotFoundError, version as _version

    try:
        return _version("savantsdk")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0+unknown"
