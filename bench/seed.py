"""Fill the benchmark database with N records (default 1,000,000), their steps and events.

    .venv/bin/python bench/seed.py [--records 1000000] [--open-share 0.05] [--years 3]

The database (``motcua_bench``, see ``common.setup_django``) is recreated, migrated and given
the demo organisations and the demo catalogue (``motcua demo``). Then the rows are generated
inside PostgreSQL (``INSERT ... SELECT ... FROM generate_series``), never row by row through
the ORM, with the secondary indexes and foreign keys of the three big tables dropped during the
load and rebuilt afterwards (one CREATE INDEX / one validating ALTER TABLE each).

What the data looks like:
- every published demo procedure, received where the catalogue says (the province Center for
  department procedures, each commune for commune procedures) and settled by its implementing
  agency; the steps follow the resolved process plan (``catalogue.selectors.process_plan``),
  so units, roles and budgets are the real ones: 10 agencies take part;
- received over the last ``--years`` years in office hours; record codes
  ``<agency>-<YYMMDD>-<NNNN>`` with a daily sequence per agency, tracking-book numbers per
  agency and year (and the sequence table advanced past them, so intake can continue);
- ``--open-share`` of the records are open (received, in progress, waiting for a supplement,
  approved) and sit in the queues: 60 % of the active steps are claimed by the demo officer of
  the step's unit, the rest wait in the unit's queue; about one in eight open records is
  overdue, others due soon;
- the rest are finished (returned, result ready, stopped, withdrawn), early / on time / late;
- 2-5 steps per record (the desk step done at receipt, then the plan up to the current step);
  events: received, one "forwarded" per hand-over, then approved / result ready / returned,
  stopped, withdrawn or supplement requested.

Appointments are approximated from the procedure's duration (working days x 7/5 calendar
days) rather than computed on the working calendar: the queues only compare instants, and the
calendar arithmetic is covered by its own tests and by the intake benchmark.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from common import print_table, setup_django, stopwatch, write_result  # noqa: E402

BIG_TABLES = ["records_record", "records_recordstep", "records_recordevent"]
STEP_SLOTS = 5  # step ids are (record id - 1) * STEP_SLOTS + k, k = 1..5
DEFAULT_CODE_FORMAT = "{agency_code}-{date:%y%m%d}-{seq:04d}"

# Illustrative Vietnamese names (combined at random: 20 x 20 x 40 = 16,000 full names).
SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trịnh",
    "Mai",
    "Tô",
]
MIDDLE = [
    "Văn",
    "Thị",
    "Minh",
    "Hữu",
    "Đức",
    "Thanh",
    "Quốc",
    "Ngọc",
    "Hồng",
    "Xuân",
    "Thu",
    "Kim",
    "Gia",
    "Bảo",
    "Anh",
    "Hoài",
    "Công",
    "Đình",
    "Phương",
    "Mỹ",
]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hòa",
    "Hùng",
    "Hương",
    "Huy",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Thủy",
    "Trang",
    "Trinh",
    "Trung",
    "Tuấn",
    "Tùng",
    "Vân",
    "Yến",
]
HAMLETS = "Thôn Đông|Thôn Tây|Thôn Trung|Tổ 3|Tổ 7|Khu phố 2|Số 15 đường Lê Lợi|Số 8 đường Độc Lập"


def _load_demo() -> None:
    import logging

    from motcua.catalogue.services import catalogue_load_demo
    from motcua.core.models import User
    from motcua.organisations.demo import ADMIN_USERNAME, demo_load_organisations

    logging.getLogger("motcua").setLevel(logging.WARNING)  # one INFO line per catalogue row
    demo_load_organisations()
    catalogue_load_demo(actor=User.objects.get(username=ADMIN_USERNAME))


def _due_days(version: Any) -> float:
    """Calendar days from receipt to appointment (approximation of the working calendar)."""
    value = float(version.duration_value)
    if version.duration_unit == "calendar_days":
        return max(value, 0.5)
    if version.duration_unit == "working_hours":
        value = value / 8
    return max(value, 0.5) * 7 / 5


def _combos() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(combo rows, plan rows): one combo per (procedure version, receiving, settling agency)."""
    from motcua.catalogue.models import ProcedureVersion
    from motcua.catalogue.selectors import process_plan
    from motcua.organisations.models import Agency, Role, StaffRole

    center = Agency.objects.get(kind=Agency.Kind.CENTER)
    by_unit: dict[int, dict[str, int]] = {}
    by_agency_reception: dict[int, int] = {}
    for role in StaffRole.objects.order_by("pk"):
        if role.unit_id is not None:
            by_unit.setdefault(role.unit_id, {}).setdefault(role.role, role.user_id)
        if role.role == Role.RECEPTION:
            by_agency_reception.setdefault(role.agency_id, role.user_id)
    combos: list[tuple[Any, ...]] = []
    plans: list[tuple[Any, ...]] = []
    versions = (
        ProcedureVersion.objects.filter(status="published")
        .select_related("procedure")
        .prefetch_related("implementing_agencies", "fees")
        .order_by("procedure__code")
    )
    for version in versions:
        for handling in version.implementing_agencies.all().order_by("code"):
            receiving = center if version.receiving_agency_id == center.pk else handling
            plan = process_plan(version=version, handling_agency=handling)
            if not 2 <= len(plan) <= STEP_SLOTS or any(s.unit is None for s in plan):
                print(f"skipped {version.procedure.code} at {handling.code}: plan {len(plan)}")
                continue
            combo = len(combos)
            combos.append(
                (
                    combo,
                    version.pk,
                    receiving.pk,
                    handling.pk,
                    receiving.code,
                    len(plan),
                    _due_days(version),
                    version.name[:500],
                    sum(f.amount for f in version.fees.all()),
                    by_agency_reception.get(receiving.pk),
                )
            )
            for k, step in enumerate(plan, start=1):
                assert step.unit is not None
                users = by_unit.get(step.unit.pk, {})
                assignee = users.get(step.role) or next(iter(users.values()), None)
                plans.append(
                    (
                        combo,
                        k,
                        step.order,
                        step.name[:200],
                        step.public_status[:200],
                        step.agency.pk,
                        step.unit.pk,
                        step.role,
                        Decimal(step.budget_hours),
                        assignee,
                    )
                )
    return combos, plans


def _drop_secondary(cursor: Any) -> tuple[list[str], list[str]]:
    """Drop the secondary indexes, unique and foreign-key constraints of the big tables;
    return the statements that recreate them (indexes first, then constraints)."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')",
        [BIG_TABLES],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [BIG_TABLES],
    )
    indexes = cursor.fetchall()
    # per-column statistics targets of expression indexes (ALTER INDEX ... SET STATISTICS)
    cursor.execute(
        "SELECT a.attrelid::regclass::text, a.attnum, a.attstattarget FROM pg_attribute a "
        "JOIN pg_index i ON i.indexrelid = a.attrelid "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND a.attstattarget > 0",
        [BIG_TABLES],
    )
    targets = cursor.fetchall()
    for table, name, _kind, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    recreate_indexes = [definition for _name, definition in indexes] + [
        f"ALTER INDEX {name} ALTER COLUMN {column} SET STATISTICS {target}"
        for name, column, target in targets
    ]
    # unique constraints before foreign keys
    recreate_constraints = [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, kind, definition in sorted(constraints, key=lambda c: c[2] != "u")
    ]
    return recreate_indexes, recreate_constraints


SQL_RECORDS = """
CREATE TEMP TABLE seed_rec AS
WITH draw AS (
    SELECT i,
           floor(random() * %(ncombo)s)::int AS combo,
           random() AS r_open, random() AS r_status, random() AS r_pos, random() AS r_age,
           random() AS r_hour, random() AS r_time, random() AS r_assign, random() AS r_channel
    FROM generate_series(1::bigint, %(n)s) AS i
), shaped AS (
    SELECT d.*, c.n_plan, c.due_days, c.agency_id, c.agency_code,
           d.r_open < %(open_share)s AS is_open,
           CASE WHEN d.r_open < %(open_share)s THEN
                CASE WHEN d.r_status < 0.10 THEN 'received'
                     WHEN d.r_status < 0.85 THEN 'in_progress'
                     WHEN d.r_status < 0.95 THEN 'supplement_requested'
                     ELSE 'approved' END
           ELSE
                CASE WHEN d.r_status < 0.92 THEN 'returned'
                     WHEN d.r_status < 0.96 THEN 'result_ready'
                     WHEN d.r_status < 0.98 THEN 'stopped'
                     ELSE 'withdrawn' END
           END AS status,
           -- days before now: open records are young (about 1 in 8 past its appointment),
           -- finished ones anywhere in the period
           CASE WHEN d.r_open < %(open_share)s THEN d.r_age * 1.15 * c.due_days
                ELSE 1.5 * c.due_days + d.r_age * (%(days)s - 1.5 * c.due_days) END AS age_days
    FROM draw d JOIN seed_combo c ON c.combo = d.combo
), placed AS (
    SELECT s.*,
           -- office hours (07:30-16:30 local) on the drawn day, Monday-Friday, not in the future
           LEAST(
               (date_trunc('day', (now() - s.age_days * interval '1 day')
                                  AT TIME ZONE 'Asia/Ho_Chi_Minh')
                - CASE extract(isodow FROM (now() - s.age_days * interval '1 day')
                                           AT TIME ZONE 'Asia/Ho_Chi_Minh')
                    WHEN 6 THEN interval '1 day' WHEN 7 THEN interval '2 days'
                    ELSE interval '0' END
                + interval '7 hours 30 minutes' + s.r_hour * interval '9 hours')
               AT TIME ZONE 'Asia/Ho_Chi_Minh',
               now() - interval '5 minutes') AS received_at,
           CASE WHEN s.status IN ('received') THEN 2
                WHEN s.status IN ('approved', 'returned', 'result_ready') THEN s.n_plan
                ELSE 2 + floor(s.r_pos * (s.n_plan - 1))::int END AS c
    FROM shaped s
)
-- ids follow the receipt order, as in production (rows are inserted when received): the open
-- records and their steps sit at the end of the tables
SELECT row_number() OVER (ORDER BY p.received_at, p.i) AS id,
       p.combo, p.n_plan, p.c, p.is_open, p.status, p.agency_id, p.agency_code,
       p.received_at, p.r_assign, p.r_channel,
       p.received_at + p.due_days * interval '1 day' AS due_at,
       CASE WHEN p.is_open THEN NULL
            -- finish at a share of the allowed time: early 62 %%, on time 30 %%, late 8 %%
            ELSE p.received_at + p.due_days * interval '1 day'
                 * CASE WHEN p.r_time < 0.62 THEN 0.15 + 0.6 * p.r_time
                        WHEN p.r_time < 0.92 THEN 0.99 - 0.1 * (p.r_time - 0.62)
                        ELSE 1.0 + 6 * (p.r_time - 0.92) END
       END AS finished_at,
       CASE WHEN p.status = 'supplement_requested'
            THEN p.received_at + (now() - p.received_at) * 0.6 END AS paused_at
FROM placed p
"""

SQL_RECORD_NUMBERS = """
CREATE TEMP TABLE seed_num AS
SELECT id,
       (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day,
       row_number() OVER (PARTITION BY agency_id, (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                          ORDER BY received_at, id) AS seq,
       row_number() OVER (PARTITION BY agency_id,
                                       extract(year FROM received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')
                          ORDER BY received_at, id) AS book
FROM seed_rec
"""

SQL_INSERT_RECORDS = """
INSERT INTO records_record (
    id, created_at, updated_at, code, external_code, source, lookup_secret, channel, status,
    applicant_kind, applicant_name, applicant_id_number, applicant_address, applicant_phone,
    applicant_email, representative_name, representative_id_number, representative_phone,
    subject, sets, fees_due, submitted_at, received_at, book_number, clock_started_at,
    statutory_due_at, original_due_at, due_at, due_explanation, paused_at, supplement_count,
    extension_count, finished_at, finish_status, timeliness, returned_at, return_method,
    result_summary, stop_reason, agency_id, handling_agency_id, procedure_version_id,
    received_by_id, current_step_id
)
SELECT r.id, r.received_at,
       COALESCE(r.finished_at, r.paused_at, r.received_at),
       r.agency_code || '-' || to_char(n.day, 'YYMMDD') || '-' || lpad(n.seq::text, 4, '0'),
       CASE WHEN r.r_channel >= 0.75 THEN 'G22.99-' || r.id ELSE '' END,
       CASE WHEN r.r_channel >= 0.75 THEN 'dvcqg' ELSE '' END,
       md5(r.id::text || random()::text),
       CASE WHEN r.r_channel < 0.65 THEN 'direct' WHEN r.r_channel < 0.75 THEN 'postal'
            ELSE 'online' END,
       r.status,
       CASE WHEN r.id %% 17 = 0 THEN 'organisation' ELSE 'person' END,
       CASE WHEN r.id %% 17 = 0 THEN 'Công ty TNHH ' || g.given[1 + (r.id / 17) %% %(ng)s]
                                     || ' ' || m.middle[1 + r.id %% %(nm)s]
            ELSE s.surname[1 + (r.id * 7) %% %(ns)s] || ' ' || m.middle[1 + (r.id / 3) %% %(nm)s]
                 || ' ' || g.given[1 + (r.id / 11) %% %(ng)s] END,
       CASE WHEN r.id %% 17 = 0 THEN lpad(((r.id * 104729) %% 10000000000)::text, 10, '3')
            ELSE '0' || lpad(((r.id * 7919) %% 100000000000)::text, 11, '0') END,
       h.hamlet[1 + r.id %% %(nh)s] || ', tỉnh Minh Họa',
       '09' || lpad(((r.id * 48271) %% 100000000)::text, 8, '0'),
       '', '', '', '',
       c.subject, 1, c.fees,
       CASE WHEN r.r_channel >= 0.75 THEN r.received_at - interval '3 hours' END,
       r.received_at, n.book, r.received_at, r.due_at, r.due_at, r.due_at, '[]'::jsonb,
       r.paused_at,
       CASE WHEN r.status = 'supplement_requested' THEN 1 ELSE 0 END,
       0,
       r.finished_at,
       CASE WHEN r.status = 'returned' THEN 'result_ready'
            WHEN r.is_open THEN '' ELSE r.status END,
       CASE WHEN r.finished_at IS NULL THEN ''
            WHEN r.finished_at > r.due_at THEN 'late'
            WHEN (r.finished_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                 < (r.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN 'early'
            ELSE 'on_time' END,
       CASE WHEN r.status = 'returned'
            THEN LEAST(r.finished_at + (r.id %% 72) * interval '1 hour', now()) END,
       CASE WHEN r.status = 'returned' THEN 'desk' ELSE '' END,
       '',
       CASE WHEN r.status = 'stopped' THEN 'Hồ sơ không đủ điều kiện giải quyết'
            WHEN r.status = 'withdrawn' THEN 'Người nộp rút hồ sơ' ELSE '' END,
       r.agency_id, c.handling_agency_id, c.version_id, c.receiver_id,
       (r.id - 1) * %(slots)s + r.c
FROM seed_rec r
JOIN seed_num n ON n.id = r.id
JOIN seed_combo c ON c.combo = r.combo
CROSS JOIN (SELECT %(surnames)s::text[] AS surname) s
CROSS JOIN (SELECT %(middle)s::text[] AS middle) m
CROSS JOIN (SELECT %(given)s::text[] AS given) g
CROSS JOIN (SELECT string_to_array(%(hamlets)s, '|') AS hamlet) h
ORDER BY r.id
"""

# Step k of a record: k = 1 is the desk step done at receipt; steps 2..c share the time from
# receipt to the finish (finished records) or to now (open records); step c is the current one.
SQL_STEP_TIMES = """
CREATE TEMP TABLE seed_step AS
SELECT r.id AS record_id, p.k, r.c, r.status, r.is_open,
       (r.id - 1) * %(slots)s + p.k AS step_id,
       CASE WHEN p.k = 1 THEN r.received_at
            ELSE r.received_at + (COALESCE(r.finished_at, now()) - r.received_at)
                 * (p.k - 2) / (r.c - 1) END AS started_at,
       CASE WHEN p.k = 1 THEN r.received_at
            WHEN p.k < r.c OR NOT r.is_open
            THEN r.received_at + (COALESCE(r.finished_at, now()) - r.received_at)
                 * (p.k - 1) / (r.c - 1) END AS finished_at,
       CASE WHEN p.k = 1 THEN 'done'
            WHEN p.k < r.c THEN 'done'
            WHEN r.is_open THEN 'active'
            WHEN r.status IN ('stopped', 'withdrawn') THEN 'cancelled'
            ELSE 'done' END AS state,
       CASE WHEN p.k = 1 THEN c.receiver_id
            WHEN p.k < r.c OR NOT r.is_open THEN p.assignee_id
            WHEN r.status = 'received' OR r.r_assign >= 0.6 THEN NULL
            ELSE p.assignee_id END AS assignee_id,
       p.combo
FROM seed_rec r
JOIN seed_combo c ON c.combo = r.combo
JOIN seed_plan p ON p.combo = r.combo AND p.k <= r.c
"""

SQL_INSERT_STEPS = """
INSERT INTO records_recordstep (
    id, kind, "order", name, public_status, role, state, started_at, due_at, finished_at,
    timeliness, budget_hours, note, agency_id, assignee_id, finished_by_id, record_id,
    requested_by_step_id, unit_id
)
SELECT s.step_id, 'main', p.ord, p.name, p.public_status, p.role, s.state, s.started_at,
       s.started_at + p.budget_hours * interval '3 hours',
       s.finished_at,
       CASE WHEN s.finished_at IS NULL OR s.state <> 'done' THEN ''
            WHEN s.finished_at > s.started_at + p.budget_hours * interval '3 hours' THEN 'late'
            WHEN (s.finished_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                 < ((s.started_at + p.budget_hours * interval '3 hours')
                    AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN 'early'
            ELSE 'on_time' END,
       p.budget_hours, '', p.agency_id, s.assignee_id,
       CASE WHEN s.finished_at IS NOT NULL THEN s.assignee_id END,
       s.record_id, NULL, p.unit_id
FROM seed_step s JOIN seed_plan p ON p.combo = s.combo AND p.k = s.k
ORDER BY s.step_id
"""

SQL_INSERT_EVENTS = """
-- in time order, as the events were appended
INSERT INTO records_recordevent (
    kind, at, from_status, to_status, national_code, due_before, due_after, note, payload,
    actor_id, from_unit_id, record_id, to_unit_id, step_id, statutory_due_after
)
SELECT e.*, e.due_after FROM (
-- received at the desk: the first processing step becomes active
SELECT 'record.received' AS kind, r.received_at AS at, 'submitted' AS from_status,
       'received' AS to_status, 2 AS national_code, NULL::timestamptz AS due_before,
       r.due_at AS due_after, '' AS note,
       jsonb_build_object('code', rec.code, 'channel', rec.channel) AS payload,
       c.receiver_id AS actor_id, NULL::bigint AS from_unit_id, r.id AS record_id,
       p.unit_id AS to_unit_id, (r.id - 1) * %(slots)s + 2 AS step_id
FROM seed_rec r
JOIN seed_combo c ON c.combo = r.combo
JOIN seed_plan p ON p.combo = r.combo AND p.k = 2
JOIN records_record rec ON rec.id = r.id
UNION ALL
-- one hand-over per finished processing step that has a next step
SELECT 'record.forwarded', s.finished_at, 'in_progress', 'in_progress', 4, NULL, r.due_at, '',
       '{}'::jsonb, s.assignee_id, p.unit_id, r.id, q.unit_id, s.step_id + 1
FROM seed_step s
JOIN seed_rec r ON r.id = s.record_id
JOIN seed_plan p ON p.combo = s.combo AND p.k = s.k
JOIN seed_plan q ON q.combo = s.combo AND q.k = s.k + 1
WHERE s.k >= 2 AND s.k < s.c
UNION ALL
SELECT 'record.approved', r.finished_at - interval '1 hour', 'in_progress', 'approved', 4,
       NULL, r.due_at, '', '{}'::jsonb, NULL, NULL, r.id, NULL, NULL
FROM seed_rec r WHERE r.status IN ('returned', 'result_ready')
UNION ALL
SELECT 'record.result_ready', r.finished_at, 'approved', 'result_ready', 9, NULL, r.due_at, '',
       '{}'::jsonb, c.receiver_id, NULL, r.id, NULL, NULL
FROM seed_rec r JOIN seed_combo c ON c.combo = r.combo
WHERE r.status IN ('returned', 'result_ready')
UNION ALL
SELECT 'record.returned', rec.returned_at, 'result_ready', 'returned', 10, NULL, r.due_at, '',
       '{"method": "desk"}'::jsonb, c.receiver_id, NULL, r.id, NULL, NULL
FROM seed_rec r JOIN seed_combo c ON c.combo = r.combo JOIN records_record rec ON rec.id = r.id
WHERE r.status = 'returned'
UNION ALL
SELECT 'record.' || r.status, r.finished_at, 'in_progress', r.status,
       CASE r.status WHEN 'stopped' THEN 8 ELSE 7 END, NULL, r.due_at, rec.stop_reason,
       '{}'::jsonb, c.receiver_id, NULL, r.id, NULL, NULL
FROM seed_rec r JOIN seed_combo c ON c.combo = r.combo JOIN records_record rec ON rec.id = r.id
WHERE r.status IN ('stopped', 'withdrawn')
UNION ALL
SELECT 'record.supplement_requested', r.paused_at, 'in_progress', 'supplement_requested', 5,
       r.due_at, r.due_at, 'Bổ sung bản sao giấy tờ', '{}'::jsonb, s.assignee_id, NULL, r.id,
       NULL, s.step_id
FROM seed_rec r JOIN seed_step s ON s.record_id = r.id AND s.k = r.c
WHERE r.status = 'supplement_requested'
UNION ALL
SELECT 'record.approved', now() - interval '2 hours', 'in_progress', 'approved', 4,
       NULL, r.due_at, '', '{}'::jsonb, NULL, NULL, r.id, NULL, NULL
FROM seed_rec r WHERE r.status = 'approved'
) AS e
ORDER BY e.at, e.record_id
"""

SQL_SUPPLEMENTS = """
INSERT INTO records_supplementround (
    number, rule, requested_at, reason, items, remaining_seconds, received_at, record_id,
    requested_by_id, step_id, received_by_id
)
SELECT 1, 'pause', r.paused_at, 'Bổ sung bản sao giấy tờ',
       '[{"name": "Bản sao giấy tờ tùy thân", "form": "copy", "quantity": 1}]'::jsonb,
       GREATEST(extract(epoch FROM r.due_at - r.paused_at)::bigint, 0), NULL, r.id,
       COALESCE(s.assignee_id, c.receiver_id,
                (SELECT id FROM core_user WHERE is_superuser ORDER BY id LIMIT 1)),
       s.step_id, NULL
FROM seed_rec r
JOIN seed_step s ON s.record_id = r.id AND s.k = r.c
JOIN seed_combo c ON c.combo = r.combo
WHERE r.status = 'supplement_requested'
"""

SQL_SEQUENCES = """
INSERT INTO records_recordcodesequence (agency_id, counter, last_value)
SELECT r.agency_id, 'code:' || to_char(n.day, 'YYYYMMDD'), max(n.seq)
FROM seed_rec r JOIN seed_num n ON n.id = r.id GROUP BY r.agency_id, n.day
UNION ALL
SELECT r.agency_id, 'book:' || extract(year FROM n.day)::int, max(n.book)
FROM seed_rec r JOIN seed_num n ON n.id = r.id
GROUP BY r.agency_id, extract(year FROM n.day)::int
ON CONFLICT (agency_id, counter) DO UPDATE
SET last_value = GREATEST(records_recordcodesequence.last_value, EXCLUDED.last_value)
"""


def seed(*, records: int, open_share: float = 0.05, years: float = 3.0) -> list[dict[str, Any]]:
    """Recreate the benchmark database and fill it; return the timing/size rows."""
    from django.conf import settings
    from django.db import connection, transaction

    if settings.MOTCUA_RECORD_CODE_FORMAT != DEFAULT_CODE_FORMAT:
        raise SystemExit("seed.py writes codes in the default MOTCUA_RECORD_CODE_FORMAT only")
    timings, lap = stopwatch()

    _load_demo()
    combos, plans = _combos()
    lap("demo organisations + catalogue")
    params = {
        "n": records,
        "ncombo": len(combos),
        "open_share": open_share,
        "days": years * 365,
        "slots": STEP_SLOTS,
        "surnames": list(SURNAMES),
        "middle": list(MIDDLE),
        "given": list(GIVEN),
        "hamlets": HAMLETS,
        "ns": len(SURNAMES),
        "nm": len(MIDDLE),
        "ng": len(GIVEN),
        "nh": len(HAMLETS.split("|")),
    }
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cur.execute("SET LOCAL work_mem = '128MB'")
        cur.execute("SELECT setseed(0.42)")
        cur.execute(
            "CREATE TEMP TABLE seed_combo (combo int PRIMARY KEY, version_id bigint, "
            "agency_id bigint, handling_agency_id bigint, agency_code text, n_plan int, "
            "due_days float8, subject text, fees bigint, receiver_id bigint) ON COMMIT DROP"
        )
        cur.executemany("INSERT INTO seed_combo VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", combos)
        cur.execute(
            "CREATE TEMP TABLE seed_plan (combo int, k int, ord int, name text, "
            "public_status text, agency_id bigint, unit_id bigint, role text, "
            "budget_hours numeric, assignee_id bigint, PRIMARY KEY (combo, k)) ON COMMIT DROP"
        )
        cur.executemany("INSERT INTO seed_plan VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", plans)
        recreate_indexes, recreate_constraints = _drop_secondary(cur)
        cur.execute(SQL_RECORDS, params)
        cur.execute("CREATE UNIQUE INDEX ON seed_rec (id)")
        cur.execute(SQL_RECORD_NUMBERS)
        cur.execute("CREATE UNIQUE INDEX ON seed_num (id)")
        cur.execute("ANALYZE seed_rec")
        cur.execute("ANALYZE seed_num")
        lap("draw records")
        cur.execute(SQL_INSERT_RECORDS, params)
        lap(f"insert {records:,} records")
        cur.execute(SQL_STEP_TIMES, params)
        cur.execute("ANALYZE seed_step")
        cur.execute(SQL_INSERT_STEPS, params)
        lap("insert steps")
        cur.execute(SQL_INSERT_EVENTS, params)
        lap("insert events")
        for table in BIG_TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(max(id), 1) FROM {table}))"
            )
        cur.execute(SQL_SEQUENCES)
        for statement in recreate_indexes:
            cur.execute(statement)
        lap(f"rebuild {len(recreate_indexes)} indexes")
        for statement in recreate_constraints:
            cur.execute(statement)
        lap(f"rebuild {len(recreate_constraints)} constraints")
        cur.execute(SQL_SUPPLEMENTS)
    with connection.cursor() as cur:
        for table in [*BIG_TABLES, "records_supplementround", "records_recordcodesequence"]:
            cur.execute(f"VACUUM (ANALYZE) {table}")
    lap("vacuum analyze")
    return _summary(timings)


def _summary(timings: list[tuple[str, float]]) -> list[dict[str, Any]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT (SELECT count(*) FROM records_record), "
            "(SELECT count(*) FROM records_record WHERE finished_at IS NULL), "
            "(SELECT count(*) FROM records_recordstep), "
            "(SELECT count(*) FROM records_recordstep WHERE state = 'active'), "
            "(SELECT count(*) FROM records_recordevent), "
            "(SELECT count(DISTINCT agency_id) FROM records_recordstep), "
            "(SELECT min(received_at)::date || ' .. ' || max(received_at)::date "
            " FROM records_record), "
            "pg_size_pretty(pg_database_size(current_database()))"
        )
        row = cur.fetchone()
    assert row is not None
    total = sum(seconds for _label, seconds in timings)
    return [
        {
            "records": row[0],
            "open": row[1],
            "steps": row[2],
            "active_steps": row[3],
            "events": row[4],
            "agencies": row[5],
            "received": row[6],
            "db_size": row[7],
            "seconds": round(total, 1),
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--open-share", type=float, default=0.05)
    parser.add_argument("--years", type=float, default=3.0)
    args = parser.parse_args()
    setup_django(fresh=True)
    rows = seed(records=args.records, open_share=args.open_share, years=args.years)
    print_table(rows)
    print("written:", write_result("seed", rows))


if __name__ == "__main__":
    main()
