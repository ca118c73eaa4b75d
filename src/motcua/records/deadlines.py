"""Deadline arithmetic for records: pure functions over the working calendar.

The clock (domain.md §1.4, §2.2):
- the appointment comes from the procedure version's duration, unit, counting mode and cut-off;
- a supplement request either pauses the clock (the working time left is kept and counted again
  from the moment the desk receives the supplement) or restarts it (the whole duration counts
  again from that moment), per the procedure version's rule;
- an extension (apology) moves the appointment given to the applicant, not the statutory due;
- a finished record is late if it finished after the due instant, early if it finished on an
  earlier calendar day, otherwise on time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from motcua.organisations.calendar import (
    TZ,
    CountingMode,
    DueResult,
    DurationUnit,
    WorkingCalendar,
    compute_due,
    fmt_instant,
)

ZERO = timedelta(0)


@dataclass(frozen=True)
class ClockRule:
    """What the clock needs from a procedure version."""

    duration: Decimal
    unit: DurationUnit
    mode: CountingMode
    cutoff: time | None
    hours_per_day: int = 8


def appointment(cal: WorkingCalendar, rule: ClockRule, *, received_at: datetime) -> DueResult:
    return compute_due(
        cal,
        received_at=received_at,
        duration=rule.duration,
        unit=rule.unit,
        mode=rule.mode,
        cutoff=rule.cutoff,
        hours_per_day=rule.hours_per_day,
    )


def remaining_at(cal: WorkingCalendar, *, due_at: datetime, at: datetime) -> timedelta:
    """Working time left before ``due_at`` at instant ``at`` (zero when already overdue)."""
    return cal.working_time_between(at, due_at)


def resume_due(
    cal: WorkingCalendar, *, due_at: datetime, remaining: timedelta, resumed_at: datetime
) -> tuple[datetime, str]:
    """The due instant after a pause: the working time that was left at the pause is counted
    again from the clock start after ``resumed_at``. A record that was already overdue when the
    clock paused keeps its due instant (the pause cannot make it timely again)."""
    if remaining <= ZERO:
        return due_at, _(
            "The record was already overdue when the clock paused: the due instant stays %(due)s."
        ) % {"due": fmt_instant(due_at)}
    start = cal.clock_start(resumed_at)
    new_due = cal.add_working_time(start, remaining)
    hours = remaining.total_seconds() / 3600
    return new_due, _(
        "Clock paused for a supplement; %(hours).2f working hours were left, counted again from %(start)s: due %(due)s."
    ) % {"hours": hours, "start": fmt_instant(start), "due": fmt_instant(new_due)}


def step_due(
    cal: WorkingCalendar, *, started_at: datetime, budget_hours: Decimal
) -> datetime | None:
    if budget_hours <= 0:
        return None
    return cal.add_working_time(cal.clock_start(started_at), timedelta(hours=float(budget_hours)))


def classify(*, finished_at: datetime, due_at: datetime) -> str:
    """``late`` after the due instant; ``early`` on an earlier calendar day; else ``on_time``."""
    if finished_at > due_at:
        return "late"
    if finished_at.astimezone(TZ).date() < due_at.astimezone(TZ).date():
        return "early"
    return "on_time"


def is_overdue(*, due_at: datetime | None, at: datetime, paused_at: datetime | None = None) -> bool:
    """An unfinished record is overdue at ``at`` when its due instant has passed; while paused
    for a supplement it is judged at the instant the clock paused."""
    if due_at is None:
        return False
    judged_at = paused_at if paused_at is not None and paused_at <= at else at
    return judged_at > due_at
