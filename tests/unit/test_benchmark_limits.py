"""The benchmark's verdict (bench/run_benchmark.py): a step that failed fails the run, and so does a pipeline
step above --max-peak-mb; the floor, a yardstick holding every row as Python objects, is not held to it."""

from __future__ import annotations

from bench.run_benchmark import failures


def step(peak_mb: float, exit_code: int = 0) -> dict[str, object]:
    return {"peak_mb": peak_mb, "exit": exit_code, "seconds": 1.0, "timed_out": False}


RESULTS = {"runs": [{"n": 100000, "steps": {
    "cold_build": step(1990.0), "one_mapping_changed": step(2100.0), "release_write": step(900.0, 1),
    "floor": step(7000.0)}}]}


def test_a_failed_step_and_a_pipeline_step_over_the_limit_fail_the_run_and_the_floor_does_not() -> None:
    assert failures(RESULTS, 2048) == ["N=100000 release_write",
                                       "N=100000 one_mapping_changed peaked at 2100 MB (limit 2048)"]


def test_without_a_limit_only_failed_steps_count() -> None:
    assert failures(RESULTS, None) == ["N=100000 release_write"]
