"""The reuse panel lists only what the officer may see for that applicant, and every view of it is
audited (issue 13, item 15).

The attacks: (1) the police officer who holds a step of the Department of Justice's record (he
sees it masked) opened its documents page and read the list of the applicant's papers and of
the results of the applicant's other records; (2) the Center's desk, receiving a record of the
same person, was shown the Department of Justice's result (its code, agency and date) of a
record it may not open. Now (1) lists nothing and (2) lists the applicant's digitised documents
(the citizen's reuse store) but only the results of records the officer may see."""

import io
from datetime import date

import pytest
from django.urls import reverse
from PIL import Image

from motcua.audit.models import AuditEntry
from motcua.core.errors import NotFound, PermissionDenied
from motcua.documents import services
from motcua.documents.models import DocumentReuse
from motcua.documents.selectors import reusable_for
from motcua.documents.tests.factories import approved_record
from motcua.records import services as records
from motcua.records.tests.factories import applicant, full_components, receive, travel

OWNER = "001190012345"


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (240, 240, 230)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def papers(pki, procedure):
    """A digitised ID card of OWNER and a sealed result of one of OWNER's records (Justice)."""
    scan = services.digitised_create(
        actor=pki.reception,
        agency=pki.justice,
        owner_id_number=OWNER,
        owner_name="Nguyễn Thị Hồng Nhung",
        component_code="000.00.00.G09-CC001",
        name="Căn cước công dân",
        issuer="Cục Cảnh sát QLHC về TTXH",
        valid_from=date(2021, 1, 1),
        valid_until=date(2036, 1, 1),
        data=jpeg(),
    )
    first = approved_record(pki, procedure, id_number=OWNER)
    result = services.result_generate(actor=pki.leader, record=first)
    services.result_sign(actor=pki.leader, document=result, role="signer")
    result = services.result_sign(actor=pki.leader, document=result, role="seal")
    return scan, result


def _panel(client, user, record):
    client.force_login(user)
    response = client.get(reverse("documents:record", kwargs={"pk": record.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_record_desk_sees_the_applicant_papers_and_the_view_is_audited(client, pki, papers):
    scan, result = papers
    with travel("2025-06-02 08:00"):
        second = receive(pki, pki.pause_procedure, applicant=applicant(id_number=OWNER))
    page = _panel(client, pki.reception, second)
    assert scan.name in page and result.code in page
    entry = AuditEntry.objects.filter(action="personal_data.viewed").latest("id")
    assert entry.actor_id == pki.reception.pk
    assert entry.object_id == second.code
    assert entry.detail == {"via": "documents"}


def test_an_officer_who_sees_the_record_masked_is_listed_nothing(client, pki, papers):
    scan, result = papers
    with travel("2025-06-02 08:00"):
        second = receive(pki, pki.pause_procedure, applicant=applicant(id_number=OWNER))
        records.step_claim(actor=pki.specialist, record=second)
        records.step_forward(actor=pki.specialist, record=second, assignee=pki.police_officer)
    options = reusable_for(record=second, user=pki.police_officer)
    assert (options.digitised, options.results) == ([], [])
    page = _panel(client, pki.police_officer, second)
    assert scan.name not in page and result.code not in page
    entry = AuditEntry.objects.filter(action="personal_data.viewed").latest("id")
    assert (entry.actor_id, entry.object_id, entry.detail) == (
        pki.police_officer.pk,
        second.code,
        {"via": "documents"},
    )


def test_results_of_records_the_officer_may_not_open_are_not_listed(client, pki, papers):
    scan, result = papers
    with travel("2025-06-02 08:00"):
        at_center = records.record_receive(
            actor=pki.center_reception,
            agency=pki.center,
            procedure=pki.pause_procedure,
            channel="direct",
            applicant=applicant(id_number=OWNER),
            components=full_components(pki.pause_procedure),
        )
    options = reusable_for(record=at_center, user=pki.center_reception)
    assert [d.pk for d in options.digitised] == [scan.pk]
    assert options.results == []
    page = _panel(client, pki.center_reception, at_center)
    assert scan.name in page
    assert result.code not in page


def test_a_reuse_post_cannot_attach_what_the_panel_does_not_list(client, pki, papers):
    _scan, result = papers
    with travel("2025-06-02 08:00"):
        at_center = records.record_receive(
            actor=pki.center_reception,
            agency=pki.center,
            procedure=pki.pause_procedure,
            channel="direct",
            applicant=applicant(id_number=OWNER),
            components=full_components(pki.pause_procedure),
        )
    client.force_login(pki.center_reception)
    response = client.post(
        reverse("documents:reuse", kwargs={"pk": at_center.pk}), {"result": result.pk}
    )
    assert response.status_code == 404
    assert not DocumentReuse.objects.filter(record=at_center).exists()


def test_the_service_refuses_a_result_of_a_record_the_actor_may_not_open(pki, papers):
    _scan, result = papers
    with travel("2025-06-02 08:00"):
        at_center = records.record_receive(
            actor=pki.center_reception,
            agency=pki.center,
            procedure=pki.pause_procedure,
            channel="direct",
            applicant=applicant(id_number=OWNER),
            components=full_components(pki.pause_procedure),
        )
    with pytest.raises(NotFound):
        services.document_reuse(actor=pki.center_reception, record=at_center, result=result)
    assert not DocumentReuse.objects.filter(record=at_center).exists()


def test_an_officer_who_sees_the_record_masked_cannot_attach_through_the_service(pki, papers):
    """The service applies the panel's whole rule (``permissions.can_attach``): handling the
    record is not enough, the officer must also see it in clear."""
    scan, result = papers
    with travel("2025-06-02 08:00"):
        second = receive(pki, pki.pause_procedure, applicant=applicant(id_number=OWNER))
        records.step_claim(actor=pki.specialist, record=second)
        records.step_forward(actor=pki.specialist, record=second, assignee=pki.police_officer)
    for document in ({"digitised": scan}, {"result": result}):
        with pytest.raises(PermissionDenied):
            services.document_reuse(actor=pki.police_officer, record=second, **document)
    assert not DocumentReuse.objects.filter(record=second).exists()


def test_a_result_out_of_scope_is_not_found_whoever_it_belongs_to(pki, papers):
    """Out of scope is "not found" before any comparison of owners: the answer does not tell
    the caller whether the result is the applicant's."""
    _scan, result = papers
    with travel("2025-06-02 08:00"):
        somebody_else = records.record_receive(
            actor=pki.center_reception,
            agency=pki.center,
            procedure=pki.pause_procedure,
            channel="direct",
            applicant=applicant(id_number="001190099999"),
            components=full_components(pki.pause_procedure),
        )
    with pytest.raises(NotFound):
        services.document_reuse(actor=pki.center_reception, record=somebody_else, result=result)
    assert not DocumentReuse.objects.filter(record=somebody_else).exists()
