"""With PTCC_REDIS_URL, sign-in limits are shared by every worker process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

REDIS_URL = os.environ.get("PTCC_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

#: One worker process: a fresh application on the test platform, one sign-in attempt.
WORKER = """
import json, sys
from ptcc.app import create_app
from ptcc.testing.clients import extract_csrf
config = json.loads(sys.argv[1])
app = create_app(config)
client = app.test_client()
page = client.get("/account/login", base_url="http://alpha.test")
token = extract_csrf(page.get_data(as_text=True))
answer = client.post("/account/login", base_url="http://alpha.test",
                     data={"csrf_token": token, "email": "nobody@example.org", "password": "wrong password"})
print(answer.status_code)
"""


@pytest.fixture
def redis_keys(worker_id_suffix):
    """(connection, prefix): a key prefix of this test process's own, in a Redis other runs
    may be using at the same time; only the keys under that prefix are deleted, before and
    after, never the whole database."""
    import redis

    try:
        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        connection.ping()
    except redis.exceptions.RedisError as exc:
        reason = f"Redis not reachable at {REDIS_URL}: {type(exc).__name__}"
        if os.environ.get("PTCC_REQUIRE_REDIS") == "1":
            pytest.fail(f"{reason} (PTCC_REQUIRE_REDIS=1)")
        pytest.skip(reason)
    prefix = f"ptcc_test{worker_id_suffix}"

    def delete_ours():
        for key in connection.scan_iter(match=f"*/{prefix}/*"):
            connection.delete(key)

    delete_ours()
    yield connection, prefix
    delete_ours()


@pytest.mark.slow
def test_limits_are_counted_across_processes(app, ptcc_backend, redis_keys):
    if ptcc_backend != "sqlite":
        pytest.skip("the limit store does not depend on the database")
    connection, prefix = redis_keys
    config = {key: app.config[key] for key in ("SECRET_KEY", "PTCC_TENANTS_PATH", "PTCC_INSTANCE_PATH",
                                               "PTCC_PLUGINS_PATH", "PTCC_DATABASE_URL")}
    # Flask-Limiter puts the prefix in every key: LIMITS:LIMITER/<prefix>/<key>/...
    config.update(PTCC_REDIS_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix,
                  PTCC_LOGIN_LIMIT_PER_IP="2 per minute", TESTING=True)

    codes = []
    for _worker in range(3):
        done = subprocess.run([sys.executable, "-c", WORKER, json.dumps(config)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr[-3000:]
        codes.append(int(done.stdout.strip().splitlines()[-1]))

    assert codes == [400, 400, 429]
    assert any(b"alpha" in key for key in connection.scan_iter(match=f"*/{prefix}/*"))
