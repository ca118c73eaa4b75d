from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


class ApiClient(TimeStampedModel):
    """A machine client (the national portal, the provincial hub, a sector system).

    It authenticates with OAuth2 client credentials: ``application`` is its django-oauth-toolkit
    application (client id, hashed secret). It acts through ``user``, a service account that holds
    exactly the staff roles its scopes need in its ``agencies`` (see ``scopes.ROLES_FOR_SCOPE``),
    so every records rule and selector applies to it unchanged."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    application = models.OneToOneField(
        "oauth2_provider.Application",
        verbose_name=_("OAuth2 application"),
        on_delete=models.PROTECT,
        related_name="api_client",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="api_client",
    )
    agencies = models.ManyToManyField(
        "organisations.Agency",
        verbose_name=_("agencies"),
        related_name="api_clients",
        help_text=_("The client works only on these agencies' records."),
    )
    scopes = models.CharField(
        _("allowed scopes"),
        max_length=500,
        help_text=_("Space-separated, e.g. “records:read records:submit”."),
    )
    rate = models.CharField(
        _("rate limit"),
        max_length=30,
        blank=True,
        help_text=_("Requests per period such as “600/min”; empty: MOTCUA_API_CLIENT_RATE."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    secret_rotated_at = models.DateTimeField(_("secret issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()
