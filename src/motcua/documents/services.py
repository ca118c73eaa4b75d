"""Writes for documents: result documents, their signatures, digitised documents and reuse.

Files go to the documents storage (documents/storage.py) before the database rows are written;
when the transaction fails the stored file is deleted again, so nothing half-written remains."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.sign.timestamps import TimeStamper

from motcua.audit.services import audit_in_context
from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.core.models import User
from motcua.documents import permissions, result_pdf, scans, signing, storage, texts
from motcua.documents.models import (
    CredentialKind,
    DigitisedDocument,
    DocumentReuse,
    ResultDocument,
    ResultSignature,
    SigningCredential,
)

PREPARABLE = ("in_progress", "approved")
ID_NUMBER = re.compile(r"^[0-9A-Za-z-]{6,20}$")
MAX_SCAN_BYTES = 20 * 1024 * 1024


@contextmanager
def _stored(name: str, data: bytes) -> Iterator[str]:
    """Save ``data``; delete it again if the surrounding work fails."""
    stored = storage.save(name, data)
    try:
        yield stored
    except BaseException:
        storage.delete(stored)
        raise


def _lock_record(record: Any) -> Any:
    from motcua.records.services.common import lock

    return lock(record)


def _signer_line(user: User) -> tuple[str, str]:
    title = (getattr(user, "title", "") or "").strip()
    heading = texts.LEADER_TITLE_DEPUTY if title.lower().startswith("phó") else texts.LEADER_TITLE
    return heading, str(user)


def _default_leader(agency_id: int) -> User | None:
    credential = (
        SigningCredential.objects.select_related("user")
        .filter(kind=CredentialKind.PERSONAL, agency_id=agency_id, is_active=True)
        .order_by("id")
        .first()
    )
    return credential.user if credential is not None else None


@transaction.atomic
def result_generate(
    *, actor: User, record: Any, content: str = "", signer: User | None = None
) -> ResultDocument:
    """Render the record's result document (PDF/A-2b) and register it with a new result code.

    An unsigned earlier draft is replaced; a result that is already signed is never replaced."""
    from motcua.records.services.common import next_sequence

    content = (content or "").strip()
    if len(content) > 4000:
        raise ValidationFailed(
            _("The text is too long (4000 characters at most)."), field="content"
        )
    record = _lock_record(record)
    permissions.ensure_can_prepare_result(actor, record)
    if record.status not in PREPARABLE:
        raise Conflict(
            _("A result can be prepared only while the record is being processed or approved."),
            code="wrong_state",
        )
    current = ResultDocument.objects.select_for_update().filter(record=record, is_current=True)
    previous = current.first()
    if previous is not None and previous.signature_count:
        raise Conflict(
            _("The result %(code)s is already signed; it cannot be replaced.")
            % {"code": previous.code},
            code="already_signed",
        )
    agency = record.handling_agency
    version = record.procedure_version
    signer = signer or _default_leader(agency.pk)
    heading, name = _signer_line(signer) if signer is not None else (texts.LEADER_TITLE, "")
    seq = next_sequence(agency_id=agency.pk, counter="result")
    code = f"KQ.{agency.code}.{seq:06d}"
    kind = version.result_type if version.result_type in texts.TITLES else "other"
    data = result_pdf.render(
        record,
        result_pdf.ResultContent(
            kind=kind,
            title=texts.TITLES[kind],
            result_code=code,
            content=content or result_pdf.default_content(record),
            signer_title=heading,
            signer_name=name,
        ),
    )
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    digest = storage.sha256(data)
    with _stored(f"results/{agency.pk}/{code}.pdf", data) as stored:
        document = ResultDocument.objects.create(
            record=record,
            agency=agency,
            code=code,
            kind=kind,
            title=texts.TITLES[kind],
            storage_name=stored,
            sha256=digest,
            size=len(data),
            unsigned_sha256=digest,
            pdfa=True,
            created_by=actor,
        )
        audit_in_context(
            actor=actor,
            action="documents.result_generated",
            obj=record,
            detail={
                "result": code,
                "sha256": digest,
                "replaces": previous.code if previous is not None else "",
            },
        )
        return document


def _valid_credential(credential: SigningCredential | None, *, missing: str) -> SigningCredential:
    if credential is None:
        raise PermissionDenied(missing)
    now = timezone.now()
    if not (credential.not_before <= now <= credential.not_after):
        raise Conflict(
            _("The signing certificate “%(label)s” is not valid today.")
            % {"label": credential.label},
            code="certificate_expired",
        )
    return credential


@transaction.atomic
def result_sign(
    *,
    actor: User,
    document: ResultDocument,
    role: str,
    timestamper: TimeStamper | None = None,
) -> ResultDocument:
    """Add the leader's signature (``role="signer"``) or then the agency seal (``"seal"``).

    Each signature is an incremental update: the earlier ones stay valid. B-T when a timestamp
    server is configured (or ``timestamper`` is given), B-B otherwise."""
    if role not in (ResultSignature.Role.SIGNER, ResultSignature.Role.SEAL):
        raise ValidationFailed(_("Choose the leader's signature or the agency seal."), field="role")
    try:
        document = (
            ResultDocument.objects.select_for_update(of=("self",))
            .select_related("record", "agency")
            .get(pk=document.pk)
        )
    except ResultDocument.DoesNotExist as exc:
        raise NotFound(_("Result document not found.")) from exc
    if not document.is_current:
        raise Conflict(_("This result was replaced by a newer one."), code="stale")
    signed_roles = set(document.signatures.values_list("role", flat=True))
    if role in signed_roles:
        raise Conflict(_("This signature is already on the document."), code="already_signed")
    if role == ResultSignature.Role.SIGNER:
        if signed_roles:
            raise Conflict(_("The leader signs before the seal is applied."), code="wrong_order")
        permissions.ensure_can_sign_as_leader(actor, document.agency_id)
        credential = _valid_credential(
            SigningCredential.objects.filter(
                kind=CredentialKind.PERSONAL, user=actor, is_active=True
            )
            .order_by("-id")
            .first(),
            missing=_("You have no signing certificate."),
        )
        field_name = "Signature1"
        reason = _("Signed by the competent person")
    else:
        if ResultSignature.Role.SIGNER not in signed_roles:
            raise Conflict(_("The leader signs before the seal is applied."), code="wrong_order")
        permissions.ensure_can_apply_seal(actor, document.agency_id)
        credential = _valid_credential(
            SigningCredential.objects.filter(
                kind=CredentialKind.SEAL, agency_id=document.agency_id, is_active=True
            ).first(),
            missing=_("The agency has no seal certificate."),
        )
        field_name = "Seal"
        reason = _("Agency seal")
    data = storage.read(document.storage_name)
    if storage.sha256(data) != document.sha256:
        raise Conflict(
            _("The stored file does not match its registered hash; it was not signed."),
            code="hash_mismatch",
        )
    page = signing.last_page_index(data)
    placement = (
        signing.signer_placement(page)
        if role == ResultSignature.Role.SIGNER
        else signing.seal_placement(page)
    )
    stamper = timestamper or signing.configured_timestamper()
    signed_at = timezone.now()
    with signing.signer_for(credential) as signer:
        signed = signing.sign_pdf(
            data,
            signer=signer,
            field_name=field_name,
            placement=placement,
            image_png=bytes(credential.image_png),
            reason=reason,
            timestamper=stamper,
            show_time=role == ResultSignature.Role.SIGNER,
        )
    digest = storage.sha256(signed)
    order = len(signed_roles) + 1
    with _stored(f"results/{document.agency_id}/{document.code}-s{order}.pdf", signed) as stored:
        ResultSignature.objects.create(
            document=document,
            order=order,
            role=role,
            field_name=field_name,
            credential=credential,
            signed_by=actor,
            signed_at=signed_at,
            timestamped=stamper is not None,
            sha256_after=digest,
        )
        document.storage_name = stored
        document.sha256 = digest
        document.size = len(signed)
        document.signature_count = order
        document.sealed = role == ResultSignature.Role.SEAL
        document.save(
            update_fields=[
                "storage_name",
                "sha256",
                "size",
                "signature_count",
                "sealed",
                "updated_at",
            ]
        )
        audit_in_context(
            actor=actor,
            action=(
                "documents.result_sealed"
                if role == ResultSignature.Role.SEAL
                else "documents.result_signed"
            ),
            obj=document.record,
            detail={
                "result": document.code,
                "order": order,
                "credential": credential.pk,
                "timestamped": stamper is not None,
                "sha256": digest,
            },
        )
    return document


# ---- digitised documents ---------------------------------------------------------------------
def _scan_to_pdf(data: bytes) -> bytes:
    """A scanned image (JPEG/PNG, decoded by ``scans.read_scan``) on an A4 page, so that it can
    carry a PAdES signature."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    pdf.add_page()
    pdf.image(io.BytesIO(data), x=10, y=25, w=190, keep_aspect_ratio=True, h=260)
    return bytes(pdf.output())


def _check_scan(data: bytes) -> tuple[bytes, str]:
    if not data:
        raise ValidationFailed(_("Attach the scanned file."), field="file")
    if len(data) > MAX_SCAN_BYTES:
        raise ValidationFailed(_("The scan is too large (20 MB at most)."), field="file")
    try:
        kind = scans.read_scan(data)
    except scans.ScanRefused as exc:
        if exc.problem == "pixels":
            raise ValidationFailed(scans.pixels_message(), field="file") from exc
        message = {
            "pdf": _("The PDF file is damaged."),
            "image": _("The scan is not a readable image."),
        }.get(exc.problem, _("Scans must be PDF, JPEG or PNG files."))
        raise ValidationFailed(message, field="file") from exc
    if kind == "pdf":
        return data, "application/pdf"
    return _scan_to_pdf(data), "application/pdf"


def _copy_mark_png(agency_name: str, at: datetime) -> bytes:
    """The electronic-copy mark of Decree 30/2020 (box 14): copy form, copying agency, time."""
    from PIL import Image, ImageDraw, ImageFont

    from motcua.records.documents.fonts import resolve_fonts

    font = ImageFont.truetype(resolve_fonts().regular, 22)
    text = texts.COPY_MARK.format(
        agency=agency_name, at=timezone.localtime(at).isoformat(timespec="seconds")
    )
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=font)
    image = Image.new("RGBA", (int(right - left) + 12, int(bottom - top) + 12), (0, 0, 0, 0))
    ImageDraw.Draw(image).text((6 - left, 6 - top), text, fill=(0, 0, 0, 255), font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@transaction.atomic
def digitised_create(
    *,
    actor: User,
    agency: Any,
    owner_id_number: str,
    owner_name: str,
    component_code: str,
    name: str,
    issuer: str,
    data: bytes,
    valid_from: date | None = None,
    valid_until: date | None = None,
    source_record: Any | None = None,
    timestamper: TimeStamper | None = None,
) -> DigitisedDocument:
    """Store a scanned component as an electronic copy sealed by the agency (domain.md §10)."""
    owner_id_number = (owner_id_number or "").strip()
    fields = {
        "owner_name": (owner_name or "").strip(),
        "component_code": (component_code or "").strip(),
        "name": (name or "").strip(),
        "issuer": (issuer or "").strip(),
    }
    limits = {"owner_name": 200, "component_code": 60, "name": 300, "issuer": 300}
    if not ID_NUMBER.match(owner_id_number):
        raise ValidationFailed(
            _("Enter the owner's ID number or tax code (6 to 20 letters and digits)."),
            field="owner_id_number",
        )
    for key, value in fields.items():
        if not value:
            raise ValidationFailed(_("This field is required."), field=key)
        if len(value) > limits[key]:
            raise ValidationFailed(_("The text is too long."), field=key)
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationFailed(_("The end of validity is before its start."), field="valid_until")
    permissions.ensure_can_digitise(actor, agency.pk)
    pdf, content_type = _check_scan(data)
    seal = _valid_credential(
        SigningCredential.objects.filter(
            kind=CredentialKind.SEAL, agency_id=agency.pk, is_active=True
        ).first(),
        missing=_("The agency has no seal certificate."),
    )
    signed_at = timezone.now()
    stamper = timestamper or signing.configured_timestamper()
    try:
        with signing.signer_for(seal) as signer:
            signed = signing.sign_pdf(
                pdf,
                signer=signer,
                field_name="ElectronicCopy",
                placement=signing.Placement(page=0, box=(330, 790, 580, 830)),
                image_png=_copy_mark_png(agency.name, signed_at),
                reason=_("Electronic copy"),
                timestamper=stamper,
            )
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationFailed(_("The PDF file cannot be signed."), field="file") from exc
    digest = storage.sha256(signed)
    with _stored(f"digitised/{agency.pk}/{owner_id_number}-{digest[:16]}.pdf", signed) as stored:
        return DigitisedDocument.objects.create(
            owner_id_number=owner_id_number,
            agency=agency,
            source_record=source_record,
            valid_from=valid_from,
            valid_until=valid_until,
            is_digitised=True,
            storage_name=stored,
            content_type=content_type,
            sha256=digest,
            size=len(signed),
            signed_at=signed_at,
            seal=seal,
            created_by=actor,
            **fields,
        )


@transaction.atomic
def document_reuse(
    *,
    actor: User,
    record: Any,
    digitised: DigitisedDocument | None = None,
    result: ResultDocument | None = None,
) -> DocumentReuse:
    """Attach a valid digitised document or an earlier signed result of the same applicant to
    ``record`` without re-scanning, and count the reuse."""
    from motcua.records.selectors import record_list

    if (digitised is None) == (result is None):
        raise ValidationFailed(_("Choose one document to attach."), field="document")
    record = _lock_record(record)
    # The panel's whole rule: handling the record and seeing it in clear (docs/security.md).
    if not permissions.can_attach(actor, record):
        raise PermissionDenied(_("Only the officers handling the record can attach documents."))
    if not record.is_open:
        raise Conflict(_("The record is closed."), code="wrong_state")
    owner = (record.applicant_id_number or "").strip()
    if not owner:
        raise ValidationFailed(
            _("The record has no applicant ID number to match documents against."),
            field="document",
        )
    today = timezone.localdate()
    sha = ""
    if digitised is not None:
        digitised = DigitisedDocument.objects.select_for_update().get(pk=digitised.pk)
        if digitised.owner_id_number != owner:
            raise ValidationFailed(_("This document belongs to somebody else."), field="document")
        if digitised.valid_until is not None and digitised.valid_until < today:
            raise Conflict(_("This document is no longer valid."), code="expired")
        sha = digitised.sha256
    if result is not None:
        result = ResultDocument.objects.select_related("record").get(pk=result.pk)
        if not record_list(user=actor).filter(pk=result.record_id).exists():
            # A result of a record the actor may not open, whoever it belongs to: checked before
            # the owners are compared (docs/security.md, "The reuse panel").
            raise NotFound(_("Document not found."))
        if result.record.applicant_id_number != owner or result.record_id == record.pk:
            raise ValidationFailed(_("This result belongs to somebody else."), field="document")
        if not result.sealed or not result.is_current:
            raise Conflict(_("Only signed results can be reused."), code="not_signed")
        sha = result.sha256
    try:
        with transaction.atomic():
            reuse = DocumentReuse.objects.create(
                record=record,
                digitised=digitised,
                result=result,
                sha256=sha,
                attached_by=actor,
                attached_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise Conflict(
            _("This document is already attached to the record."), code="already_attached"
        ) from exc
    if digitised is not None:
        DigitisedDocument.objects.filter(pk=digitised.pk).update(reuse_count=F("reuse_count") + 1)
    audit_in_context(
        actor=actor,
        action="documents.reused",
        obj=record,
        detail={
            "digitised": digitised.pk if digitised is not None else None,
            "result": result.code if result is not None else "",
            "sha256": sha,
        },
    )
    return reuse
