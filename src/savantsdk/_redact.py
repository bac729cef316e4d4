"""Secret redaction.  Every message, repr, log line and metric label passes through here.

Two layers: a registry of known secret values (API keys and passwords registered by the
settings objects when they are built) and patterns for secrets in URLs and query strings
(``apiKey=``, ``api_key=``, ``key=``, ``token=``, ``password=``, ``redis://user:pass@``).
"""

from __future__ import annotations

import logging
import re
import threading

__all__ = ("REDACTED", "RedactingFilter", "install_log_redaction", "redact", "register_secret")

REDACTED = "***"

# name=value in query strings and forms (``key=`` only with ``=``: "key: ..." is ordinary text).
_QUERY_SECRET = re.compile(
    r"(?i)\b(api[_-]?key|apikey|key|token|access_token|password|passwd|secret)"
    r"(=|%3D)([^&\s'\"#,;)]+)"
)
# header-style "Name: value" for names that are always secret.
_HEADER_SECRET = re.compile(
    r"(?i)\b(x-api-key|api[_-]?key|apikey|authorization|password)(\"?\s*[:=]\s*\"?)([^\s'\",;&)}]+)"
)
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/@:\s]*):([^/@\s]+)@")

_lock = threading.Lock()
_secrets: frozenset[str] = frozenset()


def register_secret(value: str | None) -> None:
    """Remember a secret value so it is masked wherever it later appears.

    Values shorter than 4 characters are not registered (they would mask ordinary text).
    """
    global _secrets  # noqa: PLW0603 - a copy-on-write set read without a lock
    if value and len(value) >= 4:
        with _lock:
            _secrets = _secrets | {value}


def redact(text: str) -> str:
    """Return ``text`` with registered secrets and URL/query secrets replaced by ``***``."""
    if not text:
        return text
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    text = _URL_PASSWORD.sub(lambda m: f"{m.group(1)}{m.group(2)}:{REDACTED}@", text)
    text = _QUERY_SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    return _HEADER_SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)


class RedactingFilter(logging.Filter):
    """Rewrites a log record's message through :func:`redact` (for third-party loggers such
    as httpx, which log full request URLs, query-string API keys included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to logging
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


_FILTER = RedactingFilter()


def install_log_redaction(*logger_names: str) -> None:
    """Attach the redacting filter to the named loggers (idempotent)."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
