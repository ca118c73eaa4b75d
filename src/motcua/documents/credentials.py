"""Registering production signing credentials: an officer's or leader's personal certificate or
the agency's seal certificate, as a PKCS#12 file (key stored encrypted at rest, exactly as the
demo keys: documents/keystore.py) or as a reference to a key on a PKCS#11 token.

Everything is checked before anything is written: the file opens, the key matches the
certificate, the certificate is valid today, it is not a CA certificate, it has the key usage the
verification page requires (pyHanko's PAdES policy: nonRepudiation), and it chains to a configured
trust root the way the verification page checks it (``verification.trust_roots()``, no network
fetching). The command is ``motcua signing-credential`` (docs/signatures.md)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, pkcs12
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import audit_log
from motcua.core.errors import Conflict, ValidationFailed
from motcua.documents import keystore, permissions, pki
from motcua.documents.models import CredentialKind, SigningCredential
from motcua.organisations.models import Agency, StaffRole

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass
class Material:
    """A certificate, its issuer chain and (PKCS#12) its private key, parsed but not yet checked."""

    certificate: x509.Certificate
    chain: list[x509.Certificate]
    key: PrivateKeyTypes | None = None
    pkcs11_key_label: str = ""

    @property
    def backend(self) -> str:
        return "pkcs11" if self.pkcs11_key_label else "pkcs12"


@dataclass
class Registered:
    credential: SigningCredential
    retired: list[SigningCredential] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def backend_of(credential: SigningCredential) -> str:
    return "pkcs11" if credential.pkcs11_key_label else "pkcs12"


# ---- reading files ---------------------------------------------------------------------------


def read_pkcs12(data: bytes, password: str) -> Material:
    """Open a PKCS#12 file; a wrong password and a file that is not PKCS#12 get their own message."""
    try:
        asn1_pkcs12.Pfx.load(data).native  # noqa: B018 - parses the whole structure
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(
            _("The file is not a PKCS#12 (.p12/.pfx) file."), field="pkcs12", code="not_pkcs12"
        ) from exc
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(
            data, password.encode() if password else None
        )
    except ValueError as exc:
        raise ValidationFailed(
            _("The PKCS#12 file cannot be opened: the password is wrong."),
            field="password",
            code="wrong_password",
        ) from exc
    if key is None or certificate is None:
        raise ValidationFailed(
            _("The PKCS#12 file must hold a private key and its certificate."),
            field="pkcs12",
            code="no_key",
        )
    return Material(certificate=certificate, chain=list(chain), key=key)


def read_certificates(data: bytes) -> list[x509.Certificate]:
    """Certificates from a PEM file (one or several) or a single DER certificate."""
    try:
        if b"-----BEGIN" in data:
            certificates = x509.load_pem_x509_certificates(data)
        else:
            certificates = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise ValidationFailed(
            _("The certificate file is not a PEM or DER X.509 certificate."),
            field="certificate",
            code="not_certificate",
        ) from exc
    return certificates


def token_material(*, key_label: str, certificate: bytes) -> Material:
    """A key on a PKCS#11 token named by its label, with its certificate (and chain) from a file:
    the first certificate of the file is the signer's, any further ones its issuers."""
    label = key_label.strip()
    if not label:
        raise ValidationFailed(_("Give the key's label on the token."), field="pkcs11_key_label")
    certificates = read_certificates(certificate)
    return Material(certificate=certificates[0], chain=certificates[1:], pkcs11_key_label=label)


# ---- checks ----------------------------------------------------------------------------------


def _spki(public_key: Any) -> bytes:
    return bytes(public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def _check_key(material: Material) -> None:
    if material.key is None:
        return  # on a token: signing compares the token's certificate with the registered one
    if _spki(material.key.public_key()) != _spki(material.certificate.public_key()):
        raise ValidationFailed(
            _("The private key does not match the certificate."), code="key_mismatch"
        )


def _check_validity(certificate: x509.Certificate) -> None:
    now = timezone.now()
    if now < certificate.not_valid_before_utc:
        raise ValidationFailed(
            _("The certificate is not valid yet (valid from %(date)s).")
            % {"date": certificate.not_valid_before_utc.isoformat()},
            code="certificate_not_yet_valid",
        )
    if now > certificate.not_valid_after_utc:
        raise ValidationFailed(
            _("The certificate expired on %(date)s.")
            % {"date": certificate.not_valid_after_utc.isoformat()},
            code="certificate_expired",
        )


def _check_usage(certificate: x509.Certificate) -> None:
    """Not a CA certificate, and the key usage pyHanko's validation (hence the verification page)
    requires of a document signer: nonRepudiation (contentCommitment)."""
    from pyhanko.sign.validation.status import StandardCMSSignatureStatus
    from pyhanko_certvalidator.errors import InvalidCertificateError

    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        pass
    else:
        if constraints.value.ca:
            raise ValidationFailed(
                _("This is a certification authority's certificate, not a signer's."),
                code="ca_certificate",
            )
    try:
        StandardCMSSignatureStatus.default_usage_constraints().validate(_asn1(certificate))
    except InvalidCertificateError as exc:
        raise ValidationFailed(
            _(
                "The certificate's key usage does not allow signing documents: the verification "
                "page requires nonRepudiation (content commitment)."
            ),
            code="key_usage",
        ) from exc


def untrusted_reason(certificate: x509.Certificate, chain: list[x509.Certificate]) -> str:
    """Why the certificate does not chain to a trust root, or "" when it does.

    The same trust roots and context as the verification page (``MOTCUA_TRUST_ROOTS``, plus the
    demo CA when ``MOTCUA_DEMO_DATA``; no fetching, revocation soft-fail)."""
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import PathBuildingError, ValidationError

    from motcua.documents.verification import trust_roots

    context = ValidationContext(
        trust_roots=trust_roots(), allow_fetching=False, revocation_mode="soft-fail"
    )
    validator = CertificateValidator(
        _asn1(certificate),
        intermediate_certs=[_asn1(c) for c in chain],
        validation_context=context,
    )
    try:
        asyncio.run(validator.async_validate_path())
    except PathBuildingError:
        return _("it does not chain to any configured trust root (MOTCUA_TRUST_ROOTS)")
    except ValidationError as exc:
        return str(exc)[:300]
    return ""


def _check_holder(*, kind: str, agency: Agency, user: Any) -> None:
    if kind == CredentialKind.PERSONAL:
        if user is None:
            raise ValidationFailed(
                _("A signer's certificate needs its holder (--user)."), field="user"
            )
        if not StaffRole.objects.filter(user=user, agency=agency).exists():
            raise ValidationFailed(
                _("%(user)s has no staff role in %(agency)s.")
                % {"user": user.get_username(), "agency": agency.code},
                field="user",
                code="not_staff",
            )
    elif kind == CredentialKind.SEAL:
        if user is not None:
            raise ValidationFailed(
                _("A seal certificate belongs to the agency: give no holder."), field="user"
            )
    else:
        raise ValidationFailed(_("Choose a signer's or a seal certificate."), field="kind")


def _holder_active(*, kind: str, agency: Agency, user: Any) -> Any:
    active = SigningCredential.objects.filter(kind=kind, is_active=True)
    if kind == CredentialKind.PERSONAL:
        return active.filter(user=user)
    return active.filter(agency=agency)


# ---- the service -----------------------------------------------------------------------------


def signing_credential_register(
    *,
    actor: Any,
    kind: str,
    agency: Agency,
    material: Material,
    user: Any = None,
    label: str = "",
    image_png: bytes = b"",
    replace: bool = False,
    allow_untrusted: bool = False,
) -> Registered:
    """Check ``material`` and store it as the active credential of its holder (the user for a
    signer's certificate, the agency for a seal), retiring the earlier one when ``replace``.

    Audited (``config.created``, and ``config.changed`` for each retired credential). Any refusal
    raises before anything is written."""
    _check_holder(kind=kind, agency=agency, user=user)
    if image_png and not image_png.startswith(PNG_MAGIC):
        raise ValidationFailed(_("The signature or seal image must be a PNG file."), field="image")
    certificate = material.certificate
    _check_key(material)
    _check_validity(certificate)
    _check_usage(certificate)
    warnings: list[str] = []
    reason = untrusted_reason(certificate, material.chain)
    if reason:
        if not allow_untrusted:
            raise ValidationFailed(
                _(
                    "The certificate is not trusted: %(reason)s. Add its root to "
                    "MOTCUA_TRUST_ROOTS, include the intermediate certificates, or register it "
                    "anyway with --allow-untrusted (the verification page will then report its "
                    "signatures as untrusted)."
                )
                % {"reason": reason},
                code="untrusted",
            )
        warnings.append(
            _("Registered although untrusted (%(reason)s): signatures will show as untrusted.")
            % {"reason": reason}
        )
    if kind == CredentialKind.PERSONAL and not permissions.can_sign_as_leader(user, agency.pk):
        warnings.append(
            _("%(user)s is not a leader of %(agency)s: results there are signed by its leaders.")
            % {"user": user.get_username(), "agency": agency.code}
        )
    if material.backend != settings.MOTCUA_SIGNING_BACKEND:
        warnings.append(
            _("This credential signs only with MOTCUA_SIGNING_BACKEND=%(backend)s.")
            % {"backend": material.backend}
        )
    serial = format(certificate.serial_number, "x")
    subject = certificate.subject.rfc4514_string()
    with transaction.atomic():
        previous = list(_holder_active(kind=kind, agency=agency, user=user).select_for_update())
        if any(c.serial == serial and c.subject == subject for c in previous):
            raise Conflict(
                _("This certificate is already registered and active."), code="duplicate"
            )
        if previous and not replace:
            raise Conflict(
                _(
                    "The holder already has an active certificate (“%(label)s”); "
                    "use --replace to retire it."
                )
                % {"label": previous[0].label},
                code="active_exists",
            )
        credential = _store(
            kind=kind,
            agency=agency,
            user=user,
            material=material,
            label=label,
            image_png=image_png,
            serial=serial,
            subject=subject,
            retire=previous,
        )
        for old in previous:
            audit_log(
                actor=actor,
                action="config.changed",
                obj=old,
                detail={"is_active": False, "replaced_by": credential.pk},
            )
        audit_log(
            actor=actor,
            action="config.created",
            obj=credential,
            detail={
                "kind": kind,
                "agency": agency.code,
                "holder": user.get_username() if user is not None else "",
                "subject": subject,
                "serial": serial,
                "not_after": credential.not_after.isoformat(),
                "backend": material.backend,
                "trusted": not reason,
                "replaces": [old.pk for old in previous],
            },
        )
    return Registered(credential=credential, retired=previous, warnings=warnings)


def _store(
    *,
    kind: str,
    agency: Agency,
    user: Any,
    material: Material,
    label: str,
    image_png: bytes,
    serial: str,
    subject: str,
    retire: list[SigningCredential],
) -> SigningCredential:
    certificate = material.certificate
    archive = salt = b""
    if material.key is not None:  # before any write: no key-encryption key, no change
        salt = keystore.new_salt()
        archive = keystore.wrap(
            key=material.key, certificate=certificate, chain=material.chain, salt=salt
        )
    for old in retire:  # before the insert: one active seal per agency is a database constraint
        old.is_active = False
        old.save(update_fields=["is_active", "updated_at"])
    names = certificate.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
    common_name = str(names[0].value) if names else subject
    return SigningCredential.objects.create(
        kind=kind,
        label=(label.strip() or f"{common_name} ({agency.code})")[:200],
        agency=agency,
        user=user,
        subject=subject[:500],
        serial=serial[:80],
        certificate_pem=pki.pem(certificate),
        chain_pem="".join(pki.pem(c) for c in material.chain),
        pkcs12=archive,
        salt=salt,
        pkcs11_key_label=material.pkcs11_key_label,
        image_png=image_png,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        is_demo=False,
    )
