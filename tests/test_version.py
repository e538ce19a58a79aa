"""One version source: pyproject.toml's ``version``, read from the installed distribution by
everything that names the project's version."""

import tomllib
from importlib.metadata import version
from pathlib import Path

import ogi
import scraper
from ogi.book import parser_fingerprint
from scraper.client import default_user_agent

ROOT = Path(__file__).resolve().parents[1]


def test_the_packages_report_the_version_pyproject_declares():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert version("ogi-reports") == declared["version"]
    assert ogi.__version__ == scraper.__version__ == declared["version"]


def test_user_agent_and_parser_fingerprint_carry_the_same_version():
    assert default_user_agent().startswith(f"ogi-reports/{ogi.__version__} ")
    assert parser_fingerprint().split("+")[0] == ogi.__version__
