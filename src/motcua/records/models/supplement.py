from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SupplementRound(models.Model):
    """One supplement request (Form 02) and, once the desk receives it, the supplement."""

    class Rule(models.TextChoices):
        PAUSE = "pause", _("Pause the clock")
        RESTART = "restart", _("Restart the clock")

    record = models.ForeignKey(
        "records.Record", on_delete=models.CASCADE, related_name="supplements"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    rule = models.CharField(_("clock rule"), max_length=10, choices=Rule.choices)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    items = models.JSONField(_("documents to complete"), default=list)
    remaining_seconds = models.BigIntegerField(_("working time left when paused (s)"), default=0)
    step = models.ForeignKey(
        "records.RecordStep", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("supplement received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["record", "number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="supplement_round_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record} · {self.number}"


class Extension(models.Model):
    """An apology and new appointment (Văn bản xin lỗi và đề nghị gia hạn)."""

    record = models.ForeignKey(
        "records.Record", on_delete=models.CASCADE, related_name="extensions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    previous_due_at = models.DateTimeField(_("previous appointment"))
    new_due_at = models.DateTimeField(_("new appointment"))
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["record", "number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="extension_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record} · {self.number}"
