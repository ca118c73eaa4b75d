from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiCall(models.Model):
    """One API call: who, which endpoint, the answer's status and how long it took. Never the
    request or response body (they carry personal data). One INSERT per call."""

    at = models.DateTimeField(_("at"), db_index=True)
    client = models.ForeignKey(
        "apiaccess.ApiClient",
        verbose_name=_("API client"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    endpoint = models.CharField(_("endpoint"), max_length=200)
    method = models.CharField(_("method"), max_length=10)
    status = models.PositiveSmallIntegerField(_("status"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        ordering = ["-at"]
        indexes = [models.Index(fields=["client", "at"], name="apicall_client_at")]

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint} {self.status}"
