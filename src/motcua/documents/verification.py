"""Verification of signed PDFs: every signature's integrity, signer, signing time, chain to the
configured trust roots, changes made after signing, and whether the file is a registered result.

Pure of HTTP: the page and the API call ``verify_pdf`` and render the report."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from motcua.documents import pki
from motcua.documents.storage import sha256

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
ALLOWED_AFTER_SIGNING = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
)


class Verdict:
    VALID = "valid"
    INVALID = "invalid"
    MODIFIED = "modified"
    UNTRUSTED = "untrusted"
    UNSIGNED = "unsigned"
    NOT_PDF = "not_pdf"
    DAMAGED = "damaged"


@dataclass
class SignatureReport:
    field_name: str
    signer: str
    organisation: str
    signed_at: datetime | None
    timestamped: bool
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_file: bool
    changed_after: bool
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.changed_after


@dataclass
class VerificationReport:
    verdict: str
    message: str
    sha256: str = ""
    size: int = 0
    signatures: list[SignatureReport] = field(default_factory=list)
    result_code: str = ""
    record_code: str = ""
    registered: bool | None = None  # None: no result code known and no hash match found
    expected_code: str = ""

    @property
    def ok(self) -> bool:
        return self.verdict == Verdict.VALID

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "ok": self.ok,
            "message": self.message,
            "sha256": self.sha256,
            "size": self.size,
            "result_code": self.result_code,
            "record_code": self.record_code,
            "expected_code": self.expected_code,
            "registered": self.registered,
            "signatures": [
                {
                    "signature_field": s.field_name,
                    "signer": s.signer,
                    "organisation": s.organisation,
                    "signed_at": s.signed_at.isoformat() if s.signed_at else None,
                    "timestamped": s.timestamped,
                    "intact": s.intact,
                    "valid": s.valid,
                    "trusted": s.trusted,
                    "covers_whole_file": s.covers_whole_file,
                    "changed_after": s.changed_after,
                    "ok": s.ok,
                    "problem": s.problem,
                }
                for s in self.signatures
            ],
        }


def is_pdf(data: bytes) -> bool:
    """The PDF header must appear within the first 1024 bytes (ISO 32000 tolerance)."""
    return PDF_MAGIC in data[:1024]


def trust_roots() -> list[asn1_x509.Certificate]:
    """The configured roots (``MOTCUA_TRUST_ROOTS``) plus, in the demo, the demo CA."""
    roots: list[asn1_x509.Certificate] = []
    for path in settings.MOTCUA_TRUST_ROOTS:
        try:
            text = Path(path).read_text()
        except OSError as exc:
            raise ImproperlyConfigured(f"MOTCUA_TRUST_ROOTS: cannot read {path}: {exc}") from exc
        for certificate in pki.load_pem_list(text):
            roots.append(asn1_x509.Certificate.load(certificate.public_bytes(_DER)))
    if settings.MOTCUA_DEMO_DATA:
        from motcua.documents.models import CredentialKind, SigningCredential

        for text in SigningCredential.objects.filter(
            kind=CredentialKind.CA, is_demo=True, is_active=True
        ).values_list("certificate_pem", flat=True):
            for certificate in pki.load_pem_list(text):
                roots.append(asn1_x509.Certificate.load(certificate.public_bytes(_DER)))
    return roots


def _der() -> Any:
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


_DER = _der()


def _name_part(name: asn1_x509.Name, key: str) -> str:
    return str(name.native.get(key, "")) if name is not None else ""


def _signature_report(embedded: Any, context: ValidationContext) -> SignatureReport:
    name = embedded.field_name or ""
    try:
        status = validate_pdf_signature(embedded, context)
    except Exception as exc:  # a malformed signature must be reported, not crash the page
        logger.info("documents.verify.signature_error", exc_info=exc)
        return SignatureReport(
            field_name=name,
            signer="",
            organisation="",
            signed_at=None,
            timestamped=False,
            intact=False,
            valid=False,
            trusted=False,
            covers_whole_file=False,
            changed_after=True,
            problem=_("The signature is damaged and cannot be checked."),
        )
    subject = status.signing_cert.subject if status.signing_cert is not None else None
    level = status.modification_level
    changed = (level is not None and level not in ALLOWED_AFTER_SIGNING) or (
        status.docmdp_ok is False
    )
    signed_at = status.timestamp_validity.timestamp if status.timestamp_validity else None
    report = SignatureReport(
        field_name=name,
        signer=_name_part(subject, "common_name"),  # type: ignore[arg-type]
        organisation=_name_part(subject, "organization_name"),  # type: ignore[arg-type]
        signed_at=signed_at or status.signer_reported_dt,
        timestamped=status.timestamp_validity is not None,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        changed_after=changed,
    )
    if not report.intact:
        report.problem = _("The signed content was changed: the file is not the one signed.")
    elif not report.valid:
        report.problem = _("The signature value does not match the signer's certificate.")
    elif changed:
        report.problem = _("The document was changed after this signature.")
    elif not report.trusted:
        report.problem = _("The signer's certificate does not chain to a trusted root.")
    return report


def verify_pdf(data: bytes, *, expected_code: str = "") -> VerificationReport:
    digest = sha256(data)

    def report_of(verdict: str, message: str) -> VerificationReport:
        return VerificationReport(
            verdict=verdict,
            message=message,
            sha256=digest,
            size=len(data),
            expected_code=expected_code,
        )

    if not is_pdf(data):
        return report_of(Verdict.NOT_PDF, _("The file is not a PDF document."))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # a hostile file breaks the parser in many ways
        # PdfReadError, ValueError, KeyError... and from crafted files AttributeError,
        # AssertionError, RecursionError (ten thousand nested arrays): all mean "unreadable".
        logger.info("documents.verify.unreadable", exc_info=exc)
        return report_of(Verdict.DAMAGED, _("The PDF file is damaged or unreadable."))
    report = report_of(Verdict.VALID, "")
    _match_registered(report, data_sha256=digest, expected_code=expected_code)
    if not embedded:
        report.verdict = Verdict.UNSIGNED
        report.message = _("The file carries no digital signature.")
        return report
    context = ValidationContext(
        trust_roots=trust_roots(), allow_fetching=False, revocation_mode="soft-fail"
    )
    report.signatures = [_signature_report(signature, context) for signature in embedded]
    last = report.signatures[-1]
    if not last.covers_whole_file:
        last.changed_after = True
        last.problem = last.problem or _("The document was changed after the last signature.")
    if any(not (s.intact and s.valid) for s in report.signatures):
        report.verdict = Verdict.INVALID
        report.message = _("At least one signature is broken: the file was altered.")
    elif any(s.changed_after for s in report.signatures):
        report.verdict = Verdict.MODIFIED
        report.message = _("The signatures are intact but the document was changed after signing.")
    elif any(not s.trusted for s in report.signatures):
        report.verdict = Verdict.UNTRUSTED
        report.message = _(
            "The signatures are intact but a signer is not from a trusted authority."
        )
    elif report.registered is False:
        report.verdict = Verdict.MODIFIED
        report.message = _(
            "The signatures are valid but this file is not the registered result %(code)s."
        ) % {"code": expected_code}
    else:
        report.message = _("All signatures are valid and the document was not changed.")
    return report


def _match_registered(report: VerificationReport, *, data_sha256: str, expected_code: str) -> None:
    from motcua.documents.models import ResultDocument

    if expected_code:
        document = (
            ResultDocument.objects.select_related("record").filter(code=expected_code).first()
        )
        if document is None:
            report.registered = False
            return
        report.result_code = document.code
        report.record_code = document.record.code or ""
        report.registered = document.sha256 == data_sha256 and document.signature_count > 0
        return
    document = (
        ResultDocument.objects.select_related("record")
        .filter(sha256=data_sha256, signature_count__gt=0)
        .first()
    )
    if document is not None:
        report.result_code = document.code
        report.record_code = document.record.code or ""
        report.registered = True
