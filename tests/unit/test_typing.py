"""``savantsdk.typing`` is the one home of the seams: every Protocol a user may implement."""

from __future__ import annotations

import subprocess
import sys
from typing import Protocol

import savantsdk.typing as st
from savantsdk._client import AsyncClient
from savantsdk.alerts import AlertRule
from savantsdk.cache._protocols import LockingBackend
from savantsdk.coordination._protocols import Coordination
from savantsdk.executor._breaker import BreakerGate
from savantsdk.executor._limiter import RateLimiter
from savantsdk.executor._pause import SourcePause
from savantsdk.executor._slots import ConcurrencyController
from savantsdk.props._rates import RateModel


def test_every_seam_is_reexported_as_the_same_object() -> None:
    assert st.RateLimiter is RateLimiter
    assert st.BreakerGate is BreakerGate
    assert st.SourcePause is SourcePause
    assert st.ConcurrencyController is ConcurrencyController
    assert st.LockingBackend is LockingBackend
    assert st.Coordination is Coordination
    assert st.RateModel is RateModel
    assert st.AlertRule is AlertRule
    for name in st.__all__:
        value = getattr(st, name)
        if isinstance(value, type) and name != "NotGiven":
            assert issubclass(value, Protocol), name
            assert value.__doc__, f"{name} has no docstring"


def test_the_client_is_a_source_context() -> None:
    # every member of the Protocol exists on the client with the same kind
    members = [n for n in vars(st.SourceContext) if not n.startswith("_")]
    assert set(members) == {"api_keys", "cache", "clock", "settings", "executor", "http", "request"}
    for name in members:
        assert hasattr(AsyncClient, name), name
        assert isinstance(getattr(AsyncClient, name), property) == isinstance(
            vars(st.SourceContext)[name], property
        ), name


def test_import_stays_light() -> None:
    code = (
        "import sys, savantsdk.typing\n"
        "loaded = [m for m in sys.modules if m.startswith('savantsdk.') and m not in "
        "('savantsdk.typing', 'savantsdk._config', 'savantsdk.exceptions', 'savantsdk._redact', "
        "'savantsdk.__about__')]\n"
        "assert not [m for m in ('httpx', 'redis', 'numpy') if m in sys.modules]\n"
        "assert 'savantsdk.executor' not in sys.modules, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
