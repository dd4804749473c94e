"""Which constraint a write violated, on plain PostgreSQL and on Citus alike.

Services turn a lost race on a constraint into a coded error (SLOT_TAKEN,
NAME_TAKEN) by the constraint's name in the error. On Citus the error comes from
the worker's shard, whose constraints carry the shard's id
(`appointment_provider_no_overlap_102950`), and Citus passes on the message but
not the constraint field (13.2: `diag.constraint_name` is None), so the name is
read from the message when the field is empty (PostgreSQL's messages, in the
server's default English: `lc_messages` must stay 'C' or 'en'). Either way
`violated_constraint` answers the name the model declares.

Citus hashes a name that the shard id would push past PostgreSQL's 63
characters, so names a service matches on must leave room for the suffix
(`SHARD_SAFE_NAME_LENGTH`; tests/core/test_integrity.py checks every one).
"""

from __future__ import annotations

import re
from collections.abc import Collection

# 63, less "_" and a shard id of up to 10 digits.
SHARD_SAFE_NAME_LENGTH = 52

_SHARD_SUFFIX = re.compile(r"_\d+$")
# "duplicate key value violates unique constraint "x"", "... exclusion constraint "x"", ...
_IN_MESSAGE = re.compile(r'constraint "([^"]+)"')


def violated_constraint(exc: BaseException, among: Collection[str]) -> str | None:
    """The name, of those in `among`, of the constraint whose violation raised
    `exc` (a Django IntegrityError, or the driver's own); None for any other."""
    cause = exc.__cause__ if exc.__cause__ is not None else exc
    diag = getattr(cause, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if not name:
        found = _IN_MESSAGE.search(getattr(diag, "message_primary", None) or "")
        name = found.group(1) if found else None
    if not name:
        return None
    if name in among:
        return name
    base = _SHARD_SUFFIX.sub("", name)
    return base if base != name and base in among else None
