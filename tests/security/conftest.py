"""The hostile fake web on 127.0.0.1 that every security test crawls or fetches from."""

from __future__ import annotations

import pytest

from fixtures.sites import FakeWeb
from fixtures.sites.hostile import hostile_world
from tests.security.support import HOSTS


@pytest.fixture
def web():
    with FakeWeb(hostile_world(*HOSTS)) as w:
        yield w
