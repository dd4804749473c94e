"""Reads of client records. Callers log what they return (the GraphQL layer does
it for every client it serialises: tenant_apps/audit/services.py)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQueryField, SearchRank
from django.db.models import BooleanField, F, FloatField, Func, Q, QuerySet, Value
from django.db.models.functions import Cast, Lower

from tenant_apps.audit.models import SearchKind
from tenant_apps.clients.models import Client

DUPLICATES_SHOWN = 10
# Shorter terms match too much of a large spa to be worth ranking.
SEARCH_MIN_LENGTH = 2
# Longer searches are refused (SEARCH_TOO_LONG), not trimmed: every word is
# required, so dropping some would answer a different question. A prefix term
# costs PostgreSQL a scan of the index's matching entries, so tens of thousands
# of them run for minutes; nobody types more than a few words into a search box.
# A word may be a whole email address, stored up to 254 characters.
SEARCH_MAX_WORDS = 8
SEARCH_MAX_WORD_LENGTH = 254
SEARCH_MAX_LENGTH = 300

_TERM = re.compile(r"[\w@.+-]+")
_PHONE_CHARACTERS = re.compile(r"^[\d\s().+-]+$")


class _Matches(Func):
    """`document @@ query`, with the query as built (Django's own lookup would
    re-parse it with plainto_tsquery)."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def client_list(*, include_archived: bool = False, tag: str | None = None) -> QuerySet[Client]:
    clients = Client.objects.all()
    if not include_archived:
        clients = clients.filter(archived_at__isnull=True)
    if tag:
        clients = clients.filter(tags__contains=[tag])
    return clients


def client_get(*, client_id: int | None) -> Client | None:
    if client_id is None:
        return None
    return Client.objects.filter(pk=client_id).first()


class SearchTooLong(Exception):
    """The search has more words, or longer ones, than a search may have."""


@dataclass(frozen=True)
class ClientSearch:
    kind: str  # a SearchKind: what the audit log records instead of the terms
    clients: QuerySet[Client]  # annotated with `rank`


def search_kind(text: str) -> str:
    if "@" in text:
        return SearchKind.EMAIL
    if _PHONE_CHARACTERS.match(text) and sum(c.isdigit() for c in text) >= SEARCH_MIN_LENGTH:
        return SearchKind.PHONE
    return SearchKind.NAME


def _tsquery(text: str, kind: str) -> str | None:
    """A prefix tsquery for the terms, every term required. Built as tsquery text
    (not through to_tsquery's parser) so the terms are matched as typed, and
    made only of characters that need no quoting."""
    if kind == SearchKind.PHONE:
        digits = re.sub(r"\D", "", text)
        # A national number may be typed with its trunk zero ("07911 ...") or be
        # the last four digits ("0101"): try it with and without.
        national = digits.lstrip("0")
        if len(digits) < SEARCH_MIN_LENGTH:
            return None
        if national and national != digits:
            return f"'{digits}':* | '{national}':*"
        return f"'{digits}':*"
    else:
        terms = [t.strip(".-+") for t in _TERM.findall(text.lower())]
        terms = [t for t in terms if t]
    if len(terms) > SEARCH_MAX_WORDS:
        raise SearchTooLong(f"Search with at most {SEARCH_MAX_WORDS} words.")
    if terms and max(len(t) for t in terms) > SEARCH_MAX_WORD_LENGTH:
        raise SearchTooLong(f"Keep each word to {SEARCH_MAX_WORD_LENGTH} characters.")
    if not terms or max(len(t) for t in terms) < SEARCH_MIN_LENGTH:
        return None
    return " & ".join(f"'{term}':*" for term in terms)


def client_search(
    *, text: str, include_archived: bool = False, tag: str | None = None
) -> ClientSearch | None:
    """Clients matching every term by prefix (names, email, phone), best first.
    None when the text has nothing to search for; SearchTooLong past
    SEARCH_MAX_LENGTH characters, SEARCH_MAX_WORDS words or a word of
    SEARCH_MAX_WORD_LENGTH (checked before the text is parsed)."""
    text = text.strip()
    if len(text) > SEARCH_MAX_LENGTH:
        raise SearchTooLong(f"Keep searches to {SEARCH_MAX_LENGTH} characters.")
    kind = search_kind(text)
    query_text = _tsquery(text, kind)
    if query_text is None:
        return None
    query = Cast(Value(query_text), output_field=SearchQueryField())
    clients = (
        client_list(include_archived=include_archived, tag=tag)
        .filter(_Matches(F("search_document"), query))
        # ts_rank is a float4, whose text form does not round-trip through a
        # Python float: as a float8 the cursor compares equal to the row again.
        .annotate(rank=Cast(SearchRank(F("search_document"), query), FloatField()))
    )
    return ClientSearch(kind=kind, clients=clients)


def client_find_duplicates(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None,
    email: str,
    phone: str,
    exclude_id: int | None = None,
) -> list[Client]:
    """Clients that are likely the same person: the same email, the same phone,
    or the same name (ignoring case) and date of birth. Archived ones count too
    (restore rather than recreate), merged ones do not."""
    match = Q()
    if email:
        match |= Q(email=email)
    if phone:
        match |= Q(phone=phone)
    if date_of_birth is not None:
        match |= Q(
            first_lower=first_name.lower(),
            last_lower=last_name.lower(),
            date_of_birth=date_of_birth,
        )
    if not match:
        return []
    candidates = (
        Client.objects.annotate(first_lower=Lower("first_name"), last_lower=Lower("last_name"))
        .filter(match, merged_into__isnull=True)
        .order_by("last_name", "first_name", "id")
    )
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    return list(candidates[:DUPLICATES_SHOWN])
