"""Where a harvest keeps its files (crawl state, bookkeeping, lock, record stores, run
reports, datasets), and which sites a shard of a shared nightly harvest owns."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ogi.lock import LOCK_NAME
from ogi.runs import runs_dir
from ogi_errors import HarvestConfigError as HarvestConfigError
from scraper.registry import Site

BOOK_NAME = "harvest.sqlite"
DATASETS_DIR = "datasets"


@dataclass(frozen=True)
class Shard:
    """Part ``index`` (1-based) of ``count``: the sites whose host hashes to it."""

    index: int
    count: int

    @classmethod
    def parse(cls, value: str | Shard | None) -> Shard | None:
        """``"2/4"`` → Shard(2, 4); None stays None. Raises :class:`HarvestConfigError`."""
        if value is None or isinstance(value, Shard):
            return value
        text = str(value).strip()
        try:
            left, right = text.split("/")
            index, count = int(left), int(right)
        except ValueError:
            raise HarvestConfigError(f"--shard must be I/N (like 2/4), got {text!r}") from None
        if count < 1 or not 1 <= index <= count:
            raise HarvestConfigError(f"--shard {text}: I must be between 1 and N (N ≥ 1)")
        return cls(index, count)

    @property
    def name(self) -> str:
        """The partition's name in file names: ``2-of-4``."""
        return f"{self.index}-of-{self.count}"

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, site: Site) -> bool:
        return shard_of(site_host(site), self.count) == self.index - 1


def site_host(site: Site) -> str:
    """The host a site is sharded by: its first column's (sites sharing a host stay together)."""
    return (urlsplit(site.columns[0]).hostname or "").lower()


def shard_of(host: str, count: int) -> int:
    """The 0-based shard of ``host`` among ``count``: a hash that never changes between runs,
    machines or Python versions (unlike ``hash()``)."""
    digest = hashlib.sha256(host.lower().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


@dataclass(frozen=True)
class Layout:
    """Where a harvest partition keeps its files under the data folder."""

    data_dir: Path
    shard: Shard | None = None

    @property
    def root(self) -> Path:
        """The crawl state's folder: the data folder, or ``shards/<I-of-N>`` in it."""
        return self.data_dir if self.shard is None else self.data_dir / "shards" / self.shard.name

    @property
    def state_path(self) -> Path:
        return self.root / "state.sqlite"

    @property
    def book_path(self) -> Path:
        return self.root / BOOK_NAME

    @property
    def lock_path(self) -> Path:
        return self.root / LOCK_NAME

    @property
    def store_path(self) -> Path:
        from output.store import STORE_NAME

        if self.shard is None:
            return self.data_dir / STORE_NAME
        return self.data_dir / f"records-{self.shard.name}.sqlite"

    @property
    def runs_dir(self) -> Path:
        return runs_dir(self.data_dir)

    @property
    def datasets_dir(self) -> Path:
        return self.data_dir / DATASETS_DIR


def layouts(data_dir: str | os.PathLike) -> list[Layout]:
    """Every harvest partition found in a data folder (the unsharded one first)."""
    data = Path(data_dir)
    found = []
    if (data / "state.sqlite").exists() or (data / BOOK_NAME).exists():
        found.append(Layout(data))
    for folder in sorted((data / "shards").glob("*-of-*")) if (data / "shards").is_dir() else ():
        try:
            index, count = (int(x) for x in folder.name.split("-of-"))
        except ValueError:
            continue
        found.append(Layout(data, Shard(index, count)))
    return found
