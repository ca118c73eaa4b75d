"""Generate a province's history of records for the settlement report benchmark, with COPY.

    .venv/bin/python bench/generate.py --records 1000000 [--per-month 58000] [--seed 1]
        [--end 2026-11-01]

Recreates the database (``BENCH_DATABASE_URL``, default ``motcua_bench_report``), migrates it,
loads the demo organisations and catalogue (``motcua demo``), adds historical district agencies
and more communes, then writes the records and their events with PostgreSQL ``COPY`` (psycopg 3
``cursor.copy``), the secondary indexes and constraints of the two tables dropped during the load
and rebuilt afterwards, then ``VACUUM ANALYZE`` (and ``ANALYZE`` of every other table). Deterministic: the same ``--seed``,
``--records``, ``--per-month`` and ``--end`` give the same rows.

The history ends at ``--end`` 00:00 (Asia/Ho_Chi_Minh, default: the first day of the current
month), the "now" of the data, and goes back as far as ``--records`` needs, the last 12 months
receiving ``--per-month`` records a month on average (older years less: 6 % growth a year):
the province's volume does not depend on how much history is kept, so the sizes differ only by
the length of the history (58,000 a month: 100k = 7 weeks, 1M = 1.5 years, 10M = 21 years).
What the data looks like:

- **procedures**: the published demo procedures, Zipf-skewed (the top three take about half of
  the records); province procedures are received at the province Center and settled by their
  department, commune procedures received and settled by a commune;
- **agencies**: the 7 province agencies, 9 district People's Committees (historical: they settle
  records only before 2025-07-01, the two-level reform) and 3 + 108 communes, weighted by a
  skewed population;
- **channels**: the online share grows over the years (2 % eight years before the end, +9
  points a year, at most 65 %), postal 4 %, the rest direct;
- **seasons**: monthly factors (peaks in December-January before Tết, August-September at the
  start of the school year), 3 weeks before Tết busier, Tết and public holidays closed, growth of
  6 % a year; Monday busiest, Saturday morning small, Sunday closed; received in office hours
  (07:30-11:30, 13:30-17:00);
- **outcomes**: appointments from the procedure's duration (working days x 7/5 calendar days);
  about 3.5 % of records have a supplement round (the clock pauses: the due moves by the
  pause), 0.3 % an extension (a new appointment), 0.5 % are stopped, 0.4 % withdrawn, 1 % of
  the online submissions are refused before reception (never received, not in the report); the
  others get their result early (most), on the due day, or late (about 2 %), and 92 % of the
  results are returned within days. Whatever is still running at ``--end`` is open.
- events: received, supplement requested / received, extended, result ready, returned,
  stopped, withdrawn (refused submissions: submitted, refused), each with ``due_after`` and
  ``statutory_due_after`` as the live services write them. No steps, components or fees: the
  report does not read them (open records therefore do not appear in the work queues).
"""

from __future__ import annotations

import argparse
import bisect
import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import os  # noqa: E402

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://motcua:motcua@127.0.0.1:5432/motcua_bench_report"
)

from common import print_table, setup_django, stopwatch, write_result  # noqa: E402
from seed import GIVEN, MIDDLE, SURNAMES, _due_days, _load_demo  # noqa: E402

TABLES = ["records_record", "records_recordevent"]
DISTRICTS = 9
COMMUNES_PER_DISTRICT = 12
REFORM = date(2025, 7, 1)  # districts abolished (two-level local government)
DAY = 86400

# Lunar new year (first day of Tết); other years: an approximation around early February.
TET = {
    2010: (2, 14), 2011: (2, 3), 2012: (1, 23), 2013: (2, 10), 2014: (1, 31), 2015: (2, 19),
    2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5), 2020: (1, 25), 2021: (2, 12),
    2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29), 2026: (2, 17), 2027: (2, 6),
    2028: (1, 26), 2029: (2, 13), 2030: (2, 3),
}  # fmt: skip
MONTH_FACTOR = {1: 1.25, 2: 0.85, 3: 1.0, 4: 0.95, 5: 1.0, 6: 1.05, 7: 1.1, 8: 1.2, 9: 1.15,
                10: 1.0, 11: 1.05, 12: 1.3}  # fmt: skip
WEEKDAY_FACTOR = [1.3, 1.1, 1.0, 1.0, 0.95, 0.15, 0.0]  # Monday .. Sunday
HOLIDAYS = {(1, 1), (4, 30), (5, 1), (9, 2), (9, 3)}

RECORD_COLUMNS = (
    "id, created_at, updated_at, code, external_code, source, lookup_secret, channel, status, "
    "applicant_kind, applicant_name, applicant_id_number, applicant_address, applicant_phone, "
    "applicant_email, representative_name, representative_id_number, representative_phone, "
    "subject, sets, fees_due, submitted_at, received_at, book_number, clock_started_at, "
    "statutory_due_at, original_due_at, due_at, due_explanation, paused_at, supplement_count, "
    "extension_count, finished_at, finish_status, timeliness, returned_at, return_method, "
    "result_summary, stop_reason, agency_id, handling_agency_id, procedure_version_id, "
    "received_by_id, current_step_id"
)
EVENT_COLUMNS = (
    "kind, at, from_status, to_status, national_code, due_before, due_after, note, payload, "
    "record_id, statutory_due_after"
)
N = "\\N"


def _tet(year: int) -> date:
    month, day = TET.get(year, (2, 1 + (year * 11) % 19))
    return date(year, month, day)


def day_weight(day: date, end: date) -> float:
    """Relative number of records received on ``day``."""
    if (day.month, day.day) in HOLIDAYS:
        return 0.0
    tet = _tet(day.year)
    delta = (day - tet).days
    if -2 <= delta <= 5:
        return 0.0
    weight = WEEKDAY_FACTOR[day.weekday()] * MONTH_FACTOR[day.month]
    if -24 <= delta < -2:
        weight *= 1.3
    return weight * 1.06 ** ((day - end).days / 365.0)


class Stamp:
    """Fast UTC text for COPY: epoch seconds -> 'YYYY-MM-DD HH:MM:SS+00'."""

    def __init__(self) -> None:
        self.days: dict[int, str] = {}

    def __call__(self, t: float | None) -> str:
        if t is None:
            return N
        s = int(t)
        d, r = divmod(s, DAY)
        text = self.days.get(d)
        if text is None:
            text = self.days[d] = datetime.fromtimestamp(d * DAY, UTC).strftime("%Y-%m-%d ")
        h, r = divmod(r, 3600)
        m, sec = divmod(r, 60)
        return f"{text}{h:02d}:{m:02d}:{sec:02d}+00"


def _local_day(t: float) -> int:
    """Local (UTC+7, no daylight saving) day number of the instant ``t``."""
    return int((t + 7 * 3600) // DAY)


def _classify(finished: float, due: float) -> str:
    if finished > due:
        return "late"
    if _local_day(finished) < _local_day(due):
        return "early"
    return "on_time"


def _extra_agencies(rng: random.Random) -> None:
    """Historical district People's Committees and more communes (108), with units."""
    from motcua.organisations.models import AdministrativeUnit, Agency

    province = AdministrativeUnit.objects.filter(level="province").first()
    for d in range(1, DISTRICTS + 1):
        unit, _c = AdministrativeUnit.objects.get_or_create(
            code=f"GEN-D{d:02d}",
            defaults={"name": f"Huyện Mẫu {d}", "level": "district", "parent": province},
        )
        Agency.objects.get_or_create(
            code=f"{900 + d:03d}.00.20.H99",
            defaults={
                "name": f"Ủy ban nhân dân huyện Mẫu {d}",
                "kind": Agency.Kind.DISTRICT,
                "level": Agency.Level.DISTRICT,
                "administrative_unit": unit,
            },
        )
        for c in range(1, COMMUNES_PER_DISTRICT + 1):
            cunit, _c = AdministrativeUnit.objects.get_or_create(
                code=f"GEN-D{d:02d}-C{c:02d}",
                defaults={"name": f"Xã Mẫu {d}.{c}", "level": "commune", "parent": unit},
            )
            Agency.objects.get_or_create(
                code=f"{d}{c:02d}.00.21.H99",
                defaults={
                    "name": f"Ủy ban nhân dân xã Mẫu {d}.{c}",
                    "kind": Agency.Kind.COMMUNE,
                    "level": Agency.Level.COMMUNE,
                    "administrative_unit": cunit,
                },
            )


def _combos(rng: random.Random) -> tuple[list[tuple[Any, ...]], list[float], list[float]]:
    """(combos, weights after the reform, weights before): one combo per (procedure version,
    receiving agency, settling agency)."""
    from motcua.catalogue.models import ProcedureVersion
    from motcua.organisations.models import Agency

    center = Agency.objects.get(kind=Agency.Kind.CENTER)
    communes = list(Agency.objects.filter(kind=Agency.Kind.COMMUNE).order_by("code"))
    districts = list(Agency.objects.filter(kind=Agency.Kind.DISTRICT).order_by("code"))
    population = {a.pk: rng.lognormvariate(0, 0.7) for a in [*communes, *districts]}
    versions = list(
        ProcedureVersion.objects.filter(status="published")
        .select_related("procedure")
        .prefetch_related("implementing_agencies", "fees")
        .order_by("procedure__code")
    )
    order = list(range(len(versions)))
    rng.shuffle(order)
    popularity = {versions[i].pk: 1.0 / (rank + 1) ** 1.2 for rank, i in enumerate(order)}
    combos: list[tuple[Any, ...]] = []
    after: list[float] = []
    before: list[float] = []
    for version in versions:
        fee = sum(f.amount for f in version.fees.all())
        base = (version.pk, version.name[:500], fee, _due_days(version))
        weight = popularity[version.pk]
        if version.level == "commune":
            for agency in communes:
                combos.append((*base, agency.pk, agency.pk, agency.code))
                after.append(weight * population[agency.pk])
                before.append(weight * population[agency.pk] * 0.6)
            # before the reform the districts settled part of the local procedures
            for agency in districts:
                combos.append((*base, agency.pk, agency.pk, agency.code))
                after.append(0.0)
                before.append(weight * population[agency.pk] * 4.0)
        else:
            handling = list(version.implementing_agencies.all().order_by("code"))
            for agency in handling:
                receiving = center if version.receiving_agency_id == center.pk else agency
                combos.append((*base, receiving.pk, agency.pk, receiving.code))
                # province procedures: the Center's share of the province's records
                after.append(weight * 40 / len(handling))
                before.append(weight * 40 / len(handling))
    return combos, _cumulative(after), _cumulative(before)


def _cumulative(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def _days(records: int, per_month: float, end: date) -> list[tuple[date, int]]:
    """(day, records received that day), oldest first, adding up to ``records``: the last 12
    months receive ``per_month`` x 12 records, older years less (growth), and the history goes
    back as far as ``records`` needs."""
    last_year = [end - timedelta(days=k) for k in range(1, 366)]
    scale = per_month * 12 / sum(day_weight(d, end) for d in last_year)
    days: list[date] = []
    weights: list[float] = []
    total = 0.0
    day = end
    while total < records:
        day -= timedelta(days=1)
        weight = day_weight(day, end) * scale
        days.append(day)
        weights.append(weight)
        total += weight
    days.reverse()
    weights.reverse()
    out, cum, placed = [], 0.0, 0
    for day, weight in zip(days, weights, strict=True):
        cum += weight
        upto = round(cum / total * records)
        if upto > placed:
            out.append((day, upto - placed))
            placed = upto
    return out


def _online_share(day: date, end: date) -> float:
    years_before = (end - day).days / 365.0
    return min(0.65, max(0.02, 0.02 + 0.09 * (8 - years_before)))


def _clean(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def generate(*, records: int, per_month: float, seed: int, end: date) -> list[dict[str, Any]]:
    from django.db import connection

    from motcua.organisations.calendar import TZ

    timings, lap = stopwatch()

    rng = random.Random(seed)
    _load_demo()
    _extra_agencies(rng)
    combos, cum_after, cum_before = _combos(rng)
    lap("demo organisations + catalogue")
    days = _days(records, per_month, end)
    end_t = datetime.combine(end, datetime.min.time(), tzinfo=TZ).timestamp()
    stamp = Stamp()
    stats = {"late": 0, "supplement": 0, "open": 0, "refused": 0}

    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '1GB'")
        recreate_indexes, recreate_constraints = _drop_secondary(cur)
    lap("drop secondary indexes")
    raw = connection.connection  # the psycopg 3 connection under Django's
    record_id = 0
    n_events = 0
    # Two connections: records and events stream at the same time (no foreign keys meanwhile).
    with (
        psycopg.connect(raw.info.dsn, password=raw.info.password, autocommit=True) as other,
        raw.cursor() as cur,
        other.cursor() as ev_cur,
        cur.copy(f"COPY records_record ({RECORD_COLUMNS}) FROM STDIN") as rec_copy,
        ev_cur.copy(f"COPY records_recordevent ({EVENT_COLUMNS}) FROM STDIN") as ev_copy,
    ):
        events: list[str] = []
        out: list[str] = []
        for day, count in days:
            midnight = datetime.combine(day, datetime.min.time(), tzinfo=TZ).timestamp()
            cum = cum_after if day >= REFORM else cum_before
            total = cum[-1]
            online = _online_share(day, end)
            # office hours: 07:30-11:30 (60 %), 13:30-17:00; Saturday morning only
            saturday = day.weekday() == 5
            offsets = sorted(
                (27000 + rng.random() * 14400)
                if saturday or rng.random() < 0.6
                else (48600 + rng.random() * 12600)
                for _ in range(count)
            )
            seq: dict[int, int] = {}
            yymmdd = day.strftime("%y%m%d")
            for offset in offsets:
                record_id += 1
                combo = combos[bisect.bisect(cum, rng.random() * total)]
                r = rng.random()
                channel = "online" if r < online else "postal" if r < online + 0.04 else "direct"
                out.append(
                    _record(rng, record_id, combo, seq, yymmdd, channel, midnight + offset,
                            end_t, stamp, events, stats)
                )  # fmt: skip
            if len(out) >= 20000:
                rec_copy.write("".join(out))
                ev_copy.write("".join(events))
                n_events += len(events)
                out.clear()
                events.clear()
        rec_copy.write("".join(out))
        ev_copy.write("".join(events))
        n_events += len(events)
    lap(f"copy {record_id:,} records, {n_events:,} events")
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        for table in TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(max(id), 1) FROM {table}))"
            )
        for statement in recreate_indexes:
            cur.execute(statement)
        lap(f"rebuild {len(recreate_indexes)} indexes")
        for statement in recreate_constraints:
            cur.execute(statement)
        lap(f"rebuild {len(recreate_constraints)} constraints")
        for table in TABLES:
            cur.execute(f"VACUUM (ANALYZE) {table}")
        # the small tables too (agencies were added): with stale statistics the planner took
        # a nested loop over the agencies and read the whole handling-agency index (4 s at 10M)
        for table in connection.introspection.table_names(cur):
            if table not in TABLES:
                cur.execute(f'ANALYZE "{table}"')
        lap("vacuum analyze")
    return _summary(timings, stats, records, seed, per_month, end)


def _record(
    rng: random.Random,
    record_id: int,
    combo: tuple[Any, ...],
    seq: dict[int, int],
    yymmdd: str,
    channel: str,
    received: float,
    end_t: float,
    stamp: Stamp,
    events: list[str],
    stats: dict[str, int],
) -> str:
    """One record's COPY line; its events are appended to ``events``."""
    version_id, _name, fee, due_days, agency_id, handling_id, agency_code = combo
    surname = SURNAMES[rng.randrange(len(SURNAMES))]
    name = f"{surname} {MIDDLE[rng.randrange(len(MIDDLE))]} {GIVEN[rng.randrange(len(GIVEN))]}"
    id_number = f"0{rng.randrange(10**11):011d}"
    secret = f"g{record_id:x}{rng.getrandbits(48):012x}"
    subject = _subject(combo)
    rid = str(record_id)
    if channel == "online" and rng.random() < 0.01:  # refused before reception (~0.3 %)
        stats["refused"] += 1
        submitted = received - 3600
        s = stamp(submitted)
        events.append(f"record.submitted\t{s}\t\tsubmitted\t1\t{N}\t{N}\t\t{{}}\t{rid}\t{N}\n")
        events.append(
            f"record.refused\t{stamp(received)}\tsubmitted\trefused\t3\t{N}\t{N}\t"
            f"Hồ sơ không hợp lệ\t{{}}\t{rid}\t{N}\n"
        )
        return (
            f"{rid}\t{s}\t{stamp(received)}\t{N}\tG22-{rid}\tdvcqg\t{secret}\t{channel}\trefused\t"
            f"person\t{name}\t{id_number}\t\t\t\t\t\t\t{subject}\t1\t{fee}\t{s}\t{N}\t{N}\t{N}\t"
            f"{N}\t{N}\t{N}\t[]\t{N}\t0\t0\t{N}\t\t\t{N}\t\t\t\t{agency_id}\t{handling_id}\t"
            f"{version_id}\t{N}\t{N}\n"
        )
    n = seq[agency_id] = seq.get(agency_id, 0) + 1
    code = f"{agency_code}-{yymmdd}-{n:04d}"
    span = due_days * DAY
    due = received + span
    statutory = due
    r_rec = stamp(received)
    ev = [(received, "record.received", "submitted", "received", 2, None, due, due)]
    status = "in_progress"
    paused = None
    supplements = extensions = 0
    # outcome
    r = rng.random()
    kind = "result"
    if r < 0.005:
        kind = "stopped"
    elif r < 0.009:
        kind = "withdrawn"
    t = received
    if rng.random() < 0.035:  # a supplement round, the clock pauses
        supplements = 1
        asked = received + span * (0.1 + 0.4 * rng.random())
        back = asked + DAY * (1 + rng.random() * 9)
        ev.append((asked, "record.supplement_requested", "in_progress", "supplement_requested",
                   5, None, due, statutory))  # fmt: skip
        if asked >= end_t:
            ev.pop()
            supplements = 0
        else:
            statutory = due = due + (back - asked)
            if back < end_t:
                ev.append((back, "record.supplement_received", "supplement_requested",
                           "in_progress", 4, None, due, statutory))  # fmt: skip
            else:
                paused = asked
                status = "supplement_requested"
            t = back
    if rng.random() < 0.003 and paused is None:  # an extension: apology, new appointment
        at = max(t, due - DAY * (0.5 + rng.random()))
        if at < end_t:
            new_due = due + DAY * (3 + rng.randrange(8))
            ev.append((at, "record.extended", status, status, 4, due, new_due, statutory))
            due = new_due
            extensions = 1
            t = at
    # when it finishes: most early, some on the due day, about 2 % late
    x = rng.random()
    if x < 0.02:
        finish = statutory + DAY * (0.2 + rng.random() * 10)
    elif x < 0.25:  # on the due day, before the due instant
        day_start = max(_local_day(statutory) * DAY - 7 * 3600, t)
        finish = day_start + rng.random() * (statutory - day_start)
    else:
        finish = t + (statutory - t) * (0.15 + 0.7 * rng.random()) - 0.3 * DAY
    if kind != "result":
        finish = received + (statutory - received) * rng.random() * 0.8
    finish = max(finish, t + 600, received + 600)
    if paused is not None and kind != "withdrawn":
        finish = end_t + DAY  # still waiting for the supplement
    finished_at = returned = None
    finish_status = timeliness = return_method = stop_reason = ""
    if finish < end_t:
        finished_at = finish
        if kind == "result":
            status = "result_ready"
            ev.append((finish, "record.result_ready", ev[-1][3], "result_ready", 9, None, due,
                       statutory))  # fmt: skip
            if rng.random() < 0.92:
                ret = finish + DAY * rng.random() * 4
                if ret < end_t:
                    returned = ret
                    status = "returned"
                    return_method = "desk"
                    ev.append((ret, "record.returned", "result_ready", "returned", 10, None, due,
                               statutory))  # fmt: skip
        else:
            status = kind
            stop_reason = "Hồ sơ không đủ điều kiện giải quyết" if kind == "stopped" else (
                "Người nộp rút hồ sơ")  # fmt: skip
            ev.append((finish, f"record.{kind}", ev[-1][3], kind, 8 if kind == "stopped" else 7,
                       None, due, statutory))  # fmt: skip
        finish_status = "result_ready" if kind == "result" else kind
        timeliness = _classify(paused if paused is not None else finish, statutory)
        if timeliness == "late":
            stats["late"] += 1
    else:
        stats["open"] += 1
    if supplements:
        stats["supplement"] += 1
    for at, kind_, from_s, to_s, code_n, before, after, statutory_after in ev:
        events.append(
            f"{kind_}\t{stamp(at)}\t{from_s}\t{to_s}\t{code_n}\t{stamp(before)}\t"
            f"{stamp(after)}\t\t{{}}\t{rid}\t{stamp(statutory_after)}\n"
        )
    updated = ev[-1][0]
    return (
        f"{rid}\t{r_rec}\t{stamp(updated)}\t{code}\t\t\t{secret}\t{channel}\t{status}\t"
        f"person\t{name}\t{id_number}\t\t\t\t\t\t\t{subject}\t1\t{fee}\t"
        f"{r_rec if channel != 'online' else stamp(received - 3600)}\t{r_rec}\t{n}\t{r_rec}\t"
        f"{stamp(statutory)}\t{stamp(received + span)}\t{stamp(due)}\t[]\t{stamp(paused)}\t"
        f"{supplements}\t{extensions}\t{stamp(finished_at)}\t{finish_status}\t{timeliness}\t"
        f"{stamp(returned)}\t{return_method}\t\t{stop_reason}\t{agency_id}\t{handling_id}\t"
        f"{version_id}\t{N}\t{N}\n"
    )


_SUBJECTS: dict[int, str] = {}


def _subject(combo: tuple[Any, ...]) -> str:
    text = _SUBJECTS.get(combo[0])
    if text is None:
        text = _SUBJECTS[combo[0]] = _clean(combo[1])
    return text


def _drop_secondary(cursor: Any) -> tuple[list[str], list[str]]:
    from seed import BIG_TABLES
    from seed import _drop_secondary as drop

    assert set(TABLES) <= set(BIG_TABLES)
    return drop(cursor)


def _summary(
    timings: list[tuple[str, float]],
    stats: dict[str, int],
    records: int,
    seed: int,
    per_month: float,
    end: date,
) -> list[dict[str, Any]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT (SELECT count(*) FROM records_record), "
            "(SELECT count(*) FROM records_recordevent), "
            "(SELECT min(received_at)::date || ' .. ' || max(received_at)::date "
            " FROM records_record), "
            "pg_size_pretty(pg_database_size(current_database()))"
        )
        row = cur.fetchone()
    assert row is not None
    finished = row[0] - stats["open"] - stats["refused"]
    return [
        {
            "records": row[0],
            "events": row[1],
            "received": row[2],
            "per_month": per_month,
            "seed": seed,
            "end": end.isoformat(),
            "open_at_end": stats["open"],
            "late_share": round(stats["late"] / max(finished, 1), 4),
            "supplement_share": round(stats["supplement"] / row[0], 4),
            "refused": stats["refused"],
            "db_size": row[3],
            "seconds": round(sum(s for _l, s in timings), 1),
            "timings": {label: round(s, 1) for label, s in timings},
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--per-month", type=float, default=58_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--end", type=date.fromisoformat, default=date.today().replace(day=1))  # noqa: DTZ011
    args = parser.parse_args()
    setup_django(fresh=True)
    rows = generate(records=args.records, per_month=args.per_month, seed=args.seed, end=args.end)
    print_table([{k: v for k, v in row.items() if k != "timings"} for row in rows])
    print("written:", write_result(f"generate_{args.records}", rows))


if __name__ == "__main__":
    main()
