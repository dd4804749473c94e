"""Small request helpers shared by the apps."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address as the project trusts it: settings.CLIENT_IP_HEADER
    (set by the proxy in front, e.g. Fly-Client-IP), else the socket's."""
    for key in (settings.CLIENT_IP_HEADER, "REMOTE_ADDR"):
        value = (request.META.get(key) or "").split(",")[0].strip()
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            continue
    return None
