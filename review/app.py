"""The review app: Starlette routes over the index, the archive and the corrections file.

Pages (server-rendered with Jinja2; no script is needed to use any of them):

- ``/`` — agencies by place and level, each with its years, a page at a time (``?page=``);
  ``?q=`` searches names;
- ``/queue`` — documents with undecided cells, failed checks, cross-year mismatches or stale
  corrections, worst first, a page at a time;
- ``/report/{report_id}`` — the archived source beside the parsed tables; ``?cell=`` opens
  one cell's provenance and correction form, and marks the cell's spot in the source;
- ``/source/{report_id}`` (the archived body, sandboxed; ``?cell=`` marks the cell in an
  HTML page), ``/source/{report_id}/page/{n}.png`` (a PDF page; ``?cell=`` draws the cell's
  box), ``/source/{report_id}/text`` (a text document line by line, ``?cell=`` marking its
  lines; other formats as the parser reads their text);
- ``POST /report/{report_id}/correct`` — the correction form (token-protected).

Lists come from the index (:mod:`review.index`); a report page and the source endpoints read
one record, with where its cells were printed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from output.correct import ReportNotFound, correct
from output.corrections import CorrectionError, split_cell
from review.index import ReviewIndex
from review.render import ASSETS, report_view
from review.security import COOKIE, SOURCE_CSP, Guard, Tokens, same_origin
from review.source import (
    Archive,
    Source,
    document_text,
    pdf_page_png,
    pdf_pages,
    source_text,
)
from review.spots import Mark, mark_html, mark_lines, marks_for, page_boxes
from review.summary import LEVEL_NAMES, Summary

_REPORT_ID = re.compile(r"^[0-9a-f]{16}$")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]"}
PER_PAGE = 100
TEXT_FORMS = ("pipe", "flat", "markdown", "text")
"""Record forms read from text lines: their source is shown line by line."""


class ReviewApp:
    """The app's state: the data folder's index, its archive, and the form tokens."""

    def __init__(self, data_dir: str | os.PathLike, *, secret: bytes | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.index = ReviewIndex(self.data_dir)
        self.archive = Archive(self.data_dir)
        self.tokens = Tokens(secret)
        self.templates = Environment(
            loader=PackageLoader("review", "templates"),
            autoescape=select_autoescape(("html",)),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.globals["level_names"] = LEVEL_NAMES

    # -- helpers -----------------------------------------------------------------------------

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        cookie = request.cookies.get(COOKIE) or Tokens.new_cookie()
        context.setdefault("data_dir", str(self.data_dir))
        html = self.templates.get_template(name).render(
            csrf=self.tokens.token(cookie), request=request, **context
        )
        response = HTMLResponse(html, status_code=status)
        if request.cookies.get(COOKIE) != cookie:
            response.set_cookie(COOKIE, cookie, httponly=True, samesite="strict", path="/")
        return response

    def summary(self, request: Request):
        report_id = request.path_params["report_id"]
        if not _REPORT_ID.match(report_id):
            return None
        return self.index.get(report_id)

    def source(self, summary) -> Source | None:
        return self.archive.find(summary.sha256, summary.warc_record_id)

    def marks(self, summary: Summary, request: Request) -> list[Mark]:
        """What to mark in the source for the ``?cell=`` of a request (none without one)."""
        chosen = request.query_params.get("cell")
        if not chosen:
            return []
        try:
            section, row, column = split_cell(chosen)
            cell = self.index.load(summary).report.tables[section][row][column]
        except (CorrectionError, KeyError, LookupError, OSError, ValueError):
            return []
        return marks_for(cell, row, column)

    # -- pages -------------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        query = request.query_params.get("q", "")[:100]
        number = _page_number(request)
        tree, agencies = self.index.tree(query, page=number, per_page=PER_PAGE)
        total, queue = self.index.counts()
        return self.page(request, "home.html", tree=tree, query=query, total=total, queue=queue,
                         paging=_paging(number, agencies, {"q": query} if query else {}))  # fmt: skip

    async def queue(self, request: Request) -> Response:
        number = _page_number(request)
        items, total = self.index.queue(page=number, per_page=PER_PAGE)
        return self.page(
            request,
            "queue.html",
            items=items,
            total=total,
            paging=_paging(number, total, {}),
            stale=self.index.corrections.stale,
            corrections_error=self.index.corrections_error,
        )

    async def report(self, request: Request) -> Response:
        summary = self.summary(request)
        if summary is None:
            return self.page(request, "missing.html", status=404)
        try:
            item = self.index.load(summary)
        except (LookupError, OSError, ValueError):
            return self.page(request, "missing.html", status=404)
        chosen = request.query_params.get("cell")
        if chosen is not None:
            try:
                chosen = ".".join(split_cell(chosen))
            except CorrectionError:
                chosen = None
        view = report_view(self.index, summary, item, chosen)
        source = self.source(summary)
        pages = 0
        if source is not None and source.kind == "pdf":
            try:
                pages = pdf_pages(source.body)
            except Exception:  # a PDF the renderer refuses is shown as text
                pages = 0
        text_view = source is not None and source.kind != "pdf" and summary.form in TEXT_FORMS
        return self.page(
            request,
            "report.html",
            s=summary,
            item=item,
            view=view,
            source=source,
            pages=pages,
            text_view=text_view,
            message=request.query_params.get("saved"),
            error=request.query_params.get("error"),
        )

    async def source_body(self, request: Request) -> Response:
        summary = self.summary(request)
        found = self.source(summary) if summary is not None else None
        if found is None:
            return PlainTextResponse("no archived source for this report", status_code=404)
        headers = {
            "content-security-policy": SOURCE_CSP,
            "x-frame-options": "SAMEORIGIN",
            "cache-control": "no-store",
        }
        if found.kind in ("html", "text"):
            # the text as the parser read it (pages often declare the wrong charset), in UTF-8
            media = "text/html" if found.kind == "html" else "text/plain"
            text = source_text(found)
            if found.kind == "html":
                marks = self.marks(summary, request)
                if marks:
                    text, _found = mark_html(text, marks)
            headers["content-type"] = f"{media}; charset=utf-8"
            return Response(text.encode("utf-8"), headers=headers)
        headers["content-disposition"] = "attachment"
        media = "application/pdf" if found.kind == "pdf" else "application/octet-stream"
        headers["content-type"] = media
        return Response(found.body, headers=headers)

    async def source_page(self, request: Request) -> Response:
        summary = self.summary(request)
        found = self.source(summary) if summary is not None else None
        number = request.path_params["number"]
        if found is None or found.kind != "pdf":
            return PlainTextResponse("no PDF source for this report", status_code=404)
        boxes = page_boxes(self.marks(summary, request)).get(number, [])
        try:
            png = pdf_page_png(found.body, number, boxes=boxes)
        except IndexError:
            return PlainTextResponse("no such page", status_code=404)
        return Response(png, media_type="image/png", headers={"cache-control": "no-store"})

    async def source_text(self, request: Request) -> Response:
        summary = self.summary(request)
        found = self.source(summary) if summary is not None else None
        if found is None:
            return PlainTextResponse("no archived source for this report", status_code=404)
        headers = {"content-security-policy": SOURCE_CSP, "x-frame-options": "SAMEORIGIN"}
        if found.kind != "pdf" and summary.form in TEXT_FORMS:
            # line by line, as the parser numbered the lines, the cell's lines marked
            page = mark_lines(source_text(found), self.marks(summary, request), summary.agency)
            return HTMLResponse(page, headers=headers)
        return PlainTextResponse(document_text(found.body, found.content_type), headers=headers)

    async def submit(self, request: Request) -> Response:
        """One correction from the form: refused unless the request comes from this app."""
        host = request.headers.get("host", "")
        form = await request.form()
        token = form.get("csrf")
        if not same_origin(request.headers, host) or not self.tokens.valid(
            request.cookies.get(COOKIE), token if isinstance(token, str) else None
        ):
            return PlainTextResponse("refused: the form did not come from this app", 403)
        summary = self.summary(request)
        if summary is None:
            return PlainTextResponse("no such report", status_code=404)
        given = {k: form.get(k) for k in ("cell", "value", "note", "reviewer")}
        if not all(isinstance(v, str) for v in given.values()):
            return PlainTextResponse("bad form", status_code=400)
        fields = cast(dict[str, str], given)  # every value is text (checked above)
        cell = fields["cell"]
        target = f"/report/{summary.report_id}?cell={cell}"
        if not fields["reviewer"].strip():
            return RedirectResponse(f"{target}&error=reviewer#cell", status_code=303)
        try:
            correct(
                self.data_dir,
                summary.sha256,
                cell,
                fields["value"][:40],
                note=fields["note"][:2000],
                reviewer=fields["reviewer"][:200],
            )
        except CorrectionError:
            return RedirectResponse(f"{target}&error=value#cell", status_code=303)
        except ReportNotFound:
            return PlainTextResponse("no such report in the records", status_code=404)
        return RedirectResponse(f"{target}&saved=1#cell", status_code=303)

    async def asset(self, request: Request) -> Response:
        name = request.path_params["name"]
        found = ASSETS.get(name)
        if found is None:
            return PlainTextResponse("not found", status_code=404)
        media, body = found
        return Response(body, media_type=media, headers={"cache-control": "max-age=300"})


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return max(1, min(int(raw), 1_000_000)) if raw.isdigit() else 1


def _paging(number: int, total: int, params: dict[str, str]) -> dict[str, Any]:
    """Links to the pages before and after, for a list of ``total`` items."""
    last = max(1, -(-total // PER_PAGE))
    extra = "".join(f"&{k}={quote(v)}" for k, v in params.items())
    return {
        "page": number,
        "last": last,
        "previous": f"?page={number - 1}{extra}" if number > 1 else None,
        "next": f"?page={number + 1}{extra}" if number < last else None,
    }


def create_app(
    data_dir: str | os.PathLike,
    *,
    allowed_hosts: set[str] | None = None,
    secret: bytes | None = None,
) -> Guard:
    """The review app for a data folder, as an ASGI application (serve it with uvicorn).

    ``allowed_hosts``: the host names requests may be addressed to (loopback names by
    default; the host given to ``ogi serve --host``)."""
    state = ReviewApp(data_dir, secret=secret)
    routes = [
        Route("/", state.home),
        Route("/queue", state.queue),
        Route("/report/{report_id}", state.report),
        Route("/report/{report_id}/correct", state.submit, methods=["POST"]),
        Route("/source/{report_id}", state.source_body),
        Route("/source/{report_id}/page/{number:int}.png", state.source_page),
        Route("/source/{report_id}/text", state.source_text),
        Route("/assets/{name}", state.asset),
    ]
    app = Starlette(routes=routes)
    app.state.review = state
    return Guard(app, allowed_hosts or LOOPBACK_HOSTS)
