"""The embedded Prefect server of a build, started by the CLI so that it dies with the build.

Why not Prefect's own: without PREFECT_API_URL, Prefect 3.8.8 starts a temporary server
(`prefect.server.api.server.SubprocessASGIServer`) with a plain `subprocess.Popen` and stops it from an
`atexit` hook. A build killed with SIGKILL (the OOM killer, a scheduler's timeout) or SIGTERM never runs
that hook, and the server (~215 MB) lived on: nine killed builds left nine servers. Prefect takes no
option for that Popen; patching its private `_run_uvicorn_command` would break silently on an upgrade.

So the CLI runs the same server itself: the command Prefect runs (uvicorn with Prefect's app factory on
127.0.0.1, and the variables Prefect sets so that it is an ephemeral server: no UI, no scheduler), then
points PREFECT_API_URL, Prefect's documented setting for "use this server", at it. Before the server
starts, the child asks the kernel to SIGKILL it when its parent dies (Linux `prctl(PR_SET_PDEATHSIG)`),
so no kill of the build, however abrupt, leaves it behind. A normal end stops it at exit, as Prefect
does (SIGTERM, then SIGKILL after 5 s), after Prefect has flushed its logs and events.

PDEATHSIG fires when the *thread* that forked the child ends, not the process: call `start` from the
thread that runs the whole build (the CLI's main thread), never from a worker thread.

Also: the server boots while the build imports Prefect and the flow, and Dask workers inherit
PREFECT_API_URL and use this server instead of starting one each. A PREFECT_API_URL already set wins
(nothing is started); elsewhere than on Linux nothing is started either and Prefect starts its own
server as before.

What a build pays for Prefect is mostly this server's start (docs/prefect-cost.md): the ephemeral server
skips the start-up work a one-build server has no use for (`_EPHEMERAL_DEFAULTS`), and a build's flow run
on it sends no heartbeats (`ephemeral_run_settings`).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from ofsted_dataset.errors import PipelineError

# What Prefect's SubprocessASGIServer puts in the server's environment (prefect/server/api/server.py).
_SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
# Start-up work a server that lives for one build has no use for: Prefect's documented server settings (a value
# already in the environment wins). Together: the server answers ~1 s sooner (docs/prefect-cost.md).
_EPHEMERAL_DEFAULTS = {
    # No block types registered at start: a build saves no blocks. With the next one: ready 1.9 s sooner (loaded).
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
    # Nor the check that they are, which imports every Prefect collection (prefect-dask: dask...): 0.5-1 s.
    "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
    # No automations: none fires in a server that dies with the build; loading them held the first request ~0.4 s.
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
    # No event stream for websocket subscribers (the UI): none exist. With the triggers: ready ~0.7 s sooner (loaded).
    "PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED": "false",
}
# `prefect server start` without its UI: the scheduler and the other services run.
_SCHEDULING_SERVER_ENV = {"PREFECT_UI_ENABLED": "0"}
_TIMEOUT_SETTING = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_PORT_IN_USE = 3  # uvicorn's exit status when it cannot bind


class EmbeddedServer:
    """A Prefect server process that lives exactly as long as the process that started it."""

    def __init__(self, process: subprocess.Popen[bytes], api_url: str) -> None:
        self.process = process
        self.api_url = api_url

    def wait_until_ready(self, timeout: float | None = None) -> None:
        """Block until the server answers its health check; the first start migrates a new database."""
        limit = float(os.environ.get(_TIMEOUT_SETTING, "180")) if timeout is None else timeout
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            status = self.process.poll()
            if status is not None:
                hint = " (its port was taken)" if status == _PORT_IN_USE else ""
                raise PipelineError("the embedded Prefect server did not start",
                                    [f"it exited with status {status}{hint}; its messages are above; run again"])
            if self._healthy():
                return
            time.sleep(0.1)
        self.stop()
        raise PipelineError("the embedded Prefect server did not start",
                            [f"no answer from {self.api_url} within {limit:g} s ({_TIMEOUT_SETTING})"])

    def _healthy(self) -> bool:
        # Refused while it starts: URLError, like timeouts and resets, is an OSError.
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{self.api_url}/health", timeout=5) as response:
            return bool(response.status == 200)
        return False

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not stopped within 5 s. Safe to call more than once."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(scheduling: bool = False) -> EmbeddedServer | None:
    """Start the server and set PREFECT_API_URL to it, unless PREFECT_API_URL is already set or this is
    not Linux (then None: Prefect does as it always does). Call it before Prefect is imported, which
    reads PREFECT_API_URL once, and from the thread that runs the build (see the module docstring).
    Its process is stopped at exit; `wait_until_ready` before the first flow run.

    `scheduling` runs the server with its background services, as `prefect server start` does, instead
    of as an ephemeral one: an ephemeral server has no scheduler, so deployments served against it
    (`ofsted-dataset serve`) never get a scheduled run."""
    if os.environ.get("PREFECT_API_URL") or not sys.platform.startswith("linux"):
        return None
    port = _reserve_port()
    uvicorn = ["--app-dir", _prefect_parent(), "--factory", "prefect.server.api.server:create_app",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"]
    process = subprocess.Popen([sys.executable, "-m", __name__, str(os.getpid()), *uvicorn],
                               env=_server_environment(scheduling))
    server = EmbeddedServer(process, f"http://127.0.0.1:{port}/api")
    # atexit handlers run after Prefect's own exit hooks (threading._register_atexit) have flushed
    # logs and events to the server.
    atexit.register(server.stop)
    os.environ["PREFECT_API_URL"] = server.api_url
    return server


def _server_environment(scheduling: bool) -> dict[str, str]:
    """The server process's environment: this one, plus what makes it ephemeral (or, for `serve`, a full server
    without its UI). An ephemeral server also gets `_EPHEMERAL_DEFAULTS` unless the environment says otherwise."""
    if scheduling:
        return {**os.environ, **_SCHEDULING_SERVER_ENV}
    return {**_EPHEMERAL_DEFAULTS, **os.environ, **_SERVER_ENV}


def ephemeral_run_settings() -> contextlib.AbstractContextManager[object]:
    """Prefect settings for a flow run on an ephemeral server (enter it after Prefect is imported): no flow-run
    heartbeats. They feed the automation that marks a silent run crashed, which a server that dies with the run
    never evaluates; ending their thread held every run up to 1 s (0.9 s measured). Set here, not in the
    environment, because only Python can give PREFECT_FLOWS_HEARTBEAT_FREQUENCY its documented "off", None."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


def _prefect_parent() -> str:
    """The folder holding the `prefect` package (uvicorn's --app-dir, as Prefect passes it), found
    without importing Prefect, which would cost the second this module saves."""
    import importlib.util

    spec = importlib.util.find_spec("prefect")
    if spec is None or spec.origin is None:
        raise PipelineError("Prefect is not installed in this environment")
    return str(Path(spec.origin).parent.parent)


def _reserve_port() -> int:
    """A free port on 127.0.0.1 that stays free until the server binds it seconds later.

    The kernel picks it (from its ephemeral range, never Prefect's 8000-8999 for temporary servers);
    one connection accepted and closed server side leaves it in TIME_WAIT for a minute, during which
    the kernel hands it to no other bind(0) or outgoing connection, while the server, which binds with
    SO_REUSEADDR (as asyncio does), can take it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        address = listener.getsockname()
        with socket.create_connection(address):
            accepted, _ = listener.accept()
            accepted.close()
    return int(address[1])


def _die_with_parent(parent: int) -> None:
    """In the server process: SIGKILL when the parent's thread that started it ends; exit at once if
    the parent already died (between the fork and the prctl)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"prctl(PR_SET_PDEATHSIG): {os.strerror(errno)}")
    if os.getppid() != parent:
        os._exit(1)


if __name__ == "__main__":
    # The server process: `python -m ofsted_dataset.prefect_lifetime <parent pid> <uvicorn arguments>`,
    # then exactly `python -m uvicorn <uvicorn arguments>` in this same process.
    _die_with_parent(int(sys.argv[1]))
    sys.argv = ["uvicorn", *sys.argv[2:]]
    runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)
