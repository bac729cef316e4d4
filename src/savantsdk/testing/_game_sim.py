"""One simulated game, plate appearance by plate appearance (pitches, batted balls, runners).

``_GameSim(league, game).run()`` is deterministic in ``Random(f"{seed}:{game_pk}")``; the league
caches its result (:meth:`SimulatedLeague.plate_appearances`).
"""

from __future__ import annotations

import bisect
import random
from typing import TYPE_CHECKING, Any, Final

from ._world import _PITCH_CUM, _PITCH_TYPES, OUTCOMES, Game, Pitch, PlateAppearance

if TYPE_CHECKING:
    from ._league import SimulatedLeague

_SECONDS_PER_PITCH: Final = 21.0
_SECONDS_BETWEEN_PA: Final = 25.0
_SECONDS_INNING_BREAK: Final = 130.0


# --------------------------------------------------------------------------------------------
# One game, plate appearance by plate appearance
# --------------------------------------------------------------------------------------------


class _GameSim:
    def __init__(self, league: SimulatedLeague, game: Game) -> None:
        self.lg = league
        self.g = game
        self.rng = random.Random(f"{league.seed}:{game.game_pk}")  # noqa: S311
        self.pas: list[PlateAppearance] = []
        self.t = 0.0

    def run(self) -> tuple[PlateAppearance, ...]:
        g, lg, rng = self.g, self.lg, self.rng
        lineups = {True: [p for p, _ in g.away_lineup], False: [p for p, _ in g.home_lineup]}
        slot = {True: 0, False: 0}
        score = {True: 0, False: 0}  # top -> away batting
        # Fielding team state: current pitcher, BF of current, relievers left, target BF.
        home_team, away_team = lg.team_by_id[g.home_id], lg.team_by_id[g.away_id]
        pitching: dict[bool, dict[str, Any]] = {}
        for top, team, starter in (
            (True, home_team, g.home_starter),
            (False, away_team, g.away_starter),
        ):
            sp = lg.players[starter]
            pitching[top] = {
                "current": starter,
                "bf": 0,
                "target": max(9, round(rng.gauss(sp.bf_tendency, 3.0))),
                "pen": [p.id for p in team.relievers],
                "innings_here": 0,
                "faced": {},
            }
        prior: dict[int, int] = {}
        inning = 1
        while True:
            for top in (True, False):
                if not top and inning >= 9 and score[False] > score[True]:
                    return tuple(self.pas)
                self._maybe_change_pitcher(pitching[top], inning)
                pitching[top]["innings_here"] += 1
                outs = 0
                bases: list[tuple[int, int, bool] | None] = [None, None, None]
                if inning >= 10:
                    # Automatic runner on second (unearned), the last batter of the order.
                    prev = lineups[top][(slot[top] - 1) % 9]
                    bases[1] = (prev, pitching[top]["current"], False)
                while outs < 3:
                    batter = lineups[top][slot[top]]
                    order_slot = slot[top] + 1
                    slot[top] = (slot[top] + 1) % 9
                    pstate = pitching[top]
                    pitcher_id = pstate["current"]
                    pstate["bf"] += 1
                    faced = pstate["faced"]
                    faced[batter] = faced.get(batter, 0) + 1
                    outs, walkoff = self._plate_appearance(
                        inning,
                        top,
                        outs,
                        bases,
                        batter,
                        pitcher_id,
                        score,
                        order_slot,
                        faced[batter],
                        prior.get(batter, 0),
                    )
                    prior[batter] = prior.get(batter, 0) + 1
                    if walkoff:
                        return tuple(self.pas)
                self.t += _SECONDS_INNING_BREAK
            if inning >= 9 and score[True] != score[False]:
                return tuple(self.pas)
            inning += 1
            if inning > 30:  # pragma: no cover - statistically unreachable
                return tuple(self.pas)

    def _maybe_change_pitcher(self, st: dict[str, Any], inning: int) -> None:
        pitcher = self.lg.players[st["current"]]
        done = False
        if pitcher.role == "SP":
            done = st["bf"] >= st["target"]
        else:
            done = st["innings_here"] >= 1 and (st["bf"] >= 3 or self.rng.random() < 0.7)
        if done and st["pen"] and inning <= 30:
            idx = self.rng.randrange(len(st["pen"]))
            st["current"] = st["pen"].pop(idx)
            st["bf"] = 0
            st["innings_here"] = 0
            st["faced"] = {}

    def _pitches(self, outcome: str, p_throws: str) -> tuple[Pitch, ...]:
        rng = self.rng
        if outcome == "K":
            final_b, final_s = rng.choice((0, 0, 1, 1, 1, 2, 2, 3)), 2
        elif outcome == "BB":
            final_b, final_s = 3, rng.choice((0, 1, 1, 2, 2))
        elif outcome == "HBP":
            final_b, final_s = rng.randint(0, 3), rng.randint(0, 2)
        else:
            final_b, final_s = rng.choice((0, 0, 1, 1, 2, 3)), rng.choice((0, 1, 1, 2, 2))
        seq = ["B"] * final_b + ["S"] * final_s
        rng.shuffle(seq)
        if final_s == 2:
            for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
                seq.append("F")
        b = s = 0
        out: list[Pitch] = []
        for kind in seq:
            if kind == "B":
                desc = "blocked_ball" if rng.random() < 0.05 else "ball"
            elif kind == "F":
                desc = "foul"
            else:
                desc = rng.choice(("called_strike", "swinging_strike", "foul", "foul"))
            out.append(self._pitch(desc, b, s, p_throws, ball=kind == "B"))
            if kind == "B":
                b += 1
            elif kind == "S":
                s += 1
        if outcome == "K":
            last = rng.choice(("swinging_strike", "swinging_strike", "called_strike", "foul_tip"))
        elif outcome == "BB":
            last = "ball"
        elif outcome == "HBP":
            last = "hit_by_pitch"
        else:
            last = "hit_into_play"
        out.append(self._pitch(last, b, s, p_throws, ball=last in {"ball", "hit_by_pitch"}))
        return tuple(out)

    def _pitch(self, desc: str, balls: int, strikes: int, p_throws: str, *, ball: bool) -> Pitch:
        rng = self.rng
        u = rng.random()
        i = bisect.bisect_left(_PITCH_CUM, u * _PITCH_CUM[-1])
        code, _name, speed, _w = _PITCH_TYPES[min(i, len(_PITCH_TYPES) - 1)]
        if ball:
            zone = rng.choice((11, 12, 13, 14))
            px, pz = rng.choice((-1.0, 1.0)) * rng.uniform(0.9, 1.6), rng.uniform(0.8, 4.2)
        else:
            zone = rng.randint(1, 9)
            px, pz = rng.uniform(-0.8, 0.8), rng.uniform(1.6, 3.4)
        return Pitch(
            code,
            desc,
            balls,
            strikes,
            round(rng.gauss(speed, 1.6), 1),
            zone,
            round(px, 2),
            round(pz, 2),
            int(rng.gauss(2300, 250)),
        )

    def _plate_appearance(  # noqa: PLR0917 - one call site, positional for speed
        self,
        inning: int,
        top: bool,
        outs: int,
        bases_ref: list[tuple[int, int, bool] | None],
        batter_id: int,
        pitcher_id: int,
        score: dict[bool, int],
        order_slot: int,
        thru: int,
        prior: int,
    ) -> tuple[int, bool]:
        rng, lg = self.rng, self.lg
        bases = list(bases_ref)
        batter, pitcher = lg.players[batter_id], lg.players[pitcher_id]
        probs = lg.matchup_rates(batter, pitcher)
        outcome = rng.choices(OUTCOMES, weights=[probs[k] for k in OUTCOMES])[0]
        before = tuple(b[0] if b else None for b in bases)
        away_before, home_before = score[True], score[False]
        outs_before = outs
        scored: list[tuple[int, int, bool]] = []
        rbi = 0
        event = ""
        bb_type: str | None = None
        ls: float | None = None
        la: float | None = None
        loc: int | None = None
        me = (batter_id, pitcher_id, True)

        def advance_all(n: int, earned: bool = True) -> None:
            nonlocal bases
            new: list[tuple[int, int, bool] | None] = [None, None, None]
            for i in (2, 1, 0):
                r = bases[i]
                if r is None:
                    continue
                dest = i + n
                if dest >= 3:
                    scored.append((r[0], r[1], r[2] and earned))
                else:
                    new[dest] = r
            bases = new

        def force(runner: tuple[int, int, bool]) -> None:
            nonlocal bases
            if bases[0] is not None:
                if bases[1] is not None:
                    if bases[2] is not None:
                        scored.append(bases[2])
                    bases[2] = bases[1]
                bases[1] = bases[0]
            bases[0] = runner

        if outcome in {"1B", "2B", "3B", "HR"}:
            event = {"1B": "single", "2B": "double", "3B": "triple", "HR": "home_run"}[outcome]
            bb_type = rng.choice(("line_drive", "line_drive", "ground_ball", "fly_ball"))
            if outcome == "HR":
                bb_type = "fly_ball"
                ls, la = round(rng.gauss(104, 3.5), 1), round(rng.gauss(28, 4))
            else:
                ls, la = round(rng.gauss(96, 7), 1), round(rng.gauss(12, 9))
            loc = rng.randint(7, 9) if outcome != "1B" else rng.randint(3, 9)
            if outcome == "1B":
                third, second, first = bases[2], bases[1], bases[0]
                new: list[tuple[int, int, bool] | None] = [me, None, None]
                if third:
                    scored.append(third)
                if second:
                    if rng.random() < 0.6:
                        scored.append(second)
                    else:
                        new[2] = second
                if first:
                    if new[2] is None and rng.random() < 0.25:
                        new[2] = first
                    else:
                        new[1] = first
                bases = new
            elif outcome == "2B":
                first = bases[0]
                scored.extend(r for r in (bases[2], bases[1]) if r)
                bases = [None, me, None]
                if first:
                    if rng.random() < 0.4:
                        scored.append(first)
                    else:
                        bases[2] = first
            elif outcome == "3B":
                scored.extend(r for r in (bases[2], bases[1], bases[0]) if r)
                bases = [None, None, me]
            else:
                scored.extend(r for r in (bases[2], bases[1], bases[0]) if r)
                scored.append(me)
                bases = [None, None, None]
            rbi = len(scored)
        elif outcome in {"BB", "HBP"}:
            event = "walk" if outcome == "BB" else "hit_by_pitch"
            force(me)
            rbi = len(scored)
        elif outcome == "K":
            event = "strikeout"
            outs += 1
        else:
            u = rng.random()
            ls, la = round(rng.gauss(86, 13), 1), round(rng.gauss(14, 22))
            bb_type = (
                "ground_ball"
                if la < 10
                else "line_drive"
                if la < 25
                else "fly_ball"
                if la < 50
                else "popup"
            )
            loc = rng.randint(1, 9)
            if u < 0.025:
                event = "field_error"
                # Runs scoring on an error are unearned.
                advance_all(1, earned=False)
                bases[0] = (batter_id, pitcher_id, False)
            elif bases[0] is not None and outs < 2 and bb_type == "ground_ball" and u < 0.45:
                event = "grounded_into_double_play"
                bases[0] = None
                outs += 2
                if outs < 3:
                    advance_all(1)
            elif bases[2] is not None and outs < 2 and bb_type == "fly_ball" and u < 0.6:
                event = "sac_fly"
                outs += 1
                scored.append(bases[2])
                bases[2] = None
                rbi = 1
            elif bases[0] is not None and bb_type == "ground_ball" and u < 0.55:
                event = "force_out"
                outs += 1
                if outs < 3:
                    bases[0] = None  # the lead runner is forced out
                    advance_all(1)
                    bases[0] = me
            else:
                event = "field_out"
                outs += 1
                if outs < 3 and bases[2] is not None and bb_type == "ground_ball" and u < 0.75:
                    scored.append(bases[2])
                    bases[2] = None
                    rbi = 1
        if outs >= 3:
            # Runs do not count when the third out is made on the play (simplification).
            scored = []
            rbi = 0
        batting_home = not top
        runs = len(scored)
        score[top] += runs
        walkoff = False
        if batting_home and inning >= 9 and score[False] > score[True]:
            walkoff = True
        scored_ids = [r[0] for r in scored]
        pitches = self._pitches(outcome, pitcher.throws)
        start = self.t
        self.t += len(pitches) * _SECONDS_PER_PITCH + _SECONDS_BETWEEN_PA
        pa = PlateAppearance(
            index=len(self.pas),
            inning=inning,
            top=top,
            outs_before=outs_before,
            outs_after=min(outs, 3),
            batter=batter_id,
            pitcher=pitcher_id,
            event=event,
            pitches=pitches,
            runners_before=(before[0], before[1], before[2]),
            runners_after=(
                bases[0][0] if bases[0] and outs < 3 else None,
                bases[1][0] if bases[1] and outs < 3 else None,
                bases[2][0] if bases[2] and outs < 3 else None,
            ),
            scorers=tuple(scored_ids),
            earned=tuple(r[2] for r in scored),
            charged_to=tuple(r[1] for r in scored),
            rbi=rbi,
            away_before=away_before,
            home_before=home_before,
            away_after=score[True],
            home_after=score[False],
            start_s=start,
            end_s=self.t,
            launch_speed=ls,
            launch_angle=la,
            bb_type=bb_type,
            hit_location=loc,
            bat_order_slot=order_slot,
            thru_order=thru,
            prior_pa=prior,
        )
        self.pas.append(pa)
        bases_ref[:] = bases if outs < 3 else [None, None, None]
        return outs, walkoff
