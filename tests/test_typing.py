"""The packages type-check: mypy (configured in pyproject.toml) reports no error, and every
package ships ``py.typed`` so that users' type checkers read its annotations."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ogi", "ogi_errors", "scraper", "parsers", "places", "output", "review")


@pytest.mark.parametrize("package", PACKAGES)
def test_package_is_marked_typed(package):
    assert resources.files(package).joinpath("py.typed").is_file()


def test_mypy_reports_no_error(tmp_path, monkeypatch):
    from mypy import api

    monkeypatch.chdir(ROOT)
    out, err, status = api.run(
        ["--config-file", "pyproject.toml", "--cache-dir", str(tmp_path / "cache"), *PACKAGES]
    )
    assert status == 0, out + err
