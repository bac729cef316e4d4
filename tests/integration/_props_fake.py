"""What the props integration tests share: a ``FakeUpstream`` serving a simulated league whose
last day is the slate, a client pointed at it, and a per-test reset of faults and counts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from savantsdk import ApiKeys, AsyncClient
from savantsdk.testing import FakeUpstream, SimulatedLeague


@contextmanager
def slate_server(*, history_days: int, hour_utc: int, seed: int = 5) -> Iterator[FakeUpstream]:
    """The league's last day is the slate; the fake's clock reads ``hour_utc`` on that day."""
    league = SimulatedLeague(seed=seed, days=history_days + 1)
    last = league.dates[-1]
    now = datetime(last.year, last.month, last.day, hour_utc, tzinfo=UTC)
    with FakeUpstream(league, now=now) as fake:
        yield fake


def reset(server: FakeUpstream) -> Iterator[FakeUpstream]:
    """A fixture body: no faults and zeroed counts before the test, no faults after it."""
    server.clear_faults()
    server.reset_counts()
    yield server
    server.clear_faults()


def make_client(fake: FakeUpstream, **kw: Any) -> AsyncClient:
    return AsyncClient(
        base_urls=fake.base_urls, api_keys=ApiKeys(odds_api=fake.api_keys["odds_api"]), **kw
    )


def slate_day(fake: FakeUpstream) -> date:
    return fake.league.dates[-1]
