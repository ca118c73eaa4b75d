"""`motcua demo`: demo organisations and accounts, idempotent, refused unless allowed."""

import importlib.machinery
import sys
import types
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.core.errors import DomainError
from motcua.core.management.commands import demo as demo_command
from motcua.organisations import demo
from motcua.organisations.models import AdministrativeUnit, Agency, OrgUnit, Role, StaffRole

User = get_user_model()
MODELS = (AdministrativeUnit, Agency, OrgUnit, User, StaffRole)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def stamps() -> dict[str, list]:
    return {
        "agencies": list(Agency.objects.order_by("pk").values_list("updated_at", flat=True)),
        "units": list(OrgUnit.objects.order_by("pk").values_list("updated_at", flat=True)),
        "users": list(
            User.objects.order_by("pk").values_list("password", "full_name", "is_superuser")
        ),
    }


@pytest.fixture
def no_catalogue(monkeypatch):
    """Run the command without the catalogue step (tested separately below)."""
    monkeypatch.setattr(
        demo_command.Command,
        "_load_catalogue",
        lambda self: ("Catalogue: not in this test.", False),
    )


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


# ---- the organisation builder ---------------------------------------------------------------
@pytest.mark.django_db
def test_builds_the_demo_province_agencies_units_and_accounts():
    summary = demo.demo_load_organisations()
    assert summary.changed
    province = AdministrativeUnit.objects.get(code="99")
    assert province.name == "Tỉnh Minh Họa" and province.level == AdministrativeUnit.Level.PROVINCE
    communes = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE)
    assert sorted(communes.values_list("name", flat=True)) == [
        "Phường Hòa Lạc",
        "Xã An Bình",
        "Xã Tân Phú",
    ]
    assert all(c.parent == province for c in communes)
    district = AdministrativeUnit.objects.get(level=AdministrativeUnit.Level.DISTRICT)
    assert str(district.valid_until) == "2025-06-30"

    # The fixed agency codes of /tmp/demo_orgs.md, each with its one-stop desk "MC".
    codes = set(Agency.objects.values_list("code", flat=True))
    assert codes == {
        "000.00.01.H99", "000.00.12.H99", "000.00.14.H99", "000.00.20.H99", "000.00.22.H99",
        "000.00.16.H99", "000.00.30.H99", "001.00.01.H99", "002.00.01.H99", "003.00.01.H99",
    }  # fmt: skip
    assert Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).count() == 5
    assert Agency.objects.filter(kind=Agency.Kind.COMMUNE, level=Agency.Level.COMMUNE).count() == 3
    assert Agency.objects.get(code="000.00.01.H99").kind == Agency.Kind.CENTER
    assert Agency.objects.get(code="000.00.30.H99").kind == Agency.Kind.POLICE
    for agency in Agency.objects.all():
        desk = agency.units.get(code="MC")
        assert desk.is_one_stop_desk
        assert agency.units.filter(is_one_stop_desk=True).count() == 1
    tu_phap = Agency.objects.get(code="000.00.12.H99")
    assert set(tu_phap.units.values_list("code", flat=True)) == {"MC", "HCTP", "LLTP", "BTTP", "LD"}
    assert tu_phap.units.get(code="LLTP").name == "Phòng Lý lịch tư pháp"
    for commune_code in ("001.00.01.H99", "002.00.01.H99", "003.00.01.H99"):
        units = set(Agency.objects.get(code=commune_code).units.values_list("code", flat=True))
        assert units == {"MC", "TPHT", "DCXD", "LD"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "role", "agency_code", "unit_code"),
    [
        ("tiepnhan.ttpvhcc", Role.RECEPTION, "000.00.01.H99", "MC"),
        ("tiepnhan.sotp", Role.RECEPTION, "000.00.12.H99", "MC"),
        ("chuyenvien.lltp", Role.SPECIALIST, "000.00.12.H99", "LLTP"),
        ("truongphong.lltp", Role.UNIT_HEAD, "000.00.12.H99", "LLTP"),
        ("lanhdao.sotp", Role.AGENCY_LEADER, "000.00.12.H99", "LD"),
        ("chuyenvien.hsnv", Role.SPECIALIST, "000.00.30.H99", "HSNV"),
        ("chuyenvien.dkkd", Role.SPECIALIST, "000.00.14.H99", "DKKD"),
        ("chuyenvien.qlxd", Role.SPECIALIST, "000.00.20.H99", "QLXD"),
        ("chuyenvien.qldd", Role.SPECIALIST, "000.00.22.H99", "QLDD"),
        ("tiepnhan.anbinh", Role.RECEPTION, "001.00.01.H99", "MC"),
        ("congchuc.tpht.anbinh", Role.SPECIALIST, "001.00.01.H99", "TPHT"),
        ("chutich.anbinh", Role.AGENCY_LEADER, "001.00.01.H99", "LD"),
        ("giamsat.ttpvhcc", Role.CENTER_SUPERVISOR, "000.00.01.H99", "GS"),
        ("quantri", Role.SYSTEM_ADMIN, "000.00.01.H99", None),
    ],
)
def test_demo_accounts_have_their_roles(client, username, role, agency_code, unit_code):
    demo.demo_load_organisations()
    user = User.objects.get(username=username)
    grant = StaffRole.objects.get(user=user)
    assert (grant.role, grant.agency.code) == (role, agency_code)
    assert (grant.unit.code if grant.unit else None) == unit_code
    assert user.full_name and user.title
    assert not user.full_name.isascii()  # Vietnamese names
    assert user.is_superuser == user.is_staff == (username == "quantri")
    assert client.login(username=username, password=demo.DEMO_PASSWORD)


@pytest.mark.django_db
def test_every_role_has_a_demo_account():
    demo.demo_load_organisations()
    assert set(StaffRole.objects.values_list("role", flat=True)) == set(Role.values)


@pytest.mark.django_db
def test_second_load_changes_nothing():
    demo.demo_load_organisations()
    before, before_stamps = counts(), stamps()
    summary = demo.demo_load_organisations()
    assert not summary.changed
    assert all(t.created == t.updated == 0 for t in summary.tallies.values())
    assert counts() == before
    assert stamps() == before_stamps  # not even updated_at moves


@pytest.mark.django_db
def test_changed_password_is_kept_but_demo_values_are_restored():
    demo.demo_load_organisations()
    user = User.objects.get(username="chuyenvien.lltp")
    user.set_password("doi-mat-khau-rieng-2026")
    user.full_name = "Tên bị sửa"
    user.save()
    Agency.objects.filter(code="000.00.12.H99").update(name="Sửa tên")

    summary = demo.demo_load_organisations()

    user.refresh_from_db()
    assert user.check_password("doi-mat-khau-rieng-2026")
    assert not user.check_password(demo.DEMO_PASSWORD)
    assert user.full_name == "Hoàng Minh Đức"
    assert Agency.objects.get(code="000.00.12.H99").name == "Sở Tư pháp tỉnh Minh Họa"
    assert summary.tallies["users"].updated == 1
    assert summary.tallies["agencies"].updated == 1
    account = next(a for a in summary.accounts if a.username == "chuyenvien.lltp")
    assert not account.created


@pytest.mark.django_db
def test_invalid_demo_row_writes_nothing(monkeypatch):
    bad = demo.AgencySpec(
        code="not-a-code",
        name="Cơ quan lỗi",
        short_name="Lỗi",
        kind=Agency.Kind.OTHER,
        level=Agency.Level.PROVINCE,
        administrative_unit_code="99",
        units=(),
    )
    monkeypatch.setattr(demo, "AGENCIES", (*demo.AGENCIES, bad))
    with pytest.raises(ValidationError):
        demo.demo_load_organisations()
    assert counts() == dict.fromkeys(counts(), 0)


# ---- the command ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_command_refuses_when_demo_data_is_off(settings):
    settings.MOTCUA_DEMO_DATA = False
    with pytest.raises(CommandError) as refused:
        run_demo()
    assert refused.value.returncode == 2
    assert "MOTCUA_DEMO_DATA" in str(refused.value)
    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.django_db
def test_command_twice_changes_nothing(no_catalogue):
    first = run_demo()
    after_first, stamps_first = counts(), stamps()
    second = run_demo()
    assert counts() == after_first
    assert stamps() == stamps_first
    assert "Demo data loaded." in first
    assert "nothing changed" in second
    assert after_first["Agency"] == 10 and after_first["User"] == len(demo.USERS)


@pytest.mark.django_db
def test_command_prints_the_accounts_table(no_catalogue):
    out = run_demo()
    assert "initial password for all: motcua-demo-2026" in out
    for spec in demo.USERS:
        assert spec.username in out
        assert spec.full_name in out
    assert "reception @ Trung tâm PVHCC tỉnh / MC" in out
    assert "(superuser, Django admin)" in out
    assert "quantri" not in run_demo("--quiet-accounts")


@pytest.mark.django_db
def test_command_skips_the_catalogue_when_it_is_not_there_yet(monkeypatch):
    monkeypatch.setattr(demo_command.importlib.util, "find_spec", lambda name: None)
    out = run_demo("--quiet-accounts")
    assert "Catalogue: skipped" in out
    assert Agency.objects.count() == 10


def fake_catalogue(monkeypatch, loader) -> None:
    module = types.ModuleType("motcua.catalogue.services")
    module.__spec__ = importlib.machinery.ModuleSpec("motcua.catalogue.services", None)
    if loader is not None:
        module.catalogue_load_demo = loader
    monkeypatch.setitem(sys.modules, "motcua.catalogue.services", module)


@pytest.mark.django_db
def test_command_skips_when_the_catalogue_has_no_demo_loader(monkeypatch):
    fake_catalogue(monkeypatch, None)
    assert "catalogue_load_demo is not available yet" in run_demo("--quiet-accounts")


@pytest.mark.django_db
def test_command_loads_the_catalogue_as_the_administrator(monkeypatch):
    calls = []

    def loader(*, actor):
        calls.append(actor)
        return "20 procedures"

    fake_catalogue(monkeypatch, loader)
    out = run_demo("--quiet-accounts")
    assert [actor.username for actor in calls] == ["quantri"]
    assert "Catalogue: 20 procedures" in out


@pytest.mark.django_db
def test_command_writes_nothing_when_the_catalogue_fails(monkeypatch):
    def loader(*, actor):
        raise DomainError("Thủ tục 1.001612 không hợp lệ.")

    fake_catalogue(monkeypatch, loader)
    with pytest.raises(CommandError) as failed:
        run_demo()
    assert failed.value.returncode == 1
    assert "nothing was written" in str(failed.value)
    assert counts() == dict.fromkeys(counts(), 0)


def test_console_script_exits_with_code_2_when_refused(tmp_path):
    import os
    import subprocess
    from pathlib import Path

    motcua = str(Path(sys.executable).with_name("motcua"))
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update(
        MOTCUA_DEMO_DATA="false",
        MOTCUA_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="motcua.conf.dev",
    )
    done = subprocess.run([motcua, "demo"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "MOTCUA_DEMO_DATA is off" in done.stderr
    assert (
        not (tmp_path / "motcua.sqlite3").exists()
        or (tmp_path / "motcua.sqlite3").stat().st_size == 0
    )
