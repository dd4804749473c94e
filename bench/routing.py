"""What routing costs per request, with 1 spa and with 500.

    .venv/bin/python bench/routing.py [--spas 500] [--requests 20000]

For each spa count it prints:
- middleware, warm: SpaRoutingMiddleware.process_request on a warm process
  (host parsed, cache hit, status gate, schema selected), requests spread over
  every spa's host;
- middleware, cold: the same with the cache emptied before each request and
  the directory too big to fill (SPA_ROUTING_FILL_LIMIT 0): one domain + spa
  query per request, as past the fill limit;
- fill: a cold process's first lookup, which loads every verified domain with
  its spa in one query (tenants/routing.py);
- full request: a `{ spa { slug } }` GraphQL request through Django's whole stack
  (test client), hosts alternating, so search_path changes on every request.
"""

from __future__ import annotations

import argparse
import time

from _django import setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spas", type=int, default=500)
    parser.add_argument("--requests", type=int, default=20000)
    args = parser.parse_args()
    setup()

    from django.conf import settings
    from django.http import HttpResponse
    from django.test import Client, RequestFactory

    from shared_apps.lifecycle.services import spa_provision
    from tenants.middleware import SpaRoutingMiddleware
    from tenants.models import Spa
    from tenants.routing import directory

    middleware = SpaRoutingMiddleware(lambda request: HttpResponse())
    factory = RequestFactory()

    def ensure_spas(count: int) -> list[str]:
        have = Spa.objects.count()
        for i in range(have, count):
            spa_provision(
                slug=f"route-{i}", name=f"Spa {i}", timezone_name="UTC", owner_email="o@b.example"
            )
        return [f"route-{i}.{settings.ROOT_DOMAIN}" for i in range(count)]

    def per_request_us(hosts: list[str], n: int, *, cold: bool) -> float:
        requests = [factory.get("/graphql/", HTTP_HOST=hosts[i % len(hosts)]) for i in range(n)]
        # Steady state: the version read after the spas were made (one refill),
        # then every host cached. Checks during the timed loop (one a second)
        # find nothing new, as in a process between routing changes.
        directory.check_version()
        for request in requests[: len(hosts)]:
            middleware.process_request(request)
        started = time.perf_counter()
        for request in requests:
            if cold:
                directory.invalidate()
            middleware.process_request(request)
        return (time.perf_counter() - started) / n * 1e6

    def fill_us(hosts: list[str], n: int) -> float:
        request = factory.get("/graphql/", HTTP_HOST=hosts[-1])
        started = time.perf_counter()
        for _ in range(n):
            directory.invalidate()
            middleware.process_request(request)
        return (time.perf_counter() - started) / n * 1e6

    def full_request_us(hosts: list[str], n: int) -> float:
        clients = [Client(HTTP_HOST=host) for host in hosts]
        body = '{"query": "{ spa { slug } }"}'
        directory.check_version()
        for client in clients:
            client.post("/graphql/", body, content_type="application/json")
        started = time.perf_counter()
        for i in range(n):
            response = clients[i % len(clients)].post(
                "/graphql/", body, content_type="application/json"
            )
            assert response.status_code == 200, response.content
        return (time.perf_counter() - started) / n * 1e6

    print(
        f"{'spas':>5}  {'middleware warm':>16}  {'middleware cold':>16}  {'fill':>12}  "
        f"{'full request':>14}"
    )
    fill_limit = settings.SPA_ROUTING_FILL_LIMIT
    for count in (1, args.spas):
        hosts = ensure_spas(count)
        warm = per_request_us(hosts, args.requests, cold=False)
        settings.SPA_ROUTING_FILL_LIMIT = 0
        cold = per_request_us(hosts, max(args.requests // 10, 100), cold=True)
        settings.SPA_ROUTING_FILL_LIMIT = fill_limit
        fill = fill_us(hosts, 50)
        full = full_request_us(hosts, max(args.requests // 10, 100))
        print(f"{count:>5}  {warm:>13.1f} us  {cold:>13.1f} us  {fill:>9.0f} us  {full:>11.1f} us")


if __name__ == "__main__":
    main()
