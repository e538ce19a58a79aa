"""File names that come from the web, made safe before they become paths.

A server chooses the ``Content-Disposition`` file name and every character of a URL, so either
may say ``../../.bashrc``, ``/etc/cron.d/x``, ``C:\\Windows\\x.dll``, ``report.pdf\\0.sh`` or
``CON``. Wherever such a name is used on disk it goes through :func:`safe_filename` (one plain
file name, no folders) and the resulting path through :func:`path_inside` (which refuses any path
that would land outside its folder, symlinks included).

The crawler itself stores bodies only inside WARC files whose names it makes up; these functions
are for anything that writes attachments out under their own names, and :func:`path_inside`
guards reading a WARC file named by the state database.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from scraper.decoding import decode_url_component, filename_from_disposition

MAX_NAME_BYTES = 200
"""Longest file name produced, in UTF-8 bytes (file systems allow 255; room for a suffix)."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_WINDOWS_BAD = re.compile(r'[<>:"|?*]')
_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?$", re.I)
_QUERY_NAMES = ("showname", "filename", "file", "name", "fn")


def safe_filename(name: str | None, *, fallback: str = "attachment") -> str:
    """One harmless file name from ``name``: its last component only (``/`` and ``\\`` both
    separate), no control characters or NULs, nothing Windows forbids, no leading dots (no
    ``..``, no hidden files), not a reserved device name, at most :data:`MAX_NAME_BYTES` bytes
    with the extension kept. ``fallback`` when nothing usable is left."""
    text = _clean(name) or _clean(fallback) or "attachment"
    if _RESERVED.match(text):
        text = "_" + text
    return _truncate(text, MAX_NAME_BYTES)


def _clean(name: str | None) -> str:
    text = unicodedata.normalize("NFC", name or "")
    text = _CONTROL.sub("", text)
    text = re.split(r"[/\\]", text)[-1]
    text = _WINDOWS_BAD.sub("_", text)
    return text.strip().lstrip(".").rstrip(". ")


def _truncate(name: str, limit: int) -> str:
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext.encode("utf-8")) > 16:
        stem, ext = name, ""
    room = limit - len(ext.encode("utf-8")) - (1 if ext else 0)
    cut = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(". ")
    return f"{cut}.{ext}" if ext else cut


def filename_from_url(url: str) -> str | None:
    """The file name a URL carries: a ``showname=``/``filename=`` query value (download
    endpoints) or the last path segment, percent-decoded (UTF-8 or GBK)."""
    parts = urlsplit(url)
    # raw values: they are percent-encoded UTF-8 or GBK, which only decode_url_component tells
    query = dict(
        (k.lower(), v) for k, _, v in (pair.partition("=") for pair in parts.query.split("&"))
    )
    for key in _QUERY_NAMES:  # the shown name before the stored one
        value = decode_url_component(query.get(key, "").replace("+", " "))
        if "." in value:
            return value
    last = parts.path.rsplit("/", 1)[-1]  # "" for a folder URL
    return decode_url_component(last) or None


def attachment_filename(url: str, content_disposition: str | None = None) -> str:
    """The safe file name of a downloaded attachment: the server's ``Content-Disposition`` name
    if it gives one, else the URL's."""
    name = filename_from_disposition(content_disposition) or filename_from_url(url)
    return safe_filename(name, fallback=safe_filename(filename_from_url(url)))


def path_inside(folder: str | Path, name: str | Path) -> Path:
    """``folder / name``, refusing (``ValueError``) anything that would resolve outside
    ``folder``: absolute paths, ``..`` segments, NUL bytes, drive letters, or a symlink that
    points out."""
    text = str(name)
    if not text or "\x00" in text or "\\" in text or re.match(r"^[A-Za-z]:", text):
        raise ValueError(f"unsafe path {text!r}")
    relative = PurePosixPath(text)
    if relative.is_absolute() or ".." in relative.parts:
        raise ValueError(f"path {text!r} leaves its folder")
    root = Path(folder).resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"path {text!r} resolves outside {root}")
    return target
