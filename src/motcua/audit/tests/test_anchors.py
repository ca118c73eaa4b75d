"""The log survives whoever can rewrite the database: `audit verify` fails on a wiped head, an
emptied log, or a chain shorter than (or different from) its anchors, which `audit anchor`
writes, signed, outside the database. Each attack here is done with SQL, as the table owner
would (the runtime role cannot: test_runtime_role.py), and rewrites the head row to match."""

import hashlib
import hmac
import importlib
import json
import time
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from motcua.audit import anchors
from motcua.audit.models import AuditEntry, AuditHead
from motcua.audit.selectors import audit_verify
from motcua.audit.services import GENESIS, AuditHeadMissing, audit_log
from motcua.audit.tests.test_audit_log import tamper
from motcua.exchange.tests.fakes import FakeServer

WEBHOOK_SECRET = "anchor-receiver-secret-123"


@pytest.fixture
def anchor_dir(settings, tmp_path):
    settings.MOTCUA_AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    settings.MOTCUA_AUDIT_ANCHOR_WEBHOOK_URL = ""
    return settings.MOTCUA_AUDIT_ANCHOR_DIR


def write(n, action="test.anchor"):
    return [audit_log(actor=None, action=action, object_id=str(i)) for i in range(n)]


def wipe():
    """The whole log and its head, gone (TRUNCATE as the owner; DELETE on SQLite)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditentry, audit_audithead")
    else:
        tamper("DELETE FROM audit_auditentry", [])
        tamper("DELETE FROM audit_audithead", [])


def cut_to(entry):
    """Remove every entry after ``entry`` and move the head back to it: a consistent, shorter
    chain that the head alone cannot tell from the real one."""
    tamper("DELETE FROM audit_auditentry WHERE id > %s", [entry.pk])
    tamper("UPDATE audit_audithead SET last_id = %s, last_hash = %s", [entry.pk, entry.hash])


def verify_code(*args):
    try:
        call_command("audit", "verify", *args)
    except CommandError as exc:
        return exc.returncode
    return 0


def anchor_code():
    try:
        call_command("audit", "anchor")
    except CommandError as exc:
        return exc.returncode
    return 0


def messages():
    return " | ".join(p.message for p in audit_verify()[1])


# ---- the head and the emptied log --------------------------------------------------------------


def test_migrations_give_every_database_a_chain_head(db):
    """Migration 0003: so that a missing head is always a wiped one. It never invents a head
    for entries that lost theirs."""
    from django.apps import apps

    forward = importlib.import_module("motcua.audit.migrations.0003_chain_head_row").forward
    editor = SimpleNamespace(connection=connection)
    AuditHead.objects.all().delete()
    forward(apps, editor)
    assert AuditHead.objects.get(pk=1).last_id == 0
    write(1)
    AuditHead.objects.all().delete()
    forward(apps, editor)
    assert not AuditHead.objects.exists()


def test_a_wiped_log_and_head_is_detected(db, anchor_dir):
    write(3)
    wipe()
    assert AuditEntry.objects.count() == 0 and not AuditHead.objects.exists()
    assert "the chain head is missing" in messages()
    assert verify_code() == 1


def test_a_wiped_head_is_not_recreated_by_the_next_audited_action(db, anchor_dir):
    """The application never creates the head (migration 0003 does): after a wipe the next
    audited action fails with its change, rather than start a new chain from genesis that
    `audit verify` could not tell from a fresh installation."""
    write(3)
    wipe()
    with pytest.raises(AuditHeadMissing, match="chain head is missing"), transaction.atomic():
        audit_log(actor=None, action="test.after_wipe")
    assert not AuditEntry.objects.exists() and not AuditHead.objects.exists()
    assert "the chain head is missing" in messages()
    assert verify_code() == 1


def test_a_login_after_a_wipe_fails_instead_of_restarting_the_chain(db, anchor_dir, client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    get_user_model().objects.create_user(username="officer", password="x-officer-pass-1")
    wipe()
    with pytest.raises(AuditHeadMissing), transaction.atomic():
        client.post(reverse("login"), {"username": "officer", "password": "x-officer-pass-1"})
    assert not AuditEntry.objects.exists() and not AuditHead.objects.exists()
    assert "the chain head is missing" in messages()


@pytest.mark.django_db(transaction=True)
def test_a_flushed_test_database_gets_its_head_back(anchor_dir):
    """Tests only (src/motcua/conftest.py): a flush empties every table, the head too, and
    puts back the head migration 0003 gives every database."""
    write(2)
    call_command("flush", interactive=False, verbosity=0)
    head = AuditHead.objects.get(pk=1)
    assert (head.last_id, head.last_hash) == (0, GENESIS)
    write(1)
    assert audit_verify() == (1, [])


def test_an_emptied_log_with_its_head_left_is_detected(db, anchor_dir):
    entries = write(3)
    tamper("DELETE FROM audit_auditentry", [])
    assert f"the log is empty but the head records entry {entries[-1].pk}" in messages()
    assert verify_code() == 1


def test_an_empty_log_with_its_head_verifies(db, anchor_dir):
    """A fresh installation: the head the migrations wrote, no entry yet."""
    AuditHead.objects.update_or_create(pk=1, defaults={"last_id": 0, "last_hash": GENESIS})
    assert not AuditEntry.objects.exists()
    assert audit_verify() == (0, [])
    assert verify_code() == 0


# ---- anchors -----------------------------------------------------------------------------------


def test_anchor_writes_a_signed_line_and_verify_compares_with_it(db, anchor_dir, capsys):
    entries = write(3)
    assert anchor_code() == 0
    lines = (anchor_dir / "anchors.jsonl").read_text().splitlines()
    assert len(lines) == 1
    document = json.loads(lines[0])
    assert document["sequence"] == entries[-1].pk and document["hash"] == entries[-1].hash
    assert set(document) == {"v", "sequence", "hash", "at", "prev", "signature"}
    assert document["v"] == 2 and document["prev"] == ""  # the first line follows nothing
    assert verify_code() == 0
    assert f"matches the anchor of {document['at']} (entry {entries[-1].pk})" in (
        capsys.readouterr().out
    )
    write(2)  # the log grows after its anchor: still fine, and anchored again
    assert verify_code() == 0
    assert anchor_code() == 0
    lines = (anchor_dir / "anchors.jsonl").read_text().splitlines()
    assert len(lines) == 2
    assert json.loads(lines[1])["prev"] == document["signature"]  # chained to the line before
    assert verify_code() == 0


def test_a_chain_cut_shorter_than_its_anchor_is_detected(db, anchor_dir):
    entries = write(4)
    assert anchor_code() == 0
    cut_to(entries[1])
    # Without the anchor the shorter chain is consistent with its (rewritten) head ...
    assert audit_verify(anchor_file=anchor_dir / "none.jsonl")[1] == []
    # ... the anchor says it was longer.
    assert "the log is shorter than its last anchor" in messages()
    assert f"records entry {entries[-1].pk}" in messages()
    assert verify_code() == 1


def test_a_log_emptied_with_its_head_reset_is_detected_by_its_anchor(db, anchor_dir):
    entries = write(2)
    assert anchor_code() == 0
    tamper("DELETE FROM audit_auditentry", [])
    tamper("UPDATE audit_audithead SET last_id = 0, last_hash = %s", ["0" * 64])
    assert audit_verify(anchor_file=anchor_dir / "none.jsonl")[1] == []
    assert "the log is empty but the anchor of" in messages()
    assert f"records entry {entries[-1].pk}" in messages()


def test_a_rebuilt_log_is_detected_by_its_anchor(db, anchor_dir):
    """Everything wiped and a new, self-consistent chain written in its place (at least as long
    as the old one): only the anchor knows."""
    write(3, action="test.genuine")
    assert anchor_code() == 0
    wipe()
    # A genesis head, as a fresh installation has (the application no longer creates one).
    tamper("INSERT INTO audit_audithead (id, last_id, last_hash) VALUES (1, 0, %s)", [GENESIS])
    write(6, action="test.forged")
    assert audit_verify(anchor_file=anchor_dir / "none.jsonl")[1] == []
    problems = messages()
    assert "anchored at" in problems and ("is missing" in problems or "rewritten" in problems)
    assert verify_code() == 1


def test_anchor_refuses_a_head_that_does_not_extend_the_last_anchor(db, anchor_dir):
    """A rebuilt log is never anchored: the evidence stays the last line of the file."""
    entries = write(3)
    assert anchor_code() == 0
    before = (anchor_dir / "anchors.jsonl").read_bytes()
    cut_to(entries[0])
    assert anchor_code() == 1
    wipe()
    assert anchor_code() == 1
    assert (anchor_dir / "anchors.jsonl").read_bytes() == before


def test_an_edited_anchor_line_is_detected(db, anchor_dir):
    entries = write(3)
    assert anchor_code() == 0
    path = anchor_dir / "anchors.jsonl"
    document = json.loads(path.read_text())
    document["sequence"] = entries[0].pk  # "the log was only this long", to hide a cut
    path.write_text(json.dumps(document) + "\n")
    assert "anchor line 1: bad signature" in messages()
    assert verify_code() == 1
    assert anchor_code() == 1  # nothing is anchored after an edited file


def anchor_lines(anchor_dir, n):
    """``n`` anchors, one entry apart; returns the file's lines."""
    for _ in range(n):
        write(1)
        assert anchor_code() == 0
    return (anchor_dir / "anchors.jsonl").read_text().splitlines()


def test_a_removed_middle_anchor_line_is_detected(db, anchor_dir):
    """Each line signs the previous line's signature: removing one breaks the next."""
    lines = anchor_lines(anchor_dir, 3)
    (anchor_dir / "anchors.jsonl").write_text(f"{lines[0]}\n{lines[2]}\n")
    assert "anchor line 2: does not follow the line before it" in messages()
    assert verify_code() == 1
    assert anchor_code() == 1  # nothing is anchored after the file lost a line


def test_removed_first_anchor_lines_are_detected(db, anchor_dir):
    lines = anchor_lines(anchor_dir, 3)
    (anchor_dir / "anchors.jsonl").write_text(f"{lines[1]}\n{lines[2]}\n")
    assert "anchor line 1: does not follow the line before it" in messages()
    assert verify_code() == 1


def test_swapped_anchor_lines_are_detected(db, anchor_dir):
    lines = anchor_lines(anchor_dir, 3)
    (anchor_dir / "anchors.jsonl").write_text(f"{lines[0]}\n{lines[2]}\n{lines[1]}\n")
    assert "does not follow the line before it" in messages()


def test_old_format_lines_are_still_read_and_new_lines_chain_to_them(db, anchor_dir):
    """Version 1 lines (before the chaining) carry no ``prev``: still valid anchors, and the
    first version 2 line signs the last of them."""
    entries = write(2)
    old = {
        "v": 1,
        "sequence": entries[-1].pk,
        "hash": entries[-1].hash,
        "at": "2026-12-01T00:00:00+00:00",
    }
    old_line = json.dumps({**old, "signature": anchors.signature(old)}, sort_keys=True)
    anchor_dir.mkdir(parents=True)
    (anchor_dir / "anchors.jsonl").write_text(old_line + "\n")
    assert audit_verify() == (2, [])
    write(1)
    assert anchor_code() == 0
    new = json.loads((anchor_dir / "anchors.jsonl").read_text().splitlines()[1])
    assert new["prev"] == anchors.signature(old)
    assert verify_code() == 0
    cut_to(entries[-1])  # the old anchor still counts: the chain is shorter than the new one
    assert "the log is shorter than its last anchor" in messages()


def test_an_anchor_signed_with_another_key_is_refused(db, anchor_dir, settings):
    write(1)
    assert anchor_code() == 0
    settings.MOTCUA_AUDIT_ANCHOR_KEY = "another-key-of-at-least-32-characters-long"
    assert "bad signature" in messages()


def test_garbage_in_the_anchor_file_is_a_problem_not_a_crash(db, anchor_dir):
    write(1)
    anchor_dir.mkdir(parents=True)
    (anchor_dir / "anchors.jsonl").write_bytes(b'\xff\xfe{"v": 1}\n[1, 2]\nnot json\n{"v":1}\n')
    problems = messages()
    assert problems.count("anchor line") == 4
    assert verify_code() == 1


def test_the_anchor_key_defaults_to_one_derived_from_the_secret_key(db, anchor_dir, settings):
    settings.MOTCUA_AUDIT_ANCHOR_KEY = ""
    write(1)
    assert anchor_code() == 0
    assert verify_code() == 0
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert "bad signature" in messages()


def test_verify_against_a_copy_of_the_anchors(db, anchor_dir, tmp_path):
    entries = write(3)
    assert anchor_code() == 0
    copy = tmp_path / "receiver-copy.jsonl"
    copy.write_bytes((anchor_dir / "anchors.jsonl").read_bytes())
    (anchor_dir / "anchors.jsonl").unlink()  # whoever cut the log also removed the local file
    cut_to(entries[0])
    assert verify_code() == 0  # nothing left here to compare with (the output says so)
    assert verify_code("--anchor-file", str(copy)) == 1


def test_verify_exit_code_2_when_the_anchors_cannot_be_read(db, anchor_dir, tmp_path):
    write(1)
    assert verify_code("--anchor-file", str(tmp_path / "missing.jsonl")) == 2
    anchor_dir.mkdir(parents=True)
    (anchor_dir / "anchors.jsonl").mkdir()  # a directory where the file should be
    assert verify_code() == 2
    assert anchor_code() == 2


# ---- the webhook copy --------------------------------------------------------------------------


class AnchorReceiver(FakeServer):
    """Keeps the anchors it receives, after checking the signature with its own HMAC code."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[bytes] = []
        self.rejected = 0

    def handle(self, path, headers, body):
        timestamp = headers.get("X-Motcua-Timestamp", "")
        expected = hmac.new(
            WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) <= 300
        if not (fresh and hmac.compare_digest(expected, headers.get("X-Motcua-Signature", ""))):
            self.rejected += 1
            return 401, b'{"error":"bad signature"}'
        if headers.get("X-Motcua-Event-Type") != "audit.anchor":
            return 400, b'{"error":"unexpected event"}'
        self.lines.append(body)
        return 200, b'{"ok":true}'


@pytest.fixture
def receiver(settings, anchor_dir):
    server = AnchorReceiver().start()
    settings.MOTCUA_AUDIT_ANCHOR_WEBHOOK_URL = f"{server.url}/anchors"
    settings.MOTCUA_AUDIT_ANCHOR_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.MOTCUA_AUDIT_ANCHOR_TIMEOUT_SECONDS = 5.0
    yield server
    server.stop()


def test_anchor_is_posted_signed_to_the_webhook(db, receiver, anchor_dir, tmp_path):
    entries = write(2)
    assert anchor_code() == 0
    assert receiver.rejected == 0 and len(receiver.lines) == 1
    assert receiver.lines[0].decode() + "\n" == (anchor_dir / "anchors.jsonl").read_text()
    # The receiver's copy is a valid anchor file of its own.
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(receiver.lines[0] + b"\n")
    cut_to(entries[0])
    assert verify_code("--anchor-file", str(copy)) == 1


def test_a_removed_last_anchor_line_is_caught_only_by_the_webhook_copy(
    db, receiver, anchor_dir, tmp_path
):
    """The limitation (docs/security.md): nothing follows the last line, so the file alone cannot
    tell that it was removed; the receiver's copy still has it."""
    entries = write(2)
    assert anchor_code() == 0
    entries += write(2)
    assert anchor_code() == 0
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(b"".join(line + b"\n" for line in receiver.lines))
    path = anchor_dir / "anchors.jsonl"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    cut_to(entries[1])
    assert verify_code() == 0  # the shortened file matches the shortened log
    assert verify_code("--anchor-file", str(copy)) == 1


def test_a_webhook_that_is_down_gives_exit_3_after_the_file_is_written(db, receiver, anchor_dir):
    write(1)
    receiver.stop()
    assert anchor_code() == 3
    assert len((anchor_dir / "anchors.jsonl").read_text().splitlines()) == 1
    receiver.start()
    receiver.mode = "500"
    assert anchor_code() == 3
    receiver.mode = "ok"
    assert anchor_code() == 0
    assert len(receiver.lines) == 1


def test_a_webhook_without_a_secret_is_refused_before_anything_is_written(db, anchor_dir, settings):
    write(1)
    settings.MOTCUA_AUDIT_ANCHOR_WEBHOOK_URL = "http://127.0.0.1:9/anchors"
    settings.MOTCUA_AUDIT_ANCHOR_WEBHOOK_SECRET = "short"
    assert anchor_code() == 2
    assert not (anchor_dir / "anchors.jsonl").exists()


def test_an_anchor_line_round_trips():
    anchor = anchors.Anchor(
        sequence=7, hash="ab" * 32, at="2026-12-07T23:00:00+00:00", prev="cd" * 32
    )
    parsed = anchors.parse_line(anchors.line_of(anchor), 3)
    assert parsed == anchors.Anchor(
        sequence=7, hash="ab" * 32, at=anchor.at, prev="cd" * 32, line=3
    )
