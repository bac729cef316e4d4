"""Name folding, tokens, nicknames and team codes."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from savantsdk.ids import NICKNAMES, TEAM_CODES, TEAM_IDS, canonical_team, fold, name_tokens
from savantsdk.ids._names import nickname_variants, split_suffix


@pytest.mark.parametrize(
    ("raw", "tokens"),
    [
        ("Julio Rodríguez", ("julio", "rodriguez")),
        ("JULIO RODRIGUEZ", ("julio", "rodriguez")),
        ("J.D. Martinez", ("jd", "martinez")),
        ("JD Martinez", ("jd", "martinez")),
        ("J. D. Martinez", ("jd", "martinez")),
        ("Bobby Witt Jr.", ("bobby", "witt")),
        ("Michael Harris II", ("michael", "harris")),
        ("Ryan O'Hearn", ("ryan", "ohearn")),
        ("Ryan O\u2019Hearn", ("ryan", "ohearn")),
        ("Isiah Kiner-Falefa", ("isiah", "kiner", "falefa")),
        ("Ha-Seong Kim", ("ha", "seong", "kim")),
        ("  Yandy   Díaz ", ("yandy", "diaz")),
        ("Jasson Domínguez", ("jasson", "dominguez")),
        ("Martín Pérez", ("martin", "perez")),
        ("Bjørn Ødegaard", ("bjorn", "odegaard")),
        ("Jr.", ("jr",)),  # a lone suffix is kept: there is nothing else to match
    ],
)
def test_name_tokens(raw: str, tokens: tuple[str, ...]) -> None:
    assert name_tokens(raw) == tokens


def test_split_suffix_reports_the_suffix() -> None:
    assert split_suffix("Vladimir Guerrero Jr.") == (("vladimir", "guerrero"), "jr")
    assert split_suffix("Cal Ripken Sr") == (("cal", "ripken"), "sr")
    assert split_suffix("Aaron Judge") == (("aaron", "judge"), None)


def test_fold() -> None:
    assert fold("Ñandú ÉLAN Straße Łódź") == "nandu elan strasse lodz"


def test_nicknames_are_symmetric_groups() -> None:
    assert nickname_variants("mike") == nickname_variants("michael")
    assert {"zack", "zac", "zach"} <= nickname_variants("zachary")
    assert nickname_variants("aaron") == frozenset({"aaron"})
    seen: set[str] = set()
    for group in NICKNAMES:
        assert not (group & seen), f"{sorted(group & seen)} in two nickname groups"
        seen |= group
        assert all(name_tokens(n) == (n,) for n in group)  # table entries are normalized


@pytest.mark.parametrize(
    ("alias", "code"),
    [
        ("ARI", "AZ"),
        ("AZ", "AZ"),
        ("Arizona Diamondbacks", "AZ"),
        ("CWS", "CWS"),
        ("CHW", "CWS"),
        ("Chicago White Sox", "CWS"),
        ("WSH", "WSH"),
        ("WSN", "WSH"),
        ("OAK", "ATH"),
        ("ATH", "ATH"),
        ("Oakland Athletics", "ATH"),
        ("KCR", "KC"),
        ("SDP", "SD"),
        ("SFG", "SF"),
        ("TBR", "TB"),
        ("St. Louis Cardinals", "STL"),
        ("new york yankees", "NYY"),
        ("Chicago Cubs", "CHC"),
        (147, "NYY"),
        (133, "ATH"),
        ("Springfield Isotopes", None),
        (None, None),
        (999, None),
    ],
)
def test_canonical_team(alias: str | int | None, code: str | None) -> None:
    assert canonical_team(alias) == code


def test_team_tables_are_complete_and_unambiguous() -> None:
    assert len(TEAM_IDS) == 30
    assert set(TEAM_IDS.values()) == set(TEAM_CODES)
    for code, aliases in TEAM_CODES.items():
        assert canonical_team(code) == code
        for alias in aliases:
            assert canonical_team(alias) == code, alias


names = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .-'áéíóúñü"),
    min_size=1,
    max_size=30,
)


@given(names)
def test_tokens_ignore_case_accents_and_punctuation_spacing(name: str) -> None:
    tokens = name_tokens(name)
    assert all(t.isascii() and t.isalnum() and t == t.lower() for t in tokens)
    assert name_tokens(name.upper()) == tokens
    assert name_tokens(fold(name)) == tokens
    assert name_tokens(f"  {name}  ") == tokens
    assert name_tokens(" ".join(tokens)) == tokens  # normalized output is a fixed point
