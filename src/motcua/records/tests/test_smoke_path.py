from motcua.records.tests.factories import at, receive, travel


def test_receive_smoke(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    assert record.code.startswith("000.00.12.H99-250421-0001")
    assert record.due_at == at("2025-05-07 08:00")
