"""The transition table: every (status, action) pair, and the national codes."""

import pytest

from motcua.core.errors import Conflict
from motcua.records.workflow import (
    ACTIONS,
    FINISHING,
    NATIONAL_CODE,
    TRANSITIONS,
    Action,
    Status,
    allowed_actions,
    ensure_action,
)


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_every_status_action_pair(status, action):
    sources, target = ACTIONS[action]
    if status in sources:
        result = ensure_action(action, status)
        assert result == (status if target is None else target)
        if result != status:
            assert result in TRANSITIONS[status]
        assert action in allowed_actions(status)
    else:
        with pytest.raises(Conflict) as info:
            ensure_action(action, status)
        assert info.value.status_code == 409
        assert action not in allowed_actions(status)


def test_every_status_has_a_national_code_and_a_row():
    assert set(NATIONAL_CODE) == set(Status)
    assert set(TRANSITIONS) == set(Status)
    assert sorted(set(NATIONAL_CODE.values())) == list(range(1, 11))


def test_action_targets_are_allowed_moves():
    for action, (sources, target) in ACTIONS.items():
        for source in sources:
            if target is not None and target != source:
                assert target in TRANSITIONS[source], (action, source, target)


def test_finishing_statuses_are_9_10_8_7():
    assert sorted(NATIONAL_CODE[s] for s in FINISHING) == [7, 8, 9, 10]


def test_terminal_statuses_allow_no_action_but_nothing():
    for status in (Status.RETURNED, Status.STOPPED, Status.WITHDRAWN, Status.REFUSED):
        assert allowed_actions(status) == []
