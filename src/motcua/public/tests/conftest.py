import pytest

from motcua.records.tests.factories import build_world

OFFICER_NAMES = {
    "reception": "Trần Văn Bình",
    "specialist": "Lê Thị Cúc",
    "police_officer": "Phạm Quốc Dũng",
    "unit_head": "Hoàng Minh Em",
    "leader": "Vũ Đức Giang",
}


@pytest.fixture
def world(db):
    """The records test world, with officers named so that a leak of a name can be searched."""
    world = build_world()
    for attribute, name in OFFICER_NAMES.items():
        user = getattr(world, attribute)
        user.full_name = name
        user.save(update_fields=["full_name"])
    return world
