"""ogi: harvest 政府信息公开工作年度报告 into clean multi-year datasets.

This package only wires the command line (and the harvest job that chains the stages);
the work happens in ``scraper``, ``parsers`` and ``output``.
"""

__version__ = "0.1.0"
