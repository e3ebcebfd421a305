"""JSON logs (structlog) and the request id that follows a comment from HTTP into Celery and webhooks.

No Flask here: the web process and the workers both configure logging through this module.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from typing import Any, TextIO

import structlog
from structlog.contextvars import bind_contextvars, clear_contextvars, get_contextvars

# The Celery message header that carries the request id from whoever enqueues to the task.
REQUEST_ID_HEADER = "sift_request_id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
_configured = False


class _NamedWriteLogger(structlog.WriteLogger):
    """structlog's writer to a file, carrying the name given to `structlog.get_logger(name)`."""

    def __init__(self, file: TextIO, name: str) -> None:
        super().__init__(file)
        self.name = name  # what `add_logger_name` reads


class _NamedWriteLoggerFactory:
    def __init__(self, file: TextIO) -> None:
        self.file = file

    def __call__(self, *args: Any) -> _NamedWriteLogger:
        return _NamedWriteLogger(self.file, str(args[0]) if args else "")


def configure_logging(level: int = logging.INFO) -> None:
    """Render structlog and standard-library logs as one JSON object per line on stderr.

    Our own lines (`get_logger`) go through structlog's native logger straight to stderr; the
    standard library's (gunicorn, Celery, SQLAlchemy) through a `ProcessorFormatter` with the same
    processors, so both read alike. Not through the standard library for our own: its LogRecord,
    handler lookups and formatter cost more than the rest of the line (measured on the intake,
    where one line is written per comment: see docs/operations.md).
    """
    global _configured
    if _configured:
        return
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.add_logger_name,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=_NamedWriteLoggerFactory(sys.stderr),
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    root = logging.getLogger()
    # Replace, not add: gunicorn and Celery may have installed plain-text handlers already.
    root.handlers = [handler]
    root.setLevel(level)
    _configured = True


def accept_request_id(candidate: str | None) -> str:
    """Keep a well-formed request id from a trusted caller, else make a new one."""
    if candidate and _VALID_REQUEST_ID.match(candidate):
        return candidate
    return uuid.uuid4().hex


def bind_request_id(request_id: str) -> None:
    """Make every log line of this request or task carry the request id."""
    clear_contextvars()
    bind_contextvars(request_id=request_id)


def current_request_id() -> str:
    """Return the request id bound to this request or task, or an empty string."""
    value = get_contextvars().get("request_id", "")
    return value if isinstance(value, str) else ""


def unbind_request_id() -> None:
    clear_contextvars()
