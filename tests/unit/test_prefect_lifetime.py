"""The settings the embedded Prefect server and a build's flow run get (ofsted_dataset/prefect_lifetime.py,
docs/prefect-cost.md): the start-up work an ephemeral server skips is named by settings Prefect knows (it
ignores an unknown name without a word), it keeps the services that record a build's runs, and none of it
reaches the `serve` server, whose scheduler and automations run."""

from __future__ import annotations

import prefect.settings
import pytest
from prefect.settings import get_current_settings, temporary_settings

from ofsted_dataset import prefect_lifetime
from ofsted_dataset.prefect_lifetime import _EPHEMERAL_DEFAULTS


@pytest.fixture(autouse=True)
def _no_ephemeral_settings_in_environment(monkeypatch):
    for name in _EPHEMERAL_DEFAULTS:
        monkeypatch.delenv(name, raising=False)


def test_an_ephemeral_server_skips_the_start_up_work_a_build_has_no_use_for():
    env = prefect_lifetime._server_environment(scheduling=False)
    assert {name: env[name] for name in _EPHEMERAL_DEFAULTS} == _EPHEMERAL_DEFAULTS
    assert env["PREFECT__SERVER_EPHEMERAL"] == "1"


def test_the_environment_wins_over_the_defaults_but_not_over_what_makes_it_ephemeral(monkeypatch):
    monkeypatch.setenv("PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED", "true")
    monkeypatch.setenv("PREFECT__SERVER_EPHEMERAL", "")
    env = prefect_lifetime._server_environment(scheduling=False)
    assert env["PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED"] == "true"
    assert env["PREFECT__SERVER_EPHEMERAL"] == "1"


def test_the_scheduling_server_keeps_every_service():
    env = prefect_lifetime._server_environment(scheduling=True)
    assert set(_EPHEMERAL_DEFAULTS).isdisjoint(env)
    assert "PREFECT__SERVER_EPHEMERAL" not in env


def test_the_defaults_are_prefect_settings_and_the_recording_services_still_run():
    # getattr raises for a name that is not one of Prefect's settings.
    updates = {getattr(prefect.settings, name): value for name, value in _EPHEMERAL_DEFAULTS.items()}
    with temporary_settings(updates=updates):
        settings = get_current_settings()
        assert not settings.server.register_blocks_on_start
        assert not settings.server.memoize_block_auto_registration
        assert not settings.server.services.triggers.enabled
        assert not settings.server.events.stream_out_enabled
        from prefect.server.services.base import RunInEphemeralServers

        # Task runs are recorded, and events (flow-run states) persisted, from the events the run sends.
        assert {service.__name__ for service in RunInEphemeralServers.enabled_services()} == {
            "TaskRunRecorder", "EventPersister"}


def test_a_flow_run_on_the_ephemeral_server_sends_no_heartbeats():
    with prefect_lifetime.ephemeral_run_settings():
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency is not None
