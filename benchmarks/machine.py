"""What the figures were measured on: cores, memory, CPU, load, software versions, date."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _package(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _wrk_version() -> str:
    try:
        out = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).splitlines()[0].strip()
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def postgres_version(database_url: str) -> str | None:
    if not database_url:
        return None
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    url = make_url(database_url.format(tenant="x")).set(database="postgres")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SHOW server_version")).scalar()
    finally:
        engine.dispose()


def describe(database_url: str = "") -> dict:
    load1, load5, load15 = os.getloadavg()
    return {
        "date": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
        "host": platform.node(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "cpu": _cpu_model(),
        "load_average_at_start": [round(load1, 2), round(load5, 2), round(load15, 2)],
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version(database_url),
        "gunicorn": _package("gunicorn"),
        "flask": _package("flask"),
        "sqlalchemy": _package("sqlalchemy"),
        "wrk": _wrk_version(),
    }
