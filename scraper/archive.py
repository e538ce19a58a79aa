"""The raw archive: every HTTP exchange appended to gzipped WARC files (ISO 28500) with warcio.

Why WARC: it is the standard provenance format of web archives, so every dataset row can point
at the exact bytes (and headers) it came from, and any WARC tool can replay or audit the crawl.

Each run writes its own files (``raw/ogi-<run>-<time>-<n>.warc.gz``, rotated at a size limit).
A record is complete on disk before the state DB points at it, so a run killed mid-write leaves
at worst an unreferenced partial record at the end of its own file, never a broken reference.
Bodies are stored as received after content decoding (gzip/deflate/br undone by the client);
the stored headers say so (``Content-Encoding`` is renamed ``X-Original-Content-Encoding``).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper import __version__ as _version
from scraper.filenames import path_inside

_HOP_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass(frozen=True)
class RecordRef:
    """Where one response record lives: file name (relative to the archive dir) and offset."""

    file: str
    offset: int
    length: int
    record_id: str


@dataclass(frozen=True)
class StoredResponse:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    record_id: str
    date: str


def _warc_date(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _status_line(status: int, reason: str | None) -> str:
    return f"{status} {reason or 'Unknown'}".strip()


class WarcArchive:
    """Appends request/response (or revisit) record pairs for one crawl run."""

    def __init__(self, directory: str | Path, run_id: int, *, max_file_size: int = 1 << 30) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.run_id = run_id
        self.max_file_size = max_file_size
        self._stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self._n = 0
        self._fh: io.BufferedWriter | None = None
        self._writer: WARCWriter | None = None
        self._name = ""

    def _open(self) -> None:
        self._n += 1
        self._name = f"ogi-{self.run_id:06d}-{self._stamp}-{os.getpid()}-{self._n:05d}.warc.gz"
        self._fh = open(self.directory / self._name, "ab")  # noqa: SIM115 - kept open for the run
        self._writer = WARCWriter(self._fh, gzip=True)
        info = self._writer.create_warcinfo_record(
            self._name,
            {
                "software": f"ogi-reports/{_version} (warcio)",
                "format": "WARC File Format 1.1",
                "isPartOf": f"ogi-run-{self.run_id}",
            },
        )
        self._writer.write_record(info)
        self._fh.flush()

    def _ensure(self) -> WARCWriter:
        if self._writer is None or (self._fh is not None and self._fh.tell() >= self.max_file_size):
            self.close()
            self._open()
        assert self._writer is not None
        return self._writer

    def write(
        self,
        *,
        url: str,
        method: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes | None,
        status: int,
        reason: str | None,
        response_headers: list[tuple[str, str]],
        body: bytes,
        fetched_at: datetime,
        truncated: bool = False,
        revisit_of: tuple[str, str, str] | None = None,
    ) -> RecordRef:
        """Write a request and its response; returns where the response record is.

        ``revisit_of`` = (sha256, original URL, original WARC date): the body is identical to one
        already archived, so a payload-less ``revisit`` record is written instead.
        """
        writer = self._ensure()
        assert self._fh is not None
        date = _warc_date(fetched_at)
        stored = [(k, v) for k, v in response_headers if k.lower() not in _HOP_HEADERS]
        stored += [
            (f"X-Original-{k}", v)
            for k, v in response_headers
            if k.lower() in ("content-encoding", "transfer-encoding")
        ]
        http = StatusAndHeaders(_status_line(status, reason), stored, protocol="HTTP/1.1")
        if revisit_of is None:
            http.headers.append(("Content-Length", str(len(body))))
            warc_headers = {"WARC-Date": date}
            if truncated:
                warc_headers["WARC-Truncated"] = "length"
            resp = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict=warc_headers,
            )
        else:
            sha, orig_url, orig_date = revisit_of
            resp = writer.create_revisit_record(
                url,
                f"sha256:{sha}",
                orig_url,
                orig_date,
                http_headers=http,
                warc_headers_dict={"WARC-Date": date},
            )
        record_id = resp.rec_headers.get_header("WARC-Record-ID")
        target = url.split("://", 1)[-1]
        path = "/" + target.split("/", 1)[1] if "/" in target else "/"
        req_http = StatusAndHeaders(
            f"{method} {path} HTTP/1.1",
            list(request_headers),
            protocol="HTTP/1.1",
            is_http_request=True,
        )
        req = writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(request_body or b""),
            http_headers=req_http,
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id},
        )
        offset = self._fh.tell()
        writer.write_record(resp)
        length = self._fh.tell() - offset
        writer.write_record(req)
        self._fh.flush()
        return RecordRef(self._name, offset, length, record_id)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        self._fh = None
        self._writer = None

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_response(directory: str | Path, file: str, offset: int) -> StoredResponse:
    """Read back the response record at ``offset`` of ``file`` (body as stored).

    ``file`` comes from the state database, so it must name a file inside ``directory``
    (``ValueError`` otherwise): a tampered row cannot make us read ``../../etc/passwd``.
    """
    with open(path_inside(directory, file), "rb") as fh:
        fh.seek(offset)
        for rec in ArchiveIterator(fh):
            http = rec.http_headers
            status = int(http.get_statuscode()) if http else 0
            return StoredResponse(
                url=rec.rec_headers.get_header("WARC-Target-URI"),
                status=status,
                headers=list(http.headers) if http else [],
                body=rec.content_stream().read(),
                record_id=rec.rec_headers.get_header("WARC-Record-ID"),
                date=rec.rec_headers.get_header("WARC-Date"),
            )
    raise FileNotFoundError(f"no WARC record at {file}:{offset}")
