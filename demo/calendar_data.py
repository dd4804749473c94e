"""What the demo spas' calendars are made of: locations and their rooms and
devices, the service menu, and the providers with their credentials and weeks.

Fiction throughout: the addresses are made up and the phone numbers are in the
555-01xx range reserved for it. Working hours lie inside the opening hours of
their location, and a provider who works at two locations does so on
different days.
"""

from __future__ import annotations

from dataclasses import dataclass

from tenant_apps.locations.models import ResourceKind
from tenant_apps.staff.models import CredentialKind

RN, NP, PA, MD = CredentialKind.RN, CredentialKind.NP, CredentialKind.PA, CredentialKind.MD
AESTHETICIAN = CredentialKind.AESTHETICIAN

Hours = tuple[tuple[int, str, str], ...]  # (ISO weekday, from, until), local wall times

TREATMENT_ROOM = "Treatment room"
LASER_SUITE = "Laser suite"
CO2_LASER = "CO2 laser"
IPL_DEVICE = "IPL device"
HYDRAFACIAL = "HydraFacial machine"

RESOURCE_TYPES = (
    (TREATMENT_ROOM, ResourceKind.ROOM),
    (LASER_SUITE, ResourceKind.ROOM),
    (CO2_LASER, ResourceKind.DEVICE),
    (IPL_DEVICE, ResourceKind.DEVICE),
    (HYDRAFACIAL, ResourceKind.DEVICE),
)


@dataclass(frozen=True)
class DemoService:
    name: str
    minutes: int
    price_cents: int
    credentials: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()  # resource type names
    before: int = 0  # preparation minutes
    after: int = 0  # clean-up minutes
    online: bool = True
    description: str = ""


INJECTORS = (RN, NP, PA, MD)
PRESCRIBERS = (NP, PA, MD)

# (category, description, services), in menu order. Prices in US cents.
MENU: tuple[tuple[str, str, tuple[DemoService, ...]], ...] = (
    (
        "Neurotoxins",
        "Wrinkle relaxers for frown lines, forehead and crow's feet.",
        (
            DemoService("Botox, three areas", 30, 54000, INJECTORS, (TREATMENT_ROOM,), after=5),
            DemoService("Dysport, three areas", 30, 49000, INJECTORS, (TREATMENT_ROOM,), after=5),
            DemoService("Lip flip", 15, 15000, INJECTORS, (TREATMENT_ROOM,), after=5),
        ),
    ),
    (
        "Dermal fillers",
        "Hyaluronic acid fillers to restore volume and shape.",
        (
            DemoService(
                "Lip filler, one syringe", 45, 75000, PRESCRIBERS, (TREATMENT_ROOM,), after=10
            ),
            DemoService(
                "Cheek filler, two syringes", 60, 150000, PRESCRIBERS, (TREATMENT_ROOM,), after=10
            ),
            DemoService("Under-eye filler", 60, 95000, PRESCRIBERS, (TREATMENT_ROOM,), after=10),
        ),
    ),
    (
        "Laser and light",
        "Resurfacing and photofacials in the laser suite.",
        (
            DemoService(
                "CO2 laser resurfacing",
                90,
                180000,
                PRESCRIBERS,
                (LASER_SUITE, CO2_LASER),
                after=15,
                online=False,  # after a consultation only
                description="Fractional CO2 resurfacing; numbing cream applied on arrival.",
            ),
            DemoService(
                "IPL photofacial", 45, 42500, INJECTORS, (LASER_SUITE, IPL_DEVICE), after=10
            ),
        ),
    ),
    (
        "Facials",
        "Medical-grade facials and peels.",
        (
            DemoService(
                "HydraFacial Signature",
                60,
                22500,
                (AESTHETICIAN, RN),
                (TREATMENT_ROOM, HYDRAFACIAL),
                after=10,
            ),
            DemoService("Chemical peel", 45, 17500, (AESTHETICIAN,), (TREATMENT_ROOM,), after=5),
            DemoService(
                "Dermaplaning facial", 45, 13500, (AESTHETICIAN,), (TREATMENT_ROOM,), after=5
            ),
        ),
    ),
    (
        "Consultations",
        "Free: a plan for your goals with one of our providers.",
        (
            DemoService("New client consultation", 30, 0, (), (TREATMENT_ROOM,)),
            DemoService("Follow-up check", 15, 0, (), (TREATMENT_ROOM,)),
        ),
    ),
)

# What clients book, by service names, with how often (a weight). Two-service
# visits run back to back with one provider.
VISITS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (18, ("Botox, three areas",)),
    (7, ("Dysport, three areas",)),
    (4, ("Lip flip",)),
    (8, ("Lip filler, one syringe",)),
    (4, ("Cheek filler, two syringes",)),
    (3, ("Under-eye filler",)),
    (3, ("CO2 laser resurfacing",)),
    (6, ("IPL photofacial",)),
    (12, ("HydraFacial Signature",)),
    (7, ("Chemical peel",)),
    (5, ("Dermaplaning facial",)),
    (7, ("New client consultation",)),
    (5, ("Follow-up check",)),
    (6, ("New client consultation", "Botox, three areas")),
    (2, ("New client consultation", "Dysport, three areas")),
    (3, ("Botox, three areas", "Lip filler, one syringe")),
)


@dataclass(frozen=True)
class DemoLocation:
    name: str
    address_line1: str
    city: str
    region: str
    postal_code: str
    phone: str
    hours: Hours
    resources: tuple[tuple[str, str], ...]  # (name, resource type name)


@dataclass(frozen=True)
class DemoProvider:
    email: str
    name: str
    display_name: str
    credentials: tuple[str, ...]
    hours: dict[str, Hours]  # by location name


@dataclass(frozen=True)
class DemoCalendar:
    licence_region: str
    locations: tuple[DemoLocation, ...]
    providers: tuple[DemoProvider, ...]


_DAYS = {"Mon": 1, "Tue": 2, "Wed": 3, "Thu": 4, "Fri": 5, "Sat": 6, "Sun": 7}


def week(text: str) -> Hours:
    """Weekly hours written as people write them: "Mon 10-18, Tue-Fri 9-19"
    (whole hours, a day or a range of days each time)."""
    hours = []
    for part in text.split(","):
        days, times = part.split()
        first, _, last = days.partition("-")
        opens, closes = (f"{int(hour):02}:00" for hour in times.split("-"))
        for day in range(_DAYS[first], _DAYS[last or first] + 1):
            hours.append((day, opens, closes))
    return tuple(hours)


def _rooms(count: int) -> tuple[tuple[str, str], ...]:
    return tuple((f"Treatment room {n}", TREATMENT_ROOM) for n in range(1, count + 1))


LASER_AND_DEVICES = (
    ("Laser suite", LASER_SUITE),
    ("CO2 laser", CO2_LASER),
    ("IPL device", IPL_DEVICE),
    ("HydraFacial machine", HYDRAFACIAL),
)

FLATIRON, BROOKLYN, SANTA_MONICA = "Flatiron", "Brooklyn Heights", "Santa Monica"

CALENDARS: dict[str, DemoCalendar] = {
    "glow": DemoCalendar(
        licence_region="NY",
        locations=(
            DemoLocation(
                FLATIRON,
                "41 West 22nd Street",
                "New York",
                "NY",
                "10010",
                "+12125550143",
                week("Mon 10-18, Tue-Fri 9-19, Sat 9-17"),
                (*_rooms(3), *LASER_AND_DEVICES),
            ),
            DemoLocation(
                BROOKLYN,
                "112 Montague Street",
                "Brooklyn",
                "NY",
                "11201",
                "+17185550110",
                week("Tue-Fri 11-19, Sat 10-16"),
                (*_rooms(2), ("HydraFacial machine", HYDRAFACIAL)),
            ),
        ),
        providers=(
            DemoProvider(
                "provider1@glow.example",
                "Helena Marsh",
                "Dr. Helena Marsh",
                (MD,),
                {FLATIRON: week("Tue 10-18, Thu 10-18, Sat 9-15")},
            ),
            DemoProvider(
                "provider2@glow.example",
                "Nina Park",
                "Nina Park, NP",
                (NP, RN),
                {FLATIRON: week("Tue-Sat 9-17")},
            ),
            DemoProvider(
                "provider3@glow.example",
                "Marcus Bell",
                "Marcus Bell, RN",
                (RN,),
                {FLATIRON: week("Mon 10-18"), BROOKLYN: week("Wed-Fri 11-19")},
            ),
            DemoProvider(
                "provider4@glow.example",
                "Sofia Reyes",
                "Sofia Reyes, aesthetician",
                (AESTHETICIAN,),
                {FLATIRON: week("Tue-Fri 11-19, Sat 9-17")},
            ),
            DemoProvider(
                "provider5@glow.example",
                "Jasmine Ortiz",
                "Jasmine Ortiz, PA",
                (PA,),
                {
                    FLATIRON: week("Mon 10-18, Wed 11-19, Fri 11-19"),
                    BROOKLYN: week("Tue 11-19, Sat 10-16"),
                },
            ),
            DemoProvider(
                "provider6@glow.example",
                "Priya Shah",
                "Priya Shah, aesthetician",
                (AESTHETICIAN,),
                {BROOKLYN: week("Tue 11-19, Thu 11-19, Sat 10-16")},
            ),
        ),
    ),
    "radiance": DemoCalendar(
        licence_region="CA",
        locations=(
            DemoLocation(
                SANTA_MONICA,
                "1450 Montana Avenue",
                "Santa Monica",
                "CA",
                "90403",
                "+13105550160",
                week("Mon 10-18, Tue-Sat 9-19"),
                (*_rooms(4), *LASER_AND_DEVICES),
            ),
        ),
        providers=(
            DemoProvider(
                "provider1@radiance.example",
                "Adrian Cole",
                "Dr. Adrian Cole",
                (MD,),
                {SANTA_MONICA: week("Tue 9-17, Thu 9-17, Sat 9-15")},
            ),
            DemoProvider(
                "provider2@radiance.example",
                "Leah Kim",
                "Leah Kim, NP",
                (NP, RN),
                {SANTA_MONICA: week("Tue-Sat 10-18")},
            ),
            DemoProvider(
                "provider3@radiance.example",
                "Diego Santos",
                "Diego Santos, PA",
                (PA,),
                {SANTA_MONICA: week("Mon 10-18, Wed-Fri 11-19")},
            ),
            DemoProvider(
                "provider4@radiance.example",
                "Maya Chen",
                "Maya Chen, aesthetician",
                (AESTHETICIAN,),
                {SANTA_MONICA: week("Tue-Sat 9-17")},
            ),
            DemoProvider(
                "provider5@radiance.example",
                "Olivia Grant",
                "Olivia Grant, RN",
                (RN,),
                {SANTA_MONICA: week("Mon 10-14, Wed 9-13, Sat 11-19")},
            ),
        ),
    ),
}


def provider_people(slug: str) -> list[tuple[str, str, str]]:
    """The demo providers of a spa as (email, name, role), the form of the
    demo command's people."""
    calendar = CALENDARS.get(slug)
    return [(p.email, p.name, "provider") for p in calendar.providers] if calendar else []
