import gc

import pytest

from output.collections_pause import fewer_collections


@pytest.fixture
def thresholds():
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def test_young_generation_collected_less_often_inside_and_put_back_after(thresholds):
    gc.set_threshold(700, 10, 10)
    with fewer_collections(50_000):
        assert gc.get_threshold() == (50_000, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_put_back_after_an_error_and_never_made_more_frequent(thresholds):
    gc.set_threshold(200_000, 10, 10)
    with pytest.raises(RuntimeError), fewer_collections(50_000):
        assert gc.get_threshold() == (200_000, 10, 10)
        raise RuntimeError("boom")
    assert gc.get_threshold() == (200_000, 10, 10)
