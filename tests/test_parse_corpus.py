"""Every real report in the corpus parses to exactly its expected record, cell by cell."""

from __future__ import annotations

import pytest

import parsers
from tests.corpus import CORPUS, cases, cell_differences

FORMS = ("html", "pipe")
CASES = cases(*FORMS)

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")


@pytest.fixture(scope="module", params=CASES, ids=[c.name for c in CASES])
def parsed(request):
    case = request.param
    report = parsers.parse(case.document.read_bytes(), source=case.document.name)
    return case, report.to_dict()


def test_cells_match_expected_record(parsed):
    case, record = parsed
    assert cell_differences(case.expected, record, case.uncertain) == []


def test_metadata_matches_expected_record(parsed):
    case, record = parsed
    for key in ("agency", "year", "published", "template"):
        assert record[key] == case.expected[key], key


def test_checks_match_expected_record(parsed):
    case, record = parsed
    if case.uncertain or "checks" not in case.expected:
        pytest.skip("checks are only comparable when every cell can be read")
    got = {c["rule"]: c["ok"] for c in record["checks"]}
    want = {c["rule"]: c["ok"] for c in case.expected["checks"]}
    assert got == want


def test_sha256_is_of_the_source_bytes(parsed):
    case, record = parsed
    import hashlib

    assert record["sha256"] == hashlib.sha256(case.document.read_bytes()).hexdigest()


def test_undecided_cells_are_named_in_a_warning():
    from parsers.model import UNCERTAIN

    for case in CASES:
        report = parsers.parse(case.document.read_bytes(), source=case.document.name)
        for section, row, column, cell in report.cells():
            if cell.status == UNCERTAIN:
                assert any(row in w and column in w for w in report.warnings), (
                    case.name,
                    section,
                    row,
                    column,
                )


@pytest.mark.parametrize("case", cases("prose"), ids=lambda c: c.name)
def test_pre2019_reports_give_their_stated_counts(case):
    record = parsers.parse(case.document.read_bytes(), source=case.name).to_dict()
    assert record["template"] == "pre2019"
    assert record["prose"] == case.expected["prose"]
    assert set(record["prose_evidence"]) == set(case.expected["prose"])
    for key in ("agency", "year", "published"):
        assert record[key] == case.expected[key], key


def test_township_report_resolves_to_its_place():
    seed = next((c for c in CASES if "meihekou" in c.name), None)
    if seed is None:
        pytest.skip("seed report not in the corpus")
    report = parsers.parse(seed.document.read_bytes(), source=seed.name)
    assert report.place["level"] == "township"
    assert report.place["code"] == "220581108"
    assert report.place["county"] == "梅河口市"
