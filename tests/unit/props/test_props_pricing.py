"""Pricing: conversions, devig (worked examples from the research notes), EV, Kelly, PrizePicks."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

from savantsdk.exceptions import ConfigurationError, PropGenerationError
from savantsdk.props import (
    DEFAULT_DEVIG_METHOD,
    DevigMethod,
    EntryType,
    OddsType,
    american_to_decimal,
    american_to_implied,
    assess_prizepicks_line,
    breakeven_probability,
    decimal_to_american,
    decimal_to_implied,
    devig,
    devig_implied,
    edge,
    entry_expected_return,
    expected_value,
    fair_odds,
    implied_to_american,
    implied_to_decimal,
    kelly_fraction,
    to_decimal,
)

american = st.one_of(
    st.floats(min_value=-100_000, max_value=-100), st.floats(min_value=100, max_value=100_000)
)


# ---------------------------------------------------------------- conversions


def test_conversion_examples() -> None:
    assert american_to_decimal(-150) == pytest.approx(1 + 100 / 150)
    assert american_to_decimal(240) == pytest.approx(3.4)
    assert american_to_implied(-130) == pytest.approx(130 / 230)
    assert american_to_implied(105) == pytest.approx(100 / 205)
    assert decimal_to_american(2.5) == pytest.approx(150)
    assert decimal_to_american(1.5) == pytest.approx(-200)
    assert decimal_to_american(2.0) == pytest.approx(100)
    assert decimal_to_implied(4.0) == 0.25
    assert implied_to_decimal(0.25) == 4.0
    assert to_decimal(2.2, "decimal") == 2.2


@given(american)
@settings(deadline=None)
def test_american_round_trips(a: float) -> None:
    back = decimal_to_american(american_to_decimal(a))
    assert american_to_decimal(back) == pytest.approx(american_to_decimal(a), rel=1e-12)
    if abs(a) > 100 + 1e-6:  # -100 and +100 are the same price (decimal 2.0)
        assert back == pytest.approx(a, rel=1e-9)
    assert american_to_implied(a) == pytest.approx(1 / american_to_decimal(a), rel=1e-12)


@given(st.floats(min_value=1e-6, max_value=1 - 1e-6))
@settings(deadline=None)
def test_probability_round_trips(p: float) -> None:
    assert american_to_implied(implied_to_american(p)) == pytest.approx(p, rel=1e-9)
    assert decimal_to_implied(implied_to_decimal(p)) == pytest.approx(p, rel=1e-12)
    fo = fair_odds(p)
    assert fo.decimal == pytest.approx(1 / p)
    assert american_to_decimal(fo.american) == pytest.approx(fo.decimal, rel=1e-9)


def test_fair_odds_examples() -> None:
    assert fair_odds(0.6).american == pytest.approx(-150)
    assert fair_odds(0.4).american == pytest.approx(150)
    assert fair_odds(0.5).decimal == 2.0


@pytest.mark.parametrize("bad", [-99.9, 0, 50, 99, math.nan, math.inf, "x"])
def test_bad_american_is_rejected(bad: float) -> None:
    with pytest.raises(ConfigurationError, match=r"(?i)american"):
        american_to_decimal(bad)


@pytest.mark.parametrize("bad", [1.0, 0.5, -2.0, math.nan])
def test_bad_decimal_is_rejected(bad: float) -> None:
    with pytest.raises(ConfigurationError, match="decimal"):
        decimal_to_american(bad)


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, 1.5])
def test_bad_probability_is_rejected(bad: float) -> None:
    with pytest.raises(ConfigurationError, match="between 0 and 1"):
        implied_to_american(bad)


def test_bad_odds_format_is_rejected() -> None:
    with pytest.raises(ConfigurationError, match="odds_format"):
        to_decimal(2.0, "fractional")  # type: ignore[arg-type]


# ---------------------------------------------------------------- devig

# (over, under) -> method -> favourite's fair probability, SOURCES-markets §4 / MODEL-research §4.
WORKED = {
    (-130, 105): {
        "multiplicative": 0.5368,
        "additive": 0.5387,
        "power": 0.5397,
        "shin": 0.5387,
        "odds_ratio": 0.5388,
    },
    (-150, 120): {
        "multiplicative": 0.5690,
        "additive": 0.5727,
        "shin": 0.5727,
        "odds_ratio": 0.5729,
        "power": 0.5747,
    },
    (-300, 240): {
        "multiplicative": 0.7183,
        "additive": 0.7279,
        "shin": 0.7279,
        "odds_ratio": 0.7285,
        "power": 0.7331,
    },
}


@pytest.mark.parametrize(
    ("prices", "method", "expected"),
    [(p, m, v) for p, row in WORKED.items() for m, v in row.items()],
)
def test_devig_worked_examples(prices: tuple[int, int], method: str, expected: float) -> None:
    result = devig(prices, method=method)
    assert round(result.probabilities[0], 4) == expected
    assert round(result.probabilities[1], 4) == round(1 - expected, 4)


def test_worked_example_parameters_and_margin() -> None:
    raw = devig([-130, 105], method="multiplicative").raw
    assert [round(x, 4) for x in raw] == [0.5652, 0.4878]
    assert round(devig([-130, 105], method="power").margin, 4) == 0.0530
    power = devig([-130, 105], method="power").parameter
    assert power is not None
    assert round(power, 4) == 1.0809
    shin = devig([-130, 105], method="shin").parameter
    assert shin is not None
    assert round(shin, 4) == 0.0530


def test_default_method_is_odds_ratio() -> None:
    assert DEFAULT_DEVIG_METHOD is DevigMethod.ODDS_RATIO
    assert devig([-130, 105]).method is DevigMethod.ODDS_RATIO


@st.composite
def vigged_market(draw: st.DrawFn) -> tuple[list[float], list[float]]:
    """Fair two-/three-way probabilities and a vigged version (each raw < 1)."""
    n = draw(st.integers(2, 3))
    weights = [draw(st.floats(0.05, 1.0)) for _ in range(n)]
    fair = [w / sum(weights) for w in weights]
    margin = draw(st.floats(0.0, 0.12))
    raw = [min(p * (1 + margin), 0.995) for p in fair]
    return fair, raw


@given(vigged_market(), st.sampled_from(list(DevigMethod)))
@settings(deadline=None)
def test_devig_sums_to_one_and_keeps_order(
    market: tuple[list[float], list[float]], method: DevigMethod
) -> None:
    _, raw = market
    if method is DevigMethod.ADDITIVE and min(raw) <= (sum(raw) - 1) / len(raw):
        # additive can go <= 0 on extreme longshots, and says so
        with pytest.raises(ConfigurationError, match="additive devig"):
            devig_implied(raw, method=method)
        return
    result = devig_implied(raw, method=method)
    probs = result.probabilities
    assert sum(probs) == pytest.approx(1.0, abs=1e-12)
    assert all(0 < p < 1 for p in probs)
    for i in range(len(raw)):
        for j in range(len(raw)):
            if raw[i] > raw[j]:
                assert probs[i] >= probs[j]


@given(
    st.floats(0.03, 0.97),
    st.floats(0.0, 0.1),
)
@settings(deadline=None)
def test_two_way_identities(p: float, margin: float) -> None:
    """Shin == additive and odds ratio == logit shift for two-way markets."""
    raw = [min(p * (1 + margin), 0.999), min((1 - p) * (1 + margin), 0.999)]
    add = devig_implied(raw, method="additive").probabilities
    shin = devig_implied(raw, method="shin").probabilities
    assert shin == pytest.approx(add, abs=1e-9)
    ratio = devig_implied(raw, method="odds_ratio").probabilities
    logit = devig_implied(raw, method="logit").probabilities
    assert ratio == pytest.approx(logit, abs=1e-9)


def test_devig_without_margin_is_identity() -> None:
    for method in DevigMethod:
        assert devig_implied([0.3, 0.7], method=method).probabilities == pytest.approx([0.3, 0.7])


def test_devig_bad_input() -> None:
    with pytest.raises(ConfigurationError, match="unknown devig method 'median'"):
        devig([-110, -110], method="median")
    with pytest.raises(ConfigurationError, match="at least two"):
        devig([-110])
    with pytest.raises(ConfigurationError, match=r"(?i)american"):
        devig([-110, 20])


# ---------------------------------------------------------------- value, Kelly


def test_expected_value_and_edge() -> None:
    assert expected_value(0.5, 100) == pytest.approx(0.0)
    assert expected_value(0.55, -110) == pytest.approx(0.55 * (1 + 100 / 110) - 1)
    assert edge(0.55, -110) == pytest.approx(0.55 - 110 / 210)
    assert edge(0.3, 3.0, odds_format="decimal") == pytest.approx(0.3 - 1 / 3)


@given(st.floats(0.01, 0.99), american)
@settings(deadline=None)
def test_edge_and_ev_agree_in_sign(p: float, a: float) -> None:
    ev = expected_value(p, a)
    e = edge(p, a)
    assert (ev > 1e-12) == (e > 1e-12) or abs(e) < 1e-9


def test_kelly() -> None:
    # p = .6 at even money: full Kelly 0.2.
    assert kelly_fraction(0.6, 100, multiplier=1.0, max_fraction=1.0) == pytest.approx(0.2)
    assert kelly_fraction(0.6, 100, max_fraction=1.0) == pytest.approx(0.05)  # quarter Kelly
    assert kelly_fraction(0.7, 100) == pytest.approx(0.05)  # capped at 5%
    assert kelly_fraction(0.7, 100, max_fraction=1.0) == pytest.approx(0.1)
    assert kelly_fraction(0.4, 100) == 0.0
    with pytest.raises(ConfigurationError, match="multiplier"):
        kelly_fraction(0.6, 100, multiplier=0.0)
    with pytest.raises(ConfigurationError, match="max_fraction"):
        kelly_fraction(0.6, 100, max_fraction=2.0)


# ---------------------------------------------------------------- PrizePicks

BREAKEVENS = {
    "power2": 0.5774,
    "power3": 0.5848,
    "power4": 0.5623,
    "power5": 0.5493,
    "power6": 0.5466,
    "flex3": 0.5909,
    "flex4": 0.5689,
    "flex5": 0.5425,
    "flex6": 0.5421,
}


@pytest.mark.parametrize(("name", "expected"), BREAKEVENS.items())
def test_prizepicks_breakevens_match_research_notes(name: str, expected: float) -> None:
    kind, legs = name[:-1], int(name[-1])
    entry = EntryType(kind, legs)
    p = breakeven_probability(entry)
    assert round(p, 4) == expected
    assert entry_expected_return(entry, [p] * legs) == pytest.approx(1.0, abs=1e-12)


def test_entry_expected_return_by_hand() -> None:
    p = 0.6
    q = 1 - p
    by_hand = 10 * p**5 + 2 * 5 * p**4 * q + 0.4 * 10 * p**3 * q**2
    assert entry_expected_return(EntryType.flex(5), [p] * 5) == pytest.approx(by_hand)
    legs = [0.5, 0.6, 0.7]
    assert entry_expected_return(EntryType.power(3), legs) == pytest.approx(5 * 0.5 * 0.6 * 0.7)
    # An older 6-pick power table (25x): the notes quote .5849; exactly 25^(-1/6) = .58480.
    old = breakeven_probability(EntryType("power", 6, (25.0,)))
    assert old == pytest.approx(25 ** (-1 / 6), abs=1e-12)
    assert old == pytest.approx(0.5849, abs=1.5e-4)


def test_entry_errors() -> None:
    with pytest.raises(PropGenerationError, match="power entry with 7 legs"):
        EntryType.power(7)
    with pytest.raises(PropGenerationError, match="needs 3 leg probabilities"):
        entry_expected_return(EntryType.power(3), [0.5])
    with pytest.raises(PropGenerationError, match="cannot break even"):
        breakeven_probability(EntryType("power", 2, (0.9,)))


def test_standard_line_compared_with_breakeven() -> None:
    a = assess_prizepicks_line(0.62, 0.38, line=1.5)
    assert a.comparable
    assert a.odds_type is OddsType.STANDARD
    assert a.side == "over"
    assert a.probability == pytest.approx(0.62)
    assert a.breakeven == pytest.approx(breakeven_probability(EntryType.power(2)))
    assert a.edge == pytest.approx(0.62 - 1 / math.sqrt(3))

    under = assess_prizepicks_line(0.3, 0.5, line=5, entry=EntryType.flex(6))
    assert under.side == "under"
    assert under.probability == pytest.approx(0.5 / 0.8)  # push on 5 reverts the pick
    assert under.edge is not None
    assert under.edge == pytest.approx(0.625 - breakeven_probability(EntryType.flex(6)))


@pytest.mark.parametrize("kind", ["demon", "goblin"])
def test_demon_and_goblin_are_not_comparable(kind: str) -> None:
    a = assess_prizepicks_line(0.7, 0.3, line=2.5, odds_type=kind)
    assert not a.comparable
    assert a.reason is not None
    assert kind in a.reason
    assert a.edge is None
    assert a.side is None
    assert a.breakeven is None


def test_prizepicks_bad_input() -> None:
    with pytest.raises(PropGenerationError, match="unknown PrizePicks odds_type 'taco'"):
        assess_prizepicks_line(0.5, 0.5, line=1.5, odds_type="taco")
    with pytest.raises(PropGenerationError, match="line 0"):
        assess_prizepicks_line(0.5, 0.5, line=0)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=0.02, max_value=0.98),
    st.floats(min_value=0.02, max_value=0.98),
)
def test_two_way_odds_ratio_closed_form_matches_the_logit_shift(a: float, b: float) -> None:
    # For two outcomes the odds-ratio and logit-shift methods are the same model; the
    # closed form c = sqrt(odds_a * odds_b) must agree with the logit root to 1e-9.
    if abs(a + b - 1.0) < 1e-9:
        return
    ratio = devig_implied([a, b], method="odds_ratio")
    shift = devig_implied([a, b], method="logit")
    assert sum(ratio.probabilities) == pytest.approx(1.0, abs=1e-12)
    for x, y in zip(ratio.probabilities, shift.probabilities, strict=True):
        assert x == pytest.approx(y, abs=1e-9)
