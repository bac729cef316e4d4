"""Player lookup over the real Chadwick register (``../shared/data/chadwick``).

The full register (people.csv.gz, 510,627 people, 127,370 with an MLBAM, FanGraphs, Baseball
Reference or Retrosheet id) is indexed once for the module; the register fetched through a
client is the real 2015+ subset split into its 16 shards the way the Chadwick repository
splits them (by the first hex digit of ``key_person``) and served by an in-process transport.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from savantsdk import ConfigurationError, NotFoundError
from savantsdk._client import AsyncClient
from savantsdk.cache import Cache, MemoryCache
from savantsdk.exceptions import SourceDecodeError
from savantsdk.ids import PlayerLookup, PlayerMatches, _players as players_module
from savantsdk.sources import REGISTER_COLUMNS, SHARDS, parse_register, read_register
from savantsdk.sync import Client
from savantsdk.testing import no_backoff

DataFile = Callable[[str], Path]
FULL = "chadwick/people.csv.gz"
SUBSET = "chadwick/people_mlbam_mlb2015plus.csv"
BASE = "https://register.test"


@pytest.fixture(scope="module")
def full(shared_data: Path) -> PlayerLookup:
    path = shared_data / FULL
    if not path.exists():
        pytest.fail(f"missing shared data file {FULL}")
    return PlayerLookup.from_path(path)


# ---------------------------------------------------------------------- the register


def test_the_full_register_keeps_everyone_with_one_of_the_four_ids(full: PlayerLookup) -> None:
    register = full.register
    assert len(register) == 127_370  # of 510,627 rows; 126,164 of them have an MLBAM id
    judge = full.reverse(592450).rows[0]
    assert (judge.key_fangraphs, judge.key_bbref, judge.key_retro) == (
        15640,
        "judgeaa01",
        "judga001",
    )
    assert (judge.birth_year, judge.mlb_played_first) == (1992, 2016)


def test_the_subset_file_reads_too(data_file: DataFile) -> None:
    register = read_register(data_file(SUBSET))
    assert len(register) == 4019
    first = register.person(0)
    assert (first.key_mlbam, first.name_first, first.name_last, first.key_bbref) == (
        605152,
        "Jed",
        "Bradley",
        "bradlje01",
    )
    assert first.name_nick is None  # a column the subset does not have
    frame = register.to_pandas()
    assert list(frame.columns) == list(REGISTER_COLUMNS)
    assert str(frame["key_mlbam"].dtype) == "Int64"
    assert frame["key_mlbam"].iloc[0] == 605152


def test_not_a_register(tmp_path: Path) -> None:
    with pytest.raises(SourceDecodeError, match="not a Chadwick register file"):
        parse_register(b"<html><body>rate limited</body></html>", source="GET /x")
    bad = tmp_path / "people.csv"
    bad.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(ConfigurationError, match="not a readable register file"):
        read_register(bad)
    with pytest.raises(ConfigurationError, match="no register file at"):
        read_register(tmp_path / "nope.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigurationError, match="no register in"):
        read_register(tmp_path / "empty")


# ---------------------------------------------------------------------- by name


def test_an_exact_name_is_one_match_with_every_id(full: PlayerLookup) -> None:
    found = full.lookup("Aaron Judge")
    assert found.method == "exact"
    assert found.best is not None
    assert found.best.key_mlbam == 592450
    assert found.best.score == 100.0
    assert not found.ambiguous
    # the same person however the name is written
    for spelling in ("Judge, Aaron", "AARON JUDGE", "  aaron   judge "):
        assert full.lookup(spelling).best == found.best
    ohtani = full.lookup("Shohei Ohtani").best
    assert ohtani is not None
    assert (ohtani.key_mlbam, ohtani.key_fangraphs, ohtani.key_bbref) == (
        660271,
        19755,
        "ohtansh01",
    )


def test_a_shared_name_returns_every_candidate_most_recent_first(full: PlayerLookup) -> None:
    smiths = full.lookup("Will Smith")
    assert smiths.method == "ambiguous"
    assert smiths.ambiguous
    assert smiths.best is None
    assert [m.key_mlbam for m in smiths] == [669257, 519293]  # the catcher (2019-) first
    assert [m.score for m in smiths] == [100.0, 100.0]
    griffeys = full.lookup("Ken Griffey")
    assert {m.name for m in griffeys} == {"Ken Griffey Jr.", "Ken Griffey Sr."}
    assert full.lookup("Ken Griffey Jr.").best is not None  # the suffix decides
    assert full.lookup("Ken Griffey Jr.").rows[0].key_mlbam == 115135


def test_a_misspelling_is_matched_fuzzily_with_scores(full: PlayerLookup) -> None:
    found = full.lookup("Aron Jugde")
    assert found.method == "fuzzy"
    assert found.best is not None
    assert found.best.key_mlbam == 592450
    scores = [m.score for m in found]
    assert scores == sorted(scores, reverse=True)
    assert 80 <= scores[0] < 100
    assert all(s >= 70 for s in scores)
    assert len(found) <= 5
    assert full.lookup("Aron Jugde", limit=2, min_score=0).rows[0].key_mlbam == 592450
    assert len(full.lookup("Aron Jugde", limit=2, min_score=0)) == 2
    nobody = full.lookup("Qqqqq Zzzzzzz")
    assert (nobody.method, len(nobody), nobody.best) == ("none", 0, None)


def test_without_rapidfuzz_difflib_stands_in(
    full: PlayerLookup, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    if importlib.util.find_spec("rapidfuzz") is None:  # the test extra has it (lookup)
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("rapidfuzz is required in CI (CI=true)")
        pytest.skip("rapidfuzz not installed")
    with_rapidfuzz = full.lookup("Smoltz", min_score=60)
    monkeypatch.setattr(players_module, "_fuzzy_backend", lambda: None)
    with caplog.at_level("INFO", logger="savantsdk"):
        found = full.lookup("Aron Jugde", min_score=80)
        surname = full.lookup("Smoltz", min_score=60)
    assert "rapidfuzz not installed, using difflib" in caplog.text
    assert found.method == "fuzzy"
    assert found.rows[0].key_mlbam == 592450
    assert found.rows[0].score == 85.7  # difflib's ratio (rapidfuzz's WRatio agrees here)
    # a surname alone: WRatio scores the partial match 90, difflib's ratio 70.6
    assert with_rapidfuzz.rows[0].name == surname.rows[0].name == "John Smoltz"
    assert (with_rapidfuzz.rows[0].score, surname.rows[0].score) == (90.0, 70.6)


def test_bad_lookups_raise_configuration_errors(full: PlayerLookup) -> None:
    with pytest.raises(ConfigurationError, match="lookup needs a name"):
        full.lookup("   ")
    with pytest.raises(ConfigurationError, match=r"limit must be an int in 1\.\.100"):
        full.lookup("Judge", limit=0)
    with pytest.raises(ConfigurationError, match=r"min_score must be a number in 0\.\.100"):
        full.lookup("Judge", min_score=101)


# ---------------------------------------------------------------------- by id


def test_reverse_lookup_by_each_id(full: PlayerLookup) -> None:
    for key, ident in (
        ("mlbam", 121578),
        ("mlbam", "121578"),
        ("fangraphs", 1011327),
        ("bbref", "ruthba01"),
        ("bbref", "RUTHBA01"),
        ("retro", "ruthb101"),
    ):
        found = full.reverse(ident, key=key)  # type: ignore[arg-type]
        assert found.method == "id"
        assert found.best is not None
        assert found.best.name == "Babe Ruth", (key, ident)
        assert found.best.key_mlbam == 121578
    many = full.reverse([592450, 999_999_999, 660271])
    assert [m.name for m in many] == ["Aaron Judge", "Shohei Ohtani"]  # in the order given
    assert many.missing == (999_999_999,)


def test_reverse_lookup_refuses_bad_ids_and_kinds(full: PlayerLookup) -> None:
    with pytest.raises(ConfigurationError, match="unknown id kind 'espn'; valid: mlbam, "):
        full.reverse(1, key="espn")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"'judgeaa01' is not a mlbam id \(an integer\)"):
        full.reverse("judgeaa01")
    for bad in (True, 1.5, None):
        with pytest.raises(ConfigurationError, match="is not a fangraphs id"):
            full.reverse([bad], key="fangraphs")  # type: ignore[list-item]


def test_matches_as_a_dataframe(full: PlayerLookup) -> None:
    frame = full.lookup("Will Smith").to_pandas()
    assert list(frame.columns)[:4] == ["name", "score", "key_mlbam", "key_fangraphs"]
    assert frame["key_mlbam"].tolist() == [669257, 519293]
    assert str(frame["key_mlbam"].dtype) == "Int64"
    assert frame["key_bbref"].tolist() == ["smithwi05", "smithwi04"]
    empty = full.lookup("Qqqqq Zzzzzzz").to_pandas()
    assert empty.shape == (0, 12)  # the columns even with no rows


# ---------------------------------------------------------------------- through a client


def _shards(subset: Path) -> dict[str, bytes]:
    """The subset split the way the repository splits the register."""
    text = subset.read_text(encoding="utf-8")
    header, *lines = text.splitlines(keepends=True)
    shards = {s: [header] for s in SHARDS}
    for line in lines:
        shards[line.split(",")[4][0]].append(line)  # key_person is the 5th column here
    return {s: "".join(rows).encode() for s, rows in shards.items()}


class Register:
    """An in-process transport serving ``data/people-{shard}.csv``, counting requests."""

    def __init__(self, shards: dict[str, bytes]) -> None:
        self.shards = shards
        self.seen: list[str] = []
        self.missing: set[str] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.url.path)
        shard = request.url.path.removeprefix("/data/people-").removesuffix(".csv")
        if shard in self.missing or shard not in self.shards:
            return httpx.Response(404, text="404: Not Found")
        return httpx.Response(200, content=self.shards[shard])


@pytest.fixture
def served(data_file: DataFile) -> Register:
    return Register(_shards(data_file(SUBSET)))


@pytest.mark.anyio
async def test_the_register_is_fetched_once_per_shard_then_cached(
    served: Register, clean_env: pytest.MonkeyPatch
) -> None:
    cache = Cache(MemoryCache())
    options = {
        "base_urls": {"chadwick": BASE},
        "http_transport": httpx.MockTransport(served),
        "cache": cache,
    }
    async with AsyncClient(**options) as client:  # type: ignore[arg-type]
        found = await client.players.lookup("Aaron Judge")
        assert found.best is not None
        assert found.best.key_bbref == "judgeaa01"
        assert sorted(served.seen) == [f"/data/people-{s}.csv" for s in SHARDS]
        again = await client.players.reverse_lookup("judgeaa01", key="bbref")
        assert again.best == found.best
        assert len(served.seen) == 16  # the index is kept
        register = await client.chadwick.register()
        assert len(register) == 4019
        assert client.metrics()["chadwick"].requests == 16
    # a new client (a restarted kernel, with the disk tier) reads the shards from the cache
    async with AsyncClient(**options) as client:  # type: ignore[arg-type]
        found = await client.players.lookup("Shohei Ohtani")
        assert found.best is not None
        assert found.best.key_mlbam == 660271
    assert len(served.seen) == 16


@pytest.mark.anyio
async def test_a_missing_shard_raises_its_typed_error(
    served: Register, clean_env: pytest.MonkeyPatch
) -> None:
    served.missing = {"7"}
    async with AsyncClient(
        base_urls={"chadwick": BASE},
        http_transport=httpx.MockTransport(served),
        cache=None,
        retry=no_backoff(1),
    ) as client:
        with pytest.raises(NotFoundError) as info:
            await client.players.lookup("Aaron Judge")
    assert info.value.source == "chadwick"
    assert "/data/people-7.csv" in str(info.value)


def test_a_local_path_and_the_blocking_twin(
    data_file: DataFile, clean_env: pytest.MonkeyPatch
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request expected, got {request.url}")

    with Client(http_transport=httpx.MockTransport(refuse), cache=None) as client:
        found = client.players.lookup("Jed Bradley", path=data_file(SUBSET))
        assert isinstance(found, PlayerMatches)
        assert found.best is not None
        assert found.best.key_mlbam == 605152
        assert client.players.reverse_lookup(605152, path=data_file(SUBSET)).best == found.best


def test_fake_upstream_serves_the_leagues_register(clean_env: pytest.MonkeyPatch) -> None:
    pytest.importorskip("starlette")
    from savantsdk.testing import FakeUpstream, SimulatedLeague

    league = SimulatedLeague(seed=7, days=2)
    fake = FakeUpstream(league)
    player = next(p for p in league.iter_players() if p.last_name == "Yamamoto")
    with Client(base_urls=fake.base_urls, http_transport=fake.transport()) as client:
        found = client.players.reverse_lookup(player.id)
        assert found.best is not None
        assert found.best.name == player.full_name
        by_name = client.players.lookup(player.full_name)
        assert player.id in [m.key_mlbam for m in by_name]
        bbref = found.best.key_bbref
        assert bbref is not None
        assert client.players.reverse_lookup(bbref, key="bbref").best == found.best
    assert fake.count("chadwick") == 16


def _rows(data: bytes) -> Iterator[dict[str, str]]:
    return csv.DictReader(io.StringIO(data.decode()))


def test_fake_register_rows_have_unique_ids(clean_env: pytest.MonkeyPatch) -> None:
    from savantsdk.testing import SimulatedLeague
    from savantsdk.testing._payloads.chadwick import register_shard_csv

    league = SimulatedLeague(seed=7, days=2)
    rows = [r for s in SHARDS for r in _rows(register_shard_csv(league, s))]
    assert len(rows) == len(list(league.iter_players()))
    for column in ("key_mlbam", "key_fangraphs", "key_bbref", "key_retro", "key_person"):
        assert len({r[column] for r in rows}) == len(rows), column
    assert all(
        r["key_person"][0] == s for s in SHARDS for r in _rows(register_shard_csv(league, s))
    )
