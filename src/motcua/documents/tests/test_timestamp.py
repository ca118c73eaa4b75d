"""PAdES B-T: with a timestamper the signatures carry an RFC 3161 signature timestamp.

pyHanko's DummyTimeStamper (tests only) acts as the TSA, with a certificate from the demo CA."""

from datetime import timedelta

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.utils import timezone
from pyhanko.sign.timestamps import DummyTimeStamper

from motcua.documents import keystore, pki, services, storage
from motcua.documents.models import CredentialKind, SigningCredential
from motcua.documents.tests.factories import approved_record
from motcua.documents.verification import Verdict, verify_pdf


def _timestamper() -> DummyTimeStamper:
    ca = SigningCredential.objects.get(kind=CredentialKind.CA)
    ca_key, ca_certificate, _chain = keystore.unwrap(bytes(ca.pkcs12), bytes(ca.salt))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's dummy TSA
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(pki.demo_name("Demo TSA"))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(der),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key_der),
    )


def test_b_t_signatures_carry_a_valid_timestamp(pki, procedure):
    record = approved_record(pki, procedure)
    stamper = _timestamper()
    document = services.result_generate(actor=pki.leader, record=record)
    services.result_sign(actor=pki.leader, document=document, role="signer", timestamper=stamper)
    document = services.result_sign(
        actor=pki.leader, document=document, role="seal", timestamper=stamper
    )
    assert all(s.timestamped for s in document.signatures.all())
    report = verify_pdf(storage.read(document.storage_name))
    assert report.verdict == Verdict.VALID, report.as_dict()
    assert all(s.timestamped for s in report.signatures)
