"""Records walked to their end through the records services, for evaluation and citizen-page
tests; the world comes from ``records.tests.factories.build_world``."""

from __future__ import annotations

from typing import Any

from motcua.evaluation import criteria
from motcua.evaluation.models import Evaluation
from motcua.evaluation.services import evaluation_submit
from motcua.records import services
from motcua.records.tests.factories import World, receive, travel

ASKED = {5: 2, 6: 2, 7: 2, 8: 1, 9: 1}


def supplement_round(
    world: World, record: Any, *, day: str, back: str, receiver: Any = None
) -> Any:
    """A supplement requested at ``day`` 10:00 and received at the desk at ``back`` 10:00 (by
    ``receiver``, the world's ``reception`` unless told)."""
    with travel(f"{day} 10:00"):
        services.supplement_request(
            actor=world.specialist,
            record=record,
            reason="Thiếu bản chụp giấy tờ tùy thân",
            items=[{"name": "Bản chụp Căn cước", "form": "copy", "quantity": 1}],
        )
    with travel(f"{back} 10:00"):
        return services.supplement_receive(actor=receiver or world.reception, record=record)


def walk_to_result(world: World, record: Any, *, day: str, claimed: bool = False) -> Any:
    """From the first processing step to approval on ``day`` (every step within its budget),
    then the result is marked ready on ``day`` at 16:00."""
    with travel(f"{day} 08:00"):
        if not claimed:
            services.step_claim(actor=world.specialist, record=record)
    with travel(f"{day} 09:00"):
        services.step_forward(actor=world.specialist, record=record, assignee=world.police_officer)
    with travel(f"{day} 10:00"):
        services.step_forward(actor=world.police_officer, record=record)
    with travel(f"{day} 13:30"):
        services.step_claim(actor=world.unit_head, record=record)
        services.step_forward(actor=world.unit_head, record=record, assignee=world.leader)
    with travel(f"{day} 15:00"):
        services.record_approve(actor=world.leader, record=record)
    with travel(f"{day} 16:00"):
        record = services.record_mark_result_ready(actor=world.reception, record=record)
    return record


def finished_record(
    world: World,
    *,
    received: str = "2025-04-21 08:00",
    result_day: str = "2025-04-23",
    returned: str | None = "2025-04-24 09:00",
    supplements: int = 0,
    supplement_receiver: Any = None,
    returned_by: Any = None,
    **receive_kwargs: Any,
) -> Any:
    """A record received at ``received``, with ``supplements`` rounds (each a working day,
    received by ``supplement_receiver``), its result ready on ``result_day`` and returned at
    ``returned`` (None: not returned) by ``returned_by`` (the world's ``reception`` unless told)."""
    with travel(received):
        record = receive(world, **receive_kwargs)
    claimed = False
    if supplements:
        with travel("2025-04-21 09:00"):
            services.step_claim(actor=world.specialist, record=record)
        claimed = True
        days = ["2025-04-21", "2025-04-22", "2025-04-23", "2025-04-24"]
        for n in range(supplements):
            record = supplement_round(
                world, record, day=days[n], back=days[n + 1], receiver=supplement_receiver
            )
    record = walk_to_result(world, record, day=result_day, claimed=claimed)
    if returned:
        with travel(returned):
            record = services.record_return_result(
                actor=returned_by or world.reception, record=record, method="desk"
            )
    record.refresh_from_db()
    return record


def evaluate(record: Any, *, at: str = "2025-05-20 09:00", **overrides: Any) -> Evaluation:
    data: dict[str, Any] = dict(
        actor=None,
        record=record,
        channel="qr",
        secret=record.lookup_secret,
        answers={**ASKED, 2: 1},
        satisfaction=criteria.Satisfaction.SATISFIED,
        comment="",
    )
    data.update(overrides)
    with travel(at):
        return evaluation_submit(**data)


def desk_colleague(world: World, username: str = "reception.kiosk") -> Any:
    """A second reception officer of the Department of Justice's desk: the kiosk is opened by an
    officer who did not work on the record (the world's ``reception`` received every record).
    Another ``username`` gives another such officer."""
    from motcua.core.models import User
    from motcua.organisations.models import Role, StaffRole

    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": username.replace(".", " ").title()}
    )
    if created:
        StaffRole.objects.create(
            user=user, agency=world.justice, unit=world.desk, role=Role.RECEPTION
        )
    return user
