"""The batch executor: every upstream call of a source goes through one :class:`Executor`.

Rate limit with priority lanes, bounded concurrency, retries with backoff and full jitter,
a circuit breaker, request coalescing, micro-batching (:class:`Loader`), ``map`` with one
:class:`Outcome` per input (:class:`BatchResult`), and per-source metrics.  See
``docs/executor.md``.  Imports only the bottom layer (``exceptions``, ``_config``,
``typing``, ``_clock``, ``_http``, ``_redact``); coordination, sources and the client build on it.
"""

from ._backoff import backoff_ceiling as backoff_ceiling, compute_backoff as compute_backoff
from ._batch import BatchResult as BatchResult, Outcome as Outcome
from ._executor import Executor as Executor
from ._lanes import Lane as Lane
from ._loader import Loader as Loader
from ._metrics import ExecutorMetrics as ExecutorMetrics, LaneWait as LaneWait

__all__ = (
    "BatchResult",
    "Executor",
    "ExecutorMetrics",
    "Lane",
    "LaneWait",
    "Loader",
    "Outcome",
    "backoff_ceiling",
    "compute_backoff",
)
