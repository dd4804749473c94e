"""The form schema and answers (tenant_apps/forms/schema.py): every refusal has
its code and the path (schema) or key (answers) at fault, and never repeats an
answer."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tenant_apps.forms.schema import answers_validate, schema_validate, visible_fields
from tenant_apps.forms.starters import STARTERS
from tests.tenant_apps.forms.factories import a_schema


def _faults(exc: ValidationError) -> dict[str, list[str | None]]:
    return {path: [e.code for e in errors] for path, errors in exc.error_dict.items()}


def _schema_faults(schema: Any) -> dict[str, list[str | None]]:
    with pytest.raises(ValidationError) as caught:
        schema_validate(schema)
    return _faults(caught.value)


def _answer_faults(
    schema: dict[str, Any], answers: Any, **options: Any
) -> dict[str, list[str | None]]:
    with pytest.raises(ValidationError) as caught:
        answers_validate(schema=schema, answers=answers, **options)
    return _faults(caught.value)


def _field(**field: Any) -> dict[str, Any]:
    return {"sections": [{"key": "s", "title": "S", "fields": [field]}]}


def test_a_valid_schema_and_every_starter_pass():
    assert schema_validate(a_schema()) == a_schema()
    assert schema_validate({}) == {"sections": []}
    for starter in STARTERS:
        schema_validate(starter.schema)


@pytest.mark.parametrize(
    ("schema", "path", "code"),
    [
        ([], "schema", "FORM_SCHEMA_INVALID"),
        ({"sections": [], "extra": 1}, "schema", "FORM_SCHEMA_INVALID"),
        ({"sections": "no"}, "sections", "FORM_SCHEMA_INVALID"),
        (
            {"sections": [{"key": "s", "title": "S", "fields": []}] * 41},
            "sections",
            "FORM_SCHEMA_TOO_LARGE",
        ),
        (_field(key="Bad", type="yes_no", label="L"), "sections.0.fields.0.key", "KEY_INVALID"),
        (_field(key="s", type="yes_no", label="L"), "sections.0.fields.0.key", "KEY_DUPLICATE"),
        (
            _field(key="f", type="slider", label="L"),
            "sections.0.fields.0.type",
            "FIELD_TYPE_INVALID",
        ),
        (_field(key="f", type="yes_no"), "sections.0.fields.0.label", "FORM_SCHEMA_INVALID"),
        (
            _field(key="f", type="yes_no", label="L" * 501),
            "sections.0.fields.0.label",
            "TEXT_TOO_LONG",
        ),
        (
            _field(key="f", type="choice", label="L", options=[]),
            "sections.0.fields.0.options",
            "OPTIONS_INVALID",
        ),
        (
            _field(
                key="f",
                type="choice",
                label="L",
                options=[{"value": "a", "label": "A"}, {"value": "a", "label": "B"}],
            ),
            "sections.0.fields.0.options.1",
            "OPTIONS_INVALID",
        ),
        (
            _field(key="f", type="yes_no", label="L", maps_to="allergies"),
            "sections.0.fields.0.maps_to",
            "MAPS_TO_INVALID",
        ),
        (
            _field(key="f", type="text", label="L", maps_to="diet"),
            "sections.0.fields.0.maps_to",
            "MAPS_TO_INVALID",
        ),
        (
            _field(key="f", type="text", label="L", show_if={"field": "g", "equals": True}),
            "sections.0.fields.0.show_if.field",
            "CONDITION_INVALID",
        ),
        (
            _field(key="f", type="signature", label="L"),
            "sections.0.fields.0.meaning",
            "FORM_SCHEMA_INVALID",
        ),
        (_field(key="f", type="markdown"), "sections.0.fields.0.content", "FORM_SCHEMA_INVALID"),
        (
            _field(key="f", type="number", label="L", min=5, max=1),
            "sections.0.fields.0.min",
            "FORM_SCHEMA_INVALID",
        ),
    ],
)
def test_each_fault_has_its_code_and_path(schema, path, code):
    assert code in _schema_faults(schema).get(path, []), _schema_faults(schema)


def test_a_condition_may_only_look_back_and_must_fit_its_field():
    schema = a_schema()
    fields = schema["sections"][0]["fields"]
    # given a condition naming a later field, and one whose value cannot be its field's
    fields[0]["show_if"] = {"field": "per_day", "equals": 3}
    fields[2]["show_if"] = {"field": "smoker", "equals": "yes"}

    faults = _schema_faults(schema)

    assert faults["sections.0.fields.0.show_if.field"] == ["CONDITION_INVALID"]
    assert faults["sections.0.fields.2.show_if"] == ["CONDITION_INVALID"]


def test_two_signatures_and_too_many_fields_are_refused():
    schema = a_schema()
    second = copy.deepcopy(schema["sections"][0]["fields"][-1]) | {"key": "signature2"}
    schema["sections"][0]["fields"].append(second)
    assert "FORM_SCHEMA_INVALID" in _schema_faults(schema)["sections.0.fields.4.type"]

    many = [{"key": f"f{i}", "type": "yes_no", "label": "L"} for i in range(201)]
    assert _schema_faults({"sections": [{"key": "s", "title": "S", "fields": many}]}) == {
        "sections": ["FORM_SCHEMA_TOO_LARGE"]
    }


def test_visible_fields_follow_conditions_through_hidden_sections():
    schema = a_schema()
    schema["sections"].append(
        {
            "key": "smoking",
            "title": "Smoking",
            "show_if": {"field": "smoker", "equals": True},
            "fields": [{"key": "since", "type": "date", "label": "Since when?"}],
        }
    )

    assert [f["key"] for f in visible_fields(schema, {"smoker": False})] == [
        "smoker",
        "allergies",
        "signature",
    ]
    assert "since" in [f["key"] for f in visible_fields(schema, {"smoker": True})]


def test_answers_are_cleaned_and_a_hidden_question_is_never_required():
    cleaned = answers_validate(
        schema=a_schema(),
        answers={"smoker": False, "allergies": "  latex ", "signature": {"typed_name": " Jo "}},
    )

    assert cleaned == {
        "smoker": False,
        "allergies": "latex",
        "signature": {"typed_name": "Jo"},
    }


@pytest.mark.parametrize(
    ("answers", "key", "code"),
    [
        ({"smoker": True, "signature": {"typed_name": "J"}}, "per_day", "ANSWER_REQUIRED"),
        (
            {"smoker": True, "per_day": 500, "signature": {"typed_name": "J"}},
            "per_day",
            "ANSWER_OUT_OF_RANGE",
        ),
        ({"smoker": "secret-value", "signature": {"typed_name": "J"}}, "smoker", "ANSWER_INVALID"),
        (
            {"smoker": False, "per_day": 3, "signature": {"typed_name": "J"}},
            "per_day",
            "ANSWER_HIDDEN",
        ),
        ({"smoker": False, "nope": 1, "signature": {"typed_name": "J"}}, "nope", "ANSWER_UNKNOWN"),
        (
            {"smoker": False, "allergies": "x" * 5001, "signature": {"typed_name": "J"}},
            "allergies",
            "ANSWER_TOO_LONG",
        ),
        ({"smoker": False}, "signature", "ANSWER_REQUIRED"),
        ({"smoker": False, "signature": {"typed_name": ""}}, "signature", "ANSWER_INVALID"),
    ],
)
def test_each_bad_answer_has_its_code_and_key_and_never_its_value(answers, key, code):
    with pytest.raises(ValidationError) as caught:
        answers_validate(schema=a_schema(), answers=answers)

    assert code in _faults(caught.value)[key]
    assert "secret-value" not in str(caught.value)


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ({"type": "date"}, "2026-02-28", "2026-02-30"),
        ({"type": "choice", "options": [{"value": "a", "label": "A"}]}, "a", "b"),
        ({"type": "multi_choice", "options": [{"value": "a", "label": "A"}]}, ["a"], ["a", "a"]),
        ({"type": "initials"}, {"initials": "JD"}, {"initials": "TOOLONGX"}),
        ({"type": "photo"}, {"file_id": 3}, {"file_id": "3"}),
        ({"type": "number", "min": 0}, 1.5, True),
    ],
)
def test_each_type_takes_its_own_shape(field, good, bad):
    schema = _field(key="f", label="L", required=True, **field)
    schema_validate(schema)

    assert answers_validate(schema=schema, answers={"f": good}) == {"f": good}
    assert _answer_faults(schema, {"f": bad}) == {"f": ["ANSWER_INVALID"]}


def test_a_decline_needs_only_the_signature():
    schema = a_schema()
    schema["sections"][0]["fields"][2]["required"] = True

    assert answers_validate(
        schema=schema, answers={"signature": {"typed_name": "J"}}, require=False
    ) == {"signature": {"typed_name": "J"}}
    assert "signature" in _answer_faults(schema, {}, require=False)
