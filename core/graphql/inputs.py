"""Text and JSON every endpoint refuses before parsing a document.

One layer for every argument of every API, so no field can forget it:
- text with a NUL character or an unpaired surrogate (JSON can carry both:
  "\\u0000", "\\ud800"), in the query, the operation name, any variable (keys
  included) or any string literal of the document: PostgreSQL cannot store a
  NUL in text and a lone surrogate cannot be encoded as UTF-8, so either would
  fail deep in a service or the database;
- variables nested deeper than MAX_DEPTH (the API's inputs are a few levels
  deep; a value tens of thousands deep would exhaust the recursion limit of
  whatever walks it), or holding a string longer than MAX_STRING_LENGTH.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import DocumentNode, GraphQLError, StringValueNode, Visitor, visit

# Deeper than any input the schemas take (an appointment's services are 4 levels).
MAX_DEPTH = 16
# Longer than any text field the services accept (they check their own limits):
# the longest is a drawn signature, a PNG of up to 300 KB sent as a base64 data
# URL (tenant_apps/forms/patient.py).
MAX_STRING_LENGTH = 420_000
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
INVALID_CHARACTERS = "INVALID_CHARACTERS"
INPUT_TOO_LARGE = "INPUT_TOO_LARGE"


def _error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def unstorable_text() -> GraphQLError:
    return _error("Text may not contain NUL characters or unpaired surrogates.", INVALID_CHARACTERS)


def input_error(operation_name: str | None, variables: Any = None) -> GraphQLError | None:
    """What is wrong with a request's operation name and variables, or None. (The
    query's own text is checked with its document, once per distinct text:
    `document_text_errors`.)"""
    if operation_name and _UNSTORABLE.search(operation_name):
        return unstorable_text()
    pending = [(variables, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if len(value) > MAX_STRING_LENGTH:
                return _error(
                    f"A text variable may be at most {MAX_STRING_LENGTH} characters.",
                    INPUT_TOO_LARGE,
                )
            if _UNSTORABLE.search(value):
                return unstorable_text()
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                return _error(
                    f"Variables may be nested at most {MAX_DEPTH} levels deep.", INPUT_TOO_LARGE
                )
            if isinstance(value, dict):
                pending.extend((key, depth + 1) for key in value)
                pending.extend((item, depth + 1) for item in value.values())
            else:
                pending.extend((item, depth + 1) for item in value)
    return None


class _StringLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.unstorable = False

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> Any:
        if _UNSTORABLE.search(node.value):
            self.unstorable = True
            return Visitor.BREAK
        return None


def query_text_errors(query: str) -> list[GraphQLError]:
    """Unstorable characters in a query's text (checked before it is parsed)."""
    return [unstorable_text()] if _UNSTORABLE.search(query) else []


def literal_errors(query: str, document: DocumentNode) -> list[GraphQLError]:
    """A string literal of the document that decodes to unstorable text
    (`"\\u0000"` is a valid GraphQL escape; a \\u escape is the only way a
    literal of a checked text gets there, so the literals are walked only then)."""
    if "\\u" not in query:
        return []
    literals = _StringLiterals()
    visit(document, literals)
    return [unstorable_text()] if literals.unstorable else []
