"""How long ``ptcc tenant create --from-file`` takes for many SQLite territories.

    .venv/bin/python benchmarks/bench_tenant_create.py [--territories 1000] [--format toml|csv]
                                                      [--jobs N] [--upgrade] [--keep]

Writes a file of N territories (each with a host, two languages and an administrator, so
each gets a set-password e-mail in its outbox) in a temporary folder, then runs the real
``ptcc`` console script on it, in its own process, as an operator would: the time printed
includes the command's start-up, and the CPU time (the command's and its workers') shows
what the machine's other load does not change. ``--upgrade`` then times ``ptcc db upgrade`` over the
same territories (all up to date: the cost of visiting each one). ``--keep`` leaves the
folder in place to look at.

Exit code 1 when the command fails or does not create every territory. Timings depend
on the machine (and on what else runs on it); the test suite asserts none.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tomli_w

PTCC_BIN = Path(sys.executable).parent / "ptcc"
ROOT = Path(__file__).resolve().parent.parent


def territories(count: int) -> list[dict]:
    return [{"slug": f"t{n:04d}", "name": f"Territoire {n:04d}", "hosts": [f"t{n:04d}.bench"],
             "locales": ["fr", "en"], "default_locale": "fr", "timezone": "Europe/Paris", "plugins": [],
             "admin_email": f"admin@t{n:04d}.bench"} for n in range(1, count + 1)]


def write_file(folder: Path, rows: list[dict], fmt: str) -> Path:
    path = folder / f"territories.{fmt}"
    if fmt == "toml":
        path.write_text(tomli_w.dumps({"territory": rows}), encoding="utf-8")
        return path
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return path


def run(args: list[str], env: dict, cwd: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall-clock and CPU seconds (the command and its worker processes) of ``ptcc ARGS``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([str(PTCC_BIN), *args], env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territories", type=int, default=1000)
    parser.add_argument("--format", choices=("toml", "csv"), default="toml")
    parser.add_argument("--jobs", type=int, default=None, help="passed to the command (default: its own)")
    parser.add_argument("--upgrade", action="store_true", help="then time `ptcc db upgrade` over them")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    options = parser.parse_args()
    if not PTCC_BIN.exists():
        print(f"{PTCC_BIN} is not installed (pip install -e .)", file=sys.stderr)
        return 1

    folder = Path(tempfile.mkdtemp(prefix="ptcc-bench-create-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PTCC_")}
    env.update(PTCC_TENANTS_PATH=str(folder / "tenants"), PTCC_INSTANCE_PATH=str(folder / "instance"),
               PTCC_PLUGINS_PATH=str(ROOT / "plugins"), PTCC_SECRET_KEY="bench", PTCC_MAIL_BACKEND="file")
    status = 0
    try:
        path = write_file(folder, territories(options.territories), options.format)
        # Other processes' load shows in the wall-clock time, not in the CPU time.
        load_before = os.getloadavg()[0]
        args = ["tenant", "create", "--from-file", str(path)]
        if options.jobs:
            args += ["--jobs", str(options.jobs)]
        elapsed, cpu, result = run(args, env, folder)
        databases = len(list((folder / "instance" / "databases").glob("*.db")))
        files = len(list((folder / "tenants").glob("*/tenant.toml")))
        print("\n".join(result.stdout.splitlines()[-3:]))
        print(f"ptcc tenant create --from-file ({options.format}, {options.territories} SQLite territories): "
              f"{elapsed:.1f} s, {elapsed / options.territories * 1000:.1f} ms per territory, "
              f"{options.territories / elapsed:.1f} territories/s (start-up included); "
              f"CPU {cpu:.1f} s ({cpu / options.territories * 1000:.1f} ms per territory), "
              f"load average before {load_before:.1f}")
        if result.returncode != 0 or databases != options.territories or files != options.territories:
            print(f"FAILED: exit {result.returncode}, {databases} databases, {files} tenant.toml\n"
                  f"{result.stderr[-2000:]}", file=sys.stderr)
            return 1
        if options.upgrade:
            elapsed, cpu, result = run(["db", "upgrade"], env, folder)
            print(result.stdout.splitlines()[-1] if result.stdout else result.stderr[-2000:])
            print(f"ptcc db upgrade ({options.territories} territories, up to date): {elapsed:.1f} s, "
                  f"CPU {cpu:.1f} s")
            status = 1 if result.returncode else 0
    finally:
        if options.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
