"""Every public module's ``__all__`` is sorted, complete and importable (httpx-style)."""

from __future__ import annotations

import importlib
import pkgutil

import savantsdk

PUBLIC_MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(savantsdk.__path__, "savantsdk.")
    if not any(part.startswith("_") for part in m.name.split("."))
)


def test_public_modules_define_sorted_all() -> None:
    for name in ["savantsdk", *PUBLIC_MODULES]:
        module = importlib.import_module(name)
        assert hasattr(module, "__all__"), name
        exported = list(module.__all__)
        if name != "savantsdk.sources":  # composed: its shared names + each upstream module's
            assert exported == sorted(exported), f"{name}.__all__ is not sorted"
        assert len(set(exported)) == len(exported), f"{name}.__all__ has duplicates"
        for attr in exported:
            assert hasattr(module, attr), f"{name}.{attr} is listed but missing"


def test_top_level_exports_everything_public_it_imports() -> None:
    public = {
        k
        for k, v in vars(savantsdk).items()
        if not k.startswith("_")
        and getattr(v, "__module__", "").startswith("savantsdk")
        and not isinstance(v, type(savantsdk))
    }
    assert public <= set(savantsdk.__all__), public - set(savantsdk.__all__)


def test_version() -> None:
    assert savantsdk.__version__[0].isdigit()


def test_import_is_light_and_the_client_side_loads_on_first_use() -> None:
    """``import savantsdk`` (and the in-memory cache) must not pull httpx, redis-py or the
    executor; the lazily exported names still resolve, to the same objects."""
    import subprocess
    import sys

    code = (
        "import sys, savantsdk, savantsdk.cache\n"
        "heavy = [m for m in ('httpx', 'redis', 'savantsdk._client', 'savantsdk.executor') "
        "if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "from savantsdk._client import AsyncClient\n"
        "assert savantsdk.AsyncClient is AsyncClient\n"
        "from savantsdk.cache._redis import RedisCache\n"
        "assert savantsdk.cache.RedisCache is RedisCache\n"
        "assert {'AsyncClient', 'Client', 'Lane'} <= set(dir(savantsdk))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
