"""What a console impersonation token may not do on the spa API.

Platform staff impersonating a member (shared_apps.accounts.services.
token_issue_impersonation) see and do the spa's work as that member: its
records, calendar, catalog and settings, within the member's role. What belongs
to the person or to the spa's owners stays theirs, so every root mutation of
accounts and of billing is refused with IMPERSONATION_FORBIDDEN (403) before
anything runs:
- no new credentials: `login`, `acceptInvitation` (each mints a token), nor a
  password (`changePassword`, `resetPassword`, `requestPasswordReset`);
- nothing about the person: `updateMe`, `logout`/`logoutEverywhere` (an
  impersonation ends at the console, or by itself when it expires);
- nothing about the team: invitations, roles, (de)activation;
- no billing: checkout, portal, plan changes, cancellation.
The list is the two apps' mutation roots, so a mutation added to either is
refused too. Queries are all allowed (each read of client records is logged as
the staff member). `password_change` refuses such a token itself as well.

Wired as a `before_execution` check of the spa's GraphQL view (config/urls_tenant.py).
"""

from __future__ import annotations

from django.http import HttpRequest
from graphene.utils.str_converters import to_camel_case

from core.graphql.errors import RequestRefusal
from shared_apps.accounts.graphql.mutations import AccountMutations
from shared_apps.billing.graphql.mutations import BillingMutations

IMPERSONATION_FORBIDDEN_MUTATIONS: frozenset[str] = frozenset(
    to_camel_case(name)
    for root in (AccountMutations, BillingMutations)
    for name in root._meta.fields  # type: ignore[attr-defined]
)


def impersonation_guard(request: HttpRequest, fields: list[str]) -> None:
    """Refuse the request if it is an impersonation and selects a forbidden root
    field. (No query field shares one of these names: a test holds that.)"""
    if getattr(request, "impersonated_by", None) is None:
        return
    refused = sorted(IMPERSONATION_FORBIDDEN_MUTATIONS.intersection(fields))
    if refused:
        raise RequestRefusal(
            status=403,
            code="IMPERSONATION_FORBIDDEN",
            message=f"A support session (impersonation) cannot run {', '.join(refused)}.",
        )
