"""The form schema (FormTemplate.draft, FormVersion.schema) and its answers.

The contract, shared with the web app's builder and the patients' pages:

    {"sections": [{"key", "title", "show_if", "fields": [{"key", "type", "label",
      "help", "required", "show_if", "maps_to", "options", "min", "max",
      "multiline", "content", "meaning"}]}]}

Keys match `[a-z][a-z0-9_]{0,39}` and are unique across sections and fields. A
condition is `{"field": key, "equals": value}` or `{"field": key, "in": [values]}`
and may only name an answerable field earlier in the form. A field hidden by its
condition, or inside a hidden section, takes no answer and is never required.
A form holds at most one signature field (one `Signature` per response).

`schema_validate` refuses a schema with every fault found, each with a code and
the path of the part at fault (`sections.0.fields.3.options`);
`answers_validate` refuses answers with the field's key as `field` and never
repeats an answer in a message (answers are PHI).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from core.errors import field_error
from tenant_apps.forms.errors import FormErrorCode

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
FIELD_TYPES = (
    "text",
    "markdown",
    "yes_no",
    "choice",
    "multi_choice",
    "date",
    "number",
    "signature",
    "initials",
    "photo",
)
# Fields that take an answer (markdown only shows text).
ANSWERABLE = frozenset(FIELD_TYPES) - {"markdown"}
MAPS_TO = ("allergies", "medications", "medical_conditions")
MAPPABLE_TYPES = frozenset({"text", "multi_choice"})

MAX_SECTIONS = 40
MAX_FIELDS = 200
MAX_LABEL = 500
MAX_HELP = 1000
MAX_TITLE = 200
MAX_CONTENT = 20_000
MAX_MEANING = 2000
MAX_OPTIONS = 50
MAX_OPTION_VALUE = 100
MAX_TEXT_ANSWER = 5000
MAX_TYPED_NAME = 200
MAX_INITIALS = 6
# Errors reported for one schema at most (the rest follow from them, usually).
MAX_ERRORS = 50

SECTION_KEYS = frozenset({"key", "title", "show_if", "fields"})
FIELD_KEYS = frozenset(
    {
        "key",
        "type",
        "label",
        "help",
        "required",
        "show_if",
        "maps_to",
        "options",
        "min",
        "max",
        "multiline",
        "content",
        "meaning",
    }
)
# Which optional keys each type may carry (beyond key, type, label, help,
# required, show_if).
TYPE_KEYS: dict[str, frozenset[str]] = {
    "text": frozenset({"maps_to", "multiline"}),
    "markdown": frozenset({"content"}),
    "yes_no": frozenset(),
    "choice": frozenset({"options"}),
    "multi_choice": frozenset({"options", "maps_to"}),
    "date": frozenset(),
    "number": frozenset({"min", "max"}),
    "signature": frozenset({"meaning"}),
    "initials": frozenset({"meaning"}),
    "photo": frozenset(),
}
COMMON_KEYS = frozenset({"key", "type", "label", "help", "required", "show_if"})


class _Faults:
    """Every fault found in a schema, with its path; raised together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}
        self.count = 0

    def add(self, code: FormErrorCode, message: str, path: str) -> None:
        self.count += 1
        if self.count <= MAX_ERRORS:
            self.errors.setdefault(path, []).append(ValidationError(message, code=str(code)))

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(
    faults: _Faults, obj: dict[str, Any], name: str, path: str, *, limit: int, required: bool
) -> None:
    value = obj.get(name)
    if value is None and not required:
        return
    if not isinstance(value, str) or (required and not value.strip()):
        faults.add(FormErrorCode.FORM_SCHEMA_INVALID, f"Give a {name}.", f"{path}.{name}")
    elif len(value) > limit:
        faults.add(
            FormErrorCode.TEXT_TOO_LONG,
            f"At most {limit} characters.",
            f"{path}.{name}",
        )


def _condition_values_ok(field: dict[str, Any], values: list[Any]) -> bool:
    kind = field.get("type")
    if kind == "yes_no":
        return all(isinstance(v, bool) for v in values)
    if kind in ("choice", "multi_choice"):
        options = {
            o.get("value")
            for o in field.get("options") or []
            if isinstance(o, dict) and isinstance(o.get("value"), str)
        }
        return all(isinstance(v, str) and v in options for v in values)
    if kind == "number":
        return all(_is_number(v) for v in values)
    if kind in ("text", "date"):
        return all(isinstance(v, str) for v in values)
    return False


def _check_condition(
    faults: _Faults, condition: Any, path: str, earlier: dict[str, dict[str, Any]]
) -> None:
    if condition is None:
        return
    if not isinstance(condition, dict) or "field" not in condition:
        faults.add(FormErrorCode.CONDITION_INVALID, "A condition names a field.", path)
        return
    operators = set(condition) - {"field"}
    if operators not in ({"equals"}, {"in"}):
        faults.add(
            FormErrorCode.CONDITION_INVALID, 'A condition has "equals" or "in", not both.', path
        )
        return
    target = earlier.get(condition["field"]) if isinstance(condition["field"], str) else None
    if target is None:
        faults.add(
            FormErrorCode.CONDITION_INVALID,
            "A condition may only name an answerable field earlier in the form.",
            f"{path}.field",
        )
        return
    if "in" in condition:
        values = condition["in"]
        if not isinstance(values, list) or not values or len(values) > MAX_OPTIONS:
            faults.add(FormErrorCode.CONDITION_INVALID, '"in" lists 1 to 50 values.', f"{path}.in")
            return
    else:
        values = [condition["equals"]]
    if not _condition_values_ok(target, values):
        faults.add(
            FormErrorCode.CONDITION_INVALID,
            "The condition's value does not fit the field it names.",
            path,
        )


def _check_options(faults: _Faults, options: Any, path: str) -> None:
    if not isinstance(options, list) or not 1 <= len(options) <= MAX_OPTIONS:
        faults.add(FormErrorCode.OPTIONS_INVALID, "Give 1 to 50 options.", path)
        return
    seen: set[str] = set()
    for i, option in enumerate(options):
        where = f"{path}.{i}"
        if not isinstance(option, dict) or set(option) != {"value", "label"}:
            faults.add(FormErrorCode.OPTIONS_INVALID, "An option has a value and a label.", where)
            continue
        value, label = option["value"], option["label"]
        if not isinstance(value, str) or not value or len(value) > MAX_OPTION_VALUE:
            faults.add(
                FormErrorCode.OPTIONS_INVALID, "An option's value is 1 to 100 characters.", where
            )
        elif value in seen:
            faults.add(FormErrorCode.OPTIONS_INVALID, "Option values must differ.", where)
        else:
            seen.add(value)
        if not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL:
            faults.add(
                FormErrorCode.OPTIONS_INVALID, "An option's label is 1 to 500 characters.", where
            )


def _check_field(
    faults: _Faults, field: Any, path: str, keys: set[str], earlier: dict[str, dict[str, Any]]
) -> str | None:
    """Check one field; its type if it is usable as a condition's target."""
    if not isinstance(field, dict):
        faults.add(FormErrorCode.FORM_SCHEMA_INVALID, "A field is an object.", path)
        return None
    kind = field.get("type")
    if kind not in FIELD_TYPES:
        faults.add(FormErrorCode.FIELD_TYPE_INVALID, "Unknown field type.", f"{path}.type")
        return None
    key = field.get("key")
    if not isinstance(key, str) or not KEY.match(key):
        faults.add(
            FormErrorCode.KEY_INVALID,
            "A key is a lowercase letter, then up to 39 lowercase letters, digits or _.",
            f"{path}.key",
        )
    elif key in keys:
        faults.add(FormErrorCode.KEY_DUPLICATE, "Keys must differ across the form.", f"{path}.key")
    else:
        keys.add(key)
    allowed = COMMON_KEYS | TYPE_KEYS[kind]
    for extra in sorted(set(field) - allowed):
        code = (
            FormErrorCode.MAPS_TO_INVALID
            if extra == "maps_to"
            else FormErrorCode.FORM_SCHEMA_INVALID
        )
        faults.add(code, f"A {kind} field has no {extra}.", f"{path}.{extra}")
    _text(faults, field, "label", path, limit=MAX_LABEL, required=kind != "markdown")
    _text(faults, field, "help", path, limit=MAX_HELP, required=False)
    if "required" in field and not isinstance(field["required"], bool):
        faults.add(
            FormErrorCode.FORM_SCHEMA_INVALID, "required is true or false.", f"{path}.required"
        )
    _check_condition(faults, field.get("show_if"), f"{path}.show_if", earlier)
    if kind in ("choice", "multi_choice"):
        _check_options(faults, field.get("options"), f"{path}.options")
    if field.get("maps_to") is not None and field["maps_to"] not in MAPS_TO:
        faults.add(
            FormErrorCode.MAPS_TO_INVALID,
            "maps_to is allergies, medications or medical_conditions.",
            f"{path}.maps_to",
        )
    if kind == "number":
        for bound in ("min", "max"):
            if field.get(bound) is not None and not _is_number(field[bound]):
                faults.add(
                    FormErrorCode.FORM_SCHEMA_INVALID, f"{bound} is a number.", f"{path}.{bound}"
                )
        low: Any = field.get("min")
        high: Any = field.get("max")
        if _is_number(low) and _is_number(high) and low > high:
            faults.add(FormErrorCode.FORM_SCHEMA_INVALID, "min is at most max.", f"{path}.min")
    if kind == "text" and "multiline" in field and not isinstance(field["multiline"], bool):
        faults.add(
            FormErrorCode.FORM_SCHEMA_INVALID, "multiline is true or false.", f"{path}.multiline"
        )
    if kind == "markdown":
        _text(faults, field, "content", path, limit=MAX_CONTENT, required=True)
    if kind in ("signature", "initials"):
        _text(faults, field, "meaning", path, limit=MAX_MEANING, required=kind == "signature")
    return kind if kind in ANSWERABLE and isinstance(key, str) else None


def schema_validate(schema: Any) -> dict[str, Any]:
    """The schema, checked against the contract above; a ValidationError listing
    every fault (up to 50) by path otherwise. `{}` (a new template's draft) is
    an empty form."""
    if schema == {}:
        return {"sections": []}
    faults = _Faults()
    if not isinstance(schema, dict) or set(schema) != {"sections"}:
        faults.add(FormErrorCode.FORM_SCHEMA_INVALID, 'A form is {"sections": [...]}.', "schema")
        faults.raise_any()
    sections = schema["sections"]
    if not isinstance(sections, list):
        faults.add(FormErrorCode.FORM_SCHEMA_INVALID, "sections is a list.", "sections")
        faults.raise_any()
    if len(sections) > MAX_SECTIONS:
        faults.add(
            FormErrorCode.FORM_SCHEMA_TOO_LARGE, f"At most {MAX_SECTIONS} sections.", "sections"
        )
        faults.raise_any()
    total = sum(
        len(s["fields"])
        for s in sections
        if isinstance(s, dict) and isinstance(s.get("fields"), list)
    )
    if total > MAX_FIELDS:
        faults.add(FormErrorCode.FORM_SCHEMA_TOO_LARGE, f"At most {MAX_FIELDS} fields.", "sections")
        faults.raise_any()
    keys: set[str] = set()
    earlier: dict[str, dict[str, Any]] = {}
    signatures = 0
    for s, section in enumerate(sections):
        path = f"sections.{s}"
        if not isinstance(section, dict):
            faults.add(FormErrorCode.FORM_SCHEMA_INVALID, "A section is an object.", path)
            continue
        for extra in sorted(set(section) - SECTION_KEYS):
            faults.add(
                FormErrorCode.FORM_SCHEMA_INVALID, f"A section has no {extra}.", f"{path}.{extra}"
            )
        key = section.get("key")
        if not isinstance(key, str) or not KEY.match(key):
            faults.add(
                FormErrorCode.KEY_INVALID,
                "A key is a lowercase letter, then up to 39 lowercase letters, digits or _.",
                f"{path}.key",
            )
        elif key in keys:
            faults.add(
                FormErrorCode.KEY_DUPLICATE, "Keys must differ across the form.", f"{path}.key"
            )
        else:
            keys.add(key)
        _text(faults, section, "title", path, limit=MAX_TITLE, required=True)
        _check_condition(faults, section.get("show_if"), f"{path}.show_if", earlier)
        fields = section.get("fields")
        if not isinstance(fields, list):
            faults.add(FormErrorCode.FORM_SCHEMA_INVALID, "fields is a list.", f"{path}.fields")
            continue
        for f, field in enumerate(fields):
            where = f"{path}.fields.{f}"
            kind = _check_field(faults, field, where, keys, earlier)
            if kind == "signature":
                signatures += 1
                if signatures > 1:
                    faults.add(
                        FormErrorCode.FORM_SCHEMA_INVALID,
                        "A form has at most one signature field.",
                        f"{where}.type",
                    )
            if kind is not None:
                earlier[field["key"]] = field
    faults.raise_any()
    return schema


def schema_fields(schema: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(section, field) for every field, in order."""
    for section in schema.get("sections") or []:
        for field in section.get("fields") or []:
            yield section, field


def schema_is_empty(schema: dict[str, Any]) -> bool:
    """True when the form asks nothing (no answerable field)."""
    return not any(field.get("type") in ANSWERABLE for _, field in schema_fields(schema))


def schema_has_signature(schema: dict[str, Any]) -> bool:
    return any(field.get("type") == "signature" for _, field in schema_fields(schema))


def _holds(condition: dict[str, Any] | None, answers: dict[str, Any], shown: set[str]) -> bool:
    if not condition:
        return True
    key = condition["field"]
    if key not in shown or key not in answers:
        return False
    answer = answers[key]
    wanted = condition["in"] if "in" in condition else [condition["equals"]]
    if isinstance(answer, list):  # multi_choice: any chosen value matches
        return any(a in wanted for a in answer)
    return any(answer == w and type(answer) is type(w) for w in wanted) or (
        _is_number(answer) and any(_is_number(w) and answer == w for w in wanted)
    )


def visible_fields(schema: dict[str, Any], answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields shown for these answers, in order: a section's or field's
    condition holds when the field it names is shown and its answer matches
    (for a multi-choice, when any chosen value is among the values)."""
    shown: set[str] = set()
    visible: list[dict[str, Any]] = []
    for section in schema.get("sections") or []:
        if not _holds(section.get("show_if"), answers, shown):
            continue
        for field in section.get("fields") or []:
            if _holds(field.get("show_if"), answers, shown):
                shown.add(field["key"])
                visible.append(field)
    return visible


def _clean_answer(field: dict[str, Any], value: Any) -> Any:
    """The answer cleaned, or raises a field error (the message never shows it)."""
    key, kind = field["key"], field["type"]

    def bad(message: str, code: FormErrorCode = FormErrorCode.ANSWER_INVALID) -> ValidationError:
        return field_error(code, message, key)

    if kind == "text":
        if not isinstance(value, str):
            raise bad("Answer with text.")
        if len(value) > MAX_TEXT_ANSWER:
            raise bad(f"At most {MAX_TEXT_ANSWER} characters.", FormErrorCode.ANSWER_TOO_LONG)
        return value.strip()
    if kind == "yes_no":
        if not isinstance(value, bool):
            raise bad("Answer yes or no.")
        return value
    options = [o["value"] for o in field.get("options") or []]
    if kind == "choice":
        if not isinstance(value, str) or value not in options:
            raise bad("Choose one of the options.")
        return value
    if kind == "multi_choice":
        if (
            not isinstance(value, list)
            or not all(isinstance(v, str) and v in options for v in value)
            or len(set(value)) != len(value)
        ):
            raise bad("Choose among the options, each at most once.")
        return value
    if kind == "date":
        if isinstance(value, str) and DATE.match(value):
            try:
                return date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        raise bad("Give a date as YYYY-MM-DD.")
    if kind == "number":
        if not _is_number(value) or value != value or value in (float("inf"), float("-inf")):
            raise bad("Answer with a number.")
        low, high = field.get("min"), field.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            raise bad("The number is out of range.", FormErrorCode.ANSWER_OUT_OF_RANGE)
        return value
    if kind == "signature":
        name = value.get("typed_name") if isinstance(value, dict) else None
        if set(value if isinstance(value, dict) else {"?"}) - {"typed_name", "image_file_id"} or (
            not isinstance(name, str) or not name.strip() or len(name) > MAX_TYPED_NAME
        ):
            raise bad("Sign with your full name.")
        cleaned: dict[str, Any] = {"typed_name": name.strip()}
        if isinstance(value.get("image_file_id"), int) and not isinstance(
            value["image_file_id"], bool
        ):
            cleaned["image_file_id"] = value["image_file_id"]
        return cleaned
    if kind == "initials":
        initials = value.get("initials") if isinstance(value, dict) else None
        if (
            not isinstance(value, dict)
            or set(value) != {"initials"}
            or not isinstance(initials, str)
            or not 1 <= len(initials.strip()) <= MAX_INITIALS
        ):
            raise bad(f"Initial with 1 to {MAX_INITIALS} characters.")
        return {"initials": initials.strip()}
    if kind == "photo":
        file_id = value.get("file_id") if isinstance(value, dict) else None
        if (
            not isinstance(value, dict)
            or set(value) != {"file_id"}
            or not isinstance(file_id, int)
            or isinstance(file_id, bool)
        ):
            raise bad("Upload a photo.")
        return {"file_id": file_id}
    raise bad("This field takes no answer.", FormErrorCode.ANSWER_UNKNOWN)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def answers_validate(
    *, schema: dict[str, Any], answers: Any, require: bool = True
) -> dict[str, Any]:
    """The answers cleaned (only visible, answerable fields; blanks dropped); a
    ValidationError otherwise, one error per field at fault, `field` being the
    field's key. `require=False` (a declined consent) skips the required check
    for every field but the signature."""
    if not isinstance(answers, dict):
        raise field_error(FormErrorCode.ANSWER_INVALID, "Answers are an object.", "answers")
    every = {field.get("key"): field for _, field in schema_fields(schema)}
    errors: dict[str, list[ValidationError]] = {}

    def fault(exc: ValidationError) -> None:
        for key, items in exc.error_dict.items():
            errors.setdefault(key, []).extend(items)

    for key in answers:
        field = every.get(key)
        if field is None or field.get("type") not in ANSWERABLE:
            fault(field_error(FormErrorCode.ANSWER_UNKNOWN, "No such question.", str(key)[:40]))
    # Conditions see only the answers that are themselves valid.
    cleaned: dict[str, Any] = {}
    visible = visible_fields(schema, {k: v for k, v in answers.items() if k in every})
    visible_keys = {f["key"] for f in visible}
    for field in visible:
        key = field["key"]
        if field["type"] not in ANSWERABLE:
            continue
        value = answers.get(key)
        if _blank(value):
            if field.get("required") and (require or field["type"] == "signature"):
                fault(
                    field_error(
                        FormErrorCode.ANSWER_REQUIRED, "This question needs an answer.", key
                    )
                )
            continue
        try:
            cleaned[key] = _clean_answer(field, value)
        except ValidationError as exc:
            fault(exc)
    for key, value in answers.items():
        answerable = key in every and every[key].get("type") in ANSWERABLE
        if answerable and key not in visible_keys and not _blank(value):
            fault(field_error(FormErrorCode.ANSWER_HIDDEN, "This question is not asked here.", key))
    if errors:
        raise ValidationError(errors)
    # Recompute visibility on the cleaned answers: a condition on an answer that
    # cleaning changed (trimmed text) must still hold.
    shown = {f["key"] for f in visible_fields(schema, cleaned)}
    hidden = set(cleaned) - shown
    if hidden:
        raise ValidationError(
            {
                key: [
                    ValidationError(
                        "This question is not asked here.", code=str(FormErrorCode.ANSWER_HIDDEN)
                    )
                ]
                for key in sorted(hidden)
            }
        )
    return cleaned
