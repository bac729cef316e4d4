"""The fake's 118-column Statcast layout is the parser's: one list, in wire order, with kinds.

The parser (``sources/_statcast_csv.py``) holds ``STATCAST_LAYOUT`` (name and kind per column,
in the export's order) and parses by header name; the fake writes that order.
"""

from __future__ import annotations

from collections import Counter

from savantsdk.sources._statcast_csv import REQUIRED_COLUMNS, STATCAST_LAYOUT, column_kind
from savantsdk.testing._payloads import STATCAST_COLUMNS, STATCAST_HEADER


def test_every_fake_column_has_a_declared_parser_kind() -> None:
    assert len(STATCAST_COLUMNS) == len(set(STATCAST_COLUMNS)) == 118
    kinds = Counter(column_kind(c) for c in STATCAST_COLUMNS)
    assert kinds[None] == 0
    assert kinds == {"float": 49, "int": 47, "str": 21, "date": 1}
    assert set(REQUIRED_COLUMNS) <= set(STATCAST_COLUMNS)
    assert tuple(name for name, _ in STATCAST_LAYOUT) == STATCAST_COLUMNS
    assert column_kind("pitcher_1") == column_kind("fielder_2_1") == "int"  # older exports
    assert column_kind("not_a_statcast_column") is None
    assert STATCAST_HEADER.startswith('"pitch_type","game_date","release_speed"')
