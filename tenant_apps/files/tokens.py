"""The token of a signed file URL (`/files/<token>`): django.core.signing with
its own salt, holding the spa's schema name, the file's id, the member it was
made for (None: any signed-in member), whether to download, and when it
expires. No name, no key of the storage: nothing a log of the URL could leak.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core import signing

SALT = "files.url"


@dataclass(frozen=True)
class FileToken:
    schema_name: str
    file_id: int
    user_id: int | None
    expires_at: int
    download: bool

    @property
    def expired(self) -> bool:
        return time.time() >= self.expires_at


def token_make(
    *, schema_name: str, file_id: int, user_id: int | None, expires_at: int, download: bool
) -> str:
    payload = {"s": schema_name, "f": file_id, "u": user_id, "e": expires_at, "d": int(download)}
    return signing.dumps(payload, salt=SALT, compress=False)


def token_read(token: str) -> FileToken | None:
    """The token's content if the signature is good; None otherwise."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    schema, file_id, user_id = payload.get("s"), payload.get("f"), payload.get("u")
    expires_at, download = payload.get("e"), payload.get("d")
    if (
        not isinstance(schema, str)
        or not isinstance(file_id, int)
        or not (user_id is None or isinstance(user_id, int))
        or not isinstance(expires_at, int)
        or download not in (0, 1)
    ):
        return None
    return FileToken(
        schema_name=schema,
        file_id=file_id,
        user_id=user_id,
        expires_at=expires_at,
        download=bool(download),
    )
