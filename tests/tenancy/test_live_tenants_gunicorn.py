"""gunicorn workers each serve a territory created after they started, without a restart."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.cli.checkout import CODE
from tests.cli.sandbox import Platform
from tests.test_gunicorn import GUNICORN, ROOT, fetch, wait_until_ready

pytestmark = pytest.mark.slow


def test_every_worker_serves_a_territory_created_while_it_runs(tmp_path):
    platform = Platform(tmp_path)
    platform.write_tenant("alpha", "Territoire Alpha", hosts=["alpha.test"])
    platform.prepare_schema("alpha")
    assert platform.run("db", "upgrade").exit_code == 0
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    log = tmp_path / "gunicorn.log"
    env = platform.env(PTCC_BIND=f"fd://{listener.fileno()}", WEB_CONCURRENCY="2", PTCC_TENANTS_RECHECK_SECONDS="1")
    with listener, log.open("w") as log_file:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", str(ROOT / "config" / "gunicorn.conf.py"),
             "--access-logformat", 'pid=%(p)s %({host}i)s "%(r)s" %(s)s', "wsgi:app"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
            pass_fds=[listener.fileno()])
    try:
        wait_until_ready(process, port, log)
        with ThreadPoolExecutor(4) as pool:  # both workers busy at once: each answers some
            assert set(pool.map(lambda _: fetch(port, "/", "gamma.test")[0], range(12))) == {404}

            platform.prepare_schema("gamma")
            created = platform.subprocess("tenant", "create", "gamma", "--name", "Territoire Gamma",
                                          "--host", "gamma.test", "--admin-email", "admin@gamma.example",
                                          "--send-link", **CODE)
            assert created.returncode == 0, created.stdout + created.stderr
            time.sleep(1.2)  # PTCC_TENANTS_RECHECK_SECONDS

            # Until both workers have answered (the kernel chooses which accepts each connection).
            for _batch in range(20):
                answers = list(pool.map(lambda _: fetch(port, "/", "gamma.test"), range(8)))
                assert {status for status, _h, _b in answers} == {200}
                assert all("Territoire Gamma" in body for _s, _h, body in answers)
                if len(served_by(log)) == 2:
                    break
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
        print(log.read_text())
        platform.close()
    assert len(served_by(log)) == 2  # each worker noticed the new territory by itself


def served_by(log) -> set[str]:
    """The workers (process ids) whose access log shows gamma.test answered 200."""
    return set(re.findall(r'pid=<(\d+)> gamma\.test "GET / HTTP/1\.1" 200', log.read_text()))
