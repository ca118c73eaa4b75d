"""Three indexes less to maintain on every record and event write (docs/performance.md):

- records_record (agency_id): record_agency_status_due and record_agency_received begin with it;
- records_recordevent (record_id): event_record_at begins with it;
- records_record (lookup_secret varchar_pattern_ops): nobody searches a secret by prefix; the
  secret stays unique through the constraint record_unique_lookup_secret.

On PostgreSQL the indexes are dropped and the unique constraint renamed (its index kept): the
plain AlterField would drop and re-add the foreign keys, which re-checks every record and event
of a large history under an exclusive lock. Elsewhere (SQLite) Django's own operations run.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRESQL = [
    'DROP INDEX IF EXISTS "records_record_agency_id_2131c011"',
    'DROP INDEX IF EXISTS "records_recordevent_record_id_c7dbdf55"',
    'DROP INDEX IF EXISTS "records_record_lookup_secret_030ac7b3_like"',
    # The unique constraint Django created for unique=True keeps its index under the new name;
    # should it be missing or named otherwise, the constraint is created.
    """DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'records_record_lookup_secret_key'
               AND conrelid = 'records_record'::regclass) THEN
        ALTER TABLE "records_record" RENAME CONSTRAINT "records_record_lookup_secret_key"
            TO "record_unique_lookup_secret";
    ELSIF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'record_unique_lookup_secret'
                      AND conrelid = 'records_record'::regclass) THEN
        ALTER TABLE "records_record" ADD CONSTRAINT "record_unique_lookup_secret"
            UNIQUE ("lookup_secret");
    END IF;
END $$""",
]
POSTGRESQL_REVERSE = [
    'ALTER TABLE "records_record" RENAME CONSTRAINT "record_unique_lookup_secret" '
    'TO "records_record_lookup_secret_key"',
    'CREATE INDEX IF NOT EXISTS "records_record_lookup_secret_030ac7b3_like" '
    'ON "records_record" ("lookup_secret" varchar_pattern_ops)',
    'CREATE INDEX IF NOT EXISTS "records_recordevent_record_id_c7dbdf55" '
    'ON "records_recordevent" ("record_id")',
    'CREATE INDEX IF NOT EXISTS "records_record_agency_id_2131c011" '
    'ON "records_record" ("agency_id")',
]

OPERATIONS = [
    migrations.AlterField(
        model_name="record",
        name="agency",
        field=models.ForeignKey(
            db_index=False,
            on_delete=django.db.models.deletion.PROTECT,
            related_name="records",
            to="organisations.agency",
            verbose_name="receiving agency",
        ),
    ),
    migrations.AlterField(
        model_name="record",
        name="lookup_secret",
        field=models.CharField(max_length=64, verbose_name="lookup secret"),
    ),
    migrations.AlterField(
        model_name="recordevent",
        name="record",
        field=models.ForeignKey(
            db_index=False,
            on_delete=django.db.models.deletion.PROTECT,
            related_name="events",
            to="records.record",
        ),
    ),
    migrations.AddConstraint(
        model_name="record",
        constraint=models.UniqueConstraint(
            fields=("lookup_secret",), name="record_unique_lookup_secret"
        ),
    ),
]


class PostgresSQLOrOperations(migrations.SeparateDatabaseAndState):
    """``OPERATIONS`` for the state; on PostgreSQL the given SQL instead of their schema
    changes, elsewhere the operations themselves."""

    def __init__(self, operations, sql, reverse_sql):  # type: ignore[no-untyped-def]
        super().__init__(database_operations=operations, state_operations=operations)
        self.sql, self.reverse_sql = sql, reverse_sql

    def database_forwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for statement in self.sql:
                schema_editor.execute(statement)
            return
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for statement in self.reverse_sql:
                schema_editor.execute(statement)
            return
        super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
        ("organisations", "0001_initial"),
        ("records", "0005_report_finished_index"),
    ]

    operations = [PostgresSQLOrOperations(OPERATIONS, POSTGRESQL, POSTGRESQL_REVERSE)]
