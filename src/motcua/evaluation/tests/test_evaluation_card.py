"""The result-return QR card: its QR code decodes to the record's evaluation URL; officers who
may not see the record get a 404."""

from django.urls import reverse

from motcua.evaluation.selectors import evaluation_url
from motcua.evaluation.tests.factories import finished_record
from motcua.records.tests.factories_documents import (
    assert_fonts_embedded,
    pdf_text,
    qr_codes,
    render,
)


def test_the_card_qr_opens_the_evaluation(client, world):
    record = finished_record(world)
    client.force_login(world.reception)
    response = client.get(reverse("evaluation:card"), {"code": record.code})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    assert qr_codes(render(data, scale=3.0)) == [evaluation_url(record)]
    text = " ".join(pdf_text(data).split())
    assert "PHIẾU ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG" in text
    assert record.code in text
    assert_fonts_embedded(data)


def test_another_agency_cannot_print_the_card(client, world):
    record = finished_record(world)
    client.force_login(world.outsider)
    assert client.get(reverse("evaluation:card"), {"code": record.code}).status_code == 404
    client.logout()
    assert client.get(reverse("evaluation:card"), {"code": record.code}).status_code == 302
