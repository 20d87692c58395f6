"""gunicorn with the production configuration, on a free loopback port, always stopped.

``GunicornServer`` is a context manager: it starts ``gunicorn -c config/gunicorn.conf.py
wsgi:app`` in its own process group, waits until ``/healthz`` answers and every worker has
booted, and on exit (error or not) sends SIGTERM to the whole group, then SIGKILL to what
is left. The socket is opened here on a port the kernel chooses and handed to gunicorn as
``fd://N``: a port picked free and bound later by gunicorn could be taken in between by
another run on the machine.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
#: The production configuration's own setting is 2 × cores + 1; the benchmark pins it.
WORKERS = 2
START_TIMEOUT = 90
STOP_TIMEOUT = 15
#: A platform host: /healthz answers there without opening any territory's engine, so
#: waiting for the server leaves the workers' territory state untouched.
PLATFORM_HOST = "localhost"


class ServerError(RuntimeError):
    pass


def _stop_with_parent() -> None:
    """In the child, before exec: SIGTERM when the benchmark's process dies, even by SIGKILL
    (Linux ``PR_SET_PDEATHSIG``), so that no server outlives the run that started it."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    except OSError:
        pass


def fetch(port: int, path: str, host: str, headers: dict | None = None, timeout: float = 60):
    """One GET on 127.0.0.1:port; returns (status, body bytes, seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        started = time.perf_counter()
        conn.request("GET", path, headers={"Host": host, **(headers or {})})
        response = conn.getresponse()
        body = response.read()
        return response.status, body, time.perf_counter() - started
    finally:
        conn.close()


def fetch_headers(port: int, path: str, host: str, headers: dict | None = None, timeout: float = 60) -> dict:
    """One GET on 127.0.0.1:port; the answer's headers, names in lower case."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": host, **(headers or {})})
        response = conn.getresponse()
        response.read()
        return {name.lower(): value for name, value in response.getheaders()}
    finally:
        conn.close()


def children_of(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (gunicorn's workers), oldest pid first."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: fields start after ")".
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


def rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class GunicornServer:
    def __init__(self, env: dict[str, str], log_dir: Path, name: str = "server", workers: int = WORKERS):
        self.env = env
        self.log_dir = log_dir
        self.name = name
        self.workers = workers
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self.error_log = log_dir / f"{name}.error.log"
        self.access_log = log_dir / f"{name}.access.log"

    # --- start and stop ------------------------------------------------------------------

    def __enter__(self) -> "GunicornServer":
        self.log_dir.mkdir(parents=True, exist_ok=True)
        listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = listener.getsockname()[1]
        env = {**self.env, "PTCC_BIND": f"fd://{listener.fileno()}", "WEB_CONCURRENCY": str(self.workers),
               "PTCC_ACCESS_LOG": str(self.access_log), "PTCC_ERROR_LOG": str(self.error_log)}
        with listener, (self.log_dir / f"{self.name}.stdout.log").open("w") as out:
            self.process = subprocess.Popen(
                [str(GUNICORN), "-c", str(REPO / "config" / "gunicorn.conf.py"), "wsgi:app"],
                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, pass_fds=[listener.fileno()], preexec_fn=_stop_with_parent)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                ready = fetch(self.port, "/healthz", PLATFORM_HOST, timeout=5)[0] == 200
            except OSError:
                ready = False
            if ready and len(self.worker_pids()) == self.workers:
                return
            time.sleep(0.2)
        raise ServerError(f"gunicorn did not answer within {START_TIMEOUT} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM to the process group, then SIGKILL if it has not gone in STOP_TIMEOUT."""
        if self.process is None or self.process.returncode is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # workers left behind, or a stuck master
        except ProcessLookupError:
            pass
        if self.process.returncode is None:
            self.process.wait(timeout=STOP_TIMEOUT)

    # --- looking at it ---------------------------------------------------------------------

    def worker_pids(self) -> list[int]:
        return children_of(self.process.pid)

    def rss(self) -> dict[str, float | None]:
        """Resident memory of the master and each worker, MiB."""
        figures = {"master": rss_mib(self.process.pid)}
        for n, pid in enumerate(self.worker_pids(), start=1):
            figures[f"worker {n}"] = rss_mib(pid)
        return figures

    def boots(self) -> int:
        """Workers booted so far (gunicorn logs one line per worker it starts)."""
        try:
            return self.error_log.read_text(errors="replace").count("Booting worker")
        except OSError:
            return 0

    def log_tail(self, lines: int = 40) -> str:
        text = ""
        for path in (self.error_log, self.log_dir / f"{self.name}.stdout.log"):
            if path.exists():
                text += "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) + "\n"
        return text

    def errors_logged(self) -> list[str]:
        """Tracebacks and errors in the error log (a page that fails shows up here)."""
        if not self.error_log.exists():
            return []
        return [line for line in self.error_log.read_text(errors="replace").splitlines()
                if "[ERROR]" in line or "Traceback" in line or "[CRITICAL]" in line]

    # --- a new worker ---------------------------------------------------------------------------

    def replace_workers_with_one_new(self, timeout: float = 30) -> int:
        """Leave a single worker that has served nothing; returns its pid.

        gunicorn's SIGTTOU stops the oldest worker, SIGTTIN starts one: down to one worker,
        one more (the new one), then down to one again, which stops the older. The next
        request can only go to the new worker. ``restore_workers`` brings the count back.
        """
        master = self.process.pid
        self._signal_and_wait(signal.SIGTTOU, lambda pids: len(pids) == 1, timeout, count=self.workers - 1)
        (old,) = self.worker_pids()
        self._signal_and_wait(signal.SIGTTIN, lambda pids: len(pids) == 2, timeout)
        self._signal_and_wait(signal.SIGTTOU, lambda pids: pids and old not in pids and len(pids) == 1, timeout)
        (new,) = self.worker_pids()
        self._wait_for_boot_line(new, timeout)
        assert master == self.process.pid
        return new

    def restore_workers(self, timeout: float = 30) -> None:
        missing = self.workers - len(self.worker_pids())
        if missing > 0:
            self._signal_and_wait(signal.SIGTTIN, lambda pids: len(pids) == self.workers, timeout, count=missing)

    def _signal_and_wait(self, signum, done, timeout: float, count: int = 1) -> None:
        for _ in range(count):
            os.kill(self.process.pid, signum)
            time.sleep(0.2)  # the master handles one signal per loop turn
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if done(self.worker_pids()):
                return
            time.sleep(0.1)
        raise ServerError(f"workers did not change after {signal.Signals(signum).name}: {self.worker_pids()}")

    def _wait_for_boot_line(self, pid: int, timeout: float) -> None:
        """post_fork logs once the worker has reset its engines: then it accepts requests."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if f"worker {pid}: territory engines reset" in self.error_log.read_text(errors="replace"):
                return
            time.sleep(0.05)
        raise ServerError(f"worker {pid} did not finish booting")
