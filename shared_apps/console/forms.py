"""The forms of the console's actions: what a person may type, checked before
any service runs. The services check again (a form is only the first line);
these give the clear message next to the field."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache
from typing import Any

from django import forms

from shared_apps.billing.models import Plan, StripeEventStatus
from shared_apps.lifecycle.signup import DEFAULT_TIMEZONE
from tenants.models import SpaStatus
from tenants.selectors import slug_availability


def plan_choices() -> list[tuple[str, str]]:
    """Plans on offer (active), in their display order, with their price."""
    return [
        (
            plan.code,
            f"{plan.name} ({plan.monthly_price_cents / 100:,.2f} {plan.currency.upper()}/month)",
        )
        for plan in Plan.objects.filter(active=True)
    ]


@lru_cache(maxsize=1)
def timezone_choices() -> list[tuple[str, str]]:
    """Every IANA zone a spa can have (tenants.validators accepts the same set)."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class PlanField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=plan_choices,
            error_messages={
                "required": "Choose a plan.",
                "invalid_choice": "There is no such plan on offer.",
            },
            **kwargs,
        )


class ProvisionForm(forms.Form):
    name = forms.CharField(
        max_length=120, error_messages={"required": "Enter the spa's name."}, label="Spa name"
    )
    slug = forms.CharField(
        max_length=63,
        label="Address",
        help_text="Lowercase letters, digits and hyphens: the spa's subdomain.",
        error_messages={"required": "Choose the spa's address."},
    )
    timezone = forms.ChoiceField(choices=timezone_choices, initial=DEFAULT_TIMEZONE)
    owner_email = forms.EmailField(
        label="Owner's email",
        max_length=254,
        error_messages={"required": "Enter the owner's email.", "invalid": "Enter a valid email."},
    )
    plan = PlanField()
    start = forms.ChoiceField(
        label="Start as",
        choices=[
            (SpaStatus.TRIALING, "Trial (the plan's trial period)"),
            (SpaStatus.ACTIVE, "Active (full access, no trial label)"),
        ],
        initial=SpaStatus.TRIALING,
    )

    def clean_slug(self) -> str:
        availability = slug_availability(slug=self.cleaned_data["slug"])
        if not availability.available:
            raise forms.ValidationError(
                availability.message or "That address cannot be used.", code=availability.code
            )
        return availability.slug

    def clean_owner_email(self) -> str:
        return str(self.cleaned_data["owner_email"]).strip().lower()


class ResumeForm(forms.Form):
    plan = PlanField(help_text="The plan whose trial the spa opens with.")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=255,
        strip=True,
        error_messages={
            "required": "Give a reason: it goes in the spa's history and the audit log.",
            "max_length": "Keep the reason under 255 characters.",
        },
    )


class PlanForm(forms.Form):
    plan = PlanField()


class DomainAddForm(forms.Form):
    domain = forms.CharField(
        max_length=253, error_messages={"required": "Enter a domain, such as book.glowspa.com."}
    )


class DomainVerifyForm(forms.Form):
    dns_checked = forms.BooleanField(
        label="I have checked the DNS record",
        error_messages={"required": "Confirm that you have checked the DNS record first."},
    )


class WebhookFilterForm(forms.Form):
    """The webhook log's filters (a GET form: bad values are ignored, not refused)."""

    status = forms.ChoiceField(
        choices=[("", "Any status"), *StripeEventStatus.choices], required=False
    )
    type = forms.CharField(max_length=100, required=False)
    q = forms.CharField(max_length=255, required=False, label="Event id or spa")
    before = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
