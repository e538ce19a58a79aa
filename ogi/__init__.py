"""ogi: harvest 政府信息公开工作年度报告 into clean multi-year datasets.

This package only wires the command line (and the harvest job that chains the stages);
the work happens in ``scraper``, ``parsers`` and ``output``.
"""

from scraper import __version__  # pyproject.toml's version, read once

__all__ = ["__version__"]
