"""Background tasks of the core app.

Tasks are run by ``motcua db_worker`` (django-tasks with the database backend). A task enqueued
inside a transaction is stored with it, so it runs only if the business change commits.
"""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def worker_heartbeat(token: str) -> str:
    """A no-op task used by ``motcua worker-check`` and the tests to prove the worker runs."""
    logger.info("worker.heartbeat token=%s", token)
    return token
