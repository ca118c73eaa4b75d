from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member (officer) or a system account. Roles are granted per agency in
    ``organisations.StaffRole``; citizens never have accounts (they use the public lookup)."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    title = models.CharField(_("position title"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username
