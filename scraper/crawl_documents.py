"""Report pages and their attachments: which known documents are due in this run (new,
changed in the list, failed before, delisted, time to revisit), fetching them, and following
the attachments of new or changed pages (time-limited links read again from their page).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from scraper.anchors import Link
from scraper.crawl_record import FetchRecorder
from scraper.crawl_site import Outcome
from scraper.discovery import PageAnalysis, analyse_page


class DocumentFetching(FetchRecorder):
    """Fetching a site's report pages and attachments."""

    def _due(self, row) -> bool:
        """Whether an already-known item must be (re)checked in this run."""
        status = row["status"]
        if status == "pending":
            return True
        if row["flags"] in ("recheck", "delisted_check"):
            return True
        if status == "error" and (row["attempts"] or 0) < self.opts.max_attempts:
            return True
        if self.opts.revisit_after is not None and row["checked_at"]:
            last = datetime.fromisoformat(row["checked_at"])
            return self.now() - last >= self.opts.revisit_after
        return False

    async def _process_item(self, link: Link) -> None:
        if link.key in self.done:
            return
        self.done.add(link.key)
        row = self.state.get(link.key)
        if row is None:
            return
        if not self._due(row):
            if row["kind"] == "page":
                await self._unfinished_attachments(link.key)
            return
        found: list[Link] = []

        def see_attachments(o: Outcome) -> Outcome:
            if row["kind"] == "page" and o.outcome in ("new", "changed"):
                found.extend(self._see_attachments(o.key, o.text or "", o.page))
            return o

        out = await self._fetch(link, row, kind=row["kind"], then=see_attachments)
        if out.error_kind == "link_expired" and row["parent"]:
            await self._retry_expired(link, row)
            return
        if row["kind"] == "page" and out.outcome in ("new", "changed") and out.text is not None:
            self.stats.attachments += len(found)
            await self._gather(self._process_item(a) for a in found)
        elif row["kind"] == "page":
            await self._unfinished_attachments(out.key)

    async def _retry_expired(self, link: Link, row) -> None:
        """A time-limited link answered 403: read its page again (once per run) for a fresh
        link, and fetch that at once. A failure that the fresh link cures is not counted."""
        fresh = (await self._fresh_links(row["parent"])).get(link.key)
        if fresh is None or fresh.url == link.url:
            return
        again = await self._fetch(fresh, self.state.get(link.key), kind=row["kind"])
        if again.outcome not in ("failed", "skipped") and self.stats.failures.get("link_expired"):
            self.stats.failures["link_expired"] -= 1
            if not self.stats.failures["link_expired"]:
                del self.stats.failures["link_expired"]

    async def _fresh_links(self, page_key: str) -> dict[str, Link]:
        """The attachment links a report page gives now, by key (its body read unconditionally,
        once per run); stored attachment rows get the fresh addresses."""
        if page_key in self.refreshed:
            return self.refreshed[page_key]
        self.refreshed[page_key] = {}
        page = self.state.get(page_key)
        if page is None or page["kind"] != "page":
            return {}
        got: dict[str, Link] = {}

        def read(o: Outcome) -> Outcome:
            analysis = o.page or analyse_page(o.text or "", page["final_url"] or page["url"])
            if o.outcome in ("new", "changed"):
                atts = self._see_attachments(o.key, o.text or "", analysis)
            else:
                atts = [
                    a for a in analysis.attachments if self.in_scope(urlsplit(a.url).hostname or "")
                ]
                for a in atts:
                    self._keep_fresh(a, self.state.get(a.key))
            got.update((a.key, a) for a in atts)
            return o

        link = self._link_from_row(page, page["parent"])
        await self._fetch(link, page, kind="page", then=read, conditional=False)
        self.refreshed[page_key] = got
        return got

    async def _process_key(self, key: str) -> None:
        row = self.state.get(key)
        if row is None:
            return
        await self._process_item(self._link_from_row(row, row["parent"]))

    def _see_attachments(
        self, page_key: str, text: str, analysis: PageAnalysis | None
    ) -> list[Link]:
        """Store a fetched report page's attachments (inside the fetch's transaction)."""
        page = self.state.known(page_key)
        if analysis is None:
            analysis = analyse_page(text, page["final_url"] or page["url"])
        self._note_bad_links(page_key, analysis.bad_links)
        atts = [a for a in analysis.attachments if self.in_scope(urlsplit(a.url).hostname or "")]
        for a in atts:
            old = self.state.get(a.key)
            self._see(a, kind="attachment", parent=page_key, column=page["column_url"])
            self._keep_fresh(a, old)
        self.state.set_links(page_key, [(a.key, "attachment", a.title, None) for a in atts])
        # a changed page may carry re-uploaded files under the same URLs
        for a in atts:
            r = self.state.get(a.key)
            if r is not None and r["status"] == "ok":
                self.state.update(a.key, flags="recheck")
        return atts

    async def _unfinished_attachments(self, page_key: str) -> None:
        rows = self.state.conn.execute(
            "SELECT * FROM urls WHERE kind='attachment' AND parent=? AND (status IN ('pending','error') OR flags='recheck')",
            (page_key,),
        ).fetchall()
        await self._gather(self._process_item(self._link_from_row(r, page_key)) for r in rows)

    def _delisted(self, walked: list[str]) -> list[str]:
        if not walked:
            return []
        marks = ",".join("?" * len(walked))
        rows = self.state.conn.execute(
            f"SELECT u.key FROM urls u JOIN urls p ON p.key = u.parent WHERE u.site = ? AND p.kind = 'list' "
            f"AND u.column_url IN ({marks}) AND u.kind IN ('page','attachment') AND u.status = 'ok' "
            f"AND u.last_seen_run < ? AND (u.flags IS NULL OR u.flags != 'delisted')",
            (self.site.key, *walked, self.run_id),
        ).fetchall()
        keys = [r["key"] for r in rows if r["key"] not in self.done]
        with self.state.transaction():
            for k in keys:
                self.state.update(k, flags="delisted_check")
        return keys

    def _unfinished(self) -> list[str]:
        rows = self.state.conn.execute(
            "SELECT key FROM urls WHERE site = ? AND kind IN ('page','attachment') AND (status IN ('pending','error') OR flags IN ('recheck','delisted_check'))",
            (self.site.key,),
        ).fetchall()
        return [r["key"] for r in rows if r["key"] not in self.done]
