"""The tamper-evident audit log: append-only rows chained by SHA-256.

Each entry stores the hash of the previous entry and its own hash over its content and that
previous hash. ``motcua audit verify`` recomputes the chain: an edited entry breaks its own
hash, a removed or reordered one breaks the link, and the ``AuditHead`` row (the last id and hash,
updated in the same transaction) reveals entries removed from the end. On PostgreSQL a trigger
refuses UPDATE and DELETE on the table (migration 0002), and the application's runtime role
holds only SELECT and INSERT on it (``runtime_privileges``, granted by ``motcua.core.dbroles``):
it cannot TRUNCATE, ALTER (DISABLE TRIGGER) or DROP it either, which only the owner can.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError


class AuditEntry(models.Model):
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object"), max_length=80, blank=True, db_index=True)
    detail = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.CharField(_("client address"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    # PostgreSQL rights of the application's runtime role (motcua.core.dbroles): append and read.
    runtime_privileges = ("SELECT", "INSERT")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["id"]
        indexes = [models.Index(fields=["at"], name="audit_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.actor_label}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise DomainError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise DomainError("The audit log is append-only.")


class AuditHead(models.Model):
    """One row: the last entry's id and hash. Locked while appending, so the chain never forks."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    # Created by migration 0003 (as the owner), moved by every entry; the application never
    # creates or deletes it (a missing head is a wiped log: services.AuditHeadMissing).
    runtime_privileges = ("SELECT", "UPDATE")

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.last_id}:{self.last_hash[:12]}"
