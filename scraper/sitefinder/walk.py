"""The navigation walk: from start pages to report columns, best link first, one request at a
time per host and hosts side by side.

Each host has a frontier ordered by how much a link promises (:mod:`scraper.sitefinder.labels`);
whenever a host is free, its best link is fetched (the client paces the host). A page is read
three ways: as a column (:mod:`scraper.sitefinder.columns`) when a link or its own title names
the annual report or a CMS adapter sees a catalogue in it; as a list of sub-platforms when a
部门/乡镇/片区 link led to it (or its links sit in a 部门网站 box or ``<select>``) — every
agency it lists becomes an *owner* of its own, walked from its own page; and otherwise as
navigation, whose links join the frontiers. A sub-platform with a column stops following weak
navigation (a portal does not: its column may sit in a footer, its sub-platform lists further
in); a sub-platform on its parent's host walks only below its own folder, so the parent's
template links do not make the parent's pages its own. Nothing outside the start
page's registrable domain is fetched, and no host gets more pages than the budget.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from scraper.adapters import adapters_for
from scraper.anchors import Link
from scraper.canonical import canonical_url
from scraper.client import ORIGIN_FAILURES
from scraper.network import registrable_domain
from scraper.sitefinder import labels, naming
from scraper.sitefinder.columns import (
    FOLLOW_DEPTH,
    MAX_FOLLOW,
    Candidate,
    column_key,
    pages_behind,
    read_list,
    same_agency,
)
from scraper.sitefinder.fetch import Fetcher, FinderOptions, Page
from scraper.sitefinder.links import (
    PageLink,
    needs_js,
    page_links,
    page_title,
    site_name,
    title_parts,
)
from scraper.sitefinder.result import FoundColumn, Note, StartOutcome

log = logging.getLogger(__name__)

STRONG = 70
"""Once a sub-platform has a column, only links at least this promising are still followed."""
FLOOR = 20
"""Links below this are never followed."""
P_FOLLOW, P_CHILD = 1000, 80
BODIES = 2048
"""Fetched pages kept in memory for other tasks on the same URL."""


@dataclass
class Start:
    url: str
    name: str | None = None
    division_code: str | None = None
    level: str | None = None
    index: int = 0


@dataclass(eq=False)
class Owner:
    """An agency being walked: a start page's, or a sub-platform's found below it."""

    agency: str
    start: Start
    root: str
    level: str | None = None
    parent: Owner | None = None
    division_code: str | None = None
    label: str | None = None
    order: tuple[int, ...] = ()
    named: bool = False
    """Its name is settled (given with the start page, or read from its label)."""
    columns: list[FoundColumn] = field(default_factory=list)
    js_pages: list[str] = field(default_factory=list)
    children: int = 0
    domains: frozenset[str] = frozenset()
    shares: FoundColumn | None = None
    """The column (another owner's) that its own 年报 link led to."""
    listed_on: str | None = None
    """The host of the page that listed this sub-platform."""

    @property
    def host(self) -> str:
        return (urlsplit(self.root).hostname or "").lower()

    @property
    def folder(self) -> str:
        path = urlsplit(self.root).path or "/"
        return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"

    def in_scope(self, url: str) -> bool:
        """Whether navigation to ``url`` is this owner's to walk."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if registrable_domain(host) not in self.domains:
            return False
        if self.parent is None:
            return True
        if host != self.host:
            return False
        # on the host of the page that listed it (its parent's platform), only its own folder
        return self.host != self.listed_on or (parts.path or "/").startswith(self.folder)


@dataclass(eq=False)
class Task:
    url: str
    kind: str  # start | child | column | page | subindex | follow
    owner: Owner
    score: int
    depth: int = 0
    trail: tuple[str, ...] = ()
    label: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    candidate: Candidate | None = None
    follow_depth: int = 0


class Walk:
    """One discovery run over ``starts`` (see the module docstring)."""

    def __init__(self, fetcher: Fetcher, options: FinderOptions, starts: list[Start]) -> None:
        self.fetcher = fetcher
        self.options = options
        self.starts = starts
        self.frontiers: dict[str, list[tuple[int, int, Task]]] = {}
        self.seq = itertools.count()
        self.queued: set[tuple[str, str]] = set()
        self.bodies: OrderedDict[str, Page] = OrderedDict()
        """Pages fetched in this run, by canonical URL (the most recent ``BODIES`` only: a
        page is read again by another task soon after its fetch, if ever)."""
        self.inflight: dict[str, asyncio.Task] = {}
        self.ready: deque[str] = deque()
        """Hosts with links waiting, in the order they got them."""
        self.waiting: set[str] = set()
        self.accepted: dict[str, FoundColumn] = {}
        self.owners: list[Owner] = []
        self.children: dict[tuple[int, str], Owner] = {}
        """Sub-platforms by (parent, name): one owner each, however often they are listed."""
        self.notes: list[Note] = []
        self.outcomes: dict[int, StartOutcome] = {}
        self.spent: set[str] = set()
        self._noted: set[tuple[str, str]] = set()

    # -- the loop -------------------------------------------------------------------------------

    async def run(self) -> None:
        for s in self.starts:
            host = (urlsplit(s.url).hostname or "").lower()
            owner = Owner(
                s.name or host,
                s,
                s.url,
                level=s.level,
                division_code=s.division_code,
                order=(s.index,),
                named=bool(s.name),
                domains=frozenset({registrable_domain(host)}),
            )
            self.owners.append(owner)
            self.outcomes[s.index] = StartOutcome(s.url, owner.agency)
            self._push(Task(s.url, "start", owner, P_CHILD))
        inflight = self.inflight
        while True:
            while self.ready and len(inflight) < self.options.hosts_at_once:
                host = self.ready.popleft()
                self.waiting.discard(host)
                task = self._pop(host)
                if task is not None:
                    inflight[host] = asyncio.create_task(self._run(task))
            if not inflight:
                break
            done, _ = await asyncio.wait(inflight.values(), return_when=asyncio.FIRST_COMPLETED)
            for host, t in list(inflight.items()):
                if t not in done:
                    continue
                del inflight[host]
                if t.exception() is not None:  # one bad page never stops the walk
                    log.error("discovery task failed: %r", t.exception(), exc_info=t.exception())
                if self.frontiers.get(host):
                    self._wake(host)
                else:  # idle, maybe for good: its connections close (reopened if needed)
                    await self.fetcher.client.release_host(host)

    def _wake(self, host: str) -> None:
        """Queue ``host`` for its next request (unless it is busy or queued already)."""
        if host not in self.inflight and host not in self.waiting:
            self.waiting.add(host)
            self.ready.append(host)

    def _push(self, task: Task) -> bool:
        if task.kind == "follow":  # per candidate: two judgements may need the same page
            key = (column_key(task.url), f"follow:{id(task.candidate)}")
        elif task.kind == "column":
            key = (column_key(task.url), task.kind)
        else:
            key = (canonical_url(task.url), task.kind)
        if key in self.queued:
            return False
        self.queued.add(key)
        host = (urlsplit(task.url).hostname or "").lower()
        heapq.heappush(self.frontiers.setdefault(host, []), (-task.score, next(self.seq), task))
        self._wake(host)
        return True

    def _pop(self, host: str) -> Task | None:
        heap = self.frontiers.get(host)
        while heap:
            _, _, task = heapq.heappop(heap)
            done = bool(task.owner.columns) and task.owner.parent is not None
            if task.kind in ("page", "subindex") and done and task.score < STRONG:
                continue  # a sub-platform with its column: weak navigation is not worth a request
            key = canonical_url(task.url)
            if key not in self.bodies and self.fetcher.spent(host):
                if host not in self.spent:
                    self.spent.add(host)
                    self.notes.append(
                        Note("budget", task.url, None, f"{host}: {self.options.budget} pages")
                    )
                continue
            return task
        return None

    async def _run(self, task: Task) -> None:
        page = await self._page(task)
        if task.kind == "follow":
            self._follow_done(task, page)
        elif not page.ok:
            self._failed(task, page)
        elif page.to_home and task.kind != "start":
            if task.kind in ("column", "child"):
                self._note(
                    "dead",
                    task.url,
                    task.owner.agency,
                    f"redirects to the home page {page.final_url}",
                )
        else:
            self._read(task, page)

    async def _page(self, task: Task) -> Page:
        """The page behind a task: fetched once per run, whatever the task's purpose."""
        key = canonical_url(task.url)
        page = self.bodies.get(key)
        if page is not None:
            self.bodies.move_to_end(key)
            return page
        scope = self._scope(task.owner)
        page = await self.fetcher.get(task.url, headers=task.headers, scope=scope)
        if task.kind == "start" and page.error_kind in ORIGIN_FAILURES:
            other = _other_scheme(task.url)  # a portal may answer on its other scheme only
            if other is not None:
                retry = await self.fetcher.get(other, scope=scope)
                if retry.ok:
                    page = retry
        self.bodies[key] = page
        if len(self.bodies) > BODIES:
            self.bodies.popitem(last=False)
        return page

    @staticmethod
    def _scope(owner: Owner):
        return lambda host: registrable_domain(host.lower()) in owner.domains

    # -- reading pages ----------------------------------------------------------------------------

    def _read(self, task: Task, page: Page) -> None:
        owner = task.owner
        text = page.text or ""
        tree = LexborHTMLParser(text)
        if task.kind == "start":
            self._settle_start(owner, tree)
        url = page.final_url
        column_url = _with_fragment(url, task.url)
        title = page_title(tree)
        named = task.kind == "column" or (
            bool(title_parts(title)) and labels.names_column(title_parts(title)[0])
        )
        # a page is read as a list only when something says it may be a column: the link or
        # its title names the annual report, it is a sub-platform's page, or a CMS adapter
        # recognises a catalogue in it (a cheap test: most pages of a walk are navigation)
        catalogue = bool(adapters_for("auto", text, url))
        reading = None
        if named or task.kind == "child" or catalogue:
            reading = read_list(text, url, column_url)
        if reading is not None and (named or task.kind == "child" or reading.shell):
            cand = Candidate(column_url, label_named=named, trail=task.trail)
            cand.add(reading)
            if cand.titles:
                self._accept(cand, owner)
                return
            behind = pages_behind(reading, url, followable=bool(reading.adapters) or named)
            if behind:
                self._follow(cand, task, behind)  # judged when the pages behind it are read
                if named:
                    return
            elif cand.evidence == "label":
                self._accept(cand, owner)
                return
        links = page_links(text, url, tree)
        if not catalogue and needs_js(text, links):
            owner.js_pages.append(url)
            return
        self._walk_links(task, links)

    def _settle_start(self, owner: Owner, tree: LexborHTMLParser) -> None:
        if not owner.named:
            owner.agency = naming.site_agency(site_name(tree) or "", owner.agency)
            self.outcomes[owner.start.index].agency = owner.agency

    def _walk_links(self, task: Task, links: list[PageLink]) -> None:
        owner = task.owner
        listing = task.kind == "subindex"
        for link in links:
            in_list = listing or link.in_select or labels.is_subindex_context(link.context)
            kind = naming.child_kind(link.label) if in_list else None
            if kind is not None and not labels.is_article_url(link.url):
                self._child(task, link, kind)
                continue
            r = labels.rank(link.label, link.url, link.context)
            if not r.followed or r.score < FLOOR:
                continue
            label = link.label if not labels.is_generic(link.label) else link.context or link.label
            if r.kind == labels.COLUMN:
                if (
                    registrable_domain((urlsplit(link.url).hostname or "").lower())
                    not in owner.domains
                ):
                    continue
                known = self.accepted.get(column_key(link.url))
                if known is not None and owner.parent is not None and not owner.columns:
                    owner.shares = known  # its 年报 link is a column already someone's
                self._push(
                    Task(
                        link.url,
                        "column",
                        owner,
                        r.score,
                        task.depth + 1,
                        (*task.trail, label),
                        label,
                    )
                )
                continue
            if task.depth + 1 > self.options.max_depth or not owner.in_scope(link.url):
                continue
            kind_ = "subindex" if r.kind == labels.SUBINDEX else "page"
            self._push(
                Task(link.url, kind_, owner, r.score, task.depth + 1, (*task.trail, label), label)
            )

    def _child(self, task: Task, link: PageLink, kind: str) -> None:
        parent = task.owner
        name, level = naming.child_name(link.label, parent.agency)
        host = (urlsplit(link.url).hostname or "").lower()
        if registrable_domain(host) not in parent.domains:
            self._note("external", link.url, name, "a sub-platform on another domain")
            return
        if (id(parent), name) in self.children:
            return
        parent.children += 1
        child = Owner(
            name,
            parent.start,
            link.url,
            level=level,
            parent=parent,
            label=link.label,
            order=(*parent.order, parent.children),
            named=True,
            domains=parent.domains,
            listed_on=(urlsplit(task.url).hostname or "").lower(),
        )
        self.children[(id(parent), name)] = child
        self.owners.append(child)
        self._push(
            Task(link.url, "child", child, P_CHILD, 0, (*task.trail, link.label), link.label)
        )

    # -- columns -----------------------------------------------------------------------------------

    def _follow(self, cand: Candidate, task: Task, pages: list[Link]) -> None:
        if task.follow_depth >= FOLLOW_DEPTH:
            return
        for p in pages[:MAX_FOLLOW]:
            headers = p.headers or (("Referer", task.url.split("#", 1)[0]),)
            follow = Task(
                p.url, "follow", task.owner, P_FOLLOW, task.depth, task.trail, task.label,
                headers=headers, candidate=cand, follow_depth=task.follow_depth + 1,
            )  # fmt: skip
            if self._push(follow):
                cand.waiting += 1

    def _follow_done(self, task: Task, page: Page) -> None:
        cand = task.candidate
        assert cand is not None
        cand.waiting -= 1
        if page.ok and not page.to_home:
            reading = read_list(page.text or "", page.final_url, cand.url)
            cand.add(reading)
            behind = pages_behind(
                reading, page.final_url, followable=bool(reading.adapters) or cand.label_named
            )
            if not cand.titles and behind:
                self._follow(cand, task, behind)
        if cand.waiting == 0 and cand.evidence is not None:
            self._accept(cand, task.owner)

    def _accept(self, cand: Candidate, owner: Owner) -> None:
        finder = owner
        names = cand.agencies()
        parent = owner.parent
        if (
            parent is not None
            and names
            and any(same_agency(n, parent.agency) for n in names)
            and not any(same_agency(n, owner.agency) for n in names)
        ):
            owner = parent  # a column of only the parent's own reports is the parent's
        key = column_key(cand.url)
        if key in self.accepted:
            if finder.parent is not None:
                finder.shares = self.accepted[key]
            return
        if owner.parent is not None and owner.label and len(names) == 1:
            (only,) = names
            place = naming.place_of(owner.parent.agency)
            core = naming.label_core(owner.label)
            if only.startswith(place) and core and core in only:
                owner.agency = only  # the site's own spelling of the agency's name
        found = FoundColumn(
            cand.url,
            owner.agency,
            owner.level,
            owner.parent.agency if owner.parent else None,
            cand.evidence or "titles",
            titles=len(cand.titles),
            newest=cand.newest,
            trail=cand.trail,
            start=owner.start.url,
            order=owner.order,
        )
        self.accepted[key] = found
        owner.columns.append(found)
        if owner is not finder:
            finder.shares = found

    # -- failures ---------------------------------------------------------------------------------

    def _failed(self, task: Task, page: Page) -> None:
        kind = page.error_kind or "failed"
        owner = task.owner
        if task.kind == "start":
            out = self.outcomes[owner.start.index]
            if kind == "blocked":
                out.status, out.detail = "blocked", page.error or ""
            elif kind == "offsite":
                out.status, out.detail = "moved", f"redirects to another domain: {page.final_url}"
            else:
                out.status, out.detail = "failed", f"{kind}: {page.error or ''}".strip(": ")
            return
        if kind == "disallowed":
            self._note("disallowed", task.url, owner.agency, "robots.txt")
        elif kind == "offsite":
            self._note(
                "moved", task.url, owner.agency, f"redirects to another domain: {page.final_url}"
            )
        elif kind == "blocked":
            self._note("blocked", task.url, owner.agency, page.error or "")
        elif task.kind in ("column", "child"):
            self._note(
                "dead" if kind in ("http_404", "http_410") else "failed",
                task.url,
                owner.agency,
                kind,
            )

    def _note(self, kind: str, url: str, agency: str | None, detail: str) -> None:
        if (kind, url) not in self._noted:
            self._noted.add((kind, url))
            self.notes.append(Note(kind, url, agency, detail))

    # -- the end ------------------------------------------------------------------------------------

    def finish(self) -> None:
        """Outcomes per start page and notes for what came to nothing."""
        for o in self.owners:
            if o.columns:
                continue
            if o.js_pages:
                self._note("needs_js", o.js_pages[0], o.agency, "navigation built by JavaScript")
            elif o.parent is not None and o.shares is not None:
                why = f"its 年报 link leads to {o.shares.agency}'s column {o.shares.url}"
                self._note("no_column", o.root, o.agency, why)
            elif o.parent is not None:
                self._note("no_column", o.root, o.agency, "no report column found below its page")
        by_start: dict[int, list[Owner]] = {}
        for o in self.owners:
            by_start.setdefault(o.start.index, []).append(o)
        for s in self.starts:
            out = self.outcomes[s.index]
            mine = by_start[s.index]
            out.columns = sum(len(o.columns) for o in mine)
            host = (urlsplit(s.url).hostname or "").lower()
            out.pages = self.fetcher.pages.get(host, 0)
            if out.status in ("failed", "blocked", "moved"):
                continue
            root = mine[0]
            if out.columns:
                out.status = "ok"
            elif root.js_pages:
                out.status, out.detail = "needs_js", root.js_pages[0]
            else:
                out.status = "nothing"


def _other_scheme(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.port is not None or parts.scheme not in ("http", "https"):
        return None
    return parts._replace(scheme="http" if parts.scheme == "https" else "https").geturl()


def _with_fragment(final_url: str, asked: str) -> str:
    """The column's address: where the page was served, with the catalogue fragment the link
    gave (``#2571`` names a gkmlpt category)."""
    frag = asked.split("#", 1)[1] if "#" in asked else ""
    base = final_url.split("#", 1)[0]
    return f"{base}#{frag}" if frag else base
