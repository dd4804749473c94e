"""Bearer-token authentication for the spa API (after routing has chosen the spa).

- no Authorization header: anonymous (`request.membership = None`); resolvers
  that need a member answer UNAUTHENTICATED;
- `Authorization: Bearer <token>` valid for this spa: `request.user`,
  `request.membership` (with its role) and `request.api_token` are set;
- any other Authorization header, or a token that is unknown, expired, revoked,
  of another spa, or of a deactivated member: 401 with code UNAUTHENTICATED,
  before any resolver runs.
The token is never logged or echoed. There are no cookies, so no CSRF surface.

A console impersonation token (platform staff acting as the member, for
support) also sets `request.impersonated_by` (the staff member's User; None
otherwise), which the audit log records with every access, and every response
to it carries `X-Impersonated-By: <staff email>` so that what support sees is
visibly marked (the API's `me.impersonation` says the same, with the reason
and the expiry).

The public booking API (`/booking/...`) takes no sign-in: an Authorization
header there is ignored, neither checked nor honoured, so patients' requests
always run as nobody (and a staff token sent there gives it no powers).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse

from shared_apps.accounts.services.tokens import token_authenticate
from tenants.middleware import error_response

# Paths that never authenticate (the patients' booking API).
UNAUTHENTICATED_PATH_PREFIXES = ("/booking/",)
IMPERSONATION_HEADER = "X-Impersonated-By"


class BearerTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = AnonymousUser()  # type: ignore[assignment]
        request.membership = None  # type: ignore[attr-defined]
        request.api_token = None  # type: ignore[attr-defined]
        request.impersonated_by = None  # type: ignore[attr-defined]
        spa = getattr(request, "spa", None)
        header = request.headers.get("Authorization")
        if (
            spa is not None
            and header is not None
            and not request.path.startswith(UNAUTHENTICATED_PATH_PREFIXES)
        ):
            scheme, _, secret = header.partition(" ")
            token = (
                token_authenticate(secret=secret.strip(), spa=spa)
                if scheme.lower() == "bearer"
                else None
            )
            if token is None:
                response = error_response(
                    request,
                    status=401,
                    code="UNAUTHENTICATED",
                    message="The access token is invalid or has expired. Sign in again.",
                )
                response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
                return response
            request.api_token = token  # type: ignore[attr-defined]
            request.membership = token.membership  # type: ignore[attr-defined]
            request.user = token.membership.user
            request.impersonated_by = token.impersonated_by  # type: ignore[attr-defined]
        response = self.get_response(request)
        impersonator = request.impersonated_by  # type: ignore[attr-defined]
        if impersonator is not None:
            response[IMPERSONATION_HEADER] = impersonator.email
        return response
