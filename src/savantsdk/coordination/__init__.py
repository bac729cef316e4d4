"""Fleet-wide coordination: many worker processes sharing one upstream quota through Redis.

Opt in with one setting, ``AsyncClient(coordination=RedisCoordination(url))``; without it every
process limits itself, exactly as before.  Shared per source: the rate limit (a GCRA in Redis
with the executor's priority lanes), the circuit breaker (one half-open probe for the fleet),
the 429 pause, and credit accounts (The Odds API).  If Redis is unreachable each process falls
back to local limits at ``fallback_share`` of each rate and recovers by itself.  Optional per
source: adaptive (AIMD) concurrency.  Builds on ``executor`` (it supplies the executor's
seams); only the client imports it.  See ``docs/coordination.md``.
"""

from ._adaptive import (
    AdaptiveConcurrency as AdaptiveConcurrency,
    AimdController as AimdController,
)
from ._metrics import CoordinationMetrics as CoordinationMetrics
from ._protocols import (
    Coordination as Coordination,
    CreditLedger as CreditLedger,
    CreditTicket as CreditTicket,
    ExecutorParts as ExecutorParts,
)
from ._redis import RedisCoordination as RedisCoordination
from ._store import CreditTotals as CreditTotals

__all__ = (
    "AdaptiveConcurrency",
    "AimdController",
    "Coordination",
    "CoordinationMetrics",
    "CreditLedger",
    "CreditTicket",
    "CreditTotals",
    "ExecutorParts",
    "RedisCoordination",
)
