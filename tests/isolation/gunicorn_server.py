"""A real gunicorn, with the production configuration file, on a free loopback port.

``serving(platform, log)`` starts ``gunicorn -c config/gunicorn.conf.py wsgi:app`` on
the platform's temporary tenants folder, waits (bounded) until it answers, and always
stops it: on a normal exit, on a failed assertion and on an interrupted test.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.sandbox import free_port
from tests.isolation.raw_http import exchange, request_bytes

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
START_TIMEOUT = 20
STOP_TIMEOUT = 15


def _ready(port: int) -> bool:
    try:
        answer = exchange(port, request_bytes("GET /healthz HTTP/1.1", [("Host", "localhost")]), timeout=2)
    except OSError:
        return False
    return answer.status == 200


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        # Quick shutdown: a graceful one (SIGTERM) can wait for an idle sync worker's
        # select() to time out, seconds for nothing here.
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
    # The master leads its own process group (start_new_session): whatever is left of it,
    # a master that would not stop or a worker it orphaned, ends here.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.poll() is None:
        process.wait(timeout=STOP_TIMEOUT)


@contextlib.contextmanager
def serving(platform, log: Path, workers: int = 1):
    """Yield the port of a gunicorn serving ``platform``'s territories."""
    assert GUNICORN.exists(), f"{GUNICORN} is not installed"
    port = free_port()
    # Only what gunicorn.conf.py reads from the environment is set here. Nothing of the
    # caller's environment may change gunicorn's trust in forwarding headers: the file's
    # settings and gunicorn's defaults are what a production host runs.
    env = platform.env(PTCC_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(workers), PTCC_LOG_LEVEL="info")
    for name in ("FORWARDED_ALLOW_IPS", "GUNICORN_CMD_ARGS"):
        env.pop(name, None)
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", str(ROOT / "config" / "gunicorn.conf.py"), "wsgi:app"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _ready(port):
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer within {START_TIMEOUT} s:\n{log.read_text()}")
            time.sleep(0.2)
        yield port
    finally:
        _stop(process)
