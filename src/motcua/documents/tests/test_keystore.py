"""Signing keys are stored encrypted (PKCS#12, password derived from the key-encryption key);
without the right key nothing signs. The PKCS#11 backend refuses a missing or broken module here;
signing on a real (SoftHSM2) token is in test_pkcs11.py."""

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.exceptions import ImproperlyConfigured

from motcua.documents import keystore, services, signing
from motcua.documents.models import CredentialKind, SigningCredential
from motcua.documents.tests.factories import approved_record


def test_demo_pki_is_marked_demo_and_encrypted_at_rest(pki):
    ca = SigningCredential.objects.get(kind=CredentialKind.CA)
    seals = SigningCredential.objects.filter(kind=CredentialKind.SEAL)
    assert seals.count() == 4  # one per agency of the world
    personal = SigningCredential.objects.get(kind=CredentialKind.PERSONAL)
    assert personal.user == pki.leader
    for credential in [ca, personal, *seals]:
        assert credential.is_demo
        assert "DEMO — không có giá trị pháp lý" in credential.subject
        with pytest.raises(ValueError):  # not readable without the derived password
            pkcs12.load_key_and_certificates(bytes(credential.pkcs12), None)
        assert b"PRIVATE KEY" not in bytes(credential.pkcs12)
    key, certificate, chain = keystore.unwrap(bytes(personal.pkcs12), bytes(personal.salt))
    assert chain and certificate.issuer == chain[0].subject


def test_demo_pki_is_idempotent(pki):
    from motcua.documents.demo import demo_load_pki

    before = SigningCredential.objects.count()
    summary = demo_load_pki()
    assert summary.created == 0
    assert SigningCredential.objects.count() == before


def test_another_key_encryption_key_cannot_open_the_keys(pki, settings):
    personal = SigningCredential.objects.get(kind=CredentialKind.PERSONAL)
    settings.MOTCUA_KEY_ENCRYPTION_KEY = "another-key-encryption-key-of-32-characters!"
    with pytest.raises(ValueError):
        keystore.unwrap(bytes(personal.pkcs12), bytes(personal.salt))


def test_without_a_key_encryption_key_signing_is_refused(pki, procedure, settings):
    record = approved_record(pki, procedure)
    document = services.result_generate(actor=pki.leader, record=record)
    signing._signer_cache.clear()
    settings.MOTCUA_KEY_ENCRYPTION_KEY = ""  # what production settings leave without a real key
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_KEY_ENCRYPTION_KEY"):
        services.result_sign(actor=pki.leader, document=document, role="signer")
    assert document.signatures.count() == 0


def test_pkcs11_backend_needs_its_module(pki, settings):
    settings.MOTCUA_SIGNING_BACKEND = "pkcs11"
    settings.MOTCUA_PKCS11_MODULE = ""
    personal = SigningCredential.objects.get(kind=CredentialKind.PERSONAL)
    with (
        pytest.raises(ImproperlyConfigured, match="MOTCUA_PKCS11_MODULE"),
        signing.signer_for(personal),
    ):
        pass
    settings.MOTCUA_PKCS11_MODULE = "/nonexistent/libtoken.so"
    with pytest.raises(ImproperlyConfigured, match="PKCS#11"), signing.signer_for(personal):
        pass
    settings.MOTCUA_SIGNING_BACKEND = "usb"
    with (
        pytest.raises(ImproperlyConfigured, match="MOTCUA_SIGNING_BACKEND"),
        signing.signer_for(personal),
    ):
        pass
