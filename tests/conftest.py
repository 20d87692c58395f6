# Fixtures come from ptcc.testing.pytest_plugin (registered as the `ptcc` pytest plugin).

import os

#: Drawn examples per route and method in tests/hostile (on top of its fixed sweeps): small
#: enough for CI, where the package runs on SQLite and PostgreSQL in a couple of minutes.
DEFAULT_HOSTILE_EXAMPLES = 6


def pytest_addoption(parser):
    group = parser.getgroup("hostile", "hostile-input tests (tests/hostile)")
    group.addoption("--hostile-examples", type=int,
                    default=int(os.environ.get("PTCC_HOSTILE_EXAMPLES", DEFAULT_HOSTILE_EXAMPLES)),
                    help="hypothesis examples drawn per route and method, besides the fixed sweeps; 0 runs "
                         f"the sweeps only (default {DEFAULT_HOSTILE_EXAMPLES}, or PTCC_HOSTILE_EXAMPLES)")
    group.addoption("--hostile-report", metavar="PATH", default="",
                    help="write every distinct failure found (input, status, exception, frames) to PATH as JSON")
    group.addoption("--hostile-seed", type=int, default=int(os.environ.get("PTCC_HOSTILE_SEED", 0)),
                    help="seed of the drawn examples (each route mixes in its name); change it to "
                         "explore other inputs with the same count")
