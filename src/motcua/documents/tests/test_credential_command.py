"""``motcua signing-credential``: production certificates registered from PKCS#12 files or a
PKCS#11 key label after checks (password, validity, key match, key usage, trust), stored
encrypted like the demo keys, audited, listed, monitored for expiry, and used to sign a result."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import CommandError, call_command
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.audit.models import AuditEntry
from motcua.core.errors import ValidationFailed
from motcua.documents import credentials, images, keystore, services, storage, verification
from motcua.documents import pki as certs
from motcua.documents.models import CredentialKind, SigningCredential
from motcua.documents.tests.factories import approved_record

PASSWORD = "correct horse battery staple"  # noqa: S105 - a test archive's password
ENV = "MOTCUA_TEST_P12_PASSWORD"


@pytest.fixture(autouse=True)
def _english():
    """The messages are compared in English (the default language is Vietnamese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _demo_ca():
    ca = SigningCredential.objects.get(kind=CredentialKind.CA, is_demo=True, is_active=True)
    key, certificate, _chain = keystore.unwrap(bytes(ca.pkcs12), bytes(ca.salt))
    return key, certificate


def _issue(ca_key, ca_certificate, *, name="Nguyễn Văn A", now=None, days=730, key=None):
    key = key or certs.new_key()
    certificate = certs.issue_signer(
        ca_key=ca_key,
        ca_certificate=ca_certificate,
        key=key,
        name=certs.demo_name(name, unit="Sở Tư pháp"),
        now=now or timezone.now(),
        days=days,
    )
    return key, certificate


def _p12(tmp_path: Path, key, certificate, chain, *, name="cred.p12", password=PASSWORD) -> str:
    data = pkcs12.serialize_key_and_certificates(
        b"test",
        key,
        certificate,
        chain or None,
        serialization.BestAvailableEncryption(password.encode()),
    )
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _add(*args: str) -> str:
    out = io.StringIO()
    call_command("signing-credential", "add", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv(ENV, PASSWORD)


def _state():
    return (
        list(SigningCredential.objects.order_by("pk").values_list("pk", "is_active")),
        AuditEntry.objects.count(),
    )


def _refused(message: str, *args: str) -> None:
    before = _state()
    with pytest.raises(CommandError, match=message):
        _add(*args)
    assert _state() == before  # nothing written, nothing retired, nothing audited


def test_good_signer_replaces_demo_one_and_signs_a_result(pki, procedure, tmp_path, env):
    world = pki
    ca_key, ca_certificate = _demo_ca()
    key, certificate = _issue(ca_key, ca_certificate, name="Lãnh đạo Sở")
    path = _p12(tmp_path, key, certificate, [ca_certificate])
    agency = world.justice.code
    demo = SigningCredential.objects.get(kind="personal", user=world.leader, is_active=True)

    _refused(
        "already has an active certificate",
        "--kind=signer", f"--agency={agency}", f"--user={world.leader.username}",
        f"--pkcs12={path}", f"--password-env={ENV}",
    )  # fmt: skip
    audit_before = AuditEntry.objects.count()
    out = _add(
        "--kind=signer", f"--agency={agency}", f"--user={world.leader.username}",
        f"--pkcs12={path}", f"--password-env={ENV}", "--replace",
    )  # fmt: skip
    assert PASSWORD not in out and "BEGIN" not in out
    new = SigningCredential.objects.get(kind="personal", user=world.leader, is_active=True)
    demo.refresh_from_db()
    assert demo.is_active is False
    assert f"retired #{demo.pk}" in out and f"registered #{new.pk}" in out
    assert new.is_demo is False and new.pkcs11_key_label == ""
    assert new.serial == format(certificate.serial_number, "x")
    # encrypted at rest exactly as the demo keys: the database copy opens only with the KEK
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(bytes(new.pkcs12), PASSWORD.encode())
    stored_key, stored_certificate, chain = keystore.unwrap(bytes(new.pkcs12), bytes(new.salt))
    assert stored_certificate == certificate and chain == [ca_certificate]
    entries = list(AuditEntry.objects.order_by("pk")[audit_before:])
    assert [(e.action, e.object_id) for e in entries] == [
        ("config.changed", str(demo.pk)),
        ("config.created", str(new.pk)),
    ]
    assert entries[1].detail["serial"] == new.serial
    assert entries[1].detail["replaces"] == [demo.pk]
    assert PASSWORD not in str(entries[1].detail)

    record = approved_record(world, procedure)
    document = services.result_generate(actor=world.leader, record=record)
    document = services.result_sign(actor=world.leader, document=document, role="signer")
    document = services.result_sign(actor=world.leader, document=document, role="seal")
    data = storage.read(document.storage_name)
    signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert signatures[0].signer_cert.serial_number == certificate.serial_number
    assert document.signatures.get(role="signer").credential_id == new.pk
    report = verification.verify_pdf(data, expected_code=document.code)
    assert report.verdict == verification.Verdict.VALID, report.as_dict()


def test_wrong_password_and_not_a_pkcs12_file(pki, tmp_path, monkeypatch, settings):
    ca_key, ca_certificate = _demo_ca()
    key, certificate = _issue(ca_key, ca_certificate)
    path = _p12(tmp_path, key, certificate, [ca_certificate])
    monkeypatch.setenv(ENV, "not the password")
    common = ("--kind=seal", f"--agency={pki.police.code}", f"--password-env={ENV}")
    _refused("the password is wrong", *common, f"--pkcs12={path}")
    garbage = tmp_path / "garbage.p12"
    garbage.write_bytes(b"this is not a PKCS#12 file")
    _refused("not a PKCS#12", *common, f"--pkcs12={garbage}")
    monkeypatch.setenv(ENV, PASSWORD)
    settings.MOTCUA_KEY_ENCRYPTION_KEY = ""  # production without the key-encryption key
    _refused("MOTCUA_KEY_ENCRYPTION_KEY", *common, f"--pkcs12={path}", "--replace")
    _refused("is not set", "--kind=seal", f"--agency={pki.police.code}",
             f"--pkcs12={path}", "--password-env=MOTCUA_TEST_UNSET_VARIABLE")  # fmt: skip


def test_expired_not_yet_valid_untrusted_and_mismatched_are_refused(pki, tmp_path, env):
    ca_key, ca_certificate = _demo_ca()
    common = ("--kind=seal", f"--agency={pki.police.code}", f"--password-env={ENV}", "--replace")

    key, expired = _issue(ca_key, ca_certificate, now=timezone.now() - timedelta(days=400), days=30)
    _refused("expired on", *common, f"--pkcs12={_p12(tmp_path, key, expired, [ca_certificate])}")

    key, future = _issue(ca_key, ca_certificate, now=timezone.now() + timedelta(days=10))
    _refused("not valid yet", *common, f"--pkcs12={_p12(tmp_path, key, future, [ca_certificate])}")

    other_key = certs.new_key()
    other_ca = certs.issue_ca(key=other_key, name=certs.demo_name("Unknown CA"), now=timezone.now())
    key, stranger = _issue(other_key, other_ca)
    stranger_path = _p12(tmp_path, key, stranger, [other_ca], name="stranger.p12")
    _refused("not trusted", *common, f"--pkcs12={stranger_path}")

    key, certificate = _issue(ca_key, ca_certificate)
    # cryptography (like openssl pkcs12 -export) will not write a mismatched archive, other tools
    # may: the service's check, with what such an archive would give
    before = _state()
    with pytest.raises(ValidationFailed, match="does not match the certificate"):
        credentials.signing_credential_register(
            actor=None,
            kind=CredentialKind.SEAL,
            agency=pki.police,
            material=credentials.Material(
                certificate=certificate, chain=[ca_certificate], key=certs.new_key()
            ),
            replace=True,
        )
    assert _state() == before
    key_only = tmp_path / "key-only.p12"
    key_only.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"k", key, None, None, serialization.BestAvailableEncryption(PASSWORD.encode())
        )
    )
    _refused("must hold a private key and its certificate", *common, f"--pkcs12={key_only}")

    # a CA certificate and a certificate without nonRepudiation cannot sign documents
    ca_path = _p12(tmp_path, ca_key, ca_certificate, [], name="ca.p12")
    _refused("certification authority", *common, f"--pkcs12={ca_path}")
    key = certs.new_key()
    no_nr = (
        x509.CertificateBuilder()
        .subject_name(certs.demo_name("Key usage"))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(timezone.now() - timedelta(days=1))
        .not_valid_after(timezone.now() + timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    _refused("nonRepudiation", *common, f"--pkcs12={_p12(tmp_path, key, no_nr, [ca_certificate])}")

    # --allow-untrusted registers the stranger, with a warning, and retires the demo seal
    err = io.StringIO()
    call_command(
        "signing-credential", "add", *common, f"--pkcs12={stranger_path}", "--allow-untrusted",
        stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    assert "untrusted" in err.getvalue()
    seal = SigningCredential.objects.get(kind="seal", agency=pki.police, is_active=True)
    assert seal.serial == format(stranger.serial_number, "x")
    audit = AuditEntry.objects.get(
        action="config.created", object_type="documents.signingcredential", object_id=str(seal.pk)
    )
    assert audit.detail["trusted"] is False


def test_holder_rules(pki, tmp_path, env):
    ca_key, ca_certificate = _demo_ca()
    key, certificate = _issue(ca_key, ca_certificate)
    path = _p12(tmp_path, key, certificate, [ca_certificate])
    source = (f"--pkcs12={path}", f"--password-env={ENV}")
    justice = f"--agency={pki.justice.code}"
    _refused("needs its holder", "--kind=signer", justice, *source)
    _refused(
        "has no staff role",
        "--kind=signer",
        justice,
        f"--user={pki.police_officer.username}",
        *source,
    )
    _refused("give no holder", "--kind=seal", justice, f"--user={pki.leader.username}", *source)
    _refused("Unknown agency", "--kind=seal", "--agency=nope", *source)
    # an officer (not only a leader) may hold a personal certificate
    err = io.StringIO()
    call_command(
        "signing-credential", "add", "--kind=signer", justice, f"--user={pki.specialist.username}",
        *source, stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    assert "is not a leader" in err.getvalue()
    _refused("already registered", "--kind=signer", justice, f"--user={pki.specialist.username}",
             *source, "--replace")  # fmt: skip


def test_pkcs11_reference_list_and_expiring(pki, tmp_path, settings):
    ca_key, ca_certificate = _demo_ca()
    _key, certificate = _issue(ca_key, ca_certificate, days=20)
    cert_path = tmp_path / "seal.pem"
    cert_path.write_text(certs.pem(certificate) + certs.pem(ca_certificate))
    der_path = tmp_path / "seal.der"
    der_path.write_bytes(certificate.public_bytes(serialization.Encoding.DER))
    justice = f"--agency={pki.justice.code}"
    _refused("needs --certificate", "--kind=seal", justice, "--pkcs11-key-label=seal-key")
    bad = tmp_path / "bad.pem"
    bad.write_bytes(b"nonsense")
    _refused("not a PEM or DER", "--kind=seal", justice, "--pkcs11-key-label=k",
             f"--certificate={bad}", "--replace")  # fmt: skip
    # DER without the chain: the demo CA is a trust root, so it still validates
    settings.MOTCUA_SIGNING_BACKEND = "pkcs11"
    token = ("--kind=seal", justice, "--pkcs11-key-label=seal-key", f"--certificate={der_path}")
    _refused("must be a PNG", *token, f"--image={bad}", "--replace")
    image = tmp_path / "seal.png"
    image.write_bytes(images.seal_png("Sở Tư pháp"))
    _add(*token, f"--image={image}", "--replace")
    seal = SigningCredential.objects.get(kind="seal", agency=pki.justice, is_active=True)
    assert seal.pkcs11_key_label == "seal-key" and bytes(seal.pkcs12) == b""
    assert seal.certificate_pem == certs.pem(certificate)
    assert bytes(seal.image_png) == image.read_bytes()

    out = io.StringIO()
    call_command("signing-credential", "list", f"--agency={pki.justice.code}", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("id\tagency\tholder\tkind\tsubject\tserial\tnot_after\tbackend")
    row = next(line for line in lines if line.startswith(f"{seal.pk}\t"))
    assert f"\t{seal.serial}\t" in row and "\tpkcs11\tyes\tno" in row
    assert "PRIVATE" not in out.getvalue() and "BEGIN" not in out.getvalue()
    assert all(pki.police.code not in line for line in lines[1:])

    out = io.StringIO()
    call_command("signing-credential", "expiring", "--days=10", stdout=out)
    assert "No active certificate" in out.getvalue()
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("signing-credential", "expiring", "--days=30", stdout=out)
    assert raised.value.returncode == 3
    assert "1 active certificate(s)" in str(raised.value)
    assert f"\t{seal.serial}\t" in out.getvalue()
