"""`motcua migrate` and `motcua check --database default` print no models.W040 on the demo's
SQLite (the records' covering indexes gave two on every migrate). On PostgreSQL the check
cannot arise; motcua.W001 may (one role for migrations and the application)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_database_checks_print_no_warning():
    out, err = StringIO(), StringIO()
    call_command("check", "--database", "default", stdout=out, stderr=err)
    assert "W040" not in out.getvalue() + err.getvalue()
