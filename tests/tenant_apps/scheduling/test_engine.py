"""The availability engine: free starts for a sequence of services over local days,
and why one exact start does not work. Pure Python: no database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_apps.locations.weekly import WeeklyInterval
from tenant_apps.scheduling.engine import (
    Interval,
    LocationSpec,
    Policy,
    ProviderSpec,
    ResourceHold,
    ResourceSpec,
    Segment,
    ServiceSpec,
    Slot,
    Unavailable,
    check_slot,
    find_slots,
)

NY = ZoneInfo("America/New_York")
UTC = dt.UTC
NOW = dt.datetime(2026, 1, 1, tzinfo=UTC)
MONDAY = dt.date(2026, 6, 15)  # summer: New York is UTC-4
TUESDAY = MONDAY + dt.timedelta(days=1)
SUNDAY = MONDAY - dt.timedelta(days=1)
SPRING_FORWARD = dt.date(2026, 3, 8)  # 02:00 EST -> 03:00 EDT
FALL_BACK = dt.date(2026, 11, 1)  # 02:00 EDT -> 01:00 EST
DAY_SHIFT = (("09:00", "17:00"),)
ANY_TIME = Policy()


def minutes(count):
    return dt.timedelta(minutes=count)


def utc(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=UTC)


def local(day, hour, minute=0, *, fold=0):
    """`day` at hour:minute on a New York wall clock, as UTC."""
    wall = dt.datetime.combine(day, dt.time(hour, minute, fold=fold), tzinfo=NY)
    return wall.astimezone(UTC)


def hours(*spans, weekdays=range(1, 8)):
    return tuple(
        WeeklyInterval(weekday, dt.time.fromisoformat(start), dt.time.fromisoformat(end))
        for weekday in weekdays
        for start, end in spans
    )


def busy(day, start, end):
    """A busy span on `day` between two local "HH:MM" times."""
    return Interval(local(day, *map(int, start.split(":"))), local(day, *map(int, end.split(":"))))


def provider(id=1, working=DAY_SHIFT, **fields):
    return ProviderSpec(id=id, working_hours=hours(*working), **fields)


def service(id=1, duration=60, **fields):
    for name in ("buffer_before", "buffer_after"):
        if name in fields:
            fields[name] = minutes(fields[name])
    return ServiceSpec(id=id, duration=minutes(duration), **fields)


def find(
    services,
    providers,
    *,
    open_hours=DAY_SHIFT,
    resources=(),
    policy=ANY_TIME,
    now=NOW,
    first_day=MONDAY,
    last_day=None,
    limit=None,
):
    return find_slots(
        location=LocationSpec(NY, hours(*open_hours)),
        services=services,
        providers=providers,
        resources=resources,
        policy=policy,
        now=now,
        first_day=first_day,
        last_day=last_day or first_day,
        limit=limit,
    )


def check(
    services, who, starts_at, *, open_hours=DAY_SHIFT, resources=(), policy=ANY_TIME, now=NOW
):
    return check_slot(
        location=LocationSpec(NY, hours(*open_hours)),
        services=services,
        provider=who,
        resources=resources,
        policy=policy,
        now=now,
        starts_at=starts_at,
    )


def wall_times(slots):
    return [slot.starts_at.astimezone(NY).strftime("%H:%M") for slot in slots]


def quarter_hours(first, last):
    """Local "HH:MM" every 15 minutes from `first` to `last` inclusive, same day."""
    start, end = dt.datetime.strptime(first, "%H:%M"), dt.datetime.strptime(last, "%H:%M")
    count = (end - start) // minutes(15) + 1
    return [(start + minutes(15) * i).strftime("%H:%M") for i in range(count)]


# --- finding slots -----------------------------------------------------------------


def test_one_service_on_a_simple_day_offers_every_quarter_hour_that_fits():
    # given a location and a provider from 09:00 to 12:00, and a 60-minute service
    facial = service(id=4)

    # when
    slots = find(
        [facial], [provider(working=(("09:00", "12:00"),))], open_hours=(("09:00", "12:00"),)
    )

    # then starts run from 09:00 to 11:00, in UTC (New York is UTC-4 in June)
    assert wall_times(slots) == quarter_hours("09:00", "11:00")
    assert slots[0] == Slot(
        starts_at=utc(MONDAY, 13),
        ends_at=utc(MONDAY, 14),
        provider_id=1,
        segments=(Segment(4, utc(MONDAY, 13), utc(MONDAY, 14)),),
        blocked_from=utc(MONDAY, 13),
        blocked_until=utc(MONDAY, 14),
        holds=(),
    )
    assert slots[0].starts_at.tzinfo is UTC


def test_a_sequence_of_services_runs_back_to_back_with_one_provider():
    # given three services; only the first's lead and the last's clean-up block the provider
    sequence = [
        service(id=1, duration=30, buffer_before=10, buffer_after=20),
        service(id=2, duration=45, buffer_before=20, buffer_after=20),
        service(id=3, duration=15, buffer_before=20, buffer_after=5),
    ]

    # when
    slots = find(sequence, [provider()], open_hours=(("09:00", "11:00"),))

    # then the 90 minutes fit from 09:00 to 09:30, segments end to end
    assert wall_times(slots) == ["09:00", "09:15", "09:30"]
    first = slots[0]
    assert first.segments == (
        Segment(1, utc(MONDAY, 13), utc(MONDAY, 13, 30)),
        Segment(2, utc(MONDAY, 13, 30), utc(MONDAY, 14, 15)),
        Segment(3, utc(MONDAY, 14, 15), utc(MONDAY, 14, 30)),
    )
    assert (first.starts_at, first.ends_at) == (utc(MONDAY, 13), utc(MONDAY, 14, 30))
    assert (first.blocked_from, first.blocked_until) == (utc(MONDAY, 12, 50), utc(MONDAY, 14, 35))


def test_buffers_block_the_neighbours_but_may_spill_past_closing():
    # given an appointment 10:00-11:00 and hours until 13:00
    taken = provider(working=(("09:00", "13:00"),), busy=(busy(MONDAY, "10:00", "11:00"),))
    open_hours = (("09:00", "13:00"),)

    # when the service has no buffers, then it fits right before and right after
    plain = find([service()], [taken], open_hours=open_hours)
    assert wall_times(plain) == ["09:00", *quarter_hours("11:00", "12:00")]

    # when it needs 15 minutes before and after
    buffered = find([service(buffer_before=15, buffer_after=15)], [taken], open_hours=open_hours)

    # then neither buffer may reach the appointment, but clean-up may run past 13:00
    assert wall_times(buffered) == quarter_hours("11:15", "12:00")
    assert buffered[-1].ends_at == local(MONDAY, 13)
    assert buffered[-1].blocked_until == local(MONDAY, 13, 15)


def test_a_busy_provider_is_left_out_while_another_is_offered():
    # given provider 1 with an appointment 09:00-10:00 and provider 2 free
    busy_one = provider(id=1, busy=(busy(MONDAY, "09:00", "10:00"),))

    # when
    slots = find(
        [service(duration=30)], [busy_one, provider(id=2)], open_hours=(("09:00", "10:30"),)
    )

    # then
    assert [(t, s.provider_id) for t, s in zip(wall_times(slots), slots, strict=True)] == [
        ("09:00", 2),
        ("09:15", 2),
        ("09:30", 2),
        ("09:45", 2),
        ("10:00", 1),
        ("10:00", 2),
    ]


def test_time_off_blocks_the_afternoon():
    # given a provider off from 12:00 to the end of the day
    off = provider(busy=(Interval(local(MONDAY, 12), local(TUESDAY, 0)),))

    # when
    slots = find([service(duration=30)], [off])

    # then the last start ends at 12:00
    assert wall_times(slots) == quarter_hours("09:00", "11:30")


def test_a_closed_day_offers_nothing():
    # given a location open Monday to Friday
    weekdays_only = (("09:00", "17:00"),)
    location = LocationSpec(NY, hours(*weekdays_only, weekdays=range(1, 6)))

    # when asked for Sunday and Monday
    slots = find_slots(
        location=location,
        services=[service()],
        providers=[provider()],
        resources=(),
        policy=ANY_TIME,
        now=NOW,
        first_day=SUNDAY,
        last_day=MONDAY,
    )

    # then only Monday has slots
    assert {slot.starts_at.astimezone(NY).date() for slot in slots} == {MONDAY}
    assert len(slots) == 29


def test_a_lunch_break_splits_the_day_but_adjacent_intervals_are_one_stretch():
    long_facial = service(duration=90)

    # given a location closed 12:00-13:00: nothing may run across the break
    with_break = find(
        [long_facial], [provider()], open_hours=(("09:00", "12:00"), ("13:00", "17:00"))
    )
    assert "10:30" in wall_times(with_break)
    assert "10:45" not in wall_times(with_break)
    assert wall_times(with_break)[wall_times(with_break).index("10:30") + 1] == "13:00"

    # given 09:00-12:00 and 12:00-17:00: one stretch, 11:00-12:30 fits
    adjacent = find(
        [long_facial], [provider()], open_hours=(("09:00", "12:00"), ("12:00", "17:00"))
    )
    assert wall_times(adjacent) == quarter_hours("09:00", "15:30")

    # given the provider's own lunch break: the same split
    lunching = provider(working=(("09:00", "12:00"), ("13:00", "17:00")))
    assert wall_times(find([long_facial], [lunching])) == wall_times(with_break)


def test_only_the_working_hours_at_this_location_count():
    # given a provider here in the mornings (afternoons at another location, which
    # the selector does not pass in)
    mornings = provider(working=(("09:00", "12:00"),))

    # when
    slots = find([service()], [mornings])

    # then
    assert wall_times(slots) == quarter_hours("09:00", "11:00")


def test_credentials_are_needed_on_the_local_date_of_the_appointment():
    # given a service that needs an RN or an NP licence
    injection = service(required_credentials=frozenset({"rn", "np"}))
    rn_until_monday = provider(id=1, credentials=(("rn", MONDAY),))
    np_until_tuesday = provider(id=2, credentials=(("np", TUESDAY), ("rn", SUNDAY)))
    aesthetician = provider(id=3, credentials=(("esthetics", dt.date(2030, 1, 1)),))
    unlicensed = provider(id=4)

    # when
    slots = find(
        [injection, service(id=2)],
        [rn_until_monday, np_until_tuesday, aesthetician, unlicensed],
        first_day=MONDAY,
        last_day=TUESDAY,
    )

    # then a licence is good through its expiry date; others never qualify
    by_day = {}
    for slot in slots:
        by_day.setdefault(slot.starts_at.astimezone(NY).date(), set()).add(slot.provider_id)
    assert by_day == {MONDAY: {1, 2}, TUESDAY: {2}}


def test_credential_validity_follows_the_local_date_not_utc():
    # given an evening location; 21:00 on Monday in New York is Tuesday in UTC
    evenings = (("20:00", "23:00"),)
    rn_until_monday = provider(working=evenings, credentials=(("rn", MONDAY),))
    injection = service(required_credentials=frozenset({"rn"}))

    # when
    slots = find([injection], [rn_until_monday], open_hours=evenings)

    # then the whole Monday evening is still bookable
    assert wall_times(slots) == quarter_hours("20:00", "22:00")
    assert slots[-1].starts_at.date() == TUESDAY


def test_no_slot_when_every_needed_room_is_taken():
    # given both treatment rooms taken all day
    rooms = [
        ResourceSpec(id=id, type_id=7, busy=(busy(MONDAY, "08:00", "18:00"),)) for id in (1, 2)
    ]

    # when
    slots = find([service(resource_type_ids=(7,))], [provider()], resources=rooms)

    # then
    assert slots == []


def test_no_slot_when_no_resource_of_the_type_exists():
    assert find([service(resource_type_ids=(7,))], [provider()], resources=()) == []


def test_when_one_room_is_taken_the_other_is_held():
    # given room 1 taken in the morning, room 2 free
    rooms = [
        ResourceSpec(id=2, type_id=7),
        ResourceSpec(id=1, type_id=7, busy=(busy(MONDAY, "09:00", "12:00"),)),
    ]
    facial = service(duration=60, buffer_before=5, buffer_after=10, resource_type_ids=(7,))

    # when
    slots = {s.starts_at: s for s in find([facial], [provider()], resources=rooms)}

    # then the morning holds room 2, buffers included; the afternoon the lowest id
    assert slots[local(MONDAY, 9)].holds == (
        ResourceHold(2, local(MONDAY, 8, 55), local(MONDAY, 10, 10)),
    )
    assert slots[local(MONDAY, 13)].holds == (
        ResourceHold(1, local(MONDAY, 12, 55), local(MONDAY, 14, 10)),
    )


def test_one_room_serving_several_segments_is_held_once_over_all_of_them():
    # given two services in the same room, each with its own buffers
    peel = service(id=1, duration=30, buffer_before=5, buffer_after=10, resource_type_ids=(7,))
    mask = service(id=2, duration=45, buffer_before=10, buffer_after=15, resource_type_ids=(7,))
    rooms = [ResourceSpec(id=1, type_id=7), ResourceSpec(id=2, type_id=7)]

    # when
    slot = check([peel, mask], provider(), local(MONDAY, 10), resources=rooms)

    # then one hold, from the first span's start to the last span's end
    assert slot.holds == (ResourceHold(1, local(MONDAY, 9, 55), local(MONDAY, 11, 30)),)


def test_a_room_busy_between_two_segments_is_not_held_across_them():
    # given room, no room, room; room 1 is taken while the middle service runs
    sequence = [
        service(id=1, duration=30, resource_type_ids=(7,)),
        service(id=2, duration=30),
        service(id=3, duration=30, resource_type_ids=(7,)),
    ]
    middle = busy(MONDAY, "09:30", "10:00")
    start = local(MONDAY, 9)

    # when room 2 is free, then each end of the sequence gets its own room
    rooms = [ResourceSpec(id=1, type_id=7, busy=(middle,)), ResourceSpec(id=2, type_id=7)]
    assert check(sequence, provider(), start, resources=rooms).holds == (
        ResourceHold(1, local(MONDAY, 9), local(MONDAY, 9, 30)),
        ResourceHold(2, local(MONDAY, 10), local(MONDAY, 10, 30)),
    )

    # when room 2 is taken for the last service, then the first choice is undone
    rooms = [
        ResourceSpec(id=1, type_id=7, busy=(middle,)),
        ResourceSpec(id=2, type_id=7, busy=(busy(MONDAY, "10:00", "10:30"),)),
    ]
    assert check(sequence, provider(), start, resources=rooms).holds == (
        ResourceHold(2, local(MONDAY, 9), local(MONDAY, 9, 30)),
        ResourceHold(1, local(MONDAY, 10), local(MONDAY, 10, 30)),
    )

    # when room 1 is the only room, then it cannot serve both ends
    with pytest.raises(Unavailable) as raised:
        check(sequence, provider(), start, resources=rooms[:1])
    assert raised.value.code == "NO_RESOURCE"
    assert "type 7" in raised.value.message


def test_a_service_needing_two_resource_types_holds_one_of_each():
    # given a laser treatment needing a room (type 7) and a laser (type 8)
    laser = service(duration=45, resource_type_ids=(8, 7))
    resources = [
        ResourceSpec(id=10, type_id=8),
        ResourceSpec(id=3, type_id=7, busy=(busy(MONDAY, "09:00", "09:30"),)),
        ResourceSpec(id=4, type_id=7),
    ]

    # when
    slot = check([laser], provider(), local(MONDAY, 9), resources=resources)

    # then
    assert slot.holds == (
        ResourceHold(4, local(MONDAY, 9), local(MONDAY, 9, 45)),
        ResourceHold(10, local(MONDAY, 9), local(MONDAY, 9, 45)),
    )


def test_starts_sit_on_the_local_granularity_grid():
    # given 20-minute steps and a location opening at 09:10
    every_20 = Policy(granularity=minutes(20))

    # when
    slots = find(
        [service(duration=30)], [provider()], open_hours=(("09:10", "11:00"),), policy=every_20
    )

    # then starts are at :00, :20 and :40 of the wall clock
    assert wall_times(slots) == ["09:20", "09:40", "10:00", "10:20"]


def test_min_notice_and_horizon_trim_the_starts():
    # given now is 09:05, an hour's notice and a three-hour horizon
    policy = Policy(min_notice=minutes(60), horizon=minutes(180))

    # when
    slots = find([service(duration=30)], [provider()], policy=policy, now=local(MONDAY, 9, 5))

    # then starts run from 10:05 (on the grid: 10:15) to 12:05 (12:00)
    assert wall_times(slots) == quarter_hours("10:15", "12:00")


def test_any_provider_lists_every_provider_sorted_by_start_then_id():
    # given three providers with different hours, passed in any order
    team = [
        provider(id=3, working=(("09:00", "10:00"),)),
        provider(id=1, working=(("09:30", "10:30"),)),
        provider(id=2, working=(("09:00", "10:30"),)),
    ]

    # when
    slots = find([service(duration=30)], team, open_hours=(("09:00", "11:00"),))

    # then
    assert [(t, s.provider_id) for t, s in zip(wall_times(slots), slots, strict=True)] == [
        ("09:00", 2),
        ("09:00", 3),
        ("09:15", 2),
        ("09:15", 3),
        ("09:30", 1),
        ("09:30", 2),
        ("09:30", 3),
        ("09:45", 1),
        ("09:45", 2),
        ("10:00", 1),
        ("10:00", 2),
    ]


def test_limit_stops_after_that_many():
    # given two providers over two days
    team = [provider(id=1), provider(id=2)]
    everything = find([service()], team, last_day=TUESDAY)

    # when
    first_three = find([service()], team, last_day=TUESDAY, limit=3)

    # then
    assert len(everything) == 2 * 2 * 29
    assert first_three == everything[:3]
    assert [(s.starts_at, s.provider_id) for s in first_three] == [
        (local(MONDAY, 9), 1),
        (local(MONDAY, 9), 2),
        (local(MONDAY, 9, 15), 1),
    ]


def test_services_are_required_and_times_must_be_aware():
    with pytest.raises(ValueError, match="at least one service"):
        find([], [provider()])
    with pytest.raises(ValueError, match="starts_at"):
        check([service()], provider(), dt.datetime(2026, 6, 15, 10))


# --- checking one start ---------------------------------------------------------


def test_check_slot_takes_a_start_off_the_grid():
    # when staff book 10:05
    slot = check([service(id=9, duration=50)], provider(id=5), local(MONDAY, 10, 5))

    # then
    assert slot == Slot(
        starts_at=utc(MONDAY, 14, 5),
        ends_at=utc(MONDAY, 14, 55),
        provider_id=5,
        segments=(Segment(9, utc(MONDAY, 14, 5), utc(MONDAY, 14, 55)),),
        blocked_from=utc(MONDAY, 14, 5),
        blocked_until=utc(MONDAY, 14, 55),
        holds=(),
    )


def test_check_slot_matches_what_find_slots_offers():
    # given a busy provider and a room
    who = provider(busy=(busy(MONDAY, "11:00", "12:00"),))
    rooms = [ResourceSpec(id=1, type_id=7, busy=(busy(MONDAY, "14:00", "15:00"),))]
    facial = service(buffer_after=10, resource_type_ids=(7,))

    # when
    offered = find([facial], [who], resources=rooms)

    # then every offered slot checks out the same
    assert [check([facial], who, s.starts_at, resources=rooms) for s in offered] == offered


def _reason(**changes):
    arguments = {
        "services": [service(required_credentials=frozenset({"rn"}), resource_type_ids=(7,))],
        "who": provider(
            working=(("10:00", "16:00"),),
            credentials=(("rn", MONDAY),),
            busy=(busy(MONDAY, "14:00", "15:00"),),
        ),
        "starts_at": local(MONDAY, 11),
        "resources": [ResourceSpec(id=1, type_id=7, busy=(busy(MONDAY, "12:00", "13:00"),))],
        "policy": Policy(min_notice=minutes(120), horizon=dt.timedelta(days=30)),
        "now": local(MONDAY, 8),
    }
    arguments.update(changes)
    with pytest.raises(Unavailable) as raised:
        check(
            arguments["services"],
            arguments["who"],
            arguments["starts_at"],
            resources=arguments["resources"],
            policy=arguments["policy"],
            now=arguments["now"],
        )
    return raised.value.code


def test_check_slot_accepts_the_baseline_of_the_reasons():
    slot = check(
        [service(required_credentials=frozenset({"rn"}), resource_type_ids=(7,))],
        provider(working=(("10:00", "16:00"),), credentials=(("rn", MONDAY),)),
        local(MONDAY, 11),
        resources=[ResourceSpec(id=1, type_id=7)],
        policy=Policy(min_notice=minutes(120), horizon=dt.timedelta(days=30)),
        now=local(MONDAY, 8),
    )
    assert slot.holds == (ResourceHold(1, local(MONDAY, 11), local(MONDAY, 12)),)


def test_check_slot_says_why_not_with_one_code_per_rule():
    assert _reason(now=local(MONDAY, 9, 30)) == "OUTSIDE_POLICY"  # 90 minutes' notice
    assert _reason(now=local(MONDAY, 11) - dt.timedelta(days=31)) == "OUTSIDE_POLICY"
    assert _reason(who=provider(working=(("10:00", "16:00"),))) == "NOT_QUALIFIED"
    assert _reason(starts_at=local(MONDAY, 16, 30)) == "LOCATION_CLOSED"
    assert _reason(starts_at=local(MONDAY, 16)) == "PROVIDER_NOT_WORKING"
    assert _reason(starts_at=local(MONDAY, 13, 30)) == "PROVIDER_BUSY"
    assert _reason(starts_at=local(MONDAY, 11, 30)) == "NO_RESOURCE"


def test_check_slot_reports_the_first_rule_broken():
    # given a start that breaks several rules at once
    expired = provider(working=(("10:00", "16:00"),), credentials=(("rn", SUNDAY),))

    # then the order is policy, credentials, location, provider hours, busy, resources
    assert _reason(starts_at=local(MONDAY, 9, 30), now=local(MONDAY, 9)) == "OUTSIDE_POLICY"
    assert _reason(who=expired, starts_at=local(MONDAY, 17)) == "NOT_QUALIFIED"
    assert _reason(starts_at=local(MONDAY, 16, 30)) == "LOCATION_CLOSED"
    assert _reason(starts_at=local(MONDAY, 14), services=[service(duration=150)]) == (
        "PROVIDER_NOT_WORKING"
    )
    room_taken = [ResourceSpec(id=1, type_id=7, busy=(busy(MONDAY, "14:00", "15:00"),))]
    assert _reason(starts_at=local(MONDAY, 14), resources=room_taken) == "PROVIDER_BUSY"


# --- daylight saving time in New York ----------------------------------------------


def _first_start_per_day(slots):
    first = {}
    for slot in slots:
        first.setdefault(slot.starts_at.astimezone(NY).date(), slot.starts_at)
    return first


def test_nine_oclock_is_13_utc_in_summer_time_and_14_utc_in_winter_time():
    # when asked for the days around both changes
    march = find(
        [service()], [provider()], first_day=dt.date(2026, 3, 7), last_day=dt.date(2026, 3, 9)
    )
    november = find(
        [service()], [provider()], first_day=dt.date(2026, 10, 31), last_day=dt.date(2026, 11, 2)
    )

    # then
    assert _first_start_per_day(march) == {
        dt.date(2026, 3, 7): utc(dt.date(2026, 3, 7), 14),
        dt.date(2026, 3, 8): utc(dt.date(2026, 3, 8), 13),
        dt.date(2026, 3, 9): utc(dt.date(2026, 3, 9), 13),
    }
    assert _first_start_per_day(november) == {
        dt.date(2026, 10, 31): utc(dt.date(2026, 10, 31), 13),
        dt.date(2026, 11, 1): utc(dt.date(2026, 11, 1), 14),
        dt.date(2026, 11, 2): utc(dt.date(2026, 11, 2), 14),
    }


NIGHT = (("00:00", "04:00"),)


def _night(day):
    return find([service()], [provider(working=NIGHT)], open_hours=NIGHT, first_day=day)


def test_a_spring_forward_night_is_one_real_hour_shorter_and_skips_the_gap():
    # given hours 00:00-04:00 and a 60-minute service
    ordinary = _night(dt.date(2026, 3, 1))

    # when
    short = _night(SPRING_FORWARD)

    # then 4 real hours give 13 starts, 3 real hours 9, none at 02:xx
    assert len(ordinary) == 13
    assert wall_times(short) == [*quarter_hours("00:00", "01:45"), "03:00"]
    assert [slot.starts_at for slot in short] == [
        utc(SPRING_FORWARD, 5) + minutes(15) * i for i in range(9)
    ]
    assert short[-1].ends_at == utc(SPRING_FORWARD, 8)  # 04:00 EDT


def test_a_fall_back_night_repeats_an_hour_with_distinct_utc_starts():
    # when
    long = _night(FALL_BACK)

    # then 5 real hours give 17 starts, the 01:xx starts twice, an hour apart in UTC
    assert len(long) == 17
    assert wall_times(long) == [
        *quarter_hours("00:00", "01:45"),
        *quarter_hours("01:00", "03:00"),
    ]
    assert [slot.starts_at for slot in long] == [
        utc(FALL_BACK, 4) + minutes(15) * i for i in range(17)
    ]
    one_oclock = [
        slot.starts_at for slot in long if slot.starts_at.astimezone(NY).time() == dt.time(1)
    ]
    assert one_oclock == [utc(FALL_BACK, 5), utc(FALL_BACK, 6)]


def test_hours_from_one_to_four_last_two_real_hours_in_march_and_four_in_november():
    one_to_four = (("01:00", "04:00"),)

    def starts(day):
        slots = find(
            [service()], [provider(working=one_to_four)], open_hours=one_to_four, first_day=day
        )
        return [slot.starts_at for slot in slots]

    # then the stretch is [06:00, 08:00) UTC in March and [05:00, 09:00) UTC in November
    march = starts(SPRING_FORWARD)
    november = starts(FALL_BACK)
    assert (len(march), march[0], march[-1]) == (5, utc(SPRING_FORWARD, 6), utc(SPRING_FORWARD, 7))
    assert (len(november), november[0], november[-1]) == (13, utc(FALL_BACK, 5), utc(FALL_BACK, 8))


def test_a_coarse_grid_follows_the_wall_clock_across_both_changes():
    # given 45-minute steps, which do not divide the hour the clock jumps
    every_45 = Policy(granularity=minutes(45))

    def starts(day):
        return find(
            [service(duration=30)],
            [provider(working=NIGHT)],
            open_hours=NIGHT,
            policy=every_45,
            first_day=day,
        )

    # then starts stay on 00:00, 00:45, 01:30, 02:15, 03:00 of the wall clock
    assert wall_times(starts(SPRING_FORWARD)) == ["00:00", "00:45", "01:30", "03:00"]
    fall = starts(FALL_BACK)
    assert wall_times(fall) == ["00:00", "00:45", "01:30", "01:30", "02:15", "03:00"]
    assert [slot.starts_at for slot in fall][2:4] == [utc(FALL_BACK, 5, 30), utc(FALL_BACK, 6, 30)]


def test_opening_inside_the_spring_gap_opens_when_the_gap_ends():
    # given a location opening at 02:30, a wall time that does not occur on 8 March
    late = (("02:30", "05:00"),)

    # when
    slots = find(
        [service(duration=30)], [provider(working=late)], open_hours=late, first_day=SPRING_FORWARD
    )

    # then it opens at 03:00 EDT
    assert slots[0].starts_at == utc(SPRING_FORWARD, 7)
    assert wall_times(slots) == quarter_hours("03:00", "04:30")
    with pytest.raises(Unavailable) as raised:
        check(
            [service(duration=30)],
            provider(working=late),
            utc(SPRING_FORWARD, 6, 45),
            open_hours=late,
        )
    assert raised.value.code == "LOCATION_CLOSED"


def test_an_appointment_across_the_change_lasts_its_real_duration():
    # when booked at 01:30 on both change nights
    spring = check(
        [service()], provider(working=NIGHT), local(SPRING_FORWARD, 1, 30), open_hours=NIGHT
    )
    fall = check([service()], provider(working=NIGHT), local(FALL_BACK, 1, 30), open_hours=NIGHT)

    # then each ends one real hour later: 03:30 EDT in March, the second 01:30 in November
    assert (spring.starts_at, spring.ends_at) == (
        utc(SPRING_FORWARD, 6, 30),
        utc(SPRING_FORWARD, 7, 30),
    )
    assert spring.ends_at.astimezone(NY).strftime("%H:%M %Z") == "03:30 EDT"
    assert spring in _night(SPRING_FORWARD)
    assert (fall.starts_at, fall.ends_at) == (utc(FALL_BACK, 5, 30), utc(FALL_BACK, 6, 30))
    assert fall.ends_at == local(FALL_BACK, 1, 30, fold=1)


# --- properties ------------------------------------------------------------------

OPEN = (("08:00", "12:00"), ("13:00", "18:30"))
WORKING = (("07:30", "11:00"), ("12:30", "20:00"))
DAYS = [MONDAY, dt.date(2026, 3, 7), dt.date(2026, 10, 31)]  # the last two cross a change

# A busy span: minutes from 06:00 local on the first day, and a length in minutes.
spans = st.lists(st.tuples(st.integers(0, 3 * 24 * 60), st.integers(1, 240)), max_size=8)
specs = st.tuples(
    st.sampled_from([15, 20, 30, 45, 60, 90]), st.integers(0, 20), st.integers(0, 20), st.booleans()
)


def _busy_from(first_day, raw):
    origin = local(first_day, 6)
    return tuple(
        Interval(origin + minutes(at), origin + minutes(at + length)) for at, length in raw
    )


def _inside(intervals, start, end):
    start_local, end_local = start.astimezone(NY), end.astimezone(NY)
    return start_local.date() == end_local.date() and any(
        dt.time.fromisoformat(opens) <= start_local.time()
        and end_local.time() <= dt.time.fromisoformat(closes)
        for opens, closes in intervals
    )


def _overlaps(start, end, intervals):
    return any(i.starts_at < end and start < i.ends_at for i in intervals)


# No example database: nothing is written into the work tree.
@settings(max_examples=60, deadline=None, database=None)
@given(
    first_day=st.sampled_from(DAYS),
    provider_busy=st.lists(spans, min_size=1, max_size=3),
    room_busy=st.lists(spans, max_size=3),
    raw_services=st.lists(specs, min_size=1, max_size=3),
)
def test_no_slot_overlaps_busy_time_or_leaves_the_hours(
    first_day, provider_busy, room_busy, raw_services
):
    # given random busy spans, rooms and a random sequence
    team = [
        provider(id=id, working=WORKING, busy=_busy_from(first_day, raw))
        for id, raw in enumerate(provider_busy, start=1)
    ]
    rooms = [
        ResourceSpec(id=id, type_id=7, busy=_busy_from(first_day, raw))
        for id, raw in enumerate(room_busy, start=1)
    ]
    sequence = [
        service(
            id=id,
            duration=length,
            buffer_before=before,
            buffer_after=after,
            resource_type_ids=(7,) if room else (),
        )
        for id, (length, before, after, room) in enumerate(raw_services, start=1)
    ]
    last_day = first_day + dt.timedelta(days=2)

    # when
    slots = find(
        sequence, team, open_hours=OPEN, resources=rooms, first_day=first_day, last_day=last_day
    )

    # then every slot keeps to the hours and clear of busy time, and checks out
    assert [(s.starts_at, s.provider_id) for s in slots] == sorted(
        {(s.starts_at, s.provider_id) for s in slots}
    )
    by_id = {who.id: who for who in team}
    for slot in slots:
        assert _inside(OPEN, slot.starts_at, slot.ends_at)
        assert _inside(WORKING, slot.starts_at, slot.ends_at)
        assert slot.starts_at.astimezone(NY).minute % 15 == 0
        assert not _overlaps(slot.blocked_from, slot.blocked_until, by_id[slot.provider_id].busy)
        assert len({hold.resource_id for hold in slot.holds}) == len(slot.holds)
        for hold in slot.holds:
            assert not _overlaps(hold.starts_at, hold.ends_at, rooms[hold.resource_id - 1].busy)
        for segment, spec in zip(slot.segments, sequence, strict=True):
            if spec.resource_type_ids:
                assert any(
                    h.starts_at <= segment.starts_at - spec.buffer_before
                    and segment.ends_at + spec.buffer_after <= h.ends_at
                    for h in slot.holds
                )
    # and find_slots misses nothing check_slot accepts on the grid
    offered = {(s.starts_at, s.provider_id): s for s in slots}
    for day in (first_day + dt.timedelta(days=n) for n in range(3)):
        start = local(day, 7)
        while start < local(day, 20):
            for who in team:
                try:
                    accepted = check(sequence, who, start, open_hours=OPEN, resources=rooms)
                except Unavailable:
                    assert (start, who.id) not in offered
                else:
                    assert offered[(start, who.id)] == accepted
            start += minutes(15)
