"""gunicorn serves ``wsgi:app`` with ``config/gunicorn.conf.py``: two territories by Host header."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.sandbox import Platform

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
START_TIMEOUT = 20


def fetch(port: int, path: str, host: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def wait_until_ready(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            if fetch(port, "/healthz", "localhost")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within {START_TIMEOUT} s:\n{log.read_text()}")


@pytest.fixture
def two_territories(tmp_path):
    platform = Platform(tmp_path)
    platform.write_tenant("alpha", "Territoire Alpha", hosts=["alpha.test"])
    platform.write_tenant("beta", "Territoire Beta", hosts=["beta.test"])
    for slug in ("alpha", "beta"):
        platform.prepare_schema(slug)
    result = platform.run("db", "upgrade")
    assert result.exit_code == 0, result.output
    yield platform
    platform.close()


def test_gunicorn_serves_each_territory_on_its_host(two_territories, tmp_path):
    assert GUNICORN.exists(), f"{GUNICORN} is not installed"
    # gunicorn is handed a socket already listening on a port the kernel chose: a port picked
    # free and bound later could be taken in between by a test run beside this one.
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    log = tmp_path / "gunicorn.log"
    env = two_territories.env(PTCC_BIND=f"fd://{listener.fileno()}", WEB_CONCURRENCY="2", PTCC_LOG_LEVEL="info")
    with listener, log.open("w") as log_file:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", str(ROOT / "config" / "gunicorn.conf.py"), "wsgi:app"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
            pass_fds=[listener.fileno()],
        )
    try:
        wait_until_ready(process, port, log)
        # The master warmed up on a territory before forking, and kept none of its files open.
        assert not open_database_files(process.pid, two_territories.instance)

        status, headers, body = fetch(port, "/", "alpha.test")
        assert status == 200, body[:2000]
        assert "Territoire Alpha" in body and "Territoire Beta" not in body
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"

        status, headers, body = fetch(port, "/", "beta.test:80")
        assert status == 200, body[:2000]
        assert "Territoire Beta" in body and "Territoire Alpha" not in body

        status, _, body = fetch(port, "/", "gamma.test")
        assert status == 404
        assert "Territoire" not in body

        status, _, body = fetch(port, "/t/alpha/", "localhost")
        assert status == 200 and "Territoire Alpha" in body

        status, _, body = fetch(port, "/", "localhost")
        assert status == 200 and "Territoire Alpha" in body and "Territoire Beta" in body
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
        print(log.read_text())  # shown by pytest when the test fails
    output = log.read_text()
    # The access log names the territory's host; every worker dropped the master's engines.
    assert '127.0.0.1 alpha.test "GET / HTTP/1.1" 200' in output
    assert output.count("territory engines reset") >= 2
    assert "warm-up: " in output and "pages rendered (alpha)" in output


def open_database_files(pid: int, folder: Path) -> list[str]:
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)) and ".db" in target:
            found.append(target)
    return found
