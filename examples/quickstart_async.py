"""Quickstart: the props of a simulated slate with ``AsyncClient``, fully offline.

``savantsdk.testing.FakeUpstream`` serves a seeded simulated league on loopback with the wire
formats of all five upstreams (it needs the ``testing`` extra: ``pip install
"savantsdk[testing]"``).  The client is pointed at it with ``base_urls`` and the fake's Odds
API key, then ``client.props.generate`` pulls the slate, the Statcast history and the market
lines through the real source clients and prices every starting player.

Run it from anywhere: ``python examples/quickstart_async.py``.
"""

from __future__ import annotations

import datetime as dt

import anyio

from savantsdk import ApiKeys, AsyncClient
from savantsdk.testing import FakeUpstream, SimulatedLeague

HISTORY_DAYS = 3  # days of Statcast history the rate model is fitted on


async def main() -> None:
    league = SimulatedLeague(seed=7, days=HISTORY_DAYS + 1)
    day = league.dates[-1]  # the slate: the league's last day
    # 16:00 UTC on the slate's day: early games have posted lineups, night games not yet.
    now = dt.datetime(day.year, day.month, day.day, 16, tzinfo=dt.UTC)

    async with (
        FakeUpstream(league, now=now) as fake,
        AsyncClient(
            base_urls=fake.base_urls,
            api_keys=ApiKeys(odds_api=fake.api_keys["odds_api"]),
        ) as client,
    ):
        props = await client.props.generate(day, history_days=HISTORY_DAYS)
        report = client.props.last_report
        assert report is not None
        print(
            f"{len(props)} props for {day}: {len(report.games_priced)} games, "
            f"{report.history_pas} plate appearances of history, "
            f"{report.lines_total} market lines from {', '.join(report.lines_served_by)}"
        )
        print(f"{fake.count()} upstream requests")

        priced = sorted(
            (p for p in props if p.best_edge is not None),
            key=lambda p: p.best_edge or 0.0,
            reverse=True,
        )
        # Three days of history leave the model close to league rates: against the simulated
        # books' true lines these "edges" are mostly noise.  Fit on more days for real use.
        print(
            f"\n{'player':<26}{'stat':<20}{'line':>5}{'P(over)':>9}{'side':>7}{'edge':>8}  market"
        )
        for prop in priced[:8]:
            for line in prop.lines:
                best = line.best
                if best is not None and best.edge == prop.best_edge:
                    print(
                        f"{prop.player or prop.player_id!s:<26}{prop.stat.value:<20}"
                        f"{line.line:>5g}{line.p_over:>9.3f}{best.side or '':>7}"
                        f"{best.edge:>+8.3f}  {best.source}"
                    )
                    break

        # The same call again: every input now comes from the cache.
        fake.reset_counts()
        await client.props.generate(day, history_days=HISTORY_DAYS)
        print(f"\nsecond cycle: {fake.count()} upstream requests")


if __name__ == "__main__":
    anyio.run(main)
