from django.db import models


class RecordCodeSequence(models.Model):
    """The last number used per agency, per counter (a day for record codes, a year for the
    tracking book and slips). Incremented atomically with INSERT ... ON CONFLICT ... RETURNING."""

    agency = models.ForeignKey("organisations.Agency", on_delete=models.CASCADE, related_name="+")
    counter = models.CharField(max_length=40)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "counter"], name="sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.counter}={self.last_value}"
