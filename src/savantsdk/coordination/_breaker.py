"""A circuit breaker whose state is shared by the fleet through the store.

:class:`SharedBreakerGate` implements the executor's ``BreakerGate`` seam with the semantics of
the local ``PyBreakerGate`` (closed -> open after ``fail_max`` consecutive failures, fail fast
with ``retry_at`` for ``reset_timeout_s``, then one probe, ``success_threshold`` successful
probes close it, a failed probe reopens it; outcomes from an older generation are ignored;
``NEUTRAL`` outcomes are not reported), but the state lives in the store:

- ``acquire()`` is synchronous and reads this process's mirror (:class:`~._shared.SourceShared`),
  refreshed by every store reply (each slot booking carries the breaker state).  When another
  process opened the circuit, the next booking here says so and the callers fail fast with
  :class:`~savantsdk.exceptions.CircuitOpenError`; after that the mirror fails them without
  asking the store.  (So a process that had not heard of a transition fails the attempts it
  had already admitted; once it knows, it behaves as the local gate: its next caller past the
  open period may try to become the probe.)
- ``release()`` is synchronous too: failures (and the success that resets a non-zero failure
  count) are sent by the coordinator's background outbox; the store counts them fleet-wide and
  decides the transition atomically.
- **One probe for the fleet.**  Past the open period, ``acquire()`` hands out a *tentative*
  probe permit (one per process) and leaves a claim in a context variable; the coordinated
  rate limiter, the next (asynchronous) step of the same attempt, turns it into a
  ``SET NX PX`` on the probe token in the same script that books the slot.  The loser fails
  fast; the winner's outcome is reported with the token, which releases it.  The token expires
  after ``probe_ttl_s`` (the source's total timeout + 1 s) if its holder dies.

While the store is unreachable the gate runs the same transitions on the mirror, locally.
"""

from __future__ import annotations

import contextvars
import logging
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..exceptions import CircuitOpenError
from ..executor._breaker import Outcome3, Permit, open_error
from ..executor._metrics import MetricsRecorder
from ._store import ReportKind, SharedState, StoreUnavailableError

if TYPE_CHECKING:
    from ..typing import MetricsHook
    from ._core import Coordinator
    from ._shared import SourceShared

__all__ = ("ProbeClaim", "SharedBreakerGate")

log = logging.getLogger("savantsdk")


class ProbeClaim:
    """A tentative half-open probe waiting for the fleet-wide ``SET NX`` (in the limiter)."""

    __slots__ = ("gate", "permit", "token")

    def __init__(self, gate: SharedBreakerGate, permit: Permit, token: str) -> None:
        self.gate = gate
        self.permit = permit
        self.token = token


_CLAIM: contextvars.ContextVar[ProbeClaim | None] = contextvars.ContextVar(
    "savantsdk_coordination_probe_claim", default=None
)


class SharedBreakerGate:
    """``BreakerGate`` whose state is shared through the store (see the module docstring)."""

    def __init__(
        self,
        core: Coordinator,
        shared: SourceShared,
        *,
        fail_max: int,
        reset_timeout_s: float,
        success_threshold: int,
        probe_ttl_s: float,
        hooks: Sequence[MetricsHook] = (),
    ) -> None:
        self._core = core
        self._shared = shared
        self._clock = shared.clock
        self._source = shared.source
        self._fail_max = fail_max
        self._reset_timeout_s = reset_timeout_s
        self._success_threshold = success_threshold
        self.probe_ttl_s = probe_ttl_s
        self._events = MetricsRecorder(shared.source, hooks)
        self._closed_permit = Permit(shared.version, False)
        self._probe: Permit | None = None
        self._probe_token: str | None = None  # set once the store granted the probe
        self._probe_generation = 0  # the store's generation the probe was granted in
        self._last_failure: BaseException | None = None  # this process's last failure
        self._opened_by: BaseException | None = None
        shared.listen(self._on_transition)

    def __repr__(self) -> str:
        return f"SharedBreakerGate(source={self._source!r}, state={self.state!r})"

    # ------------------------------------------------------------------ BreakerGate

    @property
    def state(self) -> str:
        return self._shared.breaker

    @property
    def transitions(self) -> int:
        return self._shared.transitions

    def acquire(self) -> Permit:
        sh = self._shared
        state = sh.breaker
        if state == "closed":
            if self._closed_permit.generation != sh.version:
                self._closed_permit = Permit(sh.version, False)
            return self._closed_permit
        now = self._clock.monotonic()
        if state == "open" and now < sh.open_until:
            raise self.open_error()
        if self._probe is not None:
            raise self._error("half-open with its probe in flight", 0.0)
        if not self._core.usable():
            # Degraded: a local probe, as the local gate would hand out.
            if state == "open":
                sh.successes = 0
                sh.set_state("half-open")
            self._probe = Permit(sh.version, True)
            return self._probe
        permit = Permit(sh.version, True)
        self._probe = permit
        _CLAIM.set(ProbeClaim(self, permit, uuid.uuid4().hex))
        return permit

    def release(
        self, permit: Permit, outcome: Outcome3, error: BaseException | None = None
    ) -> None:
        sh = self._shared
        if outcome is Outcome3.FAILURE:
            self._last_failure = error
        elif outcome is Outcome3.SUCCESS:
            self._last_failure = None
        claim = _CLAIM.get()
        if claim is not None and claim.permit is permit:
            _CLAIM.set(None)  # never reached the limiter (a pause failed it first)
        token: str | None = None
        if permit.probe and self._probe is permit:
            self._probe = None
            token, self._probe_token = self._probe_token, None
        stale = permit.generation != sh.version
        if token is not None:  # the fleet's probe: report it, which also frees the token
            kind: ReportKind = "probe_release"
            if not stale and outcome is Outcome3.SUCCESS:
                kind = "probe_success"
            elif not stale and outcome is Outcome3.FAILURE:
                kind = "probe_failure"
            self._report(kind, self._probe_generation, token)
            return
        if stale or outcome is Outcome3.NEUTRAL:
            return
        if permit.probe:  # a local probe (store unreachable when it was handed out)
            self._local("probe_success" if outcome is Outcome3.SUCCESS else "probe_failure")
            return
        if outcome is Outcome3.SUCCESS:
            if sh.failures:  # a success only resets a non-zero failure count
                sh.failures = 0
                self._report("success", sh.remote_generation, None)
            return
        self._report("failure", sh.remote_generation, None)

    # ------------------------------------------------------------------ with the limiter

    def take_claim(self) -> ProbeClaim | None:
        """The current attempt's tentative probe, if it has one (called by the limiter)."""
        claim = _CLAIM.get()
        if claim is None or claim.gate is not self:
            return None
        _CLAIM.set(None)
        return claim

    def claim_result(self, claim: ProbeClaim, *, won: bool | None) -> None:
        """The store's answer to a claim (``None``: store unreachable, keep a local probe).

        A claim that lost while the breaker turned out to be closed is an ordinary attempt.
        """
        sh = self._shared
        if won:
            self._core.counters.probe_claims += 1
            if self._probe is claim.permit:
                self._probe_token = claim.token
                self._probe_generation = sh.remote_generation
            claim.permit.generation = sh.version
        elif won is None:
            if sh.breaker == "open":
                sh.successes = 0
                sh.set_state("half-open")
            claim.permit.generation = sh.version
        elif sh.breaker == "closed":  # another process's probe closed it meanwhile
            if self._probe is claim.permit:
                self._probe = None
            claim.permit.probe = False
            claim.permit.generation = sh.version
        else:
            self._core.counters.probe_denials += 1

    def open_error(self) -> CircuitOpenError:
        """The fail-fast error for the mirrored state."""
        sh = self._shared
        if sh.breaker == "open":
            return self._error("open", sh.open_until - self._clock.monotonic())
        return self._error("half-open (one probe for the whole fleet at a time)", 0.0)

    # ------------------------------------------------------------------ internals

    def _error(self, message: str, seconds_left: float) -> CircuitOpenError:
        return open_error(
            self._source,
            message,
            self._clock,
            seconds_left,
            self._opened_by,
            unknown=" (opened by failures in another process)",
        )

    def _on_transition(self, old: str, new: str) -> None:
        if new == "open":
            self._opened_by = self._last_failure
        level = logging.WARNING if new == "open" else logging.INFO
        log.log(level, "savantsdk %s circuit breaker (shared): %s -> %s", self._source, old, new)
        self._events.event("executor.breaker_transition", from_state=old, to_state=new)

    def _report(self, kind: ReportKind, generation: int, token: str | None) -> None:
        core = self._core
        sh = self._shared
        clock = self._clock

        async def job() -> None:

            sent = clock.monotonic()
            try:
                state: SharedState = await core.call(
                    "breaker report",
                    lambda: core.store.report(
                        sh.source,
                        kind=kind,
                        generation=generation,
                        fail_max=self._fail_max,
                        reset_timeout_s=self._reset_timeout_s,
                        success_threshold=self._success_threshold,
                        probe_token=token,
                    ),
                )
            except StoreUnavailableError:
                self._local(kind)
                return
            sh.apply(state, (sent + clock.monotonic()) / 2)

        core.submit(job)

    def _local(self, kind: ReportKind) -> None:
        """The same transitions as the store's, on the mirror (store unreachable)."""
        sh = self._shared
        now = self._clock.monotonic()
        if kind == "failure" and sh.breaker == "closed":
            sh.failures += 1
            if sh.failures >= self._fail_max:
                sh.failures = 0
                sh.set_state("open", now + self._reset_timeout_s)
        elif kind == "success" and sh.breaker == "closed":
            sh.failures = 0
        elif kind == "probe_success" and sh.breaker == "half-open":
            sh.successes += 1
            if sh.successes >= self._success_threshold:
                sh.successes = 0
                sh.failures = 0
                sh.set_state("closed")
        elif kind == "probe_failure" and sh.breaker == "half-open":
            sh.successes = 0
            sh.set_state("open", now + self._reset_timeout_s)
