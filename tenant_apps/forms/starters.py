"""The forms every spa starts with, installed and published (version 1) by
tenant_apps/forms/migrations/0003_starter_templates.py; a spa edits them like
any other form. Wording is a sensible default for a US medical spa, to be
reviewed by the spa's medical director.

Renewal, and why:
- medical intake: every 12 months (history, medications and allergies change;
  a yearly review is the common standard);
- neurotoxin consent: every 12 months (the same treatment, repeated every 3 to
  4 months; the risks do not change between visits);
- dermal filler consent: every visit (product, volume and area differ each
  time, and the risk of vascular occlusion depends on the area treated);
- laser consent: every visit (recent sun exposure, tanning, isotretinoin,
  pregnancy and the device settings must be confirmed before each session);
- photo consent: once (it stands until the patient withdraws it, which is a new
  response: declined);
- cancellation and deposit policy: once (acknowledged; a new version of the
  policy is a new version of the form).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tenant_apps.forms.models import FormKind, Renewal


@dataclass(frozen=True)
class Starter:
    key: str
    name: str
    kind: str
    description: str
    renewal: str
    renewal_months: int | None
    schema: dict[str, Any]


def _yes_no(key: str, label: str, *, required: bool = True, **extra: Any) -> dict[str, Any]:
    return {"key": key, "type": "yes_no", "label": label, "required": required, **extra}


def _text(key: str, label: str, *, required: bool = False, **extra: Any) -> dict[str, Any]:
    return {"key": key, "type": "text", "label": label, "required": required, **extra}


def _markdown(key: str, content: str) -> dict[str, Any]:
    return {"key": key, "type": "markdown", "content": content}


def _options(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in pairs]


def _signature(meaning: str) -> dict[str, Any]:
    return {
        "key": "signature",
        "type": "signature",
        "label": "Signature",
        "required": True,
        "meaning": meaning,
    }


def _when(key: str, value: Any) -> dict[str, Any]:
    return {"field": key, "equals": value}


_CONSENT_CLOSING = (
    "I have read this form, or had it read to me, and understand it. I have had the "
    "opportunity to ask questions, and all my questions have been answered to my "
    "satisfaction. I understand that results are not guaranteed and that more than one "
    "treatment may be needed."
)

MEDICAL_INTAKE = Starter(
    key="medical_intake",
    name="Medical intake",
    kind=FormKind.INTAKE,
    description="Medical history, medications and allergies, reviewed every 12 months.",
    renewal=Renewal.MONTHS,
    renewal_months=12,
    schema={
        "sections": [
            {
                "key": "about_you",
                "title": "About you",
                "show_if": None,
                "fields": [
                    _markdown(
                        "intro",
                        "Your answers help your provider plan a safe treatment. They are "
                        "kept in your confidential medical record.",
                    ),
                    {
                        "key": "sex",
                        "type": "choice",
                        "label": "Sex assigned at birth",
                        "required": True,
                        "options": _options(
                            ("female", "Female"),
                            ("male", "Male"),
                            ("intersex", "Intersex"),
                            ("prefer_not", "Prefer not to say"),
                        ),
                    },
                    _yes_no(
                        "pregnant",
                        "Are you pregnant, trying to become pregnant, or breastfeeding?",
                        show_if={"field": "sex", "in": ["female", "intersex"]},
                    ),
                    _text("emergency_contact", "Emergency contact (name and phone)"),
                ],
            },
            {
                "key": "history",
                "title": "Medical history",
                "show_if": None,
                "fields": [
                    {
                        "key": "conditions",
                        "type": "multi_choice",
                        "label": "Do you have, or have you had, any of the following?",
                        "required": False,
                        "maps_to": "medical_conditions",
                        "options": _options(
                            ("autoimmune", "Autoimmune disease (lupus, rheumatoid arthritis)"),
                            ("neuromuscular", "Neuromuscular disorder (myasthenia gravis, ALS)"),
                            ("bleeding", "Bleeding or clotting disorder"),
                            ("diabetes", "Diabetes"),
                            ("heart", "Heart disease or high blood pressure"),
                            ("keloids", "Keloid or hypertrophic scarring"),
                            ("cold_sores", "Cold sores (herpes simplex)"),
                            ("seizures", "Seizures or epilepsy"),
                            ("cancer", "Cancer, current or in the last 5 years"),
                            ("skin_infection", "Active skin infection or rash"),
                        ),
                    },
                    _text(
                        "other_conditions",
                        "Any other medical conditions (separate them with commas)",
                        maps_to="medical_conditions",
                        multiline=True,
                    ),
                    _yes_no("recent_surgery", "Have you had surgery in the last 6 months?"),
                    _text(
                        "recent_surgery_detail",
                        "What surgery, and when?",
                        required=True,
                        show_if=_when("recent_surgery", True),
                    ),
                ],
            },
            {
                "key": "medications_allergies",
                "title": "Medications and allergies",
                "show_if": None,
                "fields": [
                    _yes_no(
                        "takes_medications",
                        "Do you take any medications, vitamins or supplements?",
                    ),
                    _text(
                        "medications",
                        "List them, separated by commas (include blood thinners, aspirin, "
                        "fish oil, vitamin E, isotretinoin)",
                        required=True,
                        maps_to="medications",
                        multiline=True,
                        show_if=_when("takes_medications", True),
                    ),
                    _yes_no("has_allergies", "Do you have any allergies?"),
                    _text(
                        "allergies",
                        "List your allergies, separated by commas (medications, lidocaine, "
                        "latex, eggs, albumin, hyaluronic acid)",
                        required=True,
                        maps_to="allergies",
                        multiline=True,
                        show_if=_when("has_allergies", True),
                    ),
                ],
            },
            {
                "key": "aesthetic_history",
                "title": "Previous aesthetic treatments",
                "show_if": None,
                "fields": [
                    {
                        "key": "previous_treatments",
                        "type": "multi_choice",
                        "label": "Which have you had before?",
                        "required": False,
                        "options": _options(
                            ("neurotoxin", "Neurotoxin (Botox, Dysport, Xeomin)"),
                            ("filler", "Dermal filler"),
                            ("laser", "Laser or IPL"),
                            ("peel", "Chemical peel"),
                            ("microneedling", "Microneedling"),
                        ),
                    },
                    _yes_no(
                        "previous_complication",
                        "Did you ever have a reaction or complication after one?",
                        required=False,
                    ),
                    _text(
                        "previous_complication_detail",
                        "Please describe it",
                        required=True,
                        multiline=True,
                        show_if=_when("previous_complication", True),
                    ),
                ],
            },
            {
                "key": "attestation",
                "title": "Signature",
                "show_if": None,
                "fields": [
                    _signature(
                        "I confirm that the information I have given is complete and true to "
                        "the best of my knowledge, and I will tell the spa of any change."
                    )
                ],
            },
        ]
    },
)

NEUROTOXIN_CONSENT = Starter(
    key="neurotoxin_consent",
    name="Neurotoxin consent",
    kind=FormKind.CONSENT,
    description="Botulinum toxin (Botox, Dysport, Xeomin, Jeuveau), renewed every 12 months.",
    renewal=Renewal.MONTHS,
    renewal_months=12,
    schema={
        "sections": [
            {
                "key": "treatment",
                "title": "About the treatment",
                "show_if": None,
                "fields": [
                    _markdown(
                        "about",
                        "Botulinum toxin type A is injected in small amounts into specific "
                        "muscles to relax them and soften expression lines (frown lines, "
                        "forehead lines, crow's feet). The effect begins in 3 to 14 days and "
                        "usually lasts 3 to 4 months.",
                    ),
                    _markdown(
                        "risks",
                        "**Risks and side effects** include: pain, swelling, redness or "
                        "bruising where injected; headache; temporary drooping of the eyelid "
                        "or brow; asymmetry; flu-like symptoms; and, rarely, allergic "
                        "reaction or spread of the toxin effect causing difficulty "
                        "swallowing, speaking or breathing, which needs immediate care.",
                    ),
                ],
            },
            {
                "key": "screening",
                "title": "Before treatment",
                "show_if": None,
                "fields": [
                    _yes_no(
                        "neuro_pregnant",
                        "Are you pregnant or breastfeeding?",
                    ),
                    _yes_no(
                        "neuro_neuromuscular",
                        "Do you have a neuromuscular disease (myasthenia gravis, "
                        "Lambert-Eaton syndrome, ALS)?",
                    ),
                    _yes_no(
                        "neuro_antibiotics",
                        "Are you taking aminoglycoside antibiotics or muscle relaxants?",
                    ),
                    _text(
                        "neuro_screening_detail",
                        "Please tell us more",
                        required=True,
                        multiline=True,
                        show_if={"field": "neuro_neuromuscular", "equals": True},
                    ),
                ],
            },
            {
                "key": "aftercare",
                "title": "Aftercare",
                "show_if": None,
                "fields": [
                    _markdown(
                        "aftercare_text",
                        "For 4 hours after treatment, stay upright, do not rub or massage "
                        "the treated areas, and avoid strenuous exercise. Avoid facials and "
                        "saunas for 24 hours.",
                    ),
                    {
                        "key": "aftercare_initials",
                        "type": "initials",
                        "label": "Initial to confirm you have read the aftercare",
                        "required": True,
                    },
                ],
            },
            {
                "key": "consent",
                "title": "Consent",
                "show_if": None,
                "fields": [
                    _markdown("closing", _CONSENT_CLOSING),
                    _signature(
                        "By signing, I consent to (or, if I declined, I refuse) treatment with "
                        "botulinum toxin as described above."
                    ),
                ],
            },
        ]
    },
)

FILLER_CONSENT = Starter(
    key="filler_consent",
    name="Dermal filler consent",
    kind=FormKind.CONSENT,
    description="Hyaluronic acid and other fillers, consented at every visit.",
    renewal=Renewal.PER_VISIT,
    renewal_months=None,
    schema={
        "sections": [
            {
                "key": "filler_treatment",
                "title": "About the treatment",
                "show_if": None,
                "fields": [
                    _markdown(
                        "filler_about",
                        "Dermal fillers (most often hyaluronic acid) are injected beneath "
                        "the skin to restore volume, smooth folds or shape the lips, cheeks "
                        "and jawline. Results last 6 to 18 months depending on the product "
                        "and area. Hyaluronic acid filler can be dissolved with "
                        "hyaluronidase if needed.",
                    ),
                    _markdown(
                        "filler_risks",
                        "**Risks** include swelling, bruising, tenderness, lumps, "
                        "asymmetry, infection, and delayed inflammatory reactions. **Rarely**, "
                        "filler can block a blood vessel (vascular occlusion), which may "
                        "cause skin necrosis or, very rarely, blindness. Tell the staff at "
                        "once of severe pain, blanching or dusky skin, or any change in "
                        "vision.",
                    ),
                    {
                        "key": "filler_areas",
                        "type": "multi_choice",
                        "label": "Areas to be treated today",
                        "required": True,
                        "options": _options(
                            ("lips", "Lips"),
                            ("cheeks", "Cheeks"),
                            ("nasolabial", "Nasolabial folds"),
                            ("marionette", "Marionette lines"),
                            ("jawline", "Jawline or chin"),
                            ("tear_trough", "Under-eye (tear trough)"),
                            ("other", "Other"),
                        ),
                    },
                ],
            },
            {
                "key": "filler_screening",
                "title": "Before treatment",
                "show_if": None,
                "fields": [
                    _yes_no("filler_pregnant", "Are you pregnant or breastfeeding?"),
                    _yes_no(
                        "filler_cold_sores",
                        "Do you get cold sores? (Lip treatment can trigger an outbreak.)",
                    ),
                    _yes_no(
                        "filler_blood_thinners",
                        "Have you taken aspirin, ibuprofen, fish oil or other blood thinners "
                        "in the last 7 days?",
                    ),
                    _yes_no(
                        "filler_dental",
                        "Do you have dental work or a vaccination planned in the next 2 weeks?",
                    ),
                    _yes_no(
                        "filler_lidocaine_allergy",
                        "Are you allergic to lidocaine?",
                    ),
                    _text(
                        "filler_allergy_detail",
                        "Describe the reaction",
                        required=True,
                        maps_to="allergies",
                        show_if=_when("filler_lidocaine_allergy", True),
                    ),
                ],
            },
            {
                "key": "filler_consent_section",
                "title": "Consent",
                "show_if": None,
                "fields": [
                    _markdown("filler_closing", _CONSENT_CLOSING),
                    _signature(
                        "By signing, I consent to (or, if I declined, I refuse) dermal filler "
                        "treatment of the areas above, as described."
                    ),
                ],
            },
        ]
    },
)

LASER_CONSENT = Starter(
    key="laser_consent",
    name="Laser treatment consent",
    kind=FormKind.CONSENT,
    description="Laser and IPL treatments, consented at every visit.",
    renewal=Renewal.PER_VISIT,
    renewal_months=None,
    schema={
        "sections": [
            {
                "key": "laser_treatment",
                "title": "About the treatment",
                "show_if": None,
                "fields": [
                    {
                        "key": "laser_type",
                        "type": "choice",
                        "label": "Treatment today",
                        "required": True,
                        "options": _options(
                            ("hair_removal", "Laser hair removal"),
                            ("ipl", "IPL photofacial"),
                            ("resurfacing", "Laser resurfacing"),
                            ("vascular", "Vascular or pigment laser"),
                            ("tattoo", "Tattoo removal"),
                        ),
                    },
                    _markdown(
                        "laser_risks",
                        "Laser and light energy heat targeted tissue. **Risks** include "
                        "redness, swelling, blistering, burns, crusting, temporary or "
                        "permanent lightening or darkening of the skin, scarring, and eye "
                        "injury (protective eyewear must be worn at all times).",
                    ),
                ],
            },
            {
                "key": "laser_screening",
                "title": "Before treatment",
                "show_if": None,
                "fields": [
                    _yes_no(
                        "laser_sun",
                        "Have you had sun exposure, tanning or self-tanner in the last 2 weeks?",
                    ),
                    _yes_no(
                        "laser_isotretinoin",
                        "Have you taken isotretinoin (Accutane) in the last 6 months?",
                    ),
                    _yes_no(
                        "laser_photosensitive",
                        "Are you taking photosensitizing medication (tetracyclines, "
                        "retinoids, St John's wort)?",
                    ),
                    _text(
                        "laser_photosensitive_detail",
                        "Which medications?",
                        required=True,
                        maps_to="medications",
                        show_if=_when("laser_photosensitive", True),
                    ),
                    _yes_no("laser_pregnant", "Are you pregnant?"),
                    {
                        "key": "laser_skin_type",
                        "type": "choice",
                        "label": "Your skin's response to sun (Fitzpatrick type)",
                        "required": True,
                        "options": _options(
                            ("1", "I: always burns, never tans"),
                            ("2", "II: usually burns, tans minimally"),
                            ("3", "III: sometimes burns, tans gradually"),
                            ("4", "IV: rarely burns, tans well"),
                            ("5", "V: very rarely burns, tans deeply"),
                            ("6", "VI: never burns"),
                        ),
                    },
                ],
            },
            {
                "key": "laser_consent_section",
                "title": "Consent",
                "show_if": None,
                "fields": [
                    _markdown(
                        "laser_aftercare",
                        "Avoid sun exposure and use SPF 30 or higher for 4 weeks. Do not "
                        "pick at treated skin.",
                    ),
                    _markdown("laser_closing", _CONSENT_CLOSING),
                    _signature(
                        "By signing, I consent to (or, if I declined, I refuse) the laser "
                        "treatment named above, as described."
                    ),
                ],
            },
        ]
    },
)

PHOTO_CONSENT = Starter(
    key="photo_consent",
    name="Photo consent",
    kind=FormKind.PHOTO_CONSENT,
    description="Clinical photographs, and whether they may be used in marketing.",
    renewal=Renewal.ONCE,
    renewal_months=None,
    schema={
        "sections": [
            {
                "key": "photos",
                "title": "Clinical photographs",
                "show_if": None,
                "fields": [
                    _markdown(
                        "photo_about",
                        "Photographs taken before, during and after treatment are part of "
                        "your medical record. They help your provider plan treatment and "
                        "follow your results. They are stored securely and never shared "
                        "outside the spa without your permission.",
                    ),
                    {
                        # The response's photo scope (tenant_apps/forms/services/responses.py).
                        "key": "photo_scope",
                        "type": "choice",
                        "label": "How may the spa use your photographs?",
                        "required": True,
                        "options": _options(
                            ("clinical", "Only in my medical record"),
                            (
                                "marketing",
                                "In my medical record, and in the spa's marketing (website, "
                                "social media, before-and-after books)",
                            ),
                        ),
                    },
                    {
                        "key": "marketing_face",
                        "type": "yes_no",
                        "label": "May photographs that show your face be used in marketing?",
                        "required": True,
                        "show_if": _when("photo_scope", "marketing"),
                    },
                    _markdown(
                        "photo_withdraw",
                        "You may withdraw this consent at any time by telling the spa; "
                        "photographs already published cannot always be recalled.",
                    ),
                    _signature(
                        "By signing, I give (or, if I declined, I refuse) permission to "
                        "photograph me as described above."
                    ),
                ],
            }
        ]
    },
)

CANCELLATION_POLICY = Starter(
    key="cancellation_policy",
    name="Cancellation and deposit policy",
    kind=FormKind.POLICY,
    description="Deposits, late cancellations and missed appointments.",
    renewal=Renewal.ONCE,
    renewal_months=None,
    schema={
        "sections": [
            {
                "key": "policy",
                "title": "Our policy",
                "show_if": None,
                "fields": [
                    _markdown(
                        "deposits",
                        "**Deposits.** Some treatments require a deposit when booked. It is "
                        "applied to the cost of your treatment.",
                    ),
                    _markdown(
                        "cancellations",
                        "**Cancellations.** Please give at least 24 hours' notice to cancel "
                        "or reschedule. A cancellation with less notice forfeits the deposit "
                        "or incurs a fee of up to 50% of the booked service.",
                    ),
                    _markdown(
                        "no_shows",
                        "**Missed appointments.** A missed appointment is charged the full "
                        "deposit, and future bookings may require a deposit.",
                    ),
                    _markdown(
                        "late",
                        "**Late arrival.** Arriving more than 15 minutes late may mean a "
                        "shorter treatment or rescheduling, treated as a late cancellation.",
                    ),
                ],
            },
            {
                "key": "acknowledgement",
                "title": "Acknowledgement",
                "show_if": None,
                "fields": [
                    {
                        "key": "policy_initials",
                        "type": "initials",
                        "label": "Initial to confirm you have read the policy",
                        "required": True,
                    },
                    _signature(
                        "By signing, I acknowledge and accept the cancellation and deposit policy."
                    ),
                ],
            },
        ]
    },
)

STARTERS: tuple[Starter, ...] = (
    MEDICAL_INTAKE,
    NEUROTOXIN_CONSENT,
    FILLER_CONSENT,
    LASER_CONSENT,
    PHOTO_CONSENT,
    CANCELLATION_POLICY,
)
