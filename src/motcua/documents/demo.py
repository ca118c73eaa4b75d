"""The demo PKI (``motcua demo``): a demo CA, a personal signer certificate for every demo agency
leader and a seal certificate for every agency, all marked "DEMO — không có giá trị pháp lý".

Idempotent: existing active credentials are kept. The CA certificate is also written to
``<MOTCUA_VAR_DIR>/demo-ca.pem`` so that external tools (pdfsig, Acrobat) can be told to trust it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.documents import images, keystore, pki
from motcua.documents.models import CredentialKind, SigningCredential
from motcua.organisations.models import Agency, Role, StaffRole

CA_LABEL = "Demo CA motcua"


@dataclass
class DemoPkiSummary:
    created: int = 0
    unchanged: int = 0
    ca_path: str = ""

    def __str__(self) -> str:
        return (
            f"{self.created} demo certificates created, {self.unchanged} unchanged "
            f"(CA: {self.ca_path or 'not written'})"
        )


def _store(
    *,
    kind: str,
    label: str,
    key: object,
    certificate: object,
    chain: list[object],
    agency: Agency | None = None,
    user: Any = None,
    image_png: bytes = b"",
) -> SigningCredential:
    salt = keystore.new_salt()
    archive = keystore.wrap(
        key=key,  # type: ignore[arg-type]
        certificate=certificate,  # type: ignore[arg-type]
        chain=chain,  # type: ignore[arg-type]
        salt=salt,
    )
    return SigningCredential.objects.create(
        kind=kind,
        label=label,
        agency=agency,
        user=user,
        subject=certificate.subject.rfc4514_string(),  # type: ignore[attr-defined]
        serial=format(certificate.serial_number, "x"),  # type: ignore[attr-defined]
        certificate_pem=pki.pem(certificate),  # type: ignore[arg-type]
        chain_pem="".join(pki.pem(c) for c in chain),  # type: ignore[arg-type]
        pkcs12=archive,
        salt=salt,
        image_png=image_png,
        not_before=certificate.not_valid_before_utc,  # type: ignore[attr-defined]
        not_after=certificate.not_valid_after_utc,  # type: ignore[attr-defined]
        is_demo=True,
    )


@transaction.atomic
def demo_load_pki() -> DemoPkiSummary:
    summary = DemoPkiSummary()
    now = timezone.now()
    ca = SigningCredential.objects.filter(
        kind=CredentialKind.CA, is_demo=True, is_active=True
    ).first()
    if ca is None:
        new_ca_key = pki.new_key()
        ca = _store(
            kind=CredentialKind.CA,
            label=CA_LABEL,
            key=new_ca_key,
            certificate=pki.issue_ca(key=new_ca_key, name=pki.demo_name(CA_LABEL), now=now),
            chain=[],
        )
        summary.created += 1
    else:
        summary.unchanged += 1
    ca_key: Any
    ca_key, ca_certificate, _chain = keystore.unwrap(bytes(ca.pkcs12), bytes(ca.salt))

    def issue(common_name: str, unit: str) -> tuple[object, object]:
        key = pki.new_key()
        certificate = pki.issue_signer(
            ca_key=ca_key,  # type: ignore[arg-type]
            ca_certificate=ca_certificate,
            key=key,
            name=pki.demo_name(common_name, unit=unit),
            now=now,
        )
        return key, certificate

    for agency in Agency.objects.order_by("code"):
        if SigningCredential.objects.filter(
            kind=CredentialKind.SEAL, agency=agency, is_active=True
        ).exists():
            summary.unchanged += 1
            continue
        key, certificate = issue(agency.name, agency.code)
        _store(
            kind=CredentialKind.SEAL,
            label=f"Con dấu {agency.name} (DEMO)",
            key=key,
            certificate=certificate,
            chain=[ca_certificate],
            agency=agency,
            image_png=images.seal_png(agency.name),
        )
        summary.created += 1

    leaders = (
        StaffRole.objects.filter(role=Role.AGENCY_LEADER)
        .select_related("user", "agency")
        .order_by("agency__code", "user__username")
    )
    for grant in leaders:
        if SigningCredential.objects.filter(
            kind=CredentialKind.PERSONAL, user=grant.user, is_active=True
        ).exists():
            summary.unchanged += 1
            continue
        key, certificate = issue(str(grant.user), grant.agency.name)
        _store(
            kind=CredentialKind.PERSONAL,
            label=f"{grant.user} — {grant.agency.name} (DEMO)",
            key=key,
            certificate=certificate,
            chain=[ca_certificate],
            agency=grant.agency,
            user=grant.user,
            image_png=images.signature_png(str(grant.user)),
        )
        summary.created += 1

    path = Path(settings.VAR_DIR) / "demo-ca.pem"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ca.certificate_pem)
        summary.ca_path = str(path)
    except OSError:
        summary.ca_path = ""
    return summary
