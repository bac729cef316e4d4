"""The blocking ``Client``: the same API as ``AsyncClient`` without ``await``, offline.

``savantsdk.Client`` runs one event loop in a background thread for its whole life, so it works
from plain scripts and from Jupyter cells alike.  Here it prices the probable starters'
strikeouts of a simulated slate served by ``savantsdk.testing.FakeUpstream`` (``testing``
extra) and prints each starter's distribution.

Run: ``python examples/blocking_client.py``.
"""

from __future__ import annotations

import datetime as dt

from savantsdk import ApiKeys, Client
from savantsdk.testing import FakeUpstream, SimulatedLeague

HISTORY_DAYS = 3


def main() -> None:
    league = SimulatedLeague(seed=11, days=HISTORY_DAYS + 1)
    day = league.dates[-1]
    now = dt.datetime(day.year, day.month, day.day, 16, tzinfo=dt.UTC)

    with (
        FakeUpstream(league, now=now) as fake,
        Client(
            base_urls=fake.base_urls,
            api_keys=ApiKeys(odds_api=fake.api_keys["odds_api"]),
        ) as client,
    ):
        props = client.props.generate(
            day, history_days=HISTORY_DAYS, markets=["pitcher_strikeouts"]
        )
        print(f"{len(props)} starters on {day} ({len(league.games_on(day))} games)")
        print(f"{'pitcher':<26}{'team':<6}{'vs':<6}{'mean K':>7}{'P(5+)':>8}{'median':>8}")
        for prop in sorted(props, key=lambda p: p.mean, reverse=True):
            dist = prop.distribution
            print(
                f"{prop.player or prop.player_id!s:<26}{prop.team:<6}{prop.opponent:<6}"
                f"{dist.mean:>7.2f}{dist.p_over(4.5):>8.3f}{dist.quantile(0.5):>8}"
            )
        metrics = client.metrics()
        print(
            "requests per source: "
            + ", ".join(f"{name} {m.requests}" for name, m in sorted(metrics.items()))
        )


if __name__ == "__main__":
    main()
