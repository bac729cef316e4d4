"""The one Over/Under pairing both line builders use (event odds and a LineSet)."""

from __future__ import annotations

from savantsdk.props._markets import pair_over_under


def test_pairs_by_key_in_first_seen_order_with_the_first_quote() -> None:
    quotes = [
        ("b", "Under", -120.0, "b1"),
        ("a", "over", 105.0, "a1"),
        ("b", "OVER", 100.0, "b2"),
        ("a", "over", 110.0, "a2"),  # a later price of a side replaces the earlier one
    ]
    assert list(pair_over_under(quotes)) == [
        ("b", "b1", 100.0, -120.0),
        ("a", "a1", 110.0, None),  # a lone side keeps the other price None
    ]


def test_other_sides_open_a_key_but_a_key_without_prices_is_dropped() -> None:
    quotes = [
        ("k", "Yes", 150.0, "first"),
        ("k", "under", -110.0, "second"),
        ("z", None, 200.0, "alone"),
    ]
    assert list(pair_over_under(quotes)) == [("k", "first", None, -110.0)]
