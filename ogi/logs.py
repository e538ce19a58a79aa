"""Logging for the long-running commands: quiet by default, ``-v`` for detail, JSON for machines.

A nightly job's stdout is its one-screen summary (cron mails it); everything else is a log
record on stderr through the standard :mod:`logging` module:

- default: warnings and errors only;
- ``-v``: each stage and each site or document that failed (``INFO``);
- ``-vv``: every document parsed (``DEBUG``); ``-vvv`` adds the HTTP libraries' own records;
- ``--log-json``: one JSON object per line (``time``, ``level``, ``logger``, ``message`` and the
  record's ``extra`` fields such as ``event``, ``url``, ``site``), for log shippers and scripts.

Library code only ever calls ``logging.getLogger(__name__)``; :func:`setup_logging` is for
command lines.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import IO, Any

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}

# Libraries that log every request at INFO: heard only at -vv.
_CHATTY = ("httpx", "httpcore", "pdfminer", "pdfplumber", "PIL", "charset_normalizer", "asyncio")

_HANDLER_FLAG = "_ogi_handler"


class JsonFormatter(logging.Formatter):
    """One JSON object per record; ``extra`` fields are kept as top-level keys."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``LEVEL logger: message`` — short enough for a terminal and a cron mail."""

    def __init__(self) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")


def level_for(verbosity: int) -> int:
    """0 → WARNING, 1 (``-v``) → INFO, 2+ (``-vv``) → DEBUG."""
    return logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG


def setup_logging(
    verbosity: int = 0, *, json_lines: bool = False, stream: IO[str] | None = None
) -> logging.Handler:
    """Send log records to ``stream`` (stderr) at the level ``verbosity`` asks for.

    Calling it again replaces the handler it installed before (tests invoke several commands
    in one process), and leaves handlers installed by others alone.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_FLAG, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    setattr(handler, _HANDLER_FLAG, True)
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    level = level_for(verbosity)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(logging.DEBUG if verbosity >= 3 else logging.WARNING)
    return handler
