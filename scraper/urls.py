"""Links as written on real pages are sometimes not URLs at all: ``http://host:80:80/…``,
``http://[gov/…``, a port of ``8O``, a host with a space or a control character in it. This
module says which links can be fetched, and turns the others into a typed :class:`BadURL`
(a ``ValueError``), so that a malformed link costs that link only: every place that extracts,
resolves or canonicalises links asks here and records a :class:`BadLink` (the link, the page
it came from, why) instead of letting a ``ValueError`` end the crawl of the whole site.

"Can be fetched" is what the crawler's client (httpx) and the standard library both accept: an
``http``/``https`` URL with a host made of letters, digits, ``-``, ``_`` and ``.`` (or a name in
another script that IDNA can encode, or an IP literal), a port between 1 and 65535 if any, and
no control characters.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit

import idna

from ogi_errors import BadURL as BadURL

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ASCII_HOST = re.compile(r"[A-Za-z0-9_.-]+")
_DOTTED_NUMBERS = re.compile(r"[0-9]+(?:\.[0-9]+){3}")
MAX_URL = 8192
"""Longest URL kept; servers refuse longer request lines and real links are far shorter."""


@dataclass(frozen=True)
class BadLink:
    """A malformed link found on a page: kept out of the crawl, recorded with its page."""

    url: str
    """The link as far as it could be resolved against the page (else as written)."""
    page: str
    """The URL of the page it was found on."""
    reason: str

    @classmethod
    def of(cls, error: BadURL, page: str) -> BadLink:
        return cls(error.url[:2000], page, error.reason)

    def as_dict(self) -> dict[str, str]:
        return {"url": self.url, "page": self.page, "reason": self.reason}


def split_url(url: str) -> SplitResult:
    """``urlsplit`` whose failures (``http://[gov/`` → "Invalid IPv6 URL") are :class:`BadURL`."""
    try:
        return urlsplit(url)
    except ValueError as e:
        raise BadURL(url, str(e) or "unreadable URL") from None


def url_port(parts: SplitResult, url: str) -> int | None:
    """The port of a split URL (None: the scheme's default); a port that is not a number in
    1–65535 (``80:80``, ``8O``, ``99999``, ``0``) is a :class:`BadURL`."""
    try:
        port = parts.port
    except ValueError as e:
        raise BadURL(url, f"bad port: {e}") from None
    if port == 0:
        raise BadURL(url, "bad port: 0")
    return port


def _check_host(host: str, url: str) -> None:
    if ":" in host:  # an IPv6 literal (brackets removed), already validated by urlsplit
        return
    if host.isascii():
        if not _ASCII_HOST.fullmatch(host):
            raise BadURL(url, "the host has characters no host name has")
        if _DOTTED_NUMBERS.fullmatch(host):
            try:
                ipaddress.IPv4Address(host)
            except ValueError:
                raise BadURL(url, "the host is not an IPv4 address") from None
        return
    try:
        idna.encode(host.lower())
    except (idna.IDNAError, UnicodeError, ValueError) as e:
        raise BadURL(url, f"the host cannot be encoded: {e}") from None


def checked_url(url: str) -> str:
    """``url`` itself when it is a fetchable absolute http(s) URL; else :class:`BadURL`."""
    if len(url) > MAX_URL:
        raise BadURL(url, f"longer than {MAX_URL} characters")
    if _CONTROL.search(url):
        raise BadURL(url, "a control character in the URL")
    parts = split_url(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise BadURL(url, "not an http(s) URL")
    url_port(parts, url)
    host = parts.hostname
    if not host:
        raise BadURL(url, "no host")
    _check_host(host, url)
    return url


def resolve_url(base: str, href: str) -> str:
    """``href`` made absolute against ``base``, without its fragment; :class:`BadURL` when
    either cannot be read (the error names the link as far as it was resolved)."""
    try:
        url = urljoin(base, href)
    except ValueError as e:
        raise BadURL(href, str(e) or "unreadable URL") from None
    return url.split("#", 1)[0]


def is_http(url: str) -> bool:
    """Whether a resolved link names the http(s) scheme (``mailto:``, ``file:`` … are not links
    the crawler follows, so they are neither fetched nor bad)."""
    head = url[:8].lower()
    return head.startswith(("http:", "https:"))


def malformed(url: str) -> str | None:
    """Why an http(s) URL cannot be fetched, or None (it can — or it is no http(s) URL at all,
    which callers report in their own words)."""
    try:
        if split_url(url).scheme.lower() in ("http", "https"):
            checked_url(url)
    except BadURL as e:
        return str(e)
    return None


def redirect_target(base: str, location: str) -> str:
    """A ``Location`` resolved against the URL that answered it, without its fragment; one that
    cannot be resolved is returned as written, to be reported by :func:`malformed`."""
    try:
        return resolve_url(base, location)
    except BadURL:
        return location
