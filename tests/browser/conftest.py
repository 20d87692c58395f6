"""A live server and the system Chromium driven by Playwright.

Chromium resolves every ``*.test`` host to 127.0.0.1, so pages are fetched by
their territory's real host name (``http://alpha.test:<port>/``).
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE_JS = None
try:
    import axe_playwright_python

    AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
except ImportError:  # the test extra is not installed
    pass

pytestmark = pytest.mark.browser


def _skip_or_fail(reason: str):
    if os.environ.get("PTCC_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (PTCC_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture
def live_server(app, ptcc_backend):
    if ptcc_backend != "sqlite":
        pytest.skip("browser journeys run once, on SQLite")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        _skip_or_fail("Chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--host-resolver-rules=MAP *.test 127.0.0.1",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        folder = Path("test-artifacts")
        folder.mkdir(exist_ok=True)
        page.screenshot(path=str(folder / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def site(live_server):
    """``site("alpha", "/account/login")`` -> the absolute URL on that territory's host."""
    port = live_server.rsplit(":", 1)[1]

    def url(slug: str, path: str = "/") -> str:
        return f"http://{slug}.test:{port}{path}"

    return url


@pytest.fixture
def axe():
    """``axe(page)`` runs axe-core's WCAG 2.1 A/AA rules and returns the violations."""
    if AXE_JS is None or not AXE_JS.exists():
        _skip_or_fail("axe-core is not installed (pip install axe-playwright-python)")
    source = AXE_JS.read_text(encoding="utf-8")

    def run(page):
        page.evaluate(source)
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"
        )
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — " + ", ".join(n["target"][0] for n in v["nodes"][:5])
            for v in result["violations"]
        ]

    return run
