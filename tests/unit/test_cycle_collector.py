"""Tests for ofsted_dataset.cycle_collector: paused inside the block, restored after it, even on an error."""

from __future__ import annotations

import gc

import pytest

from ofsted_dataset import cycle_collector


def test_the_collector_is_off_inside_and_on_again_after_even_when_the_block_fails():
    assert gc.isenabled()
    with cycle_collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError, match="boom"), cycle_collector.paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_someone_else_turned_off_stays_off():
    gc.disable()
    try:
        with cycle_collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
