"""Database roles on any database: what `motcua db grant-runtime`, the `migrate` switch and the
check do where there is nothing to switch (SQLite, one role). The PostgreSQL side, as the runtime
role itself: src/motcua/audit/tests/test_runtime_role.py."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from motcua.core import dbroles
from motcua.core.checks import runtime_role_check


def test_the_audit_log_declares_what_the_runtime_role_may_do():
    tables = dbroles.restricted_tables()
    assert tables["audit_auditentry"] == ("SELECT", "INSERT")
    assert tables["audit_audithead"] == ("SELECT", "UPDATE")
    assert tables["django_migrations"] == ("SELECT",)


def test_without_an_owner_url_nothing_is_switched(settings):
    settings.MIGRATE_DATABASE_URL = ""
    before = dict(connection.settings_dict)
    with dbroles.as_owner() as runtime_role:
        assert runtime_role is None and not dbroles.running_as_owner()
        assert dict(connection.settings_dict) == before


def test_an_owner_url_of_another_kind_of_database_is_refused(settings):
    other = "sqlite:///owner.sqlite3" if connection.vendor == "postgresql" else "postgres://o:p@h/d"
    settings.MIGRATE_DATABASE_URL = other
    with pytest.raises(ImproperlyConfigured, match="same kind of database"), dbroles.as_owner():
        pass


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite answer; PostgreSQL grants")
def test_roles_are_refused_on_sqlite(db):
    with pytest.raises(CommandError, match="PostgreSQL only") as caught:
        call_command("db", "grant-runtime", "--role", "motcua_app")
    assert caught.value.returncode == 2
    assert dbroles.privilege_problems() == []
    assert runtime_role_check(databases=["default"]) == []
