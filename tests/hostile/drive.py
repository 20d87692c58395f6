"""One example from end to end, and the failures of one route gathered by cause.

Failures are collected rather than raised: one run then reports every distinct
failure of a route (a NUL byte and a huge integer are two causes), and a failing
example does not stop the others. Each example starts from seeded territories:
after any write (accepted or not) the seeded rows are put back, so examples do not
depend on each other and a destructive one (account deletion, password change, a role
lost) cannot spoil the next.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from tests.hostile.checks import Failure, captured_errors, check_answer, check_content_pages, check_escaped_exception
from tests.hostile.examples import HostileRequest
from tests.hostile.routes import Route
from tests.hostile.sending import prepare
from tests.hostile.surface import Surface
from tests.hostile.world import World

#: PTCC_HOSTILE_TRACE=300 prints each example's status and input (cut to that many characters).
TRACE = int(os.environ.get("PTCC_HOSTILE_TRACE") or 0)


def _from_the_app(exc_info) -> bool:
    """Whether the exception went through Flask (else the test machinery is at fault)."""
    tb = exc_info[2]
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(("flask/app.py", "werkzeug/test.py")) and \
                tb.tb_frame.f_code.co_name in ("wsgi_app", "full_dispatch_request", "run_wsgi_app"):
            return True
        tb = tb.tb_next
    return False


def exercise(world: World, surface: Surface, route: Route, request: HostileRequest) -> list[Failure]:
    before = world.digests()
    prepared = prepare(world, route, request)
    with captured_errors() as errors:
        try:
            response = prepared.send()
        except Exception:
            exc_info = sys.exc_info()
            if not _from_the_app(exc_info):
                raise
            world.restore()
            return [check_escaped_exception(request, prepared.url, exc_info)]
    after = world.digests(refresh=True)
    status = response.status_code
    failures = check_answer(request, prepared.url, response, before, after, errors)
    if TRACE:
        print(f"{status} {'wrote ' if after != before else ''}{request!r}"[:TRACE])
    if after != before:
        if status < 400 and request.is_hostile:
            failures += check_content_pages(world, surface.content_pages, request, response)
        world.restore()
    return failures


@dataclass
class Findings:
    """The failures of one route by signature; each reported with its shortest input."""

    route: Route
    examples: int = 0
    by_signature: dict[tuple, list[Failure]] = field(default_factory=dict)

    def add(self, failures: list[Failure]) -> None:
        self.examples += 1
        for failure in failures:
            self.by_signature.setdefault(failure.signature, []).append(failure)

    def __bool__(self) -> bool:
        return bool(self.by_signature)

    def report(self) -> str:
        lines = [f"{self.route.method} {self.route.rule} ({self.route.endpoint}): "
                 f"{len(self.by_signature)} distinct failure(s) in {self.examples} examples"]
        for number, failures in enumerate(self.by_signature.values(), 1):
            first = min(failures, key=lambda failure: len(failure.request))
            lines.append(f"\n[{number}] {first.check}, status {first.status} — seen {len(failures)} time(s)")
            if first.error:
                lines.append(f"    {first.error}")
                lines.append(f"    raised at {first.raised_at}")
                if first.project_frame and first.project_frame != first.raised_at:
                    lines.append(f"    in the project at {first.project_frame}")
            if first.detail:
                lines.append(f"    {first.detail[:400]!s}")
            lines.append(f"    input: {first.request}")
            lines.append(f"    sent: {first.url}")
            if first.traceback:
                lines.append("    traceback (the project's frames, then the innermost):")
                lines += [f"      {line}" for line in first.traceback.rstrip().splitlines()]
        return "\n".join(lines)
