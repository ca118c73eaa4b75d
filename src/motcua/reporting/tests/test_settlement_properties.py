"""Random event histories driven through the real services (time-machine), then random periods:
the report must equal an independent oracle that replays each record's events in Python, and
the form's identities must hold for every row and for the totals."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.organisations.calendar import TZ
from motcua.organisations.selectors import calendar_for
from motcua.records import services
from motcua.records.models import Record, RecordEvent
from motcua.records.tests.factories import applicant, full_components, receive, travel
from motcua.records.workflow import FINISHING, OPEN, Status
from motcua.reporting.settlement import (
    COLUMNS,
    Period,
    check_identities,
    report_scope,
    settlement_report,
)

pytestmark = pytest.mark.django_db

DAY0 = date(2025, 3, 3)
ACTIONS = ("supplement", "extend", "stop", "withdraw", "finish", "claim")

plans = st.lists(
    st.tuples(
        st.sampled_from(["direct", "postal", "online", "online_unreceived"]),
        st.integers(0, 60),  # receipt day offset
        st.integers(8, 16),  # receipt hour
        st.booleans(),  # restart rule procedure
        st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(1, 12)), max_size=4),
    ),
    min_size=1,
    max_size=3,
)
periods = st.tuples(st.integers(-5, 110), st.integers(0, 45))


def _day(offset: int) -> str:
    return (DAY0 + timedelta(days=offset)).isoformat()


def _run_plan(world, plan, serial):  # type: ignore[no-untyped-def]
    channel, day, hour, restart, actions = plan
    procedure = world.restart_procedure if restart else world.pause_procedure
    when = f"{_day(day)} {hour:02d}:00"
    if channel.startswith("online"):
        with travel(when):
            record = services.record_submit_online(
                actor=world.reception,
                source="prop",
                external_code=f"P{serial}",
                agency=world.justice,
                procedure=procedure,
                applicant=applicant(),
                components=full_components(procedure),
            )
            if channel == "online_unreceived":
                return
            record = services.record_receive_online(actor=world.reception, record=record)
    else:
        with travel(when):
            record = receive(world, procedure, channel=channel)
    claimed = False
    for action, gap in actions:
        day += gap
        record = Record.objects.get(pk=record.pk)
        if record.status not in OPEN:
            return
        if action == "claim" and not claimed:
            with travel(f"{_day(day)} 10:00"):
                services.step_claim(actor=world.specialist, record=record)
            claimed = True
        elif action == "supplement":
            with travel(f"{_day(day)} 10:00"):
                if record.status == Status.SUPPLEMENT_REQUESTED:
                    services.supplement_receive(actor=world.reception, record=record)
                else:
                    if not claimed:
                        services.step_claim(actor=world.specialist, record=record)
                        claimed = True
                    services.supplement_request(
                        actor=world.specialist, record=record, reason="r", items=[{"name": "A"}]
                    )
        elif action == "extend":
            with travel(f"{_day(day)} 10:00"):
                now = (DAY0 + timedelta(days=day)).isoformat()
                if record.due_at is None or record.due_at.astimezone(TZ).date().isoformat() <= now:
                    continue
                cal = calendar_for(agency=record.agency)
                new_due = record.due_at + timedelta(days=5)
                while not cal.is_working_day(new_due.astimezone(TZ).date()):
                    new_due += timedelta(days=1)
                services.record_extend(
                    actor=world.leader, record=record, new_due_at=new_due, reason="x"
                )
        elif action == "stop":
            with travel(f"{_day(day)} 10:00"):
                services.record_stop(actor=world.leader, record=record, reason="x")
        elif action == "withdraw":
            with travel(f"{_day(day)} 10:00"):
                services.record_withdraw(actor=world.reception, record=record, reason="x")
        elif action == "finish":
            if record.status == Status.SUPPLEMENT_REQUESTED:
                with travel(f"{_day(day)} 07:00"):
                    services.supplement_receive(actor=world.reception, record=record)
            _walk(world, record, _day(day), claimed=claimed)
            return


def _walk(world, record, day, *, claimed):  # type: ignore[no-untyped-def]
    if not claimed:
        with travel(f"{day} 08:00"):
            services.step_claim(actor=world.specialist, record=record)
    with travel(f"{day} 08:10"):
        services.step_forward(actor=world.specialist, record=record, assignee=world.police_officer)
    with travel(f"{day} 08:20"):
        services.step_forward(actor=world.police_officer, record=record)
    with travel(f"{day} 08:30"):
        services.step_claim(actor=world.unit_head, record=record)
        services.step_forward(actor=world.unit_head, record=record, assignee=world.leader)
    with travel(f"{day} 08:40"):
        services.record_approve(actor=world.leader, record=record)
    with travel(f"{day} 08:50"):
        services.record_mark_result_ready(actor=world.reception, record=record)


def _oracle(period: Period, due_field: str) -> Counter[str]:
    """Replay every record's events in Python."""
    result: Counter[str] = Counter()
    start, end, last = period.start, period.end, period.last_instant
    events: dict[int, list[RecordEvent]] = {}
    for event in RecordEvent.objects.order_by("at", "id"):
        events.setdefault(event.record_id, []).append(event)
    for record in Record.objects.all():
        history = events.get(record.pk, [])
        received = next((e.at for e in history if e.kind == "record.received"), None)
        if received is None:
            continue
        finished = next(
            (e.at for e in history if e.at >= received and e.to_status in FINISHING), None
        )
        assert finished == record.finished_at
        if received >= end or (finished is not None and finished < start):
            continue
        result["received_total"] += 1
        if received < start:
            result["carried_over"] += 1
        elif record.channel == "online":
            result["received_online"] += 1
        else:
            result["received_direct_postal"] += 1
        if finished is not None and finished < end:
            result["settled_total"] += 1
            key = {"early": "settled_early", "late": "settled_late"}.get(
                record.timeliness, "settled_on_time"
            )
            result[key] += 1
            continue
        result["in_progress_total"] += 1
        before = [e for e in history if e.at <= last]
        event = before[-1]
        due = getattr(event, due_field)
        judged = event.at if event.to_status == Status.SUPPLEMENT_REQUESTED else last
        overdue = due is not None and judged > due
        result["in_progress_overdue" if overdue else "in_progress_on_time"] += 1
    return result


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plans=plans, checks=st.lists(periods, min_size=1, max_size=3), latest=st.booleans())
def test_report_matches_a_replay_of_the_events(world, plans, checks, latest):
    from django.conf import settings as django_settings

    for index, plan in enumerate(plans):
        _run_plan(world, plan, f"{Record.objects.count()}-{index}")
    against = "latest" if latest else "original"
    old = django_settings.MOTCUA_TIMELINESS_AGAINST
    django_settings.MOTCUA_TIMELINESS_AGAINST = against
    try:
        for offset, length in checks:
            first = DAY0 + timedelta(days=offset)
            period = Period(first, first + timedelta(days=length))
            expected = _oracle(period, "due_after" if latest else "statutory_due_after")
            for group_by in ("agency", "field", "procedure"):
                report = settlement_report(
                    period=period,
                    scope=report_scope(user=None, agency_code=None),
                    group_by=group_by,
                )
                assert check_identities([*report.rows, report.totals]) == []
                assert report.totals == {c: expected.get(c, 0) for c in COLUMNS}
    finally:
        django_settings.MOTCUA_TIMELINESS_AGAINST = old
