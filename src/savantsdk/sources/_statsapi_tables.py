"""Frames and text boxes of the Stats API's game, roster and people models.

The models (:mod:`._statsapi_models`, :mod:`._statsapi_feed`) list their frame columns through
the functions here, and print through :func:`linescore_text` / :func:`boxscore_text`.  This
module reads the models by attribute only (no import of them), so the model modules can import
it.  The text layout follows MLB-StatsAPI's ``linescore()`` and ``boxscore()`` (same columns,
same widths), so ``print(box)`` reads as its users know it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

import attrs

from .._frames import FrameColumn, FrameExport, Kind, attr_path, record_columns
from ._parse import innings_value, to_float, to_int

__all__ = (
    "BoxscoreLines",
    "boxscore_columns",
    "boxscore_text",
    "linescore_columns",
    "linescore_text",
    "person_columns",
    "plays_columns",
    "roster_columns",
    "stat_group_columns",
    "stat_line_schema",
)


_FLOAT_CONVERTERS: Final[tuple[Any, ...]] = (to_float, innings_value)


def stat_line_schema(cls: type) -> dict[str, Kind]:
    """The numeric fields of ``StatLine`` (ints; floats for rates and true innings)."""
    return {
        f.name: "float" if f.converter in _FLOAT_CONVERTERS else "int"
        for f in attrs.fields(cls)
        if f.name not in {"summary", "note"}
    }


def _stat_schema(line: Any) -> dict[str, Kind]:
    return stat_line_schema(type(line))


def _stat_values(line: Any, schema: dict[str, Kind]) -> dict[str, Any]:
    return {name: getattr(line, name) for name in schema}


# ------------------------------------------------------------------------------------ boxscore

_BOX_IDS: Final[dict[str, Kind]] = {
    "side": "category",
    "team_id": "int",
    "team": "category",
    "group": "category",
    "player_id": "int",
    "player": "str",
    "position": "category",
    "batting_order": "int",
    "lineup_slot": "int",
    "is_starter": "bool",
    "summary": "str",
}


def _box_records(box: Any, groups: Sequence[str]) -> tuple[list[dict[str, Any]], dict[str, Kind]]:
    records: list[dict[str, Any]] = []
    schema: dict[str, Kind] = dict(_BOX_IDS)
    for group in groups:
        for side in ("away", "home"):
            team = getattr(box.teams, side)
            ids = team.batters if group == "batting" else team.pitchers
            for pid in ids:
                player = team.player(pid)
                if player is None:
                    continue
                line = getattr(player.stats, group)
                if line.is_empty:
                    continue
                stat = _stat_schema(line)
                schema.update(stat)
                records.append(
                    {
                        "side": side,
                        "team_id": team.team.id,
                        "team": team.team.name,
                        "group": group,
                        "player_id": pid,
                        "player": player.person.full_name,
                        "position": attr_path(player, "position", "abbreviation"),
                        "batting_order": player.batting_order_number,
                        "lineup_slot": player.lineup_slot,
                        "is_starter": player.is_starter
                        if group == "batting"
                        else bool(team.pitchers) and team.pitchers[0] == pid,
                        "summary": line.summary,
                        **_stat_values(line, stat),
                    }
                )
    return records, schema


def boxscore_columns(
    box: Any, groups: Sequence[str] = ("batting", "pitching")
) -> list[FrameColumn]:
    """One row per player line: batters (in ``batters`` order) then pitchers (in appearance
    order), away team first; ``group`` says which.  Bench players with empty lines are left out."""
    records, schema = _box_records(box, groups)
    return record_columns(records, schema)


@attrs.frozen(eq=False)
class BoxscoreLines(FrameExport):
    """The batting or the pitching lines of a boxscore, as a frame (``box.batting``,
    ``box.pitching``): the columns of ``Boxscore.to_pandas()`` for that group only."""

    box: Any
    group: str

    def _frame_columns(self) -> list[FrameColumn]:
        return boxscore_columns(self.box, (self.group,))


_ROW: Final = 79  # MLB-StatsAPI's row width (one team's half of the box)


def _avg(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:.3f}"
    return text[1:] if text.startswith("0.") else text


def _ip(outs: int | None) -> str:
    return "" if outs is None else f"{outs // 3}.{outs % 3}"


def _n(value: int | None) -> str:
    return "" if value is None else str(value)


def _bat_row(name: str, cells: Sequence[str]) -> str:
    ab, r, h, rbi, bb, k, lob, avg, ops = cells
    return f"{name:<40} {ab:^3} {r:^3} {h:^3} {rbi:^3} {bb:^3} {k:^3} {lob:^3} {avg:^4} {ops:^5}"


def _pitch_row(name: str, cells: Sequence[str]) -> str:
    ip, h, r, er, bb, k, hr, era = cells
    return f"{name:<43} {ip:^4} {h:^3} {r:^3} {er:^3} {bb:^3} {k:^3} {hr:^3} {era:^6}"


def _short_name(player: Any) -> str:
    person = player.person
    return str(getattr(person, "boxscore_name", None) or person.full_name or person.id)


def _team_label(team: Any) -> str:
    ref = team.team
    return str(getattr(ref, "team_name", None) or ref.name or ref.abbreviation or ref.id)


def _batting_block(team: Any) -> list[str]:
    sep = "-" * _ROW
    head = _bat_row(
        f"{_team_label(team)} Batters", ("AB", "R", "H", "RBI", "BB", "K", "LOB", "AVG", "OPS")
    )
    rows = [sep, head, sep]
    for pid in team.batters:
        player = team.player(pid)
        if player is None or player.batting_order_number is None:
            continue
        line = player.stats.batting
        season = attr_path(player, "season_stats", "batting")
        slot = str(player.lineup_slot or "") if player.is_starter else " "
        name = (
            f"{slot} {_short_name(player)}  {attr_path(player, 'position', 'abbreviation') or ''}"
        )
        cells = (
            *(
                _n(getattr(line, k))
                for k in ("at_bats", "runs", "hits", "rbi", "base_on_balls", "strike_outs")
            ),
            _n(line.left_on_base),
            _avg(attr_path(season, "avg")),
            _avg(attr_path(season, "ops")),
        )
        rows.append(_bat_row(name.rstrip(), cells))
    total = attr_path(team, "team_stats", "batting")
    if total is not None:
        rows.append(sep)
        cells = (
            *(
                _n(getattr(total, k))
                for k in ("at_bats", "runs", "hits", "rbi", "base_on_balls", "strike_outs")
            ),
            _n(total.left_on_base),
            "",
            "",
        )
        rows.append(_bat_row("Totals", cells))
    rows.append(sep)
    return rows


def _pitching_block(team: Any) -> list[str]:
    sep = "-" * _ROW
    head = _pitch_row(
        f"{_team_label(team)} Pitchers", ("IP", "H", "R", "ER", "BB", "K", "HR", "ERA")
    )
    rows = [sep, head, sep]
    for player in team.pitchers_used:
        line = player.stats.pitching
        era = attr_path(player, "season_stats", "pitching", "era")
        cells = (
            _ip(line.outs),
            *(
                _n(getattr(line, k))
                for k in ("hits", "runs", "earned_runs", "base_on_balls", "strike_outs")
            ),
            _n(line.home_runs),
            "" if era is None else f"{era:.2f}",
        )
        rows.append(_pitch_row(_short_name(player), cells))
    total = attr_path(team, "team_stats", "pitching")
    if total is not None:
        rows.append(sep)
        cells = (
            _ip(total.outs),
            *(
                _n(getattr(total, k))
                for k in ("hits", "runs", "earned_runs", "base_on_balls", "strike_outs")
            ),
            _n(total.home_runs),
            "",
        )
        rows.append(_pitch_row("Totals", cells))
    rows.append(sep)
    return rows


def _side_by_side(left: list[str], right: list[str]) -> list[str]:
    n = max(len(left), len(right))
    left = left + [""] * (n - len(left))
    right = right + [""] * (n - len(right))
    return [f"{a:<{_ROW}} | {b}".rstrip() for a, b in zip(left, right, strict=True)]


def boxscore_text(box: Any) -> str:
    """The batting box then the pitching box, away team left, home right (MLB-StatsAPI's
    layout: AB R H RBI BB K LOB and the season AVG/OPS; IP H R ER BB K HR and season ERA)."""
    away, home = box.teams.away, box.teams.home
    lines = _side_by_side(_batting_block(away), _batting_block(home))
    lines.append("")
    lines += _side_by_side(_pitching_block(away), _pitching_block(home))
    return "\n".join(lines)


# ----------------------------------------------------------------------------------- linescore

_LINESCORE: Final[dict[str, Kind]] = {
    "inning": "int",
    "away_runs": "int",
    "away_hits": "int",
    "away_errors": "int",
    "away_left_on_base": "int",
    "home_runs": "int",
    "home_hits": "int",
    "home_errors": "int",
    "home_left_on_base": "int",
}


def linescore_columns(linescore: Any) -> list[FrameColumn]:
    """One row per inning played: runs, hits, errors and left on base of each side (missing
    for a half-inning not played, such as the home ninth of a game the home team led)."""
    records = []
    for inn in linescore.innings:
        rec: dict[str, Any] = {"inning": inn.num}
        for side in ("away", "home"):
            half = getattr(inn, side)
            for key in ("runs", "hits", "errors", "left_on_base"):
                rec[f"{side}_{key}"] = attr_path(half, key)
        records.append(rec)
    return record_columns(records, _LINESCORE)


def linescore_names(linescore: Any) -> tuple[str, str]:
    """Away and home team names from the linescore's offense/defense (``"Away"``/``"Home"``
    when it does not name them)."""
    offense = attr_path(linescore, "offense", "team", "name")
    defense = attr_path(linescore, "defense", "team", "name")
    if linescore.is_top_inning:
        return offense or "Away", defense or "Home"
    return defense or "Away", offense or "Home"


def linescore_text(
    linescore: Any, *, away: str | None = None, home: str | None = None, title: str | None = None
) -> str:
    """MLB-StatsAPI's ``linescore()`` text: a title column, runs by inning (at least 9
    columns), then R H E.  ``title`` defaults to the inning state (``"Bottom 9th"``)."""
    default_away, default_home = linescore_names(linescore)
    away = away or default_away
    home = home or default_home
    if title is None:
        state = " ".join(t for t in (linescore.inning_state, linescore.current_inning_ordinal) if t)
        title = state
    header: list[str] = []
    away_row: list[str] = []
    home_row: list[str] = []
    for inn in linescore.innings:
        header.append(_n(inn.num))
        away_row.append(_n(attr_path(inn, "away", "runs")))
        home_row.append(_n(attr_path(inn, "home", "runs")))
    for num in range(len(linescore.innings) + 1, 10):
        header.append(str(num))
        away_row.append(" ")
        home_row.append(" ")
    header += ["R", "H", "E"]
    for side, row in (("away", away_row), ("home", home_row)):
        totals = attr_path(linescore, "teams", side)
        row += [_n(attr_path(totals, k)) for k in ("runs", "hits", "errors")]
    width = max(len(title), len(away), len(home)) + 1
    out = []
    for label, row in ((title, header), (away, away_row), (home, home_row)):
        text = f"{label:<{width}}" + "".join(f"{v:^2}" for v in row[:-3])
        text += "".join(f"{v:^4}" for v in row[-3:])
        out.append(text.rstrip())
    return "\n".join(out)


# --------------------------------------------------------------------------------------- plays

_PLAYS: Final[dict[str, Kind]] = {
    "at_bat_index": "int",
    "inning": "int",
    "half_inning": "category",
    "batter_id": "int",
    "batter": "str",
    "bat_side": "category",
    "pitcher_id": "int",
    "pitcher": "str",
    "pitch_hand": "category",
    "event": "category",
    "event_type": "category",
    "pitch_number": "int",
    "pitch_type": "category",
    "pitch_name": "category",
    "call_code": "category",
    "call": "category",
    "is_in_play": "bool",
    "is_strike": "bool",
    "is_ball": "bool",
    "balls": "int",
    "strikes": "int",
    "outs": "int",
    "start_speed": "float",
    "end_speed": "float",
    "zone": "int",
    "extension": "float",
    "launch_speed": "float",
    "launch_angle": "float",
    "total_distance": "float",
    "trajectory": "category",
    "is_last_pitch": "bool",
    "away_score": "int",
    "home_score": "int",
}


def plays_columns(plays: Any) -> list[FrameColumn]:
    """One row per pitch (``playEvents`` with ``isPitch``), in game order, with its plate
    appearance's context: ``event``/``event_type`` and the scores are the plate appearance's
    result (Savant's ``events`` vocabulary), ``is_last_pitch`` marks the pitch that ended it."""
    records: list[dict[str, Any]] = []
    for play in plays.all_plays:
        pitches = [e for e in play.play_events if e.is_pitch]
        base = {
            "at_bat_index": play.about.at_bat_index,
            "inning": play.about.inning,
            "half_inning": play.about.half_inning,
            "batter_id": attr_path(play, "matchup", "batter", "id"),
            "batter": attr_path(play, "matchup", "batter", "full_name"),
            "bat_side": attr_path(play, "matchup", "bat_side", "code"),
            "pitcher_id": attr_path(play, "matchup", "pitcher", "id"),
            "pitcher": attr_path(play, "matchup", "pitcher", "full_name"),
            "pitch_hand": attr_path(play, "matchup", "pitch_hand", "code"),
            "event": play.result.event,
            "event_type": play.result.event_type,
            "away_score": play.result.away_score,
            "home_score": play.result.home_score,
        }
        for i, e in enumerate(pitches):
            records.append(
                {
                    **base,
                    "pitch_number": e.pitch_number,
                    "pitch_type": attr_path(e, "details", "pitch_type", "code"),
                    "pitch_name": attr_path(e, "details", "pitch_type", "description"),
                    "call_code": attr_path(e, "details", "code"),
                    "call": attr_path(e, "details", "description"),
                    "is_in_play": attr_path(e, "details", "is_in_play"),
                    "is_strike": attr_path(e, "details", "is_strike"),
                    "is_ball": attr_path(e, "details", "is_ball"),
                    "balls": attr_path(e, "count", "balls"),
                    "strikes": attr_path(e, "count", "strikes"),
                    "outs": attr_path(e, "count", "outs"),
                    "start_speed": attr_path(e, "pitch_data", "start_speed"),
                    "end_speed": attr_path(e, "pitch_data", "end_speed"),
                    "zone": attr_path(e, "pitch_data", "zone"),
                    "extension": attr_path(e, "pitch_data", "extension"),
                    "launch_speed": attr_path(e, "hit_data", "launch_speed"),
                    "launch_angle": attr_path(e, "hit_data", "launch_angle"),
                    "total_distance": attr_path(e, "hit_data", "total_distance"),
                    "trajectory": attr_path(e, "hit_data", "trajectory"),
                    "is_last_pitch": i == len(pitches) - 1,
                }
            )
    return record_columns(records, _PLAYS)


# ------------------------------------------------------------------------- roster, people, stats

_ROSTER: Final[dict[str, Kind]] = {
    "player_id": "int",
    "player": "str",
    "jersey_number": "str",
    "position": "category",
    "position_type": "category",
    "status_code": "category",
    "status": "category",
    "parent_team_id": "int",
    "job": "category",
}


def roster_columns(roster: Any) -> list[FrameColumn]:
    """One row per roster entry, in the upstream's order."""
    records = [
        {
            "player_id": e.person.id,
            "player": e.person.full_name,
            "jersey_number": e.jersey_number,
            "position": attr_path(e, "position", "abbreviation"),
            "position_type": attr_path(e, "position", "type"),
            "status_code": attr_path(e, "status", "code"),
            "status": attr_path(e, "status", "description"),
            "parent_team_id": e.parent_team_id,
            "job": e.job,
        }
        for e in roster.roster
    ]
    return record_columns(records, _ROSTER)


_PERSON: Final[dict[str, Kind]] = {
    "id": "int",
    "full_name": "str",
    "first_name": "str",
    "last_name": "str",
    "boxscore_name": "str",
    "primary_number": "str",
    "birth_date": "date",
    "current_age": "int",
    "birth_country": "str",
    "height": "str",
    "weight": "int",
    "active": "bool",
    "current_team_id": "int",
    "current_team": "str",
    "primary_position": "category",
    "bat_side": "category",
    "pitch_hand": "category",
    "mlb_debut_date": "date",
    "strike_zone_top": "float",
    "strike_zone_bottom": "float",
}


def person_columns(people: Iterable[Any]) -> list[FrameColumn]:
    """One row per person (hydrated ``stats`` are left out: use the stats calls' frames)."""
    records = []
    for p in people:
        rec = {k: getattr(p, k, None) for k in _PERSON}
        rec.update(
            {
                "current_team_id": attr_path(p, "current_team", "id"),
                "current_team": attr_path(p, "current_team", "name"),
                "primary_position": attr_path(p, "primary_position", "abbreviation"),
                "bat_side": attr_path(p, "bat_side", "code"),
                "pitch_hand": attr_path(p, "pitch_hand", "code"),
            }
        )
        records.append(rec)
    return record_columns(records, _PERSON)


_SPLIT: Final[dict[str, Kind]] = {
    "stat_type": "category",
    "group": "category",
    "season": "int",
    "game_date": "date",
    "game_pk": "int",
    "game_type": "category",
    "player_id": "int",
    "player": "str",
    "team_id": "int",
    "team": "category",
    "opponent_id": "int",
    "opponent": "category",
    "is_home": "bool",
    "is_win": "bool",
    "num_teams": "int",
    "summary": "str",
}


def stat_group_columns(group: Any) -> list[FrameColumn]:
    """One row per split of a stats group (one per game for a game log), then the typed
    stat line's fields."""
    records: list[dict[str, Any]] = []
    schema: dict[str, Kind] = dict(_SPLIT)
    for s in group.splits:
        stat = _stat_schema(s.stat)
        schema.update(stat)
        records.append(
            {
                "stat_type": group.type_name,
                "group": group.group_name,
                "season": to_int(s.season),
                "game_date": s.game_date,
                "game_pk": s.game_pk,
                "game_type": s.game_type,
                "player_id": attr_path(s, "player", "id"),
                "player": attr_path(s, "player", "full_name"),
                "team_id": attr_path(s, "team", "id"),
                "team": attr_path(s, "team", "name"),
                "opponent_id": attr_path(s, "opponent", "id"),
                "opponent": attr_path(s, "opponent", "name"),
                "is_home": s.is_home,
                "is_win": s.is_win,
                "num_teams": s.num_teams,
                "summary": s.stat.summary,
                **_stat_values(s.stat, stat),
            }
        )
    return record_columns(records, schema)
