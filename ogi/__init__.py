"""ogi: harvest 政府信息公开工作年度报告 into clean multi-year datasets.

This package only wires the command line (and the harvest job that chains the stages);
the work happens in ``scraper``, ``parsers`` and ``output``.
"""

__all__ = ["__version__"]

__version__: str  # pyproject.toml's version, read once on first use (see :mod:`scraper`)


def __getattr__(name: str) -> str:
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import scraper

    globals()["__version__"] = scraper.__version__
    return scraper.__version__
