"""The worker of `make run` really executes tasks stored in the database."""

import pytest
from django.core.management import call_command
from django_tasks import task_backends

from motcua.core.tasks import worker_heartbeat

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_db_worker_runs_an_enqueued_task(settings):
    settings.TASKS = DB_TASKS  # django-tasks resets its backends on setting_changed
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    result = worker_heartbeat.enqueue("abc123")
    assert result.status.name == "READY"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    result.refresh()
    assert result.status.name == "SUCCESSFUL"
    assert result.return_value == "abc123"
