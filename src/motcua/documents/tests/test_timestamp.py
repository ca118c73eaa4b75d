"""PAdES B-T: with a timestamper the signatures carry an RFC 3161 signature timestamp.

In process with pyHanko's DummyTimeStamper, and over HTTP (``MOTCUA_TSA_URL``) against a small
TSA on 127.0.0.1 (fake_tsa.py) with a certificate from the demo CA. A TSA that is down or answers
nonsense refuses the signature with a clear message and leaves the document as it was."""

import io
import socket

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.documents import services, storage
from motcua.documents.models import ResultDocument, ResultSignature
from motcua.documents.signing import SigningUnavailable
from motcua.documents.tests.factories import approved_record
from motcua.documents.tests.fake_tsa import demo_tsa, running_tsa
from motcua.documents.verification import Verdict, trust_roots, verify_pdf


@pytest.fixture(autouse=True)
def _english():
    """The messages are compared in English (the default language is Vietnamese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_b_t_signatures_carry_a_valid_timestamp(pki, procedure):
    record = approved_record(pki, procedure)
    stamper = demo_tsa()
    document = services.result_generate(actor=pki.leader, record=record)
    services.result_sign(actor=pki.leader, document=document, role="signer", timestamper=stamper)
    document = services.result_sign(
        actor=pki.leader, document=document, role="seal", timestamper=stamper
    )
    assert all(s.timestamped for s in document.signatures.all())
    report = verify_pdf(storage.read(document.storage_name))
    assert report.verdict == Verdict.VALID, report.as_dict()
    assert all(s.timestamped for s in report.signatures)


@pytest.fixture
def tsa(pki):
    with running_tsa(demo_tsa()) as server:
        yield server


def test_b_t_through_a_timestamp_server_over_http(pki, procedure, tsa, settings):
    settings.MOTCUA_TSA_URL = tsa.url
    settings.MOTCUA_TSA_USERNAME = "motcua"
    settings.MOTCUA_TSA_PASSWORD = "tsa-secret"
    record = approved_record(pki, procedure)
    document = services.result_generate(actor=pki.leader, record=record)
    services.result_sign(actor=pki.leader, document=document, role="signer")
    document = services.result_sign(actor=pki.leader, document=document, role="seal")
    assert tsa.requests == 2
    assert tsa.auth_headers == ["Basic bW90Y3VhOnRzYS1zZWNyZXQ="] * 2  # motcua:tsa-secret
    assert list(document.signatures.values_list("timestamped", flat=True)) == [True, True]
    data = storage.read(document.storage_name)
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert len(signatures) == 2
    for signature in signatures:
        status = validate_pdf_signature(signature, context, ts_validation_context=context)
        assert status.bottom_line, status.pretty_print_details()
        assert status.timestamp_validity is not None
        assert status.timestamp_validity.intact and status.timestamp_validity.valid
        assert status.timestamp_validity.trusted
        assert "Demo TSA" in status.timestamp_validity.signing_cert.subject.human_friendly
    report = verify_pdf(data, expected_code=document.code)
    assert report.verdict == Verdict.VALID, report.as_dict()
    assert [s.timestamped for s in report.signatures] == [True, True]


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _assert_unsigned(document: ResultDocument) -> None:
    document.refresh_from_db()
    assert document.signature_count == 0
    assert document.sha256 == document.unsigned_sha256
    assert storage.sha256(storage.read(document.storage_name)) == document.unsigned_sha256
    assert ResultSignature.objects.count() == 0


def test_timestamp_server_down_refuses_the_signature(pki, procedure, settings):
    settings.MOTCUA_TSA_URL = f"http://127.0.0.1:{_closed_port()}/tsa"
    record = approved_record(pki, procedure)
    document = services.result_generate(actor=pki.leader, record=record)
    with pytest.raises(SigningUnavailable, match="timestamp server") as raised:
        services.result_sign(actor=pki.leader, document=document, role="signer")
    assert raised.value.status_code == 503
    assert "contacting timestamp service" in raised.value.message
    _assert_unsigned(document)


@pytest.mark.parametrize(("mode", "detail"), [("error", "500"), ("garbage", "malformed")])
def test_timestamp_server_errors_refuse_the_signature(pki, procedure, tsa, settings, mode, detail):
    settings.MOTCUA_TSA_URL = tsa.url
    tsa.mode = mode
    record = approved_record(pki, procedure)
    document = services.result_generate(actor=pki.leader, record=record)
    with pytest.raises(SigningUnavailable, match="timestamp server") as raised:
        services.result_sign(actor=pki.leader, document=document, role="signer")
    assert detail in raised.value.message
    assert tsa.requests == 1
    _assert_unsigned(document)
    tsa.mode = "ok"  # the next attempt, with the server back, signs
    document = services.result_sign(actor=pki.leader, document=document, role="signer")
    assert document.signatures.get().timestamped


def test_officer_sees_why_the_signature_was_refused(client, pki, procedure, settings):
    """The page shows the message and the API answers 503 signing_unavailable; nothing stored."""
    from django.contrib.messages import get_messages
    from django.urls import reverse

    settings.MOTCUA_TSA_URL = f"http://127.0.0.1:{_closed_port()}/tsa"
    record = approved_record(pki, procedure)
    document = services.result_generate(actor=pki.leader, record=record)
    client.force_login(pki.leader)
    client.cookies["django_language"] = "en"
    page = client.post(reverse("documents:sign", args=[record.pk, document.pk]), {"role": "signer"})
    assert page.status_code == 302
    shown = [str(m) for m in get_messages(page.wsgi_request)]
    assert any("timestamp server did not give a timestamp" in m for m in shown), shown
    api = client.post(
        f"/api/v1/documents/records/{record.pk}/result/{document.pk}/sign",
        {"role": "signer"},
        content_type="application/json",
    )
    assert api.status_code == 503
    assert api.json()["error"]["code"] == "signing_unavailable"
    _assert_unsigned(document)
