"""``motcua catalogue import|export``."""

import json
from importlib import resources
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.catalogue.models import Procedure, ProcedureVersion, VersionStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def demo_file(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_bytes(
        resources.files("motcua.catalogue").joinpath("data", "demo_catalogue.json").read_bytes()
    )
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("catalogue", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_publish_then_export_json_and_xlsx(orgs, demo_file, tmp_path):
    out, _ = run("import", str(demo_file), "--publish")
    assert "20" in out
    assert ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED).count() == 20

    run("export", "--format", "json", "--output", str(tmp_path / "out.json"))
    run("export", "--format", "xlsx", "--output", str(tmp_path / "out.xlsx"))

    assert json.loads((tmp_path / "out.json").read_text("utf-8")) == json.loads(
        demo_file.read_text("utf-8")
    )
    out, _ = run("import", str(tmp_path / "out.xlsx"), "--publish")
    assert ProcedureVersion.objects.count() == 20


def test_import_without_publish_leaves_drafts(orgs, demo_file):
    run("import", str(demo_file))

    assert set(ProcedureVersion.objects.values_list("status", flat=True)) == {VersionStatus.DRAFT}


def test_format_is_detected_by_content(orgs, demo_file, tmp_path):
    run("import", str(demo_file), "--publish")
    run("export", "--format", "xlsx", "--output", str(tmp_path / "catalogue.bin"))

    out, _ = run("import", str(tmp_path / "catalogue.bin"), "--publish")

    assert "20" in out and ProcedureVersion.objects.count() == 20


def test_bad_input_exits_2_with_every_error_and_writes_nothing(orgs, demo_file, tmp_path):
    document = json.loads(demo_file.read_text("utf-8"))
    document["procedures"][1]["steps"][0]["unit"] = "XX"
    document["procedures"][4]["duration_unit"] = "fortnights"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    err = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("catalogue", "import", str(bad), "--publish", stdout=StringIO(), stderr=err)

    assert caught.value.returncode == 2
    assert "procedures[1].steps[0].unit" in err.getvalue()
    assert "procedures[4].duration_unit" in err.getvalue()
    assert not Procedure.objects.exists()


def test_missing_file_exits_2(orgs, tmp_path):
    with pytest.raises(CommandError) as caught:
        run("import", str(tmp_path / "nowhere.json"))

    assert caught.value.returncode == 2


def test_export_json_to_stdout(orgs, demo_file):
    run("import", str(demo_file), "--publish")

    out, _ = run("export", "--format", "json", "--output", "-")

    assert len(json.loads(out)["procedures"]) == 20


def test_export_xlsx_to_stdout_is_refused(orgs):
    with pytest.raises(CommandError) as caught:
        run("export", "--format", "xlsx", "--output", "-")

    assert caught.value.returncode == 2


def test_export_to_an_unwritable_place_exits_2(orgs, tmp_path):
    with pytest.raises(CommandError) as caught:
        run("export", "--format", "json", "--output", str(tmp_path / "missing" / "out.json"))

    assert caught.value.returncode == 2
