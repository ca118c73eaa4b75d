from motcua.records.models.desk import DeskSlip
from motcua.records.models.event import EventKind, RecordEvent
from motcua.records.models.record import (
    Channel,
    Record,
    RecordComponent,
    RecordFee,
    ReturnMethod,
    Timeliness,
)
from motcua.records.models.sequence import RecordCodeSequence
from motcua.records.models.step import RecordStep
from motcua.records.models.supplement import Extension, SupplementRound

__all__ = [
    "Channel",
    "DeskSlip",
    "EventKind",
    "Extension",
    "Record",
    "RecordCodeSequence",
    "RecordComponent",
    "RecordEvent",
    "RecordFee",
    "RecordStep",
    "ReturnMethod",
    "SupplementRound",
    "Timeliness",
]
