"""``ogi demo``: the whole pipeline in one command, with no network.

It serves the fake government web (``fixtures/sites``: TRS, GBK, Hanweb and legacy ASP sites
whose reports are generated from known records, below portals with department and township
platforms) on 127.0.0.1, discovers the report columns from the portals' home pages
(:func:`scraper.sitefinder.discover`), writes them as a sites file, and runs a real
:func:`ogi.harvest.harvest` into a local data folder — crawl, archive, parse, datasets —
exactly as the nightly job does against real sites. Run it again and it is the
nightly case: nothing new, so nothing is downloaded or rewritten. ``day`` moves the fake web's
clock (``2024-04-20``: a report changed, one moved, one deleted, a correction published) to show
what a later night picks up.

The fake web's pages carry absolute links with its port, so the port is kept in
``<data>/demo.json`` and reused: the same URLs next time, hence a real incremental run.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType

from ogi.harvest import harvest
from ogi.runs import RunReport
from ogi_errors import DemoUnavailable as DemoUnavailable
from scraper.client import ClientOptions
from scraper.crawl import CrawlOptions
from scraper.sitefinder import DiscoveryResult, FinderOptions, discover, registry_text

DEFAULT_DIR = Path("ogi-demo")
STATE_FILE = "demo.json"
SITES_FILE = "demo-sites.toml"
CACHE_FILE = "discover-cache.sqlite"


@dataclass
class DemoResult:
    report: RunReport
    data_dir: Path
    sites_file: Path
    port: int
    day: date
    discovery: DiscoveryResult | None = None
    """What discovery found from the home pages (the sites file is written from it)."""

    @property
    def datasets_dir(self) -> Path:
        return self.data_dir / "datasets"

    def dataset_files(self) -> list[Path]:
        folder = self.datasets_dir
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def fake_web() -> ModuleType:
    """``fixtures.sites`` from the source checkout this package runs from."""
    root = Path(__file__).resolve().parents[1]
    ours = root / "fixtures" / "sites" / "__init__.py"
    if ours.exists():
        loaded = sys.modules.get("fixtures")
        where = getattr(loaded, "__file__", None) if loaded is not None else None
        if loaded is not None and (
            where is None or Path(where).resolve().parent != ours.parents[1]
        ):
            # a different package called `fixtures` (there is one on PyPI): use ours
            for name in [n for n in sys.modules if n == "fixtures" or n.startswith("fixtures.")]:
                del sys.modules[name]
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
    try:
        import fixtures.sites as sites
    except ImportError as exc:
        raise DemoUnavailable(
            "the demo's fake government site lives in the source checkout (fixtures/sites); "
            "install from a clone with `python3 -m pip install -e .`"
        ) from exc
    return sites


def demo(
    data_dir: str | Path = DEFAULT_DIR,
    *,
    day: date | None = None,
    faults: bool = False,
    port: int | None = None,
    workers: int | None = None,
    formats: str | None = None,
    progress=None,
) -> DemoResult:
    """Serve the fake web and harvest it into ``data_dir``; returns the run and where things are.

    ``faults`` adds the misbehaving hosts (rate limits, resets, a black hole, anti-bot pages…):
    slower, and the run then ends with "some sites failed" as it should.
    """
    sites = fake_web()
    data = Path(data_dir)
    data.mkdir(parents=True, exist_ok=True)
    saved = _load_state(data)
    chosen_port = port or _free_port(saved.get("port"))
    world = sites.build_world(faults=faults, portals=True)
    today = day or sites.START
    world.set_today(today)
    web = sites.FakeWeb(world, port=chosen_port)
    sites_file = data / SITES_FILE
    _save_state(data, {"port": web.port, "faults": faults})
    client = ClientOptions(
        connect_timeout=1.0,
        read_timeout=2.0,
        total_timeout=10.0,
        retries=2,
        backoff_base=0.05,
        max_retry_after=5.0,
        max_body=8 * 1024 * 1024,
        offline=True,
    )
    from fixtures.sites.portals import homepages

    with web:
        if progress is not None:
            progress("phase", {"name": "discover"})
        found = discover(
            homepages(world, faults=faults),
            options=FinderOptions(
                client=dataclasses.replace(client), delay=0.0, cache=data / CACHE_FILE
            ),
            resolve=world.resolve_entries(),
        )
        sites_file.write_text(
            "# The demo's sites registry: discovered by `ogi demo` from the home pages of the fake\n"
            "# government web it serves on 127.0.0.1.\n" + registry_text(found.sites, found.notes),
            encoding="utf-8",
        )
        report = harvest(
            sites_file,
            data,
            workers=workers,
            formats=formats,
            resolve=world.resolve_entries(),
            crawl_options=CrawlOptions(client=client, delay=0.0),
            progress=progress,
        )
    return DemoResult(report, data, sites_file, web.port, today, found)


def _load_state(data: Path) -> dict:
    try:
        value = json.loads((data / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _save_state(data: Path, values: dict) -> None:
    (data / STATE_FILE).write_text(json.dumps(values) + "\n", encoding="utf-8")


def _free_port(preferred: int | None) -> int:
    """The port used last time if it is free (same URLs: an incremental run), else any."""
    if preferred:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
            try:
                s.bind(("127.0.0.1", int(preferred)))
                return int(preferred)
            except OSError:
                pass
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
