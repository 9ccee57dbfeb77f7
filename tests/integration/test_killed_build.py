"""A build killed with SIGKILL (as the OOM killer or a scheduler's timeout would) leaves no process behind:
not the embedded Prefect server (ofsted_dataset/prefect_lifetime.py), not the workers of a local Dask
cluster. Linux only: the processes are read from /proc."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; PDEATHSIG is Linux's")]

SERVER = "prefect.server.api.server:create_app"  # in the server's command line, whoever started it
DASK_WORKER = "multiprocessing.spawn"


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Prefect database for the module: it is created and migrated once (~20 s), not per build."""
    return tmp_path_factory.mktemp("prefect-home")


def _start_time(pid: int) -> str | None:
    """The process's start time (in clock ticks since boot; with the pid, it names one process), or None
    if it has ended (gone, or a zombie waiting to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (command)": state is field 3, starttime field 22
    return None if fields[0] in ("Z", "X") else fields[19]


def _cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def _descendants(pid: int) -> dict[int, str]:
    """Every live descendant of `pid` (children of any of its threads, recursively) -> its start time."""
    found: dict[int, str] = {}
    pending = [pid]
    while pending:
        parent = pending.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                for child in map(int, children.read_text().split()):
                    started = _start_time(child)
                    if started is not None and child not in found:
                        found[child] = started
                        pending.append(child)
    return found


def _serving(pid: int) -> bool:
    """Whether the server process `pid` answers its health check (its port is in its command line)."""
    words = _cmdline(pid).split()
    if "--port" not in words[:-1]:  # it has just ended
        return False
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{words[words.index('--port') + 1]}/api/health",
                                    timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _wait_until_running(build: subprocess.Popen[bytes], dask_workers: int, seen: dict[int, str],
                        timeout: float = 240) -> None:
    """Until the build's server answers and its Dask workers (if any) exist; every descendant met goes
    into `seen`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert build.poll() is None, "the build ended before it could be killed"
        found = _descendants(build.pid)
        seen.update(found)
        servers = [pid for pid in found if SERVER in _cmdline(pid)]
        workers = [pid for pid in found if DASK_WORKER in _cmdline(pid)]
        if servers and all(map(_serving, servers)) and len(workers) >= dask_workers:
            return
        time.sleep(0.2)
    raise AssertionError(f"no serving Prefect server (and {dask_workers} Dask workers) under the build "
                         f"within {timeout} s")


def _survivors(processes: dict[int, str]) -> dict[int, str]:
    """Those of `processes` still running (the same pid with the same start time, and not a zombie)."""
    return {pid: _cmdline(pid) for pid, started in processes.items() if _start_time(pid) == started}


def _environment(prefect_home: Path, **extra: str) -> dict[str, str]:
    """The embedded server, as by default: no PREFECT_API_URL, no Dask cluster unless asked."""
    env = {**os.environ, "PREFECT_HOME": str(prefect_home), **extra}
    env.pop("PREFECT_API_URL", None)
    if "OFSTED_DASK_ADDRESS" not in extra:
        env.pop("OFSTED_DASK_ADDRESS", None)
    return env


@contextlib.contextmanager
def _cli(arguments: list[str], env: dict[str, str], log: Path) -> Iterator[tuple[subprocess.Popen[bytes],
                                                                                   dict[int, str]]]:
    """The CLI in a process of its own, with every descendant it is seen to have (pid -> start time). On
    the way out, even when the test fails, nothing is left behind: exactly the processes seen, by pid."""
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "ofsted_dataset.cli", *arguments], env=env,
                                   stdout=output, stderr=subprocess.STDOUT)
    processes: dict[int, str] = {}
    try:
        yield process, processes
    finally:
        if process.poll() is None:
            processes.update(_descendants(process.pid))
            process.kill()
            process.wait(timeout=10)
        for pid in _survivors(processes):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _kill(process: subprocess.Popen[bytes], processes: dict[int, str]) -> dict[int, str]:
    """SIGKILL `process`, then give its descendants 10 s to go; those still running."""
    processes.update(_descendants(process.pid))
    process.kill()
    process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _survivors(processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _survivors(processes)


@pytest.mark.parametrize("dask_workers", [0, 2], ids=["threads", "local-dask"])
def test_a_build_killed_with_sigkill_leaves_no_process_behind(project: Path, prefect_home: Path, tmp_path: Path,
                                                              dask_workers: int):
    dask = {"OFSTED_DASK_ADDRESS": "local", "OFSTED_DASK_WORKERS": str(dask_workers),
            "DASK_TEMPORARY_DIRECTORY": str(tmp_path / "dask")} if dask_workers else {}
    log = tmp_path / "build.log"
    with _cli(["--root", str(project), "build"], _environment(prefect_home, **dask), log) as (build, processes):
        _wait_until_running(build, dask_workers, processes)
        assert _kill(build, processes) == {}, log.read_text(errors="replace")[-2000:]


def test_serve_runs_its_schedule_on_a_server_that_dies_with_it(project: Path, prefect_home: Path, tmp_path: Path):
    """`serve` on its own server: the build runs on its cron schedule (an ephemeral server has no scheduler,
    so nothing ever ran), and a kill -9 of `serve` once the run is over leaves nothing behind."""
    env = _environment(prefect_home, OFSTED_SNAPSHOT_CRON="0 5 1 1 *")
    log = tmp_path / "serve.log"
    with _cli(["--root", str(project), "serve", "--cron", "* * * * *"], env, log) as (serve, processes):
        deadline = time.monotonic() + 300  # the next minute, the runner's poll, then the build itself
        while not (project / "published" / "LATEST").exists() and time.monotonic() < deadline:
            assert serve.poll() is None, log.read_text(errors="replace")[-2000:]
            processes.update(_descendants(serve.pid))
            time.sleep(0.5)
        assert (project / "published" / "LATEST").read_text(encoding="utf-8") == "1.0.0\n"
        while time.monotonic() < deadline:  # the flow run's own process ends once it has reported
            processes.update(_descendants(serve.pid))
            if all(SERVER in _cmdline(pid) for pid in _survivors(processes)):
                break
            time.sleep(0.2)
        assert _kill(serve, processes) == {}
