"""One name per concept: the odds enums are one object wherever they are imported, and the
renamed ``Outcome``s stay importable for one release with a DeprecationWarning."""

from __future__ import annotations

import warnings

import pytest

import savantsdk.props as props
import savantsdk.sources as sources
import savantsdk.testing as testing
from savantsdk.executor import Outcome


def test_odds_enums_are_one_object() -> None:
    assert props.OddsType is sources.OddsType
    assert props.OddsFormat is sources.OddsFormat
    assert props.to_decimal(150, "american") == props.to_decimal(150, sources.OddsFormat.AMERICAN)
    assert props.to_decimal(150, "american") == 2.5


@pytest.mark.parametrize(
    ("module", "old_name", "new"),
    [
        (sources, "Outcome", "OddsOutcome"),
        (props, "Outcome", "PACategory"),
        (testing, "PropLine", "TrueLine"),
    ],
)
def test_old_names_warn_and_resolve(module: object, old_name: str, new: str) -> None:
    with pytest.warns(DeprecationWarning, match=rf"\.{old_name} is deprecated .* use .*\.{new}"):
        old = getattr(module, old_name)
    assert old is getattr(module, new)
    assert old is not Outcome
    assert old is not props.PropLine
    assert old_name not in module.__all__  # type: ignore[attr-defined]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert getattr(module, new) is old
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        module.Nope  # type: ignore[attr-defined]  # noqa: B018
