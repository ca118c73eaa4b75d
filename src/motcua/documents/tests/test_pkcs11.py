"""Signing on a PKCS#11 token: a real SoftHSM2 token (softhsm.py), the leader's key and the
agency seal's key on it, through the normal service; pyHanko, the verification report and
poppler's pdfsig accept both signatures. A wrong PIN, a key that is not on the token or a
certificate that does not match refuse the signature and leave the document as it was."""

import io
import shutil
import subprocess

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.documents import services, storage
from motcua.documents.models import (
    CredentialKind,
    DigitisedDocument,
    ResultSignature,
    SigningCredential,
)
from motcua.documents.signing import SigningUnavailable
from motcua.documents.tests.factories import approved_record
from motcua.documents.tests.softhsm import create_token, import_credential
from motcua.documents.tests.test_digitised_reuse import _digitise
from motcua.documents.verification import Verdict, trust_roots, verify_pdf


@pytest.fixture(autouse=True)
def _english():
    """The messages are compared in English (the default language is Vietnamese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def token(tmp_path_factory):
    return create_token(tmp_path_factory.mktemp("softhsm"))


@pytest.fixture
def on_token(pki, token, settings):
    """The leader's and the justice department's seal keys moved onto the token."""
    settings.MOTCUA_SIGNING_BACKEND = "pkcs11"
    settings.MOTCUA_PKCS11_MODULE = token.module
    settings.MOTCUA_PKCS11_TOKEN_LABEL = token.label
    settings.MOTCUA_PKCS11_PIN = token.pin
    leader = SigningCredential.objects.get(kind=CredentialKind.PERSONAL, user=pki.leader)
    seal = SigningCredential.objects.get(kind=CredentialKind.SEAL, agency=pki.justice)
    import_credential(token, leader)
    import_credential(token, seal)
    return pki


def _unsigned_result(world, procedure):
    record = approved_record(world, procedure)
    return services.result_generate(actor=world.leader, record=record)


def _assert_unsigned(document):
    document.refresh_from_db()
    assert document.signature_count == 0
    assert document.sha256 == document.unsigned_sha256
    assert storage.sha256(storage.read(document.storage_name)) == document.unsigned_sha256
    assert ResultSignature.objects.count() == 0


def test_leader_and_seal_sign_on_the_token(on_token, procedure, tmp_path):
    document = _unsigned_result(on_token, procedure)
    services.result_sign(actor=on_token.leader, document=document, role="signer")
    document = services.result_sign(actor=on_token.leader, document=document, role="seal")
    assert document.signature_count == 2 and document.sealed
    data = storage.read(document.storage_name)
    assert storage.sha256(data) == document.sha256

    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert [s.field_name for s in signatures] == ["Signature1", "Seal"]
    credentials = [
        SigningCredential.objects.get(kind=CredentialKind.PERSONAL, user=on_token.leader),
        SigningCredential.objects.get(kind=CredentialKind.SEAL, agency=on_token.justice),
    ]
    for signature, credential in zip(signatures, credentials, strict=True):
        status = validate_pdf_signature(signature, context)
        assert status.bottom_line, status.pretty_print_details()
        assert format(signature.signer_cert.serial_number, "x") == credential.serial

    report = verify_pdf(data, expected_code=document.code)
    assert report.verdict == Verdict.VALID, report.as_dict()
    assert len(report.signatures) == 2

    assert shutil.which("pdfsig"), "poppler-utils must be installed (tools/ensure-pdf-tools)"
    path = tmp_path / "result.pdf"
    path.write_bytes(data)
    completed = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    assert completed.stdout.count("Signature is Valid") == 2, completed.stdout


def test_wrong_pin_refuses_and_writes_nothing(on_token, procedure, settings):
    document = _unsigned_result(on_token, procedure)
    settings.MOTCUA_PKCS11_PIN = "000000"
    with pytest.raises(SigningUnavailable, match="refused the PIN") as raised:
        services.result_sign(actor=on_token.leader, document=document, role="signer")
    assert raised.value.status_code == 503
    _assert_unsigned(document)


def test_key_missing_from_the_token_refuses_and_writes_nothing(on_token, procedure):
    document = _unsigned_result(on_token, procedure)
    SigningCredential.objects.filter(kind=CredentialKind.PERSONAL, user=on_token.leader).update(
        pkcs11_key_label="not-on-the-token"
    )
    with pytest.raises(SigningUnavailable, match="“not-on-the-token” is not on the signing token"):
        services.result_sign(actor=on_token.leader, document=document, role="signer")
    _assert_unsigned(document)
    SigningCredential.objects.filter(kind=CredentialKind.PERSONAL, user=on_token.leader).update(
        pkcs11_key_label=""
    )
    with pytest.raises(SigningUnavailable, match="has no PKCS#11 key label"):
        services.result_sign(actor=on_token.leader, document=document, role="signer")
    _assert_unsigned(document)


def test_certificate_on_the_token_must_be_the_registered_one(on_token, procedure):
    """A token key under the label of another credential is refused, not used."""
    document = _unsigned_result(on_token, procedure)
    seal = SigningCredential.objects.get(kind=CredentialKind.SEAL, agency=on_token.justice)
    SigningCredential.objects.filter(kind=CredentialKind.PERSONAL, user=on_token.leader).update(
        pkcs11_key_label=seal.pkcs11_key_label
    )
    with pytest.raises(SigningUnavailable, match="is not the one registered"):
        services.result_sign(actor=on_token.leader, document=document, role="signer")
    _assert_unsigned(document)


def test_unknown_token_label_is_reported(on_token, procedure, settings):
    document = _unsigned_result(on_token, procedure)
    settings.MOTCUA_PKCS11_TOKEN_LABEL = "no-such-token"
    with pytest.raises(SigningUnavailable, match="“no-such-token” is not present"):
        services.result_sign(actor=on_token.leader, document=document, role="signer")
    _assert_unsigned(document)


def test_electronic_copy_is_sealed_on_the_token(on_token, settings):
    document = _digitise(on_token)
    report = verify_pdf(storage.read(document.storage_name))
    assert report.verdict == Verdict.VALID, report.as_dict()
    assert report.signatures[0].signer == on_token.justice.name
    settings.MOTCUA_PKCS11_PIN = "111111"
    with pytest.raises(SigningUnavailable, match="refused the PIN"):
        _digitise(on_token, owner_id_number="079200001111")
    assert DigitisedDocument.objects.count() == 1
