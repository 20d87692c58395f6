"""Screenshots of a running demo, for the README and for reviewing the design on a phone.

    .venv/bin/ptcc demo
    PTCC_OUTBOX_INLINE=1 PTCC_PLATFORM_URL=http://localhost:5062 .venv/bin/ptcc run --host 127.0.0.1 --port 5062
    .venv/bin/python docs/screenshots/take.py http://localhost:5062

It serves nothing itself: it opens the demo's home page, its directory, an organisation of the
directory and, signed in as the demo administrator, the moderation queue, at 390 px (a phone)
and 1280 px (a laptop), and writes docs/screenshots/<page>-<width>.png (the viewport only, so
the files stay small). Needs Playwright and Chromium (/usr/bin/chromium by default).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
WIDTHS = {390: 844, 1280: 800}  # width: height of the viewport


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="address of the running platform, e.g. http://localhost:5062")
    parser.add_argument("--territory", default="lyon", help="demo territory slug (default: lyon)")
    parser.add_argument("--email", default=None, help="administrator (default: admin@<territory>.demo)")
    parser.add_argument("--password", default="demo-ptcc-2026", help="the demo accounts' password")
    parser.add_argument("--locale", default="fr-FR", help="browser language (default: fr-FR)")
    parser.add_argument("--out", type=Path, default=HERE, help="folder of the PNG files")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    base = f"{args.url.rstrip('/')}/t/{args.territory}"
    email = args.email or f"admin@{args.territory}.demo"
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"])
        for width, height in WIDTHS.items():
            context = browser.new_context(locale=args.locale, viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(15_000)

            def shoot(name: str, url: str) -> None:
                response = page.goto(url)
                if response is None or response.status >= 400:
                    raise SystemExit(f"{url}: HTTP {response.status if response else '?'}")
                path = args.out / f"{name}-{width}.png"
                page.screenshot(path=str(path))
                written.append(path)

            shoot("home", f"{base}/")
            shoot("directory", f"{base}/organisations/")
            first = page.locator("main .cards .card-title a").first
            organisation = first.get_attribute("href")
            if not organisation:
                raise SystemExit("the directory lists no organisation: is the demo built (ptcc demo)?")
            shoot("organisation", args.url.rstrip("/") + organisation if organisation.startswith("/") else organisation)

            page.goto(f"{base}/account/login")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", args.password)
            page.locator("main form button[type=submit]").first.click()
            page.wait_for_load_state()
            if "/account/login" in page.url:
                raise SystemExit(f"could not sign in as {email}")
            shoot("queue", f"{base}/organisations/queue")
            context.close()
        browser.close()
    for path in written:
        print(f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path} "
              f"({path.stat().st_size // 1024} kB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
