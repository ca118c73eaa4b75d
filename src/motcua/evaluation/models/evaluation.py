from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.evaluation.criteria import MAX_TOTAL, Band, Satisfaction


class EvaluationChannel(models.TextChoices):
    QR = "qr", _("QR code (receipt or result slip)")
    KIOSK = "kiosk", _("Counter kiosk")
    ONLINE = "online", _("Online")


class Evaluation(TimeStampedModel):
    """The applicant's evaluation of one record (domain.md §5.1): one per record, changeable
    for ``MOTCUA_EVALUATION_EDIT_DAYS`` days after it was first given.

    The agency, unit, officer and procedure are copied from the record when the evaluation is
    given, so that reports group and scope without joining the record's history:
    ``agency`` is the settling agency, ``receiving_agency`` the agency whose desk received it,
    ``unit`` the desk unit of its first step and ``officer`` the officer who received it.
    """

    # One evaluation per record: the one-to-one field is a UNIQUE constraint in the database.
    record = models.OneToOneField(
        "records.Record",
        verbose_name=_("record"),
        on_delete=models.PROTECT,
        related_name="evaluation",
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("settling agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiving_agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit",
        verbose_name=_("desk unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("receiving officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    procedure = models.ForeignKey(
        "catalogue.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=EvaluationChannel.choices)
    given_at = models.DateTimeField(_("given at"))
    changed_at = models.DateTimeField(_("last changed at"))
    change_count = models.PositiveSmallIntegerField(_("changes"), default=0)
    kiosk_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kiosk opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    c1 = models.PositiveSmallIntegerField(_("criterion 1"))
    c2 = models.PositiveSmallIntegerField(_("criterion 2"))
    c3 = models.PositiveSmallIntegerField(_("criterion 3"))
    c4 = models.PositiveSmallIntegerField(_("criterion 4"))
    c5 = models.PositiveSmallIntegerField(_("criterion 5"))
    c6 = models.PositiveSmallIntegerField(_("criterion 6"))
    c7 = models.PositiveSmallIntegerField(_("criterion 7"))
    c8 = models.PositiveSmallIntegerField(_("criterion 8"))
    c9 = models.PositiveSmallIntegerField(_("criterion 9"))
    derived = models.JSONField(
        _("derived criteria"),
        default=dict,
        blank=True,
        help_text=_("Criteria 1-4 as read from the record's history, with the reason shown."),
    )
    total = models.PositiveSmallIntegerField(_("total score"))
    band = models.CharField(_("band"), max_length=10, choices=Band.choices)
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-given_at", "-id"]
        constraints = [
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"c{n}__lte": 2}), name=f"evaluation_c{n}_0_to_2"
                )
                for n in range(1, 10)
            ],
            models.CheckConstraint(
                condition=models.Q(total__lte=MAX_TOTAL), name="evaluation_total_max"
            ),
            models.CheckConstraint(
                condition=models.Q(satisfaction__in=Satisfaction.values),
                name="evaluation_satisfaction_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=EvaluationChannel.values),
                name="evaluation_channel_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "given_at"], name="evaluation_agency_given"),
            models.Index(
                fields=["receiving_agency", "given_at"], name="evaluation_receiving_given"
            ),
            models.Index(fields=["given_at"], name="evaluation_given"),
        ]

    def __str__(self) -> str:
        return f"{self.record} · {self.total}/{MAX_TOTAL}"

    def scores(self) -> dict[int, int]:
        return {n: int(getattr(self, f"c{n}")) for n in range(1, 10)}


class EvaluationRevision(models.Model):
    """One earlier version of an evaluation, kept when it is changed (issue 13, item 3): the
    answers, total, satisfaction and comment as they were, who gave them (channel, kiosk officer)
    and when that version was given and replaced. Written by ``services.evaluation_submit`` only;
    never changed afterwards (the retention purge clears the comment like the evaluation's)."""

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.PROTECT,
        related_name="revisions",
    )
    number = models.PositiveSmallIntegerField(
        _("version"), help_text=_("1 for the first version given, 2 for the next...")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=EvaluationChannel.choices)
    kiosk_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kiosk opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    given_at = models.DateTimeField(_("given at"))
    replaced_at = models.DateTimeField(_("replaced at"))
    replaced_by_channel = models.CharField(
        _("replaced through"), max_length=10, choices=EvaluationChannel.choices
    )
    c1 = models.PositiveSmallIntegerField(_("criterion 1"))
    c2 = models.PositiveSmallIntegerField(_("criterion 2"))
    c3 = models.PositiveSmallIntegerField(_("criterion 3"))
    c4 = models.PositiveSmallIntegerField(_("criterion 4"))
    c5 = models.PositiveSmallIntegerField(_("criterion 5"))
    c6 = models.PositiveSmallIntegerField(_("criterion 6"))
    c7 = models.PositiveSmallIntegerField(_("criterion 7"))
    c8 = models.PositiveSmallIntegerField(_("criterion 8"))
    c9 = models.PositiveSmallIntegerField(_("criterion 9"))
    derived = models.JSONField(_("derived criteria"), default=dict, blank=True)
    total = models.PositiveSmallIntegerField(_("total score"))
    band = models.CharField(_("band"), max_length=10, choices=Band.choices)
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("earlier version of an evaluation")
        verbose_name_plural = _("earlier versions of evaluations")
        ordering = ["evaluation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "number"], name="evaluation_revision_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} v{self.number} · {self.total}/{MAX_TOTAL}"

    def scores(self) -> dict[int, int]:
        return {n: int(getattr(self, f"c{n}")) for n in range(1, 10)}
