"""Name and team normalization for player identity (pure functions, no I/O).

- :func:`fold` removes accents and case (``"Julio Rodríguez"`` -> ``"julio rodriguez"``),
  including letters Unicode does not decompose (``ø``, ``ł``, ``æ``, ``ß``, ...).
- :func:`name_tokens` also drops punctuation and generational suffixes and glues initials
  together, so ``"J.D. Martinez"``, ``"JD Martinez"`` and ``"J. D. Martinez"`` all become
  ``("jd", "martinez")`` and ``"Bobby Witt Jr."`` becomes ``("bobby", "witt")``.
- :data:`NICKNAMES` is the small table of given-name equivalents tried after exact matches.
- :func:`canonical_team` maps the abbreviations and names different sources use for one club
  (AZ/ARI, CWS/CHW, WSH/WSN, ATH/OAK, KC/KCR, ... and "New York Yankees") to one code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Final

__all__ = (
    "NICKNAMES",
    "SUFFIXES",
    "TEAM_CODES",
    "TEAM_IDS",
    "canonical_team",
    "fold",
    "name_tokens",
    "nickname_variants",
    "normalize_name",
    "split_suffix",
)

#: Generational suffixes dropped before matching (the register keeps them separately).
SUFFIXES: Final = frozenset({"jr", "sr", "ii", "iii", "iv"})

#: Given-name equivalents: names in one group match each other (after exact matches fail).
NICKNAMES: Final[tuple[frozenset[str], ...]] = tuple(
    frozenset(group)
    for group in (
        {"mike", "michael"},
        {"zack", "zac", "zach", "zachary", "zachery"},
        {"matt", "matthew"},
        {"chris", "christopher"},
        {"nick", "nicholas", "nicky"},
        {"alex", "alexander", "alejandro"},
        {"josh", "joshua"},
        {"jake", "jacob"},
        {"will", "william", "willy", "willie", "billy"},
        {"dan", "daniel", "danny"},
        {"tom", "thomas", "tommy"},
        {"joe", "joseph", "joey"},
        {"jon", "jonathan", "jonny"},
        {"john", "johnny"},
        {"cam", "cameron"},
        {"sam", "samuel", "sammy"},
        {"ben", "benjamin"},
        {"tony", "anthony"},
        {"rob", "robert", "bob", "bobby", "robbie"},
        {"jim", "james", "jimmy"},
        {"dave", "david"},
        {"andy", "andrew", "drew"},
        {"ed", "eddie", "edward"},
        {"greg", "gregory"},
        {"abe", "abraham"},
        {"vinnie", "vincent", "vince"},
        {"nate", "nathan", "nathaniel"},
        {"pat", "patrick"},
        {"steve", "steven", "stephen"},
        {"jeff", "jeffrey"},
        {"ken", "kenneth", "kenny"},
        {"tim", "timothy"},
        {"fred", "freddy", "frederick"},
        {"manny", "manuel"},
        {"kike", "enrique"},
        {"nelly", "nelson"},
        {"lou", "louis"},
        {"hank", "henry"},
        {"rich", "richard", "rick", "ricky"},
        {"charlie", "charles", "chuck"},
        {"mitch", "mitchell"},
        {"ty", "tyler"},
        {"gabe", "gabriel"},
        {"eli", "elijah"},
        {"max", "maxwell"},
    )
)

_NICK_INDEX: Final[Mapping[str, frozenset[str]]] = {
    name: group for group in NICKNAMES for name in group
}

# Letters NFKD leaves alone.
_SPECIAL: Final = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "\u0131": "i",  # dotless i
    }
)
_APOSTROPHES: Final = re.compile("['\u2019\u2018`\u00b4\"]")
_SEPARATORS: Final = re.compile("[\\s.\\-\u2010\u2011\u2013\u2014_,/()]+")
_NON_WORD: Final = re.compile(r"[^0-9a-z]")


def fold(text: str) -> str:
    """Lower-case ``text`` without accents: ``"Díaz"`` -> ``"diaz"``, ``"Ø"`` -> ``"o"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def split_suffix(text: str) -> tuple[tuple[str, ...], str | None]:
    """``(tokens, suffix)``: the matching tokens of a name and its generational suffix."""
    folded = _APOSTROPHES.sub("", fold(text))
    raw = [_NON_WORD.sub("", t) for t in _SEPARATORS.split(folded)]
    tokens = [t for t in raw if t]
    suffix: str | None = None
    while len(tokens) > 1 and tokens[-1] in SUFFIXES:
        suffix = suffix or tokens[-1]
        tokens.pop()
    merged: list[str] = []
    run = ""
    for token in tokens:  # glue runs of single letters: j d -> jd
        if len(token) == 1 and token.isalpha():
            run += token
            continue
        if run:
            merged.append(run)
            run = ""
        merged.append(token)
    if run:
        merged.append(run)
    return tuple(merged), suffix


def name_tokens(text: str) -> tuple[str, ...]:
    """The matching tokens of a name (folded, no punctuation or suffix, initials glued)."""
    return split_suffix(text)[0]


def normalize_name(text: str) -> str:
    """``name_tokens`` joined with single spaces: the exact-match key."""
    return " ".join(name_tokens(text))


def nickname_variants(first: str) -> frozenset[str]:
    """Every given name equivalent to ``first`` (a normalized token), itself included."""
    return _NICK_INDEX.get(first, frozenset({first}))


#: MLB team ids (Stats API) -> the canonical code used here (the Stats API's own).
TEAM_IDS: Final[Mapping[int, str]] = {
    108: "LAA",
    109: "AZ",
    110: "BAL",
    111: "BOS",
    112: "CHC",
    113: "CIN",
    114: "CLE",
    115: "COL",
    116: "DET",
    117: "HOU",
    118: "KC",
    119: "LAD",
    120: "WSH",
    121: "NYM",
    133: "ATH",
    134: "PIT",
    135: "SD",
    136: "SEA",
    137: "SF",
    138: "STL",
    139: "TB",
    140: "TEX",
    141: "TOR",
    142: "MIN",
    143: "PHI",
    144: "ATL",
    145: "CWS",
    146: "MIA",
    147: "NYY",
    158: "MIL",
}

#: Canonical code -> the other spellings seen across sources (abbreviations, names, cities).
TEAM_CODES: Final[Mapping[str, tuple[str, ...]]] = {
    "LAA": ("ANA", "CAL", "Los Angeles Angels", "Angels", "Los Angeles Angels of Anaheim"),
    "AZ": ("ARI", "ARZ", "Arizona Diamondbacks", "Diamondbacks", "D-backs", "Arizona"),
    "BAL": ("Baltimore Orioles", "Orioles", "Baltimore"),
    "BOS": ("Boston Red Sox", "Red Sox", "Boston"),
    "CHC": ("CHN", "Chicago Cubs", "Cubs"),
    "CIN": ("Cincinnati Reds", "Reds", "Cincinnati"),
    "CLE": ("Cleveland Guardians", "Guardians", "Cleveland Indians", "Cleveland"),
    "COL": ("Colorado Rockies", "Rockies", "Colorado"),
    "DET": ("Detroit Tigers", "Tigers", "Detroit"),
    "HOU": ("Houston Astros", "Astros", "Houston"),
    "KC": ("KCR", "KCA", "Kansas City Royals", "Royals", "Kansas City"),
    "LAD": ("LA", "LAN", "Los Angeles Dodgers", "Dodgers"),
    "WSH": ("WSN", "WAS", "WSA", "Washington Nationals", "Nationals", "Washington"),
    "NYM": ("NYN", "New York Mets", "Mets"),
    "ATH": ("OAK", "Oakland Athletics", "Athletics", "Oakland", "Sacramento"),
    "PIT": ("Pittsburgh Pirates", "Pirates", "Pittsburgh"),
    "SD": ("SDP", "SDN", "San Diego Padres", "Padres", "San Diego"),
    "SEA": ("Seattle Mariners", "Mariners", "Seattle"),
    "SF": ("SFG", "SFN", "San Francisco Giants", "Giants", "San Francisco"),
    "STL": ("SLN", "St. Louis Cardinals", "St Louis Cardinals", "Cardinals", "St. Louis"),
    "TB": ("TBR", "TBA", "TBD", "Tampa Bay Rays", "Rays", "Tampa Bay"),
    "TEX": ("Texas Rangers", "Rangers", "Texas"),
    "TOR": ("Toronto Blue Jays", "Blue Jays", "Toronto"),
    "MIN": ("Minnesota Twins", "Twins", "Minnesota"),
    "PHI": ("Philadelphia Phillies", "Phillies", "Philadelphia"),
    "ATL": ("Atlanta Braves", "Braves", "Atlanta"),
    "CWS": ("CHW", "CHA", "Chicago White Sox", "White Sox"),
    "MIA": ("FLA", "Miami Marlins", "Marlins", "Miami", "Florida Marlins"),
    "NYY": ("NYA", "New York Yankees", "Yankees"),
    "MIL": ("Milwaukee Brewers", "Brewers", "Milwaukee"),
}

_TEAM_INDEX: Final[Mapping[str, str]] = {
    key: code
    for code, aliases in TEAM_CODES.items()
    for key in (normalize_name(code), *(normalize_name(a) for a in aliases))
}


def canonical_team(team: str | int | None) -> str | None:
    """The canonical code of a team given by abbreviation, name or Stats API id, or None.

    ``"ARI"``, ``"AZ"`` and ``"Arizona Diamondbacks"`` -> ``"AZ"``; ``"OAK"`` -> ``"ATH"``.
    """
    if team is None or isinstance(team, bool):
        return None
    if isinstance(team, int):
        return TEAM_IDS.get(team)
    return _TEAM_INDEX.get(normalize_name(team))
