from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


class CredentialKind(models.TextChoices):
    CA = "ca", _("Certification authority (demo)")
    PERSONAL = "personal", _("Personal signer certificate")
    SEAL = "seal", _("Agency seal certificate")


class SigningCredential(TimeStampedModel):
    """A certificate and, for the PKCS#12 backend, its private key encrypted at rest.

    ``pkcs12`` holds a PKCS#12 archive (AES-256) whose password is derived from
    ``MOTCUA_KEY_ENCRYPTION_KEY`` and ``salt`` (documents/keystore.py): the database alone never
    yields the key. With the PKCS#11 backend the key stays on the token and ``pkcs11_key_label``
    names it."""

    kind = models.CharField(_("kind"), max_length=10, choices=CredentialKind.choices)
    label = models.CharField(_("label"), max_length=200)
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_credentials",
    )
    subject = models.CharField(_("certificate subject"), max_length=500)
    serial = models.CharField(_("serial number"), max_length=80)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    chain_pem = models.TextField(_("issuer chain (PEM)"), blank=True)
    pkcs12 = models.BinaryField(_("encrypted PKCS#12"), blank=True, default=b"", editable=False)
    salt = models.BinaryField(_("key derivation salt"), blank=True, default=b"", editable=False)
    pkcs11_key_label = models.CharField(_("PKCS#11 key label"), max_length=100, blank=True)
    image_png = models.BinaryField(
        _("signature or seal image (PNG)"), blank=True, default=b"", editable=False
    )
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    is_demo = models.BooleanField(_("demo certificate"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["kind", "label"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="personal") | models.Q(user__isnull=False),
                name="credential_personal_has_user",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="seal") | models.Q(agency__isnull=False),
                name="credential_seal_has_agency",
            ),
            models.UniqueConstraint(
                fields=["agency"],
                condition=models.Q(kind="seal", is_active=True),
                name="credential_one_active_seal_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return self.label
