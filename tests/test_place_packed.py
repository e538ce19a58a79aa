"""Rows and name references packed in one string each (places.packed) come back as they were,
and a field holding a separator is refused rather than read back wrong."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from places.divisions import _KINDS, ALIAS, FORMER, NAME, SHORT
from places.packed import FIELD, ITEM, pack_division, pack_refs, unpack_division, unpack_refs

_text = st.text(st.characters(blacklist_characters=FIELD + ITEM, blacklist_categories=("Cs",)))
_name = _text.filter(bool)
_code = st.text("0123456789", min_size=2, max_size=12)
_year = st.integers(0, 9999)


@given(
    code=_code,
    names=st.lists(_name, min_size=1, max_size=4),
    first=_year,
    last=_year,
    successor=st.one_of(st.none(), _code),
    grouping=st.booleans(),
)
def test_a_division_row_comes_back_as_it_was_packed(code, names, first, last, successor, grouping):
    row = (code, names[0], tuple(names), first, last, successor, grouping)
    assert unpack_division(code, pack_division(row)) == row


@given(
    st.lists(
        st.tuples(_code, st.sampled_from([NAME, FORMER, SHORT, ALIAS]), st.integers(0, 2**40)),
        min_size=1,
        max_size=6,
    )
)
def test_references_come_back_as_they_were_packed_sharing_the_kind_strings(refs):
    back = unpack_refs(pack_refs(refs), _KINDS)
    assert back == tuple(refs)
    assert all(ref[1] is _KINDS[ref[1]] for ref in back)


@pytest.mark.parametrize("bad", [f"区{FIELD}名", f"区{ITEM}名"])
def test_a_field_holding_a_separator_is_refused(bad):
    with pytest.raises(ValueError, match="separator"):
        pack_division(("110101", bad, (bad,), 2016, 2023, None, False))
    with pytest.raises(ValueError, match="separator"):
        pack_division(("110101", bad, ("东城区",), 2016, 2023, None, False))
    with pytest.raises(ValueError, match="separator"):
        pack_division(("110101", "东城区", ("东城区",), 2016, 2023, bad, False))
    with pytest.raises(ValueError, match="separator"):
        pack_refs([(bad, NAME, 1)])
