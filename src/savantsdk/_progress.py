"""Progress bars for long pulls and backtests, through tqdm's auto mode when it is installed.

Whether a bar is shown is decided once, when it is made (:func:`progress_enabled`):

1. an explicit ``progress=True`` / ``progress=False`` argument wins;
2. else the environment: ``SAVANTSDK_PROGRESS=0`` (``false``/``no``/``off``) silences every
   bar, ``SAVANTSDK_PROGRESS=1`` (``true``/``yes``/``on``) shows them even without a terminal;
3. else (auto) a bar is shown in a Jupyter kernel or when ``sys.stderr`` is a TTY, and never
   otherwise (logs, CI, pipes, pytest's captured output).

Without tqdm (the ``progress`` extra) every bar is a silent no-op, whatever was asked.
Bars write to ``sys.stderr`` as it is when the bar is created (a notebook widget in Jupyter).
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import warnings
from collections.abc import Callable
from typing import Any, Final

from ._closing import Closing

__all__ = ("ENV_VAR", "ProgressBar", "progress_bar", "progress_enabled")

log = logging.getLogger("savantsdk")

#: Environment switch: ``0``/``false``/``no``/``off`` silences bars, ``1``/``true``/``yes``/
#: ``on`` forces them; unset (or anything else) means auto.
ENV_VAR: Final = "SAVANTSDK_PROGRESS"

_OFF: Final = frozenset({"0", "false", "no", "off"})
_ON: Final = frozenset({"1", "true", "yes", "on"})

Callback = Callable[[int, int], None]


def _in_notebook() -> bool:
    """True inside a Jupyter (ZMQ) kernel; never imports IPython itself."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    get = getattr(ipython, "get_ipython", None)
    shell = get() if callable(get) else None
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _stderr_is_tty() -> bool:
    isatty = getattr(sys.stderr, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (ValueError, OSError):  # a closed or detached stream
        return False


def progress_enabled(progress: bool | None = None) -> bool:
    """Whether a bar should be shown (see the module docs); does not check for tqdm."""
    if progress is not None:
        return bool(progress)
    env = os.environ.get(ENV_VAR, "").strip().lower()
    if env in _OFF:
        return False
    if env in _ON:
        return True
    return _in_notebook() or _stderr_is_tty()


def _tqdm_class() -> Any | None:
    """``tqdm.auto.tqdm`` (a widget in Jupyter, text elsewhere), or None without tqdm."""
    try:
        with warnings.catch_warnings():
            # tqdm.auto warns once when a notebook lacks ipywidgets, then falls back to text.
            warnings.simplefilter("ignore")
            module = importlib.import_module("tqdm.auto")
    except ImportError:
        return None
    return getattr(module, "tqdm", None)


class ProgressBar(Closing):
    """A bar fed with ``(done, total)`` calls, created on the first call; a no-op when off.

    Use it as a callback (``bar(done, total)``) or chain it with a user callback
    (:meth:`chain`), and close it (or use ``with``) when the work ends.
    """

    def __init__(self, desc: str, *, unit: str = "day", tqdm_class: Any | None = None) -> None:
        self._desc = desc
        self._unit = unit
        self._cls = tqdm_class
        self._bar: Any | None = None
        self._done = 0

    @property
    def enabled(self) -> bool:
        return self._cls is not None

    def __repr__(self) -> str:
        state = "on" if self.enabled else "off"
        return f"<ProgressBar {self._desc!r} {state} done={self._done}>"

    def __call__(self, done: int, total: int) -> None:
        if self._cls is None:
            return
        try:
            if self._bar is None:
                self._bar = self._cls(
                    total=total,
                    desc=self._desc,
                    unit=self._unit,
                    file=sys.stderr,
                    disable=False,
                    dynamic_ncols=True,
                )
            elif self._bar.total != total:
                self._bar.total = total
                self._bar.refresh()
            if done > self._done:
                self._bar.update(done - self._done)
                self._done = done
        except Exception:  # a broken terminal or widget must never fail the work
            log.debug("savantsdk: progress bar failed; disabling it", exc_info=True)
            self._cls = None

    def chain(self, callback: Callback | None) -> Callback | None:
        """A callback that feeds this bar and then ``callback`` (either may be absent)."""
        if not self.enabled:
            return callback
        if callback is None:
            return self

        def both(done: int, total: int) -> None:
            self(done, total)
            callback(done, total)

        return both

    def close(self) -> None:
        bar, self._bar = self._bar, None
        if bar is not None:
            try:
                bar.close()
            except Exception:
                log.debug("savantsdk: closing the progress bar failed", exc_info=True)


def progress_bar(desc: str, *, unit: str = "day", progress: bool | None = None) -> ProgressBar:
    """A :class:`ProgressBar` that shows only if :func:`progress_enabled` and tqdm is there."""
    cls = _tqdm_class() if progress_enabled(progress) else None
    return ProgressBar(desc, unit=unit, tqdm_class=cls)
