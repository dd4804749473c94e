"""The staff web app in Chromium (issue 19): what it ships and how fast a busy
day draws.

    .venv/bin/python bench/webapp.py [--runs 10] [--screenshot docs/webapp-day.png]

Prints:
- the JavaScript a browser loads before the first render (the entry script and
  what it imports statically, gzipped as the server sends it; target < 250 KB),
  and before the calendar renders (plus the calendar's own chunk);
- the time from navigation to a rendered day of 100 appointments (bench/_frontdesk.py's
  calendar, 10 provider columns) in headless Chromium, with a cold cache (a new
  browser context each run) and warm (reloads in one context);
- the GraphQL requests that view makes, by operation (target: at most two, no waterfall).

The server is gunicorn as production runs it (platform/gunicorn.conf.py,
config.settings.prod, 2 workers; bench/load.py's start_server), or Django's live
server thread with --live-server.

Needs the built app (bin/webapp-build) and Debian's Chromium (tests/browser.py).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys

from _django import ROOT, setup
from _frontdesk import DAY, frontdesk

# Run in the page before its own scripts (init scripts are not subject to its
# CSP): the time of the first frame after the 100th appointment is in the DOM.
DRAWN_CLOCK = """
new MutationObserver((_, observer) => {
  if (document.querySelectorAll('.rbc-event').length >= 100) {
    observer.disconnect();
    requestAnimationFrame(() => { window.__drawnAt = performance.now(); });
  }
}).observe(document, {childList: true, subtree: true});
"""


def shipped_js() -> dict[str, int]:
    """Gzipped bytes of the entry script and its static imports (modulepreload)."""
    dist = ROOT / "webapp" / "dist"
    index = (dist / "index.html").read_text()
    names = re.findall(r'(?:src|href)="/app/assets/([^"]+\.js)"', index)
    sizes = {}
    for name in names:
        sizes[name] = len(gzip.compress((dist / "assets" / name).read_bytes(), compresslevel=9))
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--screenshot", metavar="PNG", help="save the drawn day (1280x800) here")
    parser.add_argument("--live-server", action="store_true", help="Django's live server thread")
    args = parser.parse_args()
    setup()
    sys.path.insert(0, str(ROOT))

    from tests.browser import CHROMIUM_FLAGS, LiveServer, chromium_path

    desk = frontdesk()
    if args.live_server:
        live = LiveServer()
        port, stop = live.thread.port, live.stop
    else:
        import tempfile
        from pathlib import Path

        from load import free_port, start_server, stop_server

        port = free_port()
        # Production wants a mail backend that sends; nothing here sends mail.
        os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
        log = Path(tempfile.mkdtemp(prefix="bench-webapp-")) / "gunicorn.log"
        process = start_server(port, 2, log)
        stop = lambda: stop_server(process)  # noqa: E731
    origin = f"http://{desk.host}:{port}"
    url = f"{origin}/app/calendar?location={desk.location_id}&date={DAY.isoformat()}&view=day"
    entry = shipped_js()
    print(f"entry JS, gzipped: {sum(entry.values()) / 1024:.1f} KB ({', '.join(entry)})")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)

        def one_run(context) -> dict:
            page = context.new_page()
            graphql: list[str] = []
            scripts: dict[str, int] = {}

            def on_request(request) -> None:
                if request.url.endswith("/graphql/"):
                    body = json.loads(request.post_data or "{}")
                    graphql.append(body.get("operationName") or "?")

            def on_finished(request) -> None:
                if request.resource_type == "script":
                    scripts[request.url.rsplit("/", 1)[-1]] = request.sizes()["responseBodySize"]

            page.on("request", on_request)
            page.on("requestfinished", on_finished)
            page.goto(url)
            page.locator(".rbc-event").nth(99).wait_for()
            # The time the page itself noted (DRAWN_CLOCK): not Playwright's
            # round trip back to this process, which a loaded machine lengthens.
            page.wait_for_function("() => window.__drawnAt !== undefined")
            ms = page.evaluate("() => window.__drawnAt")
            timings = page.evaluate(
                """() => [performance.getEntriesByType('navigation')[0]]
                    .map(e => ['(the page)', Math.round(e.requestStart), Math.round(e.responseEnd)])
                    .concat(performance.getEntriesByType('resource').map(e =>
                    [e.name.split('/').pop().split('?')[0] || e.name.split('/').slice(-2)[0],
                     Math.round(e.startTime), Math.round(e.responseEnd)]))"""
            )
            drawn = page.locator(".rbc-event").count()
            page.close()
            return {
                "ms": ms,
                "graphql": graphql,
                "scripts": scripts,
                "events": drawn,
                "timings": timings,
            }

        def signed_in_context():
            # Signed in without loading anything first (the cache stays cold):
            # the token is put in storage before any page script runs.
            context = browser.new_context(locale="en-US", timezone_id="America/New_York")
            # As the TLS proxy in front of production says (else a redirect to https).
            context.set_extra_http_headers({"X-Forwarded-Proto": "https"})
            session = json.dumps({"token": desk.token, "expiresAt": None})
            context.add_init_script(
                f"if (!localStorage.getItem('medspa.session')) "
                f"localStorage.setItem('medspa.session', {json.dumps(session)})"
            )
            context.add_init_script(DRAWN_CLOCK)
            return context

        cold = []
        first: dict = {}
        for _ in range(args.runs):
            context = signed_in_context()
            result = one_run(context)
            first = first or result
            cold.append(result["ms"])
            context.close()
        context = signed_in_context()
        one_run(context)
        warm_runs = [one_run(context) for _ in range(args.runs)]
        warm = [r["ms"] for r in warm_runs]
        if args.screenshot:
            page = context.new_page()
            page.set_viewport_size({"width": 1280, "height": 800})
            page.goto(url)
            page.locator(".rbc-event").nth(99).wait_for()
            page.screenshot(path=args.screenshot)
            page.close()
        context.close()
        browser.close()
    stop()

    transferred = sum(first["scripts"].values())
    print(
        f"JS transferred to the rendered day (gzip, as served): {transferred / 1024:.1f} KB "
        f"in {len(first['scripts'])} files"
    )
    print(f"appointments drawn: {first['events']}")
    for label, run in (("first cold run", first), ("last warm run", warm_runs[-1])):
        print(f"{label}, what loaded when (ms from navigation: start, end):")
        for name, start, end in run["timings"]:
            print(f"    {name[:60]:<60} {start:>6} {end:>6}")
        print(f"    {'100 appointments drawn':<60} {run['ms']:>13.0f}")
    print(f"GraphQL requests for the day view: {len(first['graphql'])} {first['graphql']}")
    for label, times in (("cold (new context)", cold), ("warm (reload)", warm)):
        print(
            f"navigation to 100 drawn appointments, {label}: "
            f"median {statistics.median(times):.0f} ms, "
            f"min {min(times):.0f} ms, max {max(times):.0f} ms (n={len(times)})"
        )


if __name__ == "__main__":
    main()
