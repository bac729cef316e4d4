"""lines_from_lineset: Odds API sides are paired per bookmaker, PrizePicks lines pass through."""

from __future__ import annotations

from savantsdk.props import Stat, lines_from_lineset
from savantsdk.sources import LineSet, OddsFormat, OddsType, PlayerLine


def line(**kw: object) -> PlayerLine:
    base: dict[str, object] = {
        "player": "Aaron Judge",
        "market": "batter_hits",
        "point": 0.5,
        "side": "Over",
        "price": -150.0,
        "odds_format": OddsFormat.AMERICAN,
        "bookmaker": "draftkings",
        "served_by": "odds_api",
    }
    base.update(kw)
    return PlayerLine(**base)  # type: ignore[arg-type]


def test_pairs_over_and_under_of_one_book_and_keeps_books_apart() -> None:
    lines = (
        line(),
        line(side="Under", price=120.0),
        line(bookmaker="fanduel", price=-140.0),
        line(market="batter_hits_alternate", point=1.5, price=200.0),
        line(market="batter_first_home_run", point=0.5),  # not a market we price
        line(point=None),
    )
    got = lines_from_lineset(LineSet(lines=lines, served_by=("odds_api",)))
    by = {(m.source, m.line): m for m in got}
    assert set(by) == {
        ("odds_api:draftkings", 0.5),
        ("odds_api:fanduel", 0.5),
        ("odds_api:draftkings", 1.5),
    }
    dk = by[("odds_api:draftkings", 0.5)]
    assert (dk.stat, dk.over_price, dk.under_price) == (Stat.HITS, -150.0, 120.0)
    assert by[("odds_api:fanduel", 0.5)].under_price is None
    assert by[("odds_api:draftkings", 1.5)].over_price == 200.0


def test_prizepicks_lines_keep_their_odds_type() -> None:
    pp = line(
        market="pitcher_strikeouts",
        point=6.5,
        side=None,
        price=None,
        odds_format=None,
        bookmaker="prizepicks",
        served_by="prizepicks",
        odds_type=OddsType.DEMON,
        team="NYY",
    )
    (got,) = lines_from_lineset(LineSet(lines=(pp,), served_by=("prizepicks",)))
    assert got.source == "prizepicks"
    assert got.stat is Stat.PITCHER_STRIKEOUTS
    assert got.line == 6.5
    assert got.odds_type is not None
    assert got.odds_type.value == "demon"
    assert got.team == "NYY"


def test_a_doubleheader_keeps_its_two_games_apart() -> None:
    # The same player, book, market and point in both games of a doubleheader: two lines, each
    # with its own game's prices, never one line with the second game's prices over the first.
    lines = (
        line(event_id="g1", price=-150.0),
        line(event_id="g1", side="Under", price=120.0),
        line(event_id="g2", price=-110.0),
        line(event_id="g2", side="Under", price=-110.0),
    )
    got = lines_from_lineset(LineSet(lines=lines, served_by=("odds_api",)))
    by = {m.game_id: (m.over_price, m.under_price, m.line_id) for m in got}
    assert by == {
        "g1": (-150.0, 120.0, "g1:draftkings:batter_hits:Aaron Judge:0.5"),
        "g2": (-110.0, -110.0, "g2:draftkings:batter_hits:Aaron Judge:0.5"),
    }


def test_sides_other_than_over_and_under_and_unpriced_sides_are_skipped() -> None:
    lines = (
        line(market="batter_home_runs", side="Yes", price=300.0),
        line(side="Under", price=None),
        line(side="Over", price=-120.0),
    )
    (got,) = lines_from_lineset(LineSet(lines=lines, served_by=("odds_api",)))
    assert (got.stat, got.over_price, got.under_price) == (Stat.HITS, -120.0, None)
