"""One fetch, recorded: a URL fetched (conditionally when it was fetched before) and its
outcome — new, changed, unchanged, moved, gone, failed — written to the state DB together with
its WARC record, in one transaction with whatever the body links to.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from scraper.anchors import Link
from scraper.canonical import canonical_url, has_expiry
from scraper.client import FetchResult
from scraper.crawl_site import Outcome, SiteBase
from scraper.crawl_store import archive_response
from scraper.decoding import decode_body
from scraper.discovery import PageAnalysis, analyse_page
from scraper.state import iso

HOME_PATHS = {
    "",
    "/",
    "/index.html",
    "/index.htm",
    "/index.shtml",
    "/index.jsp",
    "/index.php",
    "/default.aspx",
    "/default.asp",
    "/index.asp",
    "/index.aspx",
}


class FetchRecorder(SiteBase):
    """Fetching and recording one URL (see the module docstring)."""

    async def _fetch(
        self,
        link: Link,
        row,
        *,
        kind: str,
        then: Callable[[Outcome], Outcome] | None = None,
        conditional: bool = True,
    ) -> Outcome:
        """Fetch and record one URL. ``then(outcome)`` runs in the same transaction when a body
        was read: what the body links to is committed together with the body's new hash, so a
        run killed in between cannot leave a page "unchanged" with its links never stored.
        ``conditional=False`` asks for the body even when the stored validators match."""
        conditional = conditional and row["status"] == "ok" and row["sha256"] is not None
        res = await self.client.fetch(
            link.url,
            method=link.method,
            data=link.data,
            headers=dict(link.headers),
            etag=row["etag"] if conditional else None,
            last_modified=row["last_modified"] if conditional else None,
            scope=self.in_scope,
        )
        if res.sent:
            self.stats.requests += res.attempts
        self._emit("request", url=link.url, kind=kind, status=res.status, error=res.error_kind)
        with self.state.transaction():
            out = self._record(link, row, res, kind)
            if then is not None and out.text is not None:
                out = then(out)
        removed = (
            out.error_kind in ("http_404", "http_410", "soft_404", "redirect_to_home")
            and kind != "list"
        )
        if out.outcome == "failed" and out.error_kind and not removed:
            self.stats.failures[out.error_kind] += 1
        return out

    def _record(self, link: Link, row, res: FetchResult, kind: str) -> Outcome:
        st, key = self.state, link.key
        now = res.fetched_at
        flags_after = None if row["flags"] not in ("delisted_check",) else "delisted"
        ref = (
            archive_response(self.archive, res)
            if res.sent and res.status is not None and not res.ok
            else None
        )

        def fail(status: str | None, error_kind: str, error: str | None, **extra: Any) -> Outcome:
            values: dict[str, Any] = {
                "error_kind": error_kind,
                "last_error": error,
                "checked_at": iso(now),
                "attempts": (row["attempts"] or 0) + 1,
                **extra,
            }
            if res.status is not None:
                values["http_status"] = res.status
            if status is not None:
                st.set_status(key, status, self.run_id, **values)
            else:
                st.update(key, **values)
            st.log_fetch(
                self.run_id,
                key,
                link.url,
                kind,
                error_kind,
                now,
                http_status=res.status,
                error_kind=error_kind,
                error=error,
                seconds=res.seconds,
                attempts=res.attempts,
                warc_record_id=ref.record_id if ref else None,
            )
            return Outcome("failed", key, error_kind=error_kind)

        if not res.sent and res.error_kind in ("disallowed",):
            return fail("disallowed", "disallowed", res.error)
        if res.error_kind in ("offsite", "private_address"):
            return fail("offsite", res.error_kind, res.error, redirect_to=res.final_url)
        if res.error_kind == "blocked":
            self.stats.flags.add("blocked")
            st.host_event(
                self.run_id, urlsplit(res.final_url).hostname or "", "blocked", res.error or "", now
            )
            return fail("blocked", "blocked", res.error)
        if res.error_kind == "too_large":
            return fail("too_large", "too_large", res.error)
        if res.error_kind in ("redirect_loop", "too_many_redirects", "not_http"):
            return fail("error", res.error_kind, res.error)
        if res.error_kind is not None:
            if res.error_kind == "robots_unreachable":
                st.host_event(
                    self.run_id,
                    urlsplit(link.url).hostname or "",
                    "robots_unreachable",
                    res.error or "",
                    now,
                )
            # transient: keep an archived body's status; a never-fetched URL becomes 'error'
            return fail(None if row["status"] == "ok" else "error", res.error_kind, res.error)

        # a permanent redirect moves the document to its new URL
        permanent = bool(res.redirects) and res.redirects[0][1] in (301, 308)
        final_path = urlsplit(res.final_url).path
        if res.redirects and final_path in HOME_PATHS and urlsplit(link.url).path not in HOME_PATHS:
            self.stats.gone += kind != "list"
            return fail(
                "gone",
                "redirect_to_home",
                f"redirected to the home page {res.final_url}",
                redirect_to=res.final_url,
            )
        if permanent and canonical_url(res.final_url) != key:
            new = Link(
                res.final_url, kind, title=link.title, date=link.date, is_report=link.is_report
            )
            st.set_status(
                key,
                "moved",
                self.run_id,
                redirect_to=res.final_url,
                checked_at=iso(now),
                http_status=res.redirects[0][1],
                flags=None,
                error_kind=None,
                last_error=None,
            )
            st.log_fetch(
                self.run_id, key, link.url, kind, "moved", now, http_status=res.redirects[0][1]
            )
            self.stats.moved += kind != "list"
            self.done.add(key)
            key = new.key
            self.done.add(key)
            row = self._see(new, kind=kind, parent=row["parent"], column=row["column_url"])
            link = new

        if res.status in (401, 403) and has_expiry(link.url):
            return fail(
                None if row["status"] == "ok" else "error",
                "link_expired",
                f"HTTP {res.status} for a time-limited link: it expired; its page gives a fresh one",
            )
        if res.status in (404, 410):
            if kind != "list":
                self.stats.gone += 1
            return fail("gone", f"http_{res.status}", f"HTTP {res.status}")
        if res.status == 304:
            st.update(
                key,
                checked_at=iso(now),
                attempts=0,
                error_kind=None,
                last_error=None,
                flags=flags_after,
                http_status=304,
            )
            st.log_fetch(
                self.run_id,
                key,
                link.url,
                kind,
                "not_modified",
                now,
                http_status=304,
                seconds=res.seconds,
                attempts=res.attempts,
                warc_record_id=ref.record_id if ref else None,
            )
            if kind != "list":
                self.stats.unchanged += 1
            return Outcome("not_modified", key)
        if res.status is None or not (200 <= res.status < 300):
            return fail(
                None if row["status"] == "ok" else "error",
                f"http_{res.status}",
                f"HTTP {res.status}",
            )

        ctype = res.header("content-type")
        text = None
        encoding = None
        analysis: PageAnalysis | None = None
        if kind in ("list", "page") or (ctype or "").startswith(
            ("text/", "application/xml", "application/xhtml")
        ):
            dec = decode_body(res.body, ctype)
            text, encoding = dec.text, dec.encoding
            if kind == "page":
                analysis = analyse_page(text, res.final_url)
                if (
                    analysis.refresh
                    and canonical_url(analysis.refresh) != key
                    and len(res.body) < 4096
                ):
                    # a meta-refresh stub: the document lives at the target
                    ref = archive_response(self.archive, res)
                    st.set_status(
                        key,
                        "moved",
                        self.run_id,
                        redirect_to=analysis.refresh,
                        checked_at=iso(now),
                        http_status=res.status,
                        warc_file=ref.file,
                        warc_offset=ref.offset,
                        warc_record_id=ref.record_id,
                        flags=None,
                    )
                    st.log_fetch(
                        self.run_id,
                        key,
                        link.url,
                        kind,
                        "moved",
                        now,
                        http_status=res.status,
                        warc_record_id=ref.record_id,
                    )
                    target = Link(
                        analysis.refresh,
                        "page",
                        title=link.title,
                        date=link.date,
                        is_report=link.is_report,
                    )
                    if self.in_scope(urlsplit(target.url).hostname or ""):
                        self._see(
                            target, kind="page", parent=row["parent"], column=row["column_url"]
                        )
                        self.listed.setdefault(target.key, target)
                    return Outcome("failed", key, error_kind=None)
                if analysis.soft_404:
                    self.stats.gone += 1
                    ref = archive_response(self.archive, res)
                    return fail(
                        "soft_404",
                        "soft_404",
                        "the page says it does not exist",
                        warc_file=ref.file,
                        warc_offset=ref.offset,
                        warc_record_id=ref.record_id,
                    )
                if analysis.needs_js:
                    self.stats.flags.add("needs_js")
                    return fail("needs_js", "needs_js", "the content is built by JavaScript")

        sha = hashlib.sha256(res.body).hexdigest()
        common = {
            "checked_at": iso(now),
            "attempts": 0,
            "error_kind": None,
            "last_error": None,
            "http_status": res.status,
            "etag": res.header("etag"),
            "last_modified": res.header("last-modified"),
            "final_url": res.final_url if res.final_url != link.url else None,
            "flags": flags_after,
            "encoding": encoding,
        }
        if row["sha256"] == sha and row["warc_file"]:
            rev = archive_response(
                self.archive, res, revisit_of=(sha, row["url"], row["warc_date"] or iso(now))
            )
            st.set_status(key, "ok", self.run_id, **common)
            st.log_fetch(
                self.run_id,
                key,
                link.url,
                kind,
                "unchanged",
                now,
                http_status=res.status,
                sha256=sha,
                bytes=len(res.body),
                seconds=res.seconds,
                attempts=res.attempts,
                warc_record_id=rev.record_id,
            )
            if kind != "list":
                self.stats.unchanged += 1
            return Outcome("unchanged", key, text=text, content_type=ctype, page=analysis)
        ref = archive_response(self.archive, res)
        outcome = "changed" if row["sha256"] else "new"
        dup = st.first_with_sha(sha, key) if kind != "list" else None
        st.set_status(
            key,
            "ok",
            self.run_id,
            **common,
            sha256=sha,
            size=len(res.body),
            content_type=ctype,
            warc_file=ref.file,
            warc_offset=ref.offset,
            warc_record_id=ref.record_id,
            warc_date=iso(now),
            fetched_at=iso(now),
            changed_run=self.run_id,
            duplicate_of=dup["key"] if dup is not None else None,
        )
        st.log_fetch(
            self.run_id,
            key,
            link.url,
            kind,
            outcome,
            now,
            http_status=res.status,
            sha256=sha,
            bytes=len(res.body),
            seconds=res.seconds,
            attempts=res.attempts,
            warc_record_id=ref.record_id,
        )
        if analysis is not None:
            # what the list did not say, the page's meta tags and metadata table may
            known = {
                "title": analysis.title if not row["title"] else None,
                "list_date": analysis.date if not row["list_date"] else None,
                "publisher": analysis.publisher,
                "index_no": analysis.index_no,
            }
            if any(known.values()):
                st.update(key, **{k: v for k, v in known.items() if v})
        if kind != "list":
            setattr(self.stats, outcome, getattr(self.stats, outcome) + 1)
            if row["is_report"]:
                self._emit("report", url=link.url, title=link.title, outcome=outcome)
        return Outcome(outcome, key, text=text, content_type=ctype, page=analysis)
