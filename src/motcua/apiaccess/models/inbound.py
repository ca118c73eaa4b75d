from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """An ``Idempotency-Key`` a client sent, the hash of its request and the first answer.

    The row is inserted before the request is processed and updated with the answer in the same
    transaction: a concurrent request with the same key waits on the unique index until the first
    one commits, then replays its answer."""

    client = models.ForeignKey(
        "apiaccess.ApiClient",
        verbose_name=_("API client"),
        on_delete=models.CASCADE,
        related_name="idempotency_keys",
    )
    key = models.CharField(_("key"), max_length=200)
    endpoint = models.CharField(_("endpoint"), max_length=100)
    request_hash = models.CharField(_("request hash"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("answer status"), null=True)
    response_body = models.JSONField(_("answer"), null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotencykey_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class InboundSubmission(models.Model):
    """An online record accepted from a source system, with the first answer given for it, so
    that a retry of the same (source, external code) gets the same answer. The answer holds no
    applicant data."""

    client = models.ForeignKey(
        "apiaccess.ApiClient",
        verbose_name=_("API client"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    source = models.CharField(_("source system"), max_length=40)
    external_code = models.CharField(_("external code"), max_length=60)
    record = models.OneToOneField(
        "records.Record",
        verbose_name=_("record"),
        on_delete=models.CASCADE,
        related_name="inbound_submission",
    )
    request_hash = models.CharField(_("request hash"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("answer status"))
    response_body = models.JSONField(_("answer"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inbound submission")
        verbose_name_plural = _("inbound submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_code"], name="inboundsubmission_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_code}"
