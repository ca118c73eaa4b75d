"""Shared pytest fixtures."""

import pytest
from django.db.models.signals import post_migrate
from hypothesis import settings as hypothesis_settings

hypothesis_settings.register_profile("ci", max_examples=200, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=100, deadline=None)
hypothesis_settings.load_profile("ci")


def _restore_audit_head(sender, using="default", **kwargs):
    """Tests only: a flush (transactional tests, TransactionTestCase) empties every table, the
    audit chain head too, then sends post_migrate. Put back the head migration 0003 gives every
    database, as a fresh installation has it. The application never does this: a missing head
    is a wiped log (motcua.audit.services.AuditHeadMissing)."""
    if getattr(sender, "label", None) != "audit":
        return
    from motcua.audit.models import AuditEntry, AuditHead
    from motcua.audit.services import GENESIS

    if AuditEntry.objects.using(using).exists():
        return  # not a flush: leave entries without a head to `audit verify`
    AuditHead.objects.using(using).get_or_create(
        pk=1, defaults={"last_id": 0, "last_hash": GENESIS}
    )


post_migrate.connect(_restore_audit_head, weak=False, dispatch_uid="motcua-test-audit-head")


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    """Tests run with the default language (Vietnamese) unless they switch."""
    settings.LANGUAGE_CODE = "vi"


@pytest.fixture(autouse=True)
def _fresh_memo():
    """Rolled-back test transactions send no signals: start every test with an empty memo."""
    from motcua.core import memo

    memo.clear()
    yield
    memo.clear()
