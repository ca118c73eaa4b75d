from django.db import models
from django.utils.translation import gettext_lazy as _


class AttemptCounter(models.Model):
    """Attempts per key (client address, client address with record code, or record code) in a
    fixed time window: the rate limit of the citizen lookup and evaluation pages. Kept in the
    database so that every web process and machine shares the same counts
    (``motcua.public.ratelimit``); rows older than a day are deleted as new windows start."""

    key = models.CharField(_("key"), max_length=80)
    window_start = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("attempt counter")
        verbose_name_plural = _("attempt counters")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="attempt_counter_unique")
        ]
        indexes = [models.Index(fields=["window_start"], name="attempt_counter_window")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start:%Y-%m-%d %H:%M}={self.count}"
