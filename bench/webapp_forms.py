"""The patients' forms page and the forms screens of the web app (issue 21):
what a phone downloads, and how fast the page is ready for the date of birth.

    .venv/bin/python bench/webapp_forms.py [--runs 10]

Prints:
- the bytes of /forms/fill (webapp/forms.html's scripts and stylesheets, gzipped
  as the server sends them), and of the staff app's forms chunks (the builder
  page, loaded only under Settings > Forms);
- the time from navigation to the date-of-birth field drawn, in headless
  Chromium on a 390x844 viewport, each run in a new context (cold cache),
  against Django's live server thread (tests/browser.py).

Needs the built app (bin/webapp-build) and Debian's Chromium (tests/browser.py).
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys

from _django import ROOT, setup
from _frontdesk import frontdesk

# In the page before its scripts (init scripts are not subject to its CSP).
READY_CLOCK = """
new MutationObserver((_, observer) => {
  if (document.querySelector('input[type=date]')) {
    observer.disconnect();
    requestAnimationFrame(() => { window.__readyAt = performance.now(); });
  }
}).observe(document, {childList: true, subtree: true});
"""


def gzipped(names: list[str]) -> dict[str, int]:
    assets = ROOT / "webapp" / "dist" / "assets"
    return {n: len(gzip.compress((assets / n).read_bytes(), compresslevel=9)) for n in names}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    setup()
    sys.path.insert(0, str(ROOT))

    from tests.browser import CHROMIUM_FLAGS, LiveServer, chromium_path

    dist = ROOT / "webapp" / "dist"
    page_html = (dist / "forms.html").read_text()
    shipped = gzipped(re.findall(r'/app/assets/([^"]+\.(?:js|css))"', page_html))
    print(
        f"/forms/fill, scripts and styles gzipped: {sum(shipped.values()) / 1024:.1f} KB "
        f"in {len(shipped)} files ({', '.join(f'{n} {b / 1024:.1f}' for n, b in shipped.items())})"
    )
    builder = gzipped(
        [p.name for p in (dist / "assets").glob("FormsSettingsPage-*.js")]
        + [p.name for p in (dist / "assets").glob("FormRenderer-*.js")]
    )
    print(
        "staff app's forms chunks gzipped: "
        + ", ".join(f"{n} {b / 1024:.1f} KB" for n, b in builder.items())
    )

    desk = frontdesk()
    live = LiveServer()
    url = f"http://{desk.host}:{live.thread.port}/forms/fill#{'x' * 43}"
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        for _ in range(args.runs):
            context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
            context.add_init_script(READY_CLOCK)
            page = context.new_page()
            page.goto(url)
            page.wait_for_function("() => window.__readyAt !== undefined")
            times.append(page.evaluate("() => window.__readyAt"))
            context.close()
        browser.close()
    live.stop()
    print(
        f"navigation to the date-of-birth field drawn (390x844, cold): "
        f"median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, "
        f"max {max(times):.0f} ms (n={len(times)})"
    )


if __name__ == "__main__":
    main()
