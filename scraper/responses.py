"""Reading a response's signals: anti-bot challenges (flagged, never bypassed), statuses worth
a retry, and ``Retry-After``."""

from __future__ import annotations

import email.utils
import re
import time
from datetime import UTC

RETRY_STATUS = {429, 500, 502, 503, 504, 507, 509}
_CHALLENGE_COOKIES = re.compile(
    r"FSSBBIl1UgzbN7N\d+|__jsluid|__jsl_clearance|acw_sc__v2|ccsrf", re.I
)


def classify_challenge(status: int, headers: list[tuple[str, str]], body: bytes) -> str | None:
    """Name the anti-bot scheme if this response is a JavaScript/cookie challenge."""
    head = body[:20000]
    cookies = " ".join(v for k, v in headers if k.lower() == "set-cookie")
    if b"$_ts" in head and (
        status in (202, 400, 403, 412) or b"$_ts=window" in head or b"$_ts.nsd" in head
    ):
        return "ruishu_412"
    if status == 521 or (status in (403, 412, 503) and b"__jsl_clearance" in head):
        return "jsl_521"
    if status in (202, 403, 412, 521) and _CHALLENGE_COOKIES.search(cookies):
        return "js_cookie_challenge"
    return None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    v = value.strip()
    if v.isdigit():
        return float(v)
    try:
        when = email.utils.parsedate_to_datetime(v)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))
