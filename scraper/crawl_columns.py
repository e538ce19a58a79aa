"""Walking a column: its list pages fetched conditionally and read for report links and
more list pages; an unchanged column that was walked to its end is reused from its stored
links (the cheap nightly case), a column that fails over one scheme is tried over the other.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scraper.anchors import Link
from scraper.canonical import canonical_url
from scraper.client import ORIGIN_FAILURES
from scraper.crawl_record import FetchRecorder
from scraper.crawl_site import Outcome
from scraper.discovery import analyse_list


class ColumnWalking(FetchRecorder):
    """Walking a site's columns (see the module docstring)."""

    async def _walk_column(self, column: str) -> str | None:
        """Walk one column: ``complete`` (every page read), ``partial``, ``reused`` (page 1
        unchanged, stored links used) or None (not at all).

        Page 1 decides whether the column changed. A *shell* page 1 — one that lists no items,
        only other list pages, like a gkmlpt or jpaas page whose list comes from an API — does
        not: when it is unchanged, the list pages it points to decide, and the column is
        reused only when all of them are unchanged too.

        A list page whose content repeats one already read in this walk (an out-of-range page
        answered with page 1, a second empty page) is not followed further: that ends
        pagination chains that never end."""
        start = Link(column, "list")
        col = self.state.column(column)
        # the run that last walked the column to its end: what an unchanged walk may reuse
        reusable: int | None = None
        if not self.opts.full and col is not None:
            reusable = col["complete_run"]
        queue: list[tuple[Link, str | None]] = [(start, None)]
        visited: set[str] = set()
        signatures: set[str] = set()
        complete = True
        first = True
        deciders: set[str] | None = None  # an unchanged shell's list pages, still to decide
        held: list[str] = []  # unchanged deciders whose links wait for the verdict
        fallback: tuple[str, str, str] | None = None  # (url tried, failure kind, url used)
        shell_failed = listed_ok = 0
        page_count = 0
        while queue and page_count < self.site.max_pages:
            link, parent = queue.pop(0)
            if link.key in visited:
                continue
            visited.add(link.key)
            page_count += 1
            out = await self._fetch_list(link, parent, column)
            visited.add(out.key)  # a page reached by redirect is not walked again
            failed = out.outcome in ("failed", "skipped")
            if first:
                if failed:
                    other = self._other_scheme(link, out) if fallback is None else None
                    if other is not None:
                        fallback = (link.url, out.error_kind or "", other.url)
                        queue.insert(0, (other, None))
                        page_count -= 1
                        continue
                    self.stats.columns_failed += 1
                    with self.state.transaction():
                        self.state.set_column(column, self.site.key)
                    return None
                first = False
                if fallback is not None:
                    self._record_fallback(column, *fallback)
                unchanged = out.outcome in ("unchanged", "not_modified")
                if unchanged and reusable is not None and self._read_by_walk(out.key, reusable):
                    if not self._is_shell(out.key):
                        self._reuse_column(column, reusable)
                        self.stats.columns_ok += 1
                        return "reused"
                    deciders = {p.key for p in self._page_links(out.key, out)}
            elif deciders is not None and reusable is not None and link.key in deciders:
                unchanged = out.outcome in ("unchanged", "not_modified")
                if unchanged and self._read_by_walk(out.key, reusable):
                    deciders.discard(link.key)
                    held.append(out.key)
                    if not deciders:
                        self._reuse_column(column, reusable)
                        self.stats.columns_ok += 1
                        return "reused"
                    continue
                deciders = None  # something changed behind the shell: walk it all
                for key in held:
                    queue.extend((p, key) for p in self._page_links(key, out))
            if failed:
                # a page robots.txt forbids is skipped on purpose; anything else leaves a gap
                complete = complete and out.error_kind == "disallowed"
                shell_failed += parent is not None
                continue
            listed_ok += parent is not None
            if out.signature is not None:
                if out.signature in signatures:
                    continue  # the same content again: its pagination leads nowhere new
                signatures.add(out.signature)
            for page in self._page_links(out.key, out):
                if page.key not in visited:
                    queue.append((page, out.key))
        if queue:
            complete = False
            self.stats.failures["max_pages"] += 1
        if shell_failed and not listed_ok and self._is_shell(self._start_key(start, fallback)):
            # the shell was read but every list behind it failed: nothing of the column is known
            self.stats.columns_failed += 1
            with self.state.transaction():
                self.state.set_column(column, self.site.key)
            return None
        self.stats.columns_ok += 1
        with self.state.transaction():
            self.state.set_column(
                column, self.site.key, **({"complete_run": self.run_id} if complete else {})
            )
        return "complete" if complete else "partial"

    @staticmethod
    def _start_key(start: Link, fallback: tuple[str, str, str] | None) -> str:
        return canonical_url(fallback[2]) if fallback else start.key

    def _is_shell(self, key: str) -> bool:
        """A list page that lists no items, only other list pages (stored links)."""
        rows = self.state.links(key)
        return bool(rows) and all(r["kind"] == "list" for r in rows)

    def _other_scheme(self, link: Link, out: Outcome) -> Link | None:
        """The column URL on the other scheme, when its own could not be reached at all."""
        if not self.opts.scheme_fallback or out.error_kind not in ORIGIN_FAILURES:
            return None
        parts = urlsplit(link.url)
        if parts.port is not None or parts.scheme not in ("http", "https"):
            return None  # another port's other scheme is anyone's guess
        other = "http" if parts.scheme == "https" else "https"
        return Link(parts._replace(scheme=other).geturl(), "list")

    def _record_fallback(self, column: str, tried: str, kind: str, used: str) -> None:
        """The column was reached on the other scheme: a flag and a host event, not a failure."""
        self.stats.flags.add("scheme_fallback")
        if self.stats.failures.get(kind):
            self.stats.failures[kind] -= 1
            if not self.stats.failures[kind]:
                del self.stats.failures[kind]
        with self.state.transaction():
            self.state.host_event(
                self.run_id,
                urlsplit(column).hostname or "",
                "scheme_fallback",
                f"{tried} failed ({kind}); used {used}",
                self.now(),
            )

    def _page_links(self, key: str, out: Outcome) -> list[Link]:
        """The list pages linked from a list page (from this fetch, or stored if unchanged)."""
        pages = []
        for row in self.state.links(key):
            if row["kind"] != "list":
                continue
            r = self.state.get(row["dst"])
            if r is None:
                continue
            pages.append(self._link_from_row(r, key))
        return pages

    def _read_by_walk(self, key: str, complete_run: int) -> bool:
        """Page 1's stored body is the one the last complete walk read. A run killed mid-walk
        may have stored a newer page 1 without walking the pages after it: then the column must
        be walked again, not reused."""
        row = self.state.get(key)
        return row is not None and (row["changed_run"] or 0) <= complete_run

    def _reuse_column(self, column: str, complete_run: int) -> None:
        """Page 1 unchanged: the column's items are the stored links of its list pages."""
        rows = self.state.conn.execute(
            "SELECT l.dst, l.title, l.list_date FROM links l JOIN urls s ON s.key = l.src "
            "WHERE s.column_url = ? AND s.kind = 'list' AND s.last_seen_run >= ? AND l.kind != 'list'",
            (column, complete_run),
        ).fetchall()
        for row in rows:
            r = self.state.get(row["dst"])
            if r is not None and row["dst"] not in self.listed:
                self.listed[row["dst"]] = self._link_from_row(r, None)

    async def _fetch_list(self, link: Link, parent: str | None, column: str) -> Outcome:
        with self.state.transaction():
            row = self._see(link, kind="list", parent=parent, column=column)
        self.stats.list_pages += 1
        out = await self._fetch(
            link, row, kind="list", then=lambda o: self._read_list(link, o, column)
        )
        if out.outcome in ("failed", "skipped"):
            return out
        if out.text is None:  # 304: the stored links stand
            self._items_from_links(out.key)
        return out

    def _read_list(self, link: Link, out: Outcome, column: str) -> Outcome:
        """Store a fetched list page's items and pages (inside the fetch's transaction)."""
        assert out.text is not None  # a list is read from a fetched body (a 304 has none)
        analysis = analyse_list(
            out.text,
            link.url if out.key == link.key else self.state.known(out.key)["url"],
            column_url=column,
            adapter=self.site.adapter,
        )
        self._note_bad_links(out.key, analysis.bad_links)
        if analysis.needs_js or analysis.soft_404:
            flag = "needs_js" if analysis.needs_js else "soft_404"
            self.state.set_status(
                out.key, flag, self.run_id, error_kind=flag, last_error=f"list page: {flag}"
            )
            if flag == "needs_js":
                self.state.host_event(
                    self.run_id,
                    urlsplit(link.url).hostname or "",
                    "needs_js",
                    link.url,
                    self.now(),
                )
            self.stats.flags.add(flag)
            return Outcome("failed", out.key, error_kind=flag)  # counted by _fetch
        out.signature = analysis.signature
        pages = list(analysis.pages)
        if analysis.refresh and not analysis.items:
            pages.append(Link(analysis.refresh, "list"))
        items = [i for i in analysis.items if self.in_scope(urlsplit(i.url).hostname or "")]
        pages = [p for p in pages if self.in_scope(urlsplit(p.url).hostname or "")]
        for p in pages:
            self._see(p, kind="list", parent=out.key, column=column)
        for it in items:
            self._see_item(it, parent=out.key, column=column)
        self.state.set_links(out.key, [(x.key, x.kind, x.title, x.date) for x in (*items, *pages)])
        for it in items:
            self.listed.setdefault(it.key, it)
        return out

    def _see_item(self, it: Link, *, parent: str, column: str) -> None:
        old = self.state.get(it.key)
        self._see(it, kind=it.kind, parent=parent, column=column)
        self._keep_fresh(it, old)
        if old is not None:
            self._seen_target(old)
        if (
            old is not None
            and old["status"] not in ("pending",)
            and (
                (it.title and old["title"] != it.title) or (it.date and old["list_date"] != it.date)
            )
        ):
            self.state.update(it.key, flags="recheck")

    def _items_from_links(self, key: str) -> None:
        with self.state.transaction():
            for row in self.state.links(key):
                if row["kind"] == "list":
                    self.state.update(row["dst"], last_seen_run=self.run_id)
                    continue
                r = self.state.get(row["dst"])
                if r is None:
                    continue
                self.state.update(row["dst"], last_seen_run=self.run_id)
                self._seen_target(r)
                self.listed.setdefault(row["dst"], self._link_from_row(r, None))
