"""A procedure that requires a signed result cannot reach "result ready" without one."""

import pytest

from motcua.core.errors import Conflict
from motcua.documents import services
from motcua.documents.tests.factories import approved_record, signed_procedure
from motcua.records import services as records
from motcua.records.models import Record, RecordEvent
from motcua.records.workflow import Status


def test_result_ready_is_refused_until_signed_and_sealed(pki, procedure):
    record = approved_record(pki, procedure)
    events = RecordEvent.objects.filter(record=record).count()
    with pytest.raises(Conflict) as refused:
        records.record_mark_result_ready(actor=pki.reception, record=record)
    assert refused.value.code == "result_not_signed"
    document = services.result_generate(actor=pki.leader, record=record)
    services.result_sign(actor=pki.leader, document=document, role="signer")
    with pytest.raises(Conflict):  # the leader's signature alone is not enough: seal it
        records.record_mark_result_ready(actor=pki.reception, record=record)
    assert Record.objects.get(pk=record.pk).status == Status.APPROVED
    assert RecordEvent.objects.filter(record=record).count() == events
    services.result_sign(actor=pki.reception, document=document, role="seal")
    record = records.record_mark_result_ready(actor=pki.reception, record=record)
    assert record.status == Status.RESULT_READY


def test_procedures_without_the_requirement_are_unchanged(pki):
    unsigned = signed_procedure(pki, code="2.000998", requires_signed_result=False)
    record = approved_record(pki, unsigned)
    record = records.record_mark_result_ready(actor=pki.reception, record=record)
    assert record.status == Status.RESULT_READY
