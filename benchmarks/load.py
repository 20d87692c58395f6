"""Load runs with wrk against the local server, and what comes out of them.

Each run is bounded: ``--duration`` seconds (wrk stops by itself), a fixed number of
connections, a per-request ``--timeout``, and a wall-clock limit on the wrk process on top.
Only 127.0.0.1 is ever addressed; the territory is chosen with the ``Host`` header.

wrk is a closed-loop generator: each connection sends its next request when the previous
answer has arrived, so throughput is what the server sustains at that concurrency, and
latency percentiles are those of the requests actually sent (no coordinated-omission
correction). It runs on the same machine as the server and takes some of its CPU.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

WRK = shutil.which("wrk") or "/usr/bin/wrk"
LUA_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"


class LoadError(RuntimeError):
    pass


@dataclass
class LoadResult:
    name: str
    path: str
    host: str
    duration_s: float
    connections: int
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    #: Answers outside 200–299, by status.
    non2xx: int
    non2xx_by_status: dict = field(default_factory=dict)
    #: wrk's socket errors: connect, read, write, timeout.
    socket_errors: dict = field(default_factory=dict)
    bytes_per_response: float = 0.0
    #: Filled in by the caller: this run's throughput as a share of /healthz's.
    healthz_share: float | None = None
    #: Workers gunicorn started during the run (recycling after max_requests).
    worker_restarts: int = 0
    #: "hit": the page came from the anonymous page cache; "varied": another path each
    #: request (rendered every time); "": never kept (signed in, streamed, /healthz).
    page_cache: str = ""
    #: False: wrk's script did not read the answers (large ones); statuses >= 400 counted by wrk.
    bodies_read: bool = True

    @property
    def errors(self) -> int:
        return self.non2xx + sum(self.socket_errors.values())

    def as_dict(self) -> dict:
        data = asdict(self)
        data["errors"] = self.errors
        return data


def wrk_command(url: str, output: Path, duration: int, connections: int, threads: int,
                headers: dict[str, str], hosts_file: Path | None, timeout: int,
                paths_file: Path | None = None, bodies: bool = True) -> list[str]:
    # wrk reads whole seconds only ("0.5s" is refused).
    command = [WRK, f"--threads={threads}", f"--connections={connections}", f"--duration={max(1, int(duration))}s",
               f"--timeout={max(1, int(timeout))}s", f"--script={LUA_SCRIPT}"]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    command += [url, "--", str(output)]
    if hosts_file is not None:
        command.append(f"hosts={hosts_file}")
    if paths_file is not None:
        command.append(f"paths={paths_file}")
    if not bodies:
        command.append("nobodies")
    return command


def run(name: str, port: int, path: str, host: str | list[str], duration: int, connections: int = 16,
        threads: int = 1, cookie: str = "", timeout: int = 30, paths: list[str] | None = None,
        headers: dict[str, str] | None = None, bodies: bool = True) -> LoadResult:
    """One wrk run on http://127.0.0.1:port/path; ``host`` may be a list (round-robin), and so
    may the path (``paths``: each request takes the next one). ``bodies=False``: answers are
    not read by the script (large ones), and only those >= 400 count as errors."""
    url = f"http://127.0.0.1:{port}{path}"
    headers = dict(headers or {})
    if cookie:
        headers["Cookie"] = cookie
    with tempfile.TemporaryDirectory(prefix="ptcc-wrk-") as folder:
        output = Path(folder) / "result.json"
        hosts_file = None
        if isinstance(host, list):
            hosts_file = Path(folder) / "hosts.txt"
            hosts_file.write_text("\n".join(host) + "\n")
            label = f"{len(host)} hosts, {host[0]}…" if len(host) > 1 else host[0]
        else:
            headers["Host"] = host
            label = host
        paths_file = None
        if paths:
            paths_file = Path(folder) / "paths.txt"
            paths_file.write_text("\n".join(paths) + "\n")
        command = wrk_command(url, output, duration, connections, threads, headers, hosts_file, timeout,
                              paths_file, bodies)
        try:
            finished = subprocess.run(command, capture_output=True, text=True,
                                      timeout=duration + timeout + 30, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise LoadError(f"wrk did not stop by itself: {' '.join(command)}") from exc
        if finished.returncode != 0 or not output.exists():
            raise LoadError(f"wrk failed ({finished.returncode}): {finished.stderr.strip() or finished.stdout}")
        raw = json.loads(output.read_text())
    return from_wrk(name, path, label, connections, raw, bodies)


def from_wrk(name: str, path: str, host: str, connections: int, raw: dict, bodies: bool = True) -> LoadResult:
    seconds = raw["duration_us"] / 1e6
    percentiles = raw["latency_us"]["percentiles"]
    requests = raw["requests"]
    errors = raw["errors"]
    return LoadResult(
        name=name, path=path, host=host, duration_s=round(seconds, 2), connections=connections,
        requests=requests, rps=requests / seconds if seconds else 0.0,
        p50_ms=percentiles["50"] / 1000, p95_ms=percentiles["95"] / 1000, p99_ms=percentiles["99"] / 1000,
        max_ms=raw["latency_us"]["max"] / 1000,
        # wrk's "status" error is an answer >= 400, counted in non2xx by the script when it reads
        # the answers.
        non2xx=raw["non2xx"] if bodies else errors["status"],
        non2xx_by_status=raw["non2xx_by_status"] if bodies else ({">=400": errors["status"]} if errors["status"] else {}),
        socket_errors={kind: errors[kind] for kind in ("connect", "read", "write", "timeout") if errors[kind]},
        bytes_per_response=raw["bytes"] / requests if requests else 0.0, bodies_read=bodies,
    )
