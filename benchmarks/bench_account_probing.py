"""Does the response time tell whether an address has an account?

    .venv/bin/python benchmarks/bench_account_probing.py [--rounds 40]

Builds a throw-away territory (SQLite) with one account, then, in an order shuffled
each round so that drift and caches affect every case alike, submits:

* sign-up with the address of the existing account vs. with a new address;
* password reset for the existing address vs. for an unknown one;

through Flask's test client (the application's own cost, no network). It prints the
median and p90 of each case and the difference of the medians; a difference within
the spread of either case tells an attacker nothing. Nothing here is asserted by the
test suite. Exit code 1 when a request does not answer as a person would see it.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import tomli_w

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "un mot de passe assez long"


def build(tmp: Path):
    from ptcc import migrate
    from ptcc.accounts.models import User
    from ptcc.app import create_app
    from ptcc.extensions import db
    from ptcc.tenancy import tenant_context

    folder = tmp / "tenants" / "probe"
    folder.mkdir(parents=True)
    folder.joinpath("tenant.toml").write_text(tomli_w.dumps({
        "name": "Probe", "hosts": ["probe.bench"], "default_locale": "fr", "locales": ["fr", "en"],
        "timezone": "Europe/Paris", "plugins": []}), encoding="utf-8")
    app = create_app({"SECRET_KEY": "bench", "PTCC_TENANTS_PATH": str(tmp / "tenants"),
                      "PTCC_INSTANCE_PATH": str(tmp / "instance"), "PTCC_MAIL_BACKEND": "file",
                      "PTCC_LOGIN_LIMIT_PER_IP": "100000 per minute",
                      "PTCC_LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute"})
    with app.app_context():
        tenant = app.extensions["ptcc"].registry.get("probe")
        migrate.upgrade(tenant)
        with tenant_context(tenant, app=app):
            user = User(email="known@example.org", display_name="Known")
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
    return app


def timed_post(client, path: str, data: dict) -> float:
    token = CSRF_RE.search(client.get(path, base_url="http://probe.bench").get_data(as_text=True)).group(1)
    started = time.perf_counter()
    response = client.post(path, data={**data, "csrf_token": token}, base_url="http://probe.bench")
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}")
    return elapsed


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.9) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ptcc-probe-") as tmp:
        app = build(Path(tmp))
        client = app.test_client()
        signup = {"display_name": "Probe", "password": PASSWORD, "password_confirm": PASSWORD}
        cases = {
            "sign-up, address with an account": lambda n: timed_post(
                client, "/account/signup", {**signup, "email": "known@example.org"}),
            "sign-up, new address": lambda n: timed_post(
                client, "/account/signup", {**signup, "email": f"new{n}@example.org"}),
            "reset, address with an account": lambda n: timed_post(
                client, "/account/reset", {"email": "known@example.org"}),
            "reset, unknown address": lambda n: timed_post(
                client, "/account/reset", {"email": f"nobody{n}@example.org"}),
        }
        for name, run in cases.items():  # warm-up: caches, compiled templates, the stand-in hash
            run(-1)
        samples = {name: [] for name in cases}
        order = random.Random(2026)  # a different order each round, the same each run
        for n in range(args.rounds):
            for name in order.sample(list(cases), len(cases)):
                samples[name].append(cases[name](n))
    print(f"{args.rounds} rounds, Flask test client, SQLite\n")
    print("| request | p50 ms | p90 ms |")
    print("|---|---:|---:|")
    for name, values in samples.items():
        p50, p90 = summary(values)
        print(f"| {name} | {p50:.1f} | {p90:.1f} |")
    names = list(samples)
    for known, other in ((names[0], names[1]), (names[2], names[3])):
        print(f"\n{known} − {other}: {summary(samples[known])[0] - summary(samples[other])[0]:+.1f} ms (medians)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
