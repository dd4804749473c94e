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

Needs the built app (bin/webapp-build) and Debian's Chromium (tests/browser.py).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys

from _django import ROOT, setup
from _frontdesk import DAY, frontdesk


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
    args = parser.parse_args()
    setup()
    sys.path.insert(0, str(ROOT))

    from tests.browser import CHROMIUM_FLAGS, LiveServer, chromium_path

    desk = frontdesk()
    server = LiveServer()
    origin = f"http://{desk.host}:{server.thread.port}"
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
            ms = page.evaluate("() => performance.now()")
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
            session = json.dumps({"token": desk.token, "expiresAt": None})
            context.add_init_script(
                f"if (!localStorage.getItem('medspa.session')) "
                f"localStorage.setItem('medspa.session', {json.dumps(session)})"
            )
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
        warm = [one_run(context)["ms"] for _ in range(args.runs)]
        if args.screenshot:
            page = context.new_page()
            page.set_viewport_size({"width": 1280, "height": 800})
            page.goto(url)
            page.locator(".rbc-event").nth(99).wait_for()
            page.screenshot(path=args.screenshot)
            page.close()
        context.close()
        browser.close()
    server.stop()

    transferred = sum(first["scripts"].values())
    print(
        f"JS transferred to the rendered day (gzip, as served): {transferred / 1024:.1f} KB "
        f"in {len(first['scripts'])} files"
    )
    print(f"appointments drawn: {first['events']}")
    print("first cold run, what loaded when (ms from navigation: start, end):")
    for name, start, end in first["timings"]:
        print(f"    {name[:60]:<60} {start:>6} {end:>6}")
    print(f"GraphQL requests for the day view: {len(first['graphql'])} {first['graphql']}")
    for label, times in (("cold (new context)", cold), ("warm (reload)", warm)):
        print(
            f"navigation to 100 drawn appointments, {label}: "
            f"median {statistics.median(times):.0f} ms, "
            f"min {min(times):.0f} ms, max {max(times):.0f} ms (n={len(times)})"
        )


if __name__ == "__main__":
    main()
