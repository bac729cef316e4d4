"""Pull Statcast pitches through the Savant client, then again from the cache; offline.

``client.savant.statcast(start, end)`` asks Savant for one day per request (rate limited,
retried, cached) and returns a columnar ``StatcastTable``: one numpy array per column.  The
upstream here is ``savantsdk.testing.FakeUpstream`` (``testing`` extra), which serves the
simulated league's pitches in Savant's own CSV layout.

Run: ``python examples/statcast_pull.py``.
"""

from __future__ import annotations

import anyio
import numpy as np

from savantsdk import AsyncClient
from savantsdk.testing import FakeUpstream, SimulatedLeague

DAYS = 3


async def main() -> None:
    league = SimulatedLeague(seed=3, days=DAYS)
    start, end = league.dates[0], league.dates[-1]

    async with FakeUpstream(league) as fake, AsyncClient(base_urls=fake.base_urls) as client:
        result = await client.savant.statcast(start, end)
        result.raise_for_errors()  # a failed day would be in result.errors, not raised
        table = result.table
        print(f"{start}..{end}: {table.rows} pitches, {len(table.columns)} columns, {result}")
        print(f"{len(table.game_pks())} games; upstream requests: {fake.count('savant')}")

        speed = table.column("release_speed")
        kinds = table.column("pitch_type")
        print(f"\n{'pitch':<7}{'n':>7}{'mph':>8}")
        for kind in sorted({k for k in kinds.to_list() if k is not None}):
            mask = (kinds.values == kind) & ~np.isnan(speed.values)
            print(f"{kind:<7}{int(mask.sum()):>7}{float(speed.values[mask].mean()):>8.1f}")

        pas = table.filter_events()  # the rows that end a plate appearance
        events = pas.column("events").to_list()
        print(f"\n{pas.rows} plate appearances, {events.count('home_run')} home runs")

        fake.reset_counts()
        again = await client.savant.statcast(start, end)
        print(
            f"\nsecond pull: {again.table.rows} pitches, {len(again.cached_days)} of "
            f"{len(again.days)} days from the cache, {fake.count('savant')} upstream requests"
        )


if __name__ == "__main__":
    anyio.run(main)
