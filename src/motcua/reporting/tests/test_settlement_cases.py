"""Hand-built histories: each case of the report's definitions on records moved by the real
services at set instants (time-machine). The pause procedure is due 10 working days after
receipt: received Mon 21/04/2025 08:00 → due Wed 07/05/2025 08:00."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core.errors import NotFound, ValidationFailed
from motcua.organisations.calendar import TZ
from motcua.records import services
from motcua.records.tests.factories import applicant, at, receive, travel
from motcua.reporting.settlement import COLUMNS, cell_records, period_parse, report_scope
from motcua.reporting.tests.helpers import nonzero, report, submit_online, totals, walk_to_result

pytestmark = pytest.mark.django_db


def test_empty_report_has_zero_totals(world):
    result = report("2025-04-01", "2025-04-30")
    assert result.rows == []
    assert result.totals == dict.fromkeys(COLUMNS, 0)


def test_carry_over_and_settled_in_the_next_period(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    walk_to_result(world, record, "2025-05-05")
    assert nonzero(totals("2025-04-01", "2025-04-30")) == {
        "received_total": 1,
        "received_direct_postal": 1,
        "in_progress_total": 1,
        "in_progress_on_time": 1,
    }
    assert nonzero(totals("2025-05-01", "2025-05-31")) == {
        "received_total": 1,
        "carried_over": 1,
        "settled_total": 1,
        "settled_early": 1,
    }
    # Finished before June: not in June's report at all.
    assert nonzero(totals("2025-06-01", "2025-06-30")) == {}


def test_on_time_and_late_finishes(world):
    with travel("2025-04-21 08:00"):
        on_time = receive(world)
        late = receive(world)
    walk_to_result(world, on_time, "2025-05-07")  # 08:50 on the due day, after 08:00: late
    assert nonzero(totals("2025-05-01", "2025-05-31")) == {
        "received_total": 2,
        "carried_over": 2,
        "settled_total": 1,
        "settled_late": 1,
        "in_progress_total": 1,
        "in_progress_overdue": 1,
    }
    assert late.pk
    with travel("2025-05-07 07:00"):
        services.step_claim(actor=world.specialist, record=late)
    # As of 06/05 (before the due instant) the open record is within its deadline.
    assert nonzero(totals("2025-05-01", "2025-05-06")) == {
        "received_total": 2,
        "carried_over": 2,
        "in_progress_total": 2,
        "in_progress_on_time": 2,
    }


def test_supplement_pause_across_the_period_boundary(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-05-05 09:00"):  # the clock pauses before the due instant (07/05 08:00)
        services.step_claim(actor=world.specialist, record=record)
        services.supplement_request(
            actor=world.specialist, record=record, reason="Thiếu", items=[{"name": "CCCD"}]
        )
    # At the end of May the clock is still paused: judged at the pause, within the deadline,
    # although 31/05 is long after the statutory due instant.
    may = totals("2025-05-01", "2025-05-31")
    assert may["in_progress_on_time"] == 1 and may["in_progress_overdue"] == 0
    with travel("2025-06-02 08:00"):
        record = services.supplement_receive(actor=world.reception, record=record)
    assert record.statutory_due_at is not None and record.statutory_due_at < at("2025-06-30 00:00")
    june = totals("2025-06-01", "2025-06-30")
    assert nonzero(june) == {
        "received_total": 1,
        "carried_over": 1,
        "in_progress_total": 1,
        "in_progress_overdue": 1,
    }
    # About two working days were left at the pause: counted from 02/06 they end on 03/06, so
    # as of the day before the new due date the record is within it.
    due_day = record.statutory_due_at.astimezone(TZ).date()
    assert due_day > date(2025, 6, 2)
    before = (due_day - timedelta(days=1)).isoformat()
    assert totals("2025-06-01", before)["in_progress_on_time"] == 1


def test_supplement_requested_after_the_due_instant_stays_overdue(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-05-08 09:00"):
        services.step_claim(actor=world.specialist, record=record)
        services.supplement_request(
            actor=world.specialist, record=record, reason="Thiếu", items=[{"name": "CCCD"}]
        )
    assert totals("2025-05-01", "2025-05-31")["in_progress_overdue"] == 1


def test_extension_against_statutory_or_latest_appointment(world, settings):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-05-06 09:00"):
        services.record_extend(
            actor=world.leader,
            record=record,
            new_due_at=at("2025-05-20 17:00"),
            reason="Cần xác minh thêm",
        )
    settings.MOTCUA_TIMELINESS_AGAINST = "original"
    assert totals("2025-05-01", "2025-05-10")["in_progress_overdue"] == 1
    settings.MOTCUA_TIMELINESS_AGAINST = "latest"
    assert totals("2025-05-01", "2025-05-10")["in_progress_on_time"] == 1
    assert totals("2025-05-01", "2025-05-31")["in_progress_overdue"] == 1


def test_stop_and_withdrawal_are_settled(world):
    with travel("2025-04-21 08:00"):
        stopped = receive(world)
        withdrawn = receive(world)
    with travel("2025-04-22 09:00"):
        services.record_stop(actor=world.leader, record=stopped, reason="Không đủ điều kiện")
    with travel("2025-05-09 09:00"):
        services.record_withdraw(actor=world.reception, record=withdrawn, reason="Công dân rút")
    assert nonzero(totals("2025-04-01", "2025-04-30")) == {
        "received_total": 2,
        "received_direct_postal": 2,
        "settled_total": 1,
        "settled_early": 1,
        "in_progress_total": 1,
        "in_progress_on_time": 1,
    }
    assert nonzero(totals("2025-05-01", "2025-05-31")) == {
        "received_total": 1,
        "carried_over": 1,
        "settled_total": 1,
        "settled_late": 1,
    }


def test_refused_and_unreceived_submissions_are_not_received(world):
    with travel("2025-04-21 08:00"):
        services.desk_slip_issue(
            actor=world.reception,
            agency=world.justice,
            procedure=world.pause_procedure,
            kind="refusal",
            applicant=applicant(),
            reason="Không thuộc thẩm quyền",
        )
    refused = submit_online(world, "G1", "2025-04-21 09:00")
    submit_online(world, "G2", "2025-04-21 09:05")  # never received
    withdrawn_early = submit_online(world, "G3", "2025-04-21 09:10")
    received = submit_online(world, "G4", "2025-04-21 09:15")
    with travel("2025-04-21 10:00"):
        services.record_refuse_online(actor=world.reception, record=refused, reason="Sai")
        services.record_withdraw(actor=world.reception, record=withdrawn_early, reason="Rút")
        services.record_receive_online(actor=world.reception, record=received)
    assert nonzero(totals("2025-04-01", "2025-04-30")) == {
        "received_total": 1,
        "received_online": 1,
        "in_progress_total": 1,
        "in_progress_on_time": 1,
    }


def test_groups_by_agency_field_and_procedure(world):
    with travel("2025-04-21 08:00"):
        receive(world)
        receive(world, world.restart_procedure)
    by_agency = report("2025-04-01", "2025-04-30").rows
    assert [(r["agency_code"], r["received_total"]) for r in by_agency] == [(world.justice.code, 2)]
    by_field = report("2025-04-01", "2025-04-30", group_by="field").rows
    assert [(r["field_code"], r["received_total"]) for r in by_field] == [("LLTP", 2)]
    by_procedure = report("2025-04-01", "2025-04-30", group_by="procedure").rows
    assert [(r["procedure_code"], r["received_total"]) for r in by_procedure] == [
        ("2.000488", 1),
        ("2.000505", 1),
    ]


def test_period_is_whole_local_days(world):
    with travel("2025-04-30 23:59"):
        receive(world)  # 30/04 is a holiday, but a dossier may still be received
    assert totals("2025-04-30", "2025-04-30")["received_total"] == 1
    assert totals("2025-05-01", "2025-05-01")["carried_over"] == 1
    assert totals("2025-04-29", "2025-04-29")["received_total"] == 0


def test_drill_down_lists_the_records_behind_each_number(world):
    with travel("2025-04-21 08:00"):
        a = receive(world)
        b = receive(world)
    with travel("2025-04-22 09:00"):
        services.record_stop(actor=world.leader, record=a, reason="Dừng")
    result = report("2025-04-01", "2025-04-30")
    period = period_parse("2025-04-01", "2025-04-30")
    scope = report_scope(user=None, agency_code=None)
    for column in COLUMNS:
        for key in (None, world.justice.code):
            qs = cell_records(period=period, scope=scope, column=column, group_by="agency", key=key)
            assert qs.count() == result.totals[column]
    settled = cell_records(
        period=period, scope=scope, column="settled_total", group_by="agency", key=None
    )
    assert list(settled.values_list("pk", flat=True)) == [a.pk]
    assert b.pk in cell_records(
        period=period, scope=scope, column="in_progress_on_time", group_by="agency", key=None
    ).values_list("pk", flat=True)


def test_report_is_one_query(world):
    with travel("2025-04-21 08:00"):
        for _ in range(3):
            receive(world)
    period = period_parse("2025-04-01", "2025-04-30")
    scope = report_scope(user=None, agency_code=None)
    from motcua.reporting.settlement import settlement_report

    with CaptureQueriesContext(connection) as queries:
        settlement_report(period=period, scope=scope, group_by="procedure")
    selects = [
        q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
    ]
    assert len(selects) == 1  # (PostgreSQL adds SET LOCAL jit = off in a savepoint)


def test_scope_of_staff_and_center(world):
    with travel("2025-04-21 08:00"):
        receive(world)
    # An officer of the justice department sees it; the other department's officer does not.
    assert totals("2025-04-01", "2025-04-30", user=world.reception)["received_total"] == 1
    assert totals("2025-04-01", "2025-04-30", user=world.outsider)["received_total"] == 0
    with pytest.raises(NotFound):  # another agency's report is "not found" (scope = 404)
        report_scope(user=world.outsider, agency_code=world.justice.code)
    # The Center's variant counts records received at the Center: none here.
    center = totals("2025-04-01", "2025-04-30", agency=world.center.code)
    assert center["received_total"] == 0
    assert report_scope(user=None, agency_code=world.center.code).is_center


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        ("", "2025-04-30", "from"),
        ("2025-04-01", "30/04/2025", "to"),
        ("2025-05-01", "2025-04-30", "to"),
        ("2000-01-01", "2025-04-30", "from"),
    ],
)
def test_bad_periods_are_refused(first, last, field):
    with pytest.raises(ValidationFailed) as info:
        period_parse(first, last)
    assert info.value.field == field


def test_unknown_agency_is_refused(db):
    with pytest.raises(ValidationFailed):
        report_scope(user=None, agency_code="000.00.99.H99")


def test_last_instant_is_inside_the_period():
    period = period_parse("2025-04-01", "2025-04-30")
    assert period.last_instant < period.end
    assert period.last_instant > datetime.fromisoformat("2025-04-30T23:59:59+07:00")
