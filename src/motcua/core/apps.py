from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Configuration models whose changes must reach the in-process memo (motcua.core.memo).
MEMO_MODELS = (
    "organisations.Agency",
    "organisations.OrgUnit",
    "organisations.CalendarOverride",
    "catalogue.Procedure",
    "catalogue.ProcedureVersion",
    "catalogue.ProcessStep",
)


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save

        from motcua.core import checks, memo, twofactor  # noqa: F401 - checks registers itself

        for label in MEMO_MODELS:
            try:
                model = apps.get_model(label)
            except LookupError:  # pragma: no cover - app not installed
                continue
            post_save.connect(
                memo.clear_now_and_on_commit, sender=model, dispatch_uid=f"memo-save-{label}"
            )
            post_delete.connect(
                memo.clear_now_and_on_commit, sender=model, dispatch_uid=f"memo-del-{label}"
            )
        twofactor.connect()
