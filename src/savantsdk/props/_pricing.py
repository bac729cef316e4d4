"""Prices: odds conversions, devig, fair odds, EV/edge, Kelly, PrizePicks entries.

Formulas and sources in ``docs/pricing.md`` (SOURCES-markets §4, MODEL-research §4).  Invalid
prices or probabilities raise :class:`~savantsdk.exceptions.ConfigurationError` (a
``ValueError``) naming the argument; an unknown PrizePicks odds type or entry raises
:class:`~savantsdk.exceptions.PropGenerationError`.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Sequence
from typing import Final, Literal

import attrs

from ..exceptions import ConfigurationError, PropGenerationError
from ..sources._markets_models import OddsFormat, OddsFormatArg, OddsType

__all__ = (
    "DEFAULT_DEVIG_METHOD",
    "DEFAULT_KELLY_MULTIPLIER",
    "DEFAULT_MAX_KELLY_FRACTION",
    "FLEX_PAYOUTS",
    "POWER_PAYOUTS",
    "DevigMethod",
    "DevigResult",
    "EntryKind",
    "EntryType",
    "FairOdds",
    "OddsFormat",
    "OddsType",
    "PrizePicksAssessment",
    "american_to_decimal",
    "american_to_implied",
    "assess_prizepicks_line",
    "breakeven_probability",
    "decimal_to_american",
    "decimal_to_implied",
    "devig",
    "devig_implied",
    "edge",
    "entry_expected_return",
    "expected_value",
    "fair_odds",
    "implied_to_american",
    "implied_to_decimal",
    "kelly_fraction",
    "to_decimal",
)


# --------------------------------------------------------------------------------------------
# conversions


def _finite(value: float, name: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"{name} {value!r} is not a number", setting=name) from exc
    if not math.isfinite(x):
        raise ConfigurationError(f"{name} {value!r} must be finite", setting=name)
    return x


def _check_american(american: float) -> float:
    a = _finite(american, "american")
    if -100.0 < a < 100.0:
        raise ConfigurationError(
            f"American odds {american!r} must be <= -100 or >= +100", setting="american"
        )
    return a


def _check_decimal(decimal: float) -> float:
    d = _finite(decimal, "decimal")
    if d <= 1.0:
        raise ConfigurationError(f"decimal odds {decimal!r} must be > 1", setting="decimal")
    return d


def _check_probability(p: float, name: str = "probability") -> float:
    x = _finite(p, name)
    if not 0.0 < x < 1.0:
        raise ConfigurationError(f"{name} {p!r} must be strictly between 0 and 1", setting=name)
    return x


def american_to_decimal(american: float) -> float:
    """``1 + A/100`` for ``A >= 100``; ``1 + 100/|A|`` for ``A <= -100``."""
    a = _check_american(american)
    return 1.0 + a / 100.0 if a > 0 else 1.0 + 100.0 / -a


def decimal_to_american(decimal: float) -> float:
    """``100 (d - 1)`` for ``d >= 2``; ``-100 / (d - 1)`` below (``2.0`` gives ``+100``)."""
    d = _check_decimal(decimal)
    return 100.0 * (d - 1.0) if d >= 2.0 else -100.0 / (d - 1.0)


def american_to_implied(american: float) -> float:
    """Raw implied probability (vig included): ``100/(A+100)`` or ``|A|/(|A|+100)``."""
    a = _check_american(american)
    return 100.0 / (a + 100.0) if a > 0 else -a / (-a + 100.0)


def decimal_to_implied(decimal: float) -> float:
    """``1 / d``."""
    return 1.0 / _check_decimal(decimal)


def implied_to_decimal(probability: float) -> float:
    """Fair decimal odds ``1 / p``."""
    return 1.0 / _check_probability(probability)


def implied_to_american(probability: float) -> float:
    """Fair American odds: ``-100 p/(1-p)`` for ``p >= .5``, else ``100 (1-p)/p``."""
    p = _check_probability(probability)
    return -100.0 * p / (1.0 - p) if p >= 0.5 else 100.0 * (1.0 - p) / p


def to_decimal(odds: float, odds_format: OddsFormatArg = "american") -> float:
    """Decimal odds from American (default) or decimal odds, validated."""
    if odds_format == "american":
        return american_to_decimal(odds)
    if odds_format == "decimal":
        return _check_decimal(odds)
    raise ConfigurationError(
        f"odds_format {odds_format!r} must be 'american' or 'decimal'", setting="odds_format"
    )


@attrs.frozen
class FairOdds:
    """The no-vig price of a probability."""

    probability: float
    decimal: float
    american: float


def fair_odds(probability: float) -> FairOdds:
    """Fair decimal and American odds of ``probability`` (in (0, 1))."""
    p = _check_probability(probability)
    return FairOdds(probability=p, decimal=1.0 / p, american=implied_to_american(p))


# --------------------------------------------------------------------------------------------
# devig


class DevigMethod(enum.StrEnum):
    """How to remove the book's margin from a set of raw implied probabilities."""

    MULTIPLICATIVE = "multiplicative"
    ADDITIVE = "additive"
    POWER = "power"
    SHIN = "shin"
    ODDS_RATIO = "odds_ratio"
    LOGIT = "logit"


#: Default devig: odds ratio (Cheung 2015; a constant shift on the log-odds scale).  Reasons in
#: docs/pricing.md: corrects the favourite-longshot bias like Shin and power, never leaves (0, 1),
#: sits between additive/Shin and power on the worked examples, and matches how the model
#: combines rates (log5 is an odds-ratio model).
DEFAULT_DEVIG_METHOD: Final = DevigMethod.ODDS_RATIO


@attrs.frozen
class DevigResult:
    """Fair probabilities in input order; ``parameter`` is k (power), z (Shin), c (odds ratio,
    ``odds(raw) = c odds(fair)``) or the logit shift; ``None`` for multiplicative/additive."""

    probabilities: tuple[float, ...]
    method: DevigMethod
    margin: float
    raw: tuple[float, ...]
    parameter: float | None


def _bisect(f: Callable[[float], float], lo: float, hi: float) -> float:
    """Root of a monotone ``f`` on a bracket ``[lo, hi]`` with a sign change, to ~1e-15."""
    f_lo = f(lo)
    if f_lo == 0.0:
        return lo
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        f_mid = f(mid)
        if f_mid == 0.0 or hi - lo <= 1e-15 * max(1.0, abs(mid)):
            return mid
        if (f_mid > 0.0) == (f_lo > 0.0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _expand(f: Callable[[float], float], lo: float, hi: float) -> tuple[float, float]:
    """Grow ``hi`` (doubling) until ``f`` changes sign on ``[lo, hi]``."""
    f_lo = f(lo)
    for _ in range(200):
        if (f(hi) > 0.0) != (f_lo > 0.0):
            return lo, hi
        hi *= 2.0
    raise ConfigurationError("devig did not converge (degenerate prices)", setting="prices")


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def devig_implied(
    implied: Sequence[float], *, method: DevigMethod | str = DEFAULT_DEVIG_METHOD
) -> DevigResult:
    """Fair probabilities from raw implied probabilities ``pi_i`` (each in (0, 1), >= 2 of them).

    multiplicative ``pi_i / S``; additive ``pi_i - (S - 1)/n``; power ``pi_i^k``;
    Shin ``(sqrt(z^2 + 4 (1 - z) pi_i^2 / S) - z) / (2 - 2z)``;
    odds ratio ``pi_i / (c + pi_i - c pi_i)``; logit ``sigmoid(logit(pi_i) - c)``.
    The parameter is solved by bisection so the probabilities sum to 1.
    """
    try:
        m = DevigMethod(method)
    except ValueError as exc:
        known = ", ".join(x.value for x in DevigMethod)
        raise ConfigurationError(
            f"unknown devig method {method!r}; known: {known}", setting="method"
        ) from exc
    raw = tuple(_check_probability(p, "implied probability") for p in implied)
    n = len(raw)
    if n < 2:
        raise ConfigurationError("devig needs at least two outcomes", setting="prices")
    total = sum(raw)
    margin = total - 1.0
    param: float | None = None
    if m is DevigMethod.MULTIPLICATIVE:
        probs = [p / total for p in raw]
    elif m is DevigMethod.ADDITIVE:
        probs = [p - margin / n for p in raw]
        if min(probs) <= 0.0:
            raise ConfigurationError(
                "additive devig gives a probability <= 0 for this market; use another method",
                setting="method",
            )
    elif m is DevigMethod.POWER:

        def f_power(k: float) -> float:
            return sum(float(p**k) for p in raw) - 1.0

        lo, hi = (1.0, 2.0) if margin > 0 else (1e-9, 1.0)
        if margin > 0:
            lo, hi = _expand(f_power, lo, hi)
        param = _bisect(f_power, lo, hi) if margin != 0 else 1.0
        probs = [float(p**param) for p in raw]
    elif m is DevigMethod.SHIN:

        def shin_p(z: float) -> list[float]:
            return [
                (math.sqrt(z * z + 4.0 * (1.0 - z) * p * p / total) - z) / (2.0 - 2.0 * z)
                for p in raw
            ]

        def f_shin(z: float) -> float:
            return sum(shin_p(z)) - 1.0

        if margin == 0:
            param = 0.0
        elif margin > 0:
            param = _bisect(f_shin, 0.0, 1.0 - 1e-12)
        else:
            param = _bisect(f_shin, -1.0 + 1e-12, 0.0)
        probs = shin_p(param)
    elif m is DevigMethod.ODDS_RATIO:

        def or_p(c: float) -> list[float]:
            return [p / (c + p - c * p) for p in raw]

        def f_or(c: float) -> float:
            return sum(or_p(c)) - 1.0

        if n == 2 and margin != 0:
            # Closed form for a two-way market: odds(q_i) = odds(p_i) / c and q_1 + q_2 = 1
            # mean odds(q_1) * odds(q_2) = 1, so c = sqrt(odds(p_1) * odds(p_2)).
            param = math.sqrt(raw[0] / (1.0 - raw[0]) * raw[1] / (1.0 - raw[1]))
        elif margin > 0:
            param = _bisect(f_or, *_expand(f_or, 1.0, 2.0))
        elif margin < 0:
            param = _bisect(f_or, 1e-12, 1.0)
        else:
            param = 1.0
        probs = or_p(param)
    else:

        def logit_p(c: float) -> list[float]:
            return [_sigmoid(_logit(p) - c) for p in raw]

        def f_logit(c: float) -> float:
            return sum(logit_p(c)) - 1.0

        lo, hi = -50.0, 50.0
        param = _bisect(f_logit, lo, hi)
        probs = logit_p(param)
    # Remove the solver's last ~1e-15 so the output sums to 1 to machine precision.
    s = sum(probs)
    return DevigResult(
        probabilities=tuple(p / s for p in probs),
        method=m,
        margin=margin,
        raw=raw,
        parameter=param,
    )


def devig(
    prices: Sequence[float],
    *,
    method: DevigMethod | str = DEFAULT_DEVIG_METHOD,
    odds_format: OddsFormatArg = "american",
) -> DevigResult:
    """Devig one market's prices (e.g. ``[over, under]`` at the same line from the same book)."""
    return devig_implied([1.0 / to_decimal(x, odds_format) for x in prices], method=method)


# --------------------------------------------------------------------------------------------
# value and staking


def expected_value(
    probability: float, odds: float, *, odds_format: OddsFormatArg = "american"
) -> float:
    """Expected profit per unit staked: ``p d - 1``."""
    p = _check_unit(probability)
    return p * to_decimal(odds, odds_format) - 1.0


def edge(probability: float, odds: float, *, odds_format: OddsFormatArg = "american") -> float:
    """``p - 1/d``: model probability minus the price's break-even probability (> 0 iff EV > 0)."""
    p = _check_unit(probability)
    return p - 1.0 / to_decimal(odds, odds_format)


def _check_unit(p: float) -> float:
    x = _finite(p, "probability")
    if not 0.0 <= x <= 1.0:
        raise ConfigurationError(f"probability {p!r} must be in [0, 1]", setting="probability")
    return x


#: Fraction of full Kelly staked by default (the model's p is an estimate: MODEL-research §4).
DEFAULT_KELLY_MULTIPLIER: Final = 0.25
#: Largest bankroll fraction :func:`kelly_fraction` returns by default.
DEFAULT_MAX_KELLY_FRACTION: Final = 0.05


def kelly_fraction(
    probability: float,
    odds: float,
    *,
    odds_format: OddsFormatArg = "american",
    multiplier: float = DEFAULT_KELLY_MULTIPLIER,
    max_fraction: float = DEFAULT_MAX_KELLY_FRACTION,
) -> float:
    """Capped fractional Kelly stake: ``clip(multiplier (b p - (1 - p)) / b, 0, max_fraction)``,
    ``b = d - 1``.  Zero when the bet has no edge."""
    p = _check_unit(probability)
    mult = _finite(multiplier, "multiplier")
    cap = _finite(max_fraction, "max_fraction")
    if not 0.0 < mult <= 1.0:
        raise ConfigurationError(
            f"multiplier {multiplier!r} must be in (0, 1]", setting="multiplier"
        )
    if not 0.0 < cap <= 1.0:
        raise ConfigurationError(
            f"max_fraction {max_fraction!r} must be in (0, 1]", setting="max_fraction"
        )
    b = to_decimal(odds, odds_format) - 1.0
    full = (b * p - (1.0 - p)) / b
    return min(max(mult * full, 0.0), cap)


# --------------------------------------------------------------------------------------------
# PrizePicks


class EntryKind(enum.StrEnum):
    """A PrizePicks entry: ``power`` (every leg must hit) or ``flex`` (pays on most legs)."""

    POWER = "power"
    FLEX = "flex"


#: Power play payout multiple by number of legs (all legs must hit).  PrizePicks help center.
POWER_PAYOUTS: Final[dict[int, tuple[float, ...]]] = {
    2: (3.0,),
    3: (5.0,),
    4: (10.0,),
    5: (20.0,),
    6: (37.5,),
}
#: Flex play payout multiples by number of legs, indexed by number of misses (0, 1, 2).
FLEX_PAYOUTS: Final[dict[int, tuple[float, ...]]] = {
    3: (2.25, 1.25),
    4: (5.0, 1.5),
    5: (10.0, 2.0, 0.4),
    6: (25.0, 2.0, 0.4),
}


def _default_payouts(kind: EntryKind, legs: int) -> tuple[float, ...]:
    table = POWER_PAYOUTS if kind is EntryKind.POWER else FLEX_PAYOUTS
    if legs not in table:
        raise PropGenerationError(f"no {kind.value} entry with {legs} legs; known: {sorted(table)}")
    return table[legs]


@attrs.frozen
class EntryType:
    """A PrizePicks entry: ``kind``, ``legs`` and payout multiples by number of misses
    (defaults from :data:`POWER_PAYOUTS` / :data:`FLEX_PAYOUTS`)."""

    kind: EntryKind = attrs.field(converter=EntryKind)
    legs: int
    payouts: tuple[float, ...] = attrs.field()

    @payouts.default
    def _payouts_default(self) -> tuple[float, ...]:
        return _default_payouts(self.kind, self.legs)

    @classmethod
    def power(cls, legs: int) -> EntryType:
        return cls(EntryKind.POWER, legs)

    @classmethod
    def flex(cls, legs: int) -> EntryType:
        return cls(EntryKind.FLEX, legs)

    def __str__(self) -> str:
        return f"{self.kind.value}{self.legs}"


def entry_expected_return(entry: EntryType, leg_probabilities: Sequence[float]) -> float:
    """Expected payout multiple of an entry whose legs hit independently with the given
    probabilities (Poisson-binomial over misses).  Break-even is 1.0."""
    if len(leg_probabilities) != entry.legs:
        raise PropGenerationError(
            f"{entry} needs {entry.legs} leg probabilities, got {len(leg_probabilities)}"
        )
    misses = [1.0]  # misses[m] = P(m misses so far)
    for p in leg_probabilities:
        q = 1.0 - _check_unit(p)
        nxt = [0.0] * (len(misses) + 1)
        for m, pm in enumerate(misses):
            nxt[m] += pm * (1.0 - q)
            nxt[m + 1] += pm * q
        misses = nxt
    return sum(misses[m] * mult for m, mult in enumerate(entry.payouts))


def breakeven_probability(entry: EntryType) -> float:
    """Per-leg probability ``p`` (i.i.d. legs) at which the entry's expected return is 1."""

    def f(p: float) -> float:
        return entry_expected_return(entry, [p] * entry.legs) - 1.0

    if f(1.0) <= 0.0:
        raise PropGenerationError(f"{entry} cannot break even (payouts {entry.payouts})")
    return _bisect(f, 0.0, 1.0)


@attrs.frozen
class PrizePicksAssessment:
    """A PrizePicks line against the model.  ``comparable`` is False (with ``reason``) for demon
    and goblin lines, whose adjusted payouts make the entry break-even meaningless; then
    ``side``, ``probability``, ``breakeven`` and ``edge`` are None."""

    line: float
    odds_type: OddsType
    entry: EntryType
    comparable: bool
    reason: str | None = None
    side: Literal["over", "under"] | None = None
    probability: float | None = None
    breakeven: float | None = None
    edge: float | None = None


def assess_prizepicks_line(
    p_over: float,
    p_under: float,
    *,
    line: float,
    odds_type: OddsType | str = OddsType.STANDARD,
    entry: EntryType | None = None,
) -> PrizePicksAssessment:
    """Compare a PrizePicks line with the per-leg break-even of ``entry`` (default power 2).

    A push reverts the pick, so the side's probability is taken conditional on no push:
    ``p_over / (p_over + p_under)``; the better side is chosen and ``edge = probability -
    breakeven``.  Demon/goblin lines are returned as not comparable.
    """
    try:
        kind = OddsType(odds_type)
    except ValueError as exc:
        known = ", ".join(x.value for x in OddsType)
        raise PropGenerationError(
            f"unknown PrizePicks odds_type {odds_type!r}; known: {known}"
        ) from exc
    ent = entry if entry is not None else EntryType.power(2)
    if not (math.isfinite(line) and line > 0.0):
        raise PropGenerationError(f"line {line!r} must be a finite number > 0")
    if kind is not OddsType.STANDARD:
        what = (
            "harder line with boosted payout"
            if kind is OddsType.DEMON
            else "easier line with reduced payout"
        )
        return PrizePicksAssessment(
            line=line,
            odds_type=kind,
            entry=ent,
            comparable=False,
            reason=f"{kind.value} line ({what}): not comparable to the {ent} break-even",
        )
    over = _check_unit(p_over)
    under = _check_unit(p_under)
    if over + under <= 0.0:
        raise PropGenerationError("p_over + p_under must be > 0")
    p = over / (over + under)
    side: Literal["over", "under"] = "over" if p >= 0.5 else "under"
    prob = p if side == "over" else 1.0 - p
    be = breakeven_probability(ent)
    return PrizePicksAssessment(
        line=line,
        odds_type=kind,
        entry=ent,
        comparable=True,
        side=side,
        probability=prob,
        breakeven=be,
        edge=prob - be,
    )
