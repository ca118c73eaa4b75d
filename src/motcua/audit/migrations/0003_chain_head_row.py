"""Every database has the chain head from the start, so that `motcua audit verify` can treat a
missing head as a wiped log (an empty log with no head is otherwise indistinguishable from a
fresh installation)."""

from django.db import migrations

GENESIS = "0" * 64


def forward(apps, schema_editor):
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    db = schema_editor.connection.alias
    if AuditHead.objects.using(db).filter(pk=1).exists():
        return
    if AuditEntry.objects.using(db).exists():
        return  # entries without a head: left for `audit verify` to report, not repaired here
    AuditHead.objects.using(db).create(pk=1, last_id=0, last_hash=GENESIS)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
