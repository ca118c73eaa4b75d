from motcua.exchange.models.mapping import NationalAgencyCode, NationalProcedureCode
from motcua.exchange.models.outbox import (
    OPEN_STATES,
    Delivery,
    DeliveryState,
    NationalSyncState,
    OutboxEvent,
    Subscriber,
)

__all__ = [
    "OPEN_STATES",
    "Delivery",
    "DeliveryState",
    "NationalAgencyCode",
    "NationalProcedureCode",
    "NationalSyncState",
    "OutboxEvent",
    "Subscriber",
]
