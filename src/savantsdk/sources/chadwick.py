"""The Chadwick Bureau register: player ids across MLBAM, FanGraphs, Baseball Reference and
Retrosheet, and lookup by name or id.

Everything a user of this upstream imports, in one place (the same objects as in
:mod:`savantsdk.sources`)::

    from savantsdk.sources.chadwick import ...
"""

from __future__ import annotations

from ._chadwick import (
    ID_KEYS as ID_KEYS,
    REGISTER_COLUMNS as REGISTER_COLUMNS,
    SHARDS as SHARDS,
    ChadwickClient as ChadwickClient,
    IdKey as IdKey,
    Register as Register,
    RegisterPerson as RegisterPerson,
    parse_register as parse_register,
    read_register as read_register,
)

__all__ = (
    "ChadwickClient",
    "ID_KEYS",
    "IdKey",
    "REGISTER_COLUMNS",
    "Register",
    "RegisterPerson",
    "SHARDS",
    "parse_register",
    "read_register",
)
