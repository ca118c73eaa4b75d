from motcua.core import hooks


def test_functions_run_by_order_then_registration():
    calls: list[str] = []

    def audit(**kw):
        calls.append("audit")

    def outbox(**kw):
        calls.append("outbox")

    def other(**kw):
        calls.append("other")

    name = "test.ordering"
    try:
        hooks.hook_register(name, audit, order=hooks.LAST)
        hooks.hook_register(name, outbox)
        hooks.hook_register(name, other)
        hooks.hook_register(name, outbox)  # a second registration is a no-op
        hooks.hook_call(name)
        assert calls == ["outbox", "other", "audit"]
    finally:
        for func in (audit, outbox, other):
            hooks.hook_unregister(name, func)
    assert hooks._hooks[name] == []


def test_the_audit_entry_of_a_record_move_is_written_last():
    """The audit chain's head is locked until commit: the record event's outbox row goes first."""
    from motcua.audit import receivers
    from motcua.exchange import outbox

    funcs = hooks._hooks[hooks.RECORD_EVENT_ADDED]
    assert funcs.index(outbox.on_record_event) < funcs.index(receivers._record_event)
    assert funcs[-1] is receivers._record_event
