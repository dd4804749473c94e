"""The canonical text of an audit row, hashed into the chain.

The trigger of migration 0002 builds the same text in SQL, field for field:
change one, change the other (with a new migration), or every entry fails to
verify.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any


def canonical_text(row: Any) -> str:
    occurred = row.occurred_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return "|".join(
        [
            str(row.seq),
            occurred,
            "" if row.actor_user_id is None else str(row.actor_user_id),
            row.actor_role,
            row.action,
            ",".join(str(pk) for pk in row.client_ids),
            row.search_kind,
            row.request_id,
            row.ip or "",
            row.prev_hash,
        ]
    )


def row_hash(row: Any) -> str:
    return hashlib.sha256(canonical_text(row).encode()).hexdigest()
