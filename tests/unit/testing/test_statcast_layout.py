"""The fake's 118-column Statcast layout and the parser's column kinds cannot drift apart.

The parser (``sources/_statcast_csv.py``) knows columns by kind, as unordered sets, and parses
by header name; the fake needs the wire ORDER, which only it holds.  So the fake keeps its
ordered tuple and this test ties the two together instead of a copy in each.
"""

from __future__ import annotations

from collections import Counter

from savantsdk.sources._statcast_csv import REQUIRED_COLUMNS, column_kind
from savantsdk.testing._payloads import STATCAST_COLUMNS, STATCAST_HEADER


def test_every_fake_column_has_a_declared_parser_kind() -> None:
    assert len(STATCAST_COLUMNS) == len(set(STATCAST_COLUMNS)) == 118
    kinds = Counter(column_kind(c) for c in STATCAST_COLUMNS)
    assert kinds[None] == 0
    assert kinds == {"float": 49, "int": 47, "str": 21, "date": 1}
    assert set(REQUIRED_COLUMNS) <= set(STATCAST_COLUMNS)
    assert STATCAST_HEADER.startswith('"pitch_type","game_date","release_speed"')
