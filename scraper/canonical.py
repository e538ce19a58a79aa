"""What a URL is and which other URLs are the same document: attachment URLs, URLs that
expire (signed downloads), the canonical key that makes one article reached by two URLs be
fetched once, and a column's folder."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scraper.urls import split_url, url_port

ATTACHMENT_EXTS = (
    ".pdf",
    ".doc",
    ".docx",
    ".wps",
    ".ofd",
    ".xls",
    ".xlsx",
    ".et",
    ".rtf",
    ".zip",
    ".rar",
    ".7z",
    ".csv",
    ".txt",
)
_DOWNLOAD = re.compile(
    r"downfile\.jsp|download\.jsp|/module/download/|filedownload|file-download|attachment\.(?:jsp|do|aspx?)|getfile",
    re.I,
)
_TRACKING = re.compile(
    r"^(?:utm_\w+|spm|from|source|src|share|wxfrom|isappinstalled|timestamp|_t|t)$", re.I
)


def is_attachment_url(url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path.lower()
    if path.endswith(ATTACHMENT_EXTS):
        return True
    if _DOWNLOAD.search(path):
        return True
    # download endpoints often carry the file name in the query
    return bool(
        re.search(
            r"(?:filename|showname|file|fileurl|filepath)=[^&]*\.(?:pdf|docx?|wps|ofd|xlsx?)\b",
            parts.query,
            re.I,
        )
    )


_EXPIRY = re.compile(r"^(?:expires?|expiry|expire_?time|deadline|x-amz-expires)$", re.I)
_SIGNING = re.compile(
    r"^(?:sign|signature|x-amz-signature|x-amz-credential|x-amz-date|x-amz-security-token|"
    r"x-amz-signedheaders|x-amz-algorithm|ossaccesskeyid|auth_key)$",
    re.I,
)


def has_expiry(url: str) -> bool:
    """Whether a URL carries an expiry parameter (``expires=…``): a signed, time-limited link
    such as the jpaas download gateway's. Such a link must be fetched soon after the page that
    gave it; a 403 later means it expired, not that the file is gone."""
    return any(_EXPIRY.match(k) for k, _ in parse_qsl(urlsplit(url).query))


def canonical_url(url: str) -> str:
    """The identity of a URL: lower-case scheme/host, no default port, no fragment, dot
    segments resolved, tracking parameters dropped, ``…/index.html`` = ``…/``, and the VSB
    alias ``content.jsp?…wbtreeid=T&wbnewsid=N`` = ``info/T/N.htm`` beside it.

    Expiry and signature parameters of time-limited links (``expires``, ``sign``,
    ``X-Amz-*`` …) are not part of the identity: the same file gets a fresh link every time
    its page is read (see :func:`has_expiry`).

    A malformed URL (``http://host:80:80/``, ``http://[gov/``) raises :class:`BadURL`."""
    parts = split_url(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal keeps its brackets
    port = url_port(parts, url)
    netloc = (
        host
        if port is None or (scheme, port) in (("http", 80), ("https", 443))
        else f"{host}:{port}"
    )
    path = parts.path or "/"
    path = re.sub(r"/{2,}", "/", path)
    trailing = path.endswith("/")
    path = posixpath.normpath(path) if path not in ("", "/") else "/"
    if trailing and not path.endswith("/"):
        path += "/"
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not (_TRACKING.match(k) or _EXPIRY.match(k) or _SIGNING.match(k))
    ]
    q = dict(query)
    low = path.lower()
    if (
        low.endswith(".jsp")
        and q.get("wbtreeid", "").isdigit()
        and q.get("wbnewsid", "").isdigit()
        and (low.endswith("/content.jsp") or q.get("urltype", "").lower() == "news.newscontenturl")
    ):
        # VSB serves every article twice: /info/<tree>/<id>.htm and the JSP alias beside it
        root = path.rsplit("/", 1)[0]
        info = f"{root}/info/{q['wbtreeid']}/{q['wbnewsid']}.htm"
        return urlunsplit((scheme, netloc, info, "", ""))
    base = path.rsplit("/", 1)
    if (
        len(base) == 2
        and re.fullmatch(r"index\.(?:html?|shtml|jsp|php|aspx?)", base[1], re.I)
        and not query
    ):
        path = base[0] + "/"
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def column_dir(url: str) -> str:
    """The directory of a column URL (``…/zfxxgknb/index.html`` → ``…/zfxxgknb/``)."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
