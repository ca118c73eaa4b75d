"""A small RFC 3161 timestamp server on 127.0.0.1 for the tests, and the demo TSA behind it.

It speaks the real protocol over HTTP: ``POST`` an ``application/timestamp-query`` (a DER
TimeStampReq) and get an ``application/timestamp-reply`` (a DER TimeStampResp), signed by a TSA
certificate that the demo CA issues. pyHanko's DummyTimeStamper builds the reply. ``mode`` makes
it misbehave: ``"error"`` answers 500, ``"garbage"`` answers 200 with a body that is no
TimeStampResp."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.utils import timezone
from pyhanko.sign.timestamps import DummyTimeStamper

from motcua.documents import keystore, pki
from motcua.documents.models import CredentialKind, SigningCredential


def demo_tsa() -> DummyTimeStamper:
    """A TSA whose certificate (timeStamping, critical) is issued by the demo CA."""
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
        .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
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


class FakeTsa:
    def __init__(self, stamper: DummyTimeStamper) -> None:
        self.stamper = stamper
        self.mode = "ok"
        self.requests = 0
        self.auth_headers: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/tsa"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                tsa.requests += 1
                tsa.auth_headers.append(self.headers.get("Authorization", ""))
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if tsa.mode == "error":
                    self._answer(500, "text/plain", b"internal error")
                    return
                if tsa.mode == "garbage":
                    self._answer(200, "application/timestamp-reply", b"\x30\x03not a reply")
                    return
                if self.headers.get("Content-Type") != "application/timestamp-query":
                    self._answer(400, "text/plain", b"expected application/timestamp-query")
                    return
                reply = tsa.stamper.request_tsa_response(tsp.TimeStampReq.load(body))
                self._answer(200, "application/timestamp-reply", reply.dump())

            def _answer(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        return Handler


@contextmanager
def running_tsa(stamper: DummyTimeStamper) -> Iterator[FakeTsa]:
    tsa = FakeTsa(stamper)
    thread = threading.Thread(target=tsa.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tsa
    finally:
        tsa.server.shutdown()
        tsa.server.server_close()
        thread.join(timeout=10)
