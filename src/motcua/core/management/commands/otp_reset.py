"""``motcua otp_reset <username>``: remove a staff member's two-factor devices (lost phone).

At the next sign-in the user is asked to enrol a new authenticator app. Audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_otp import devices_for_user

from motcua.audit.services import audit_log


class Command(BaseCommand):
    help = "Remove a user's two-factor devices so that they enrol again at their next sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        with transaction.atomic():
            devices = list(devices_for_user(user, confirmed=None))
            for device in devices:
                device.delete()
            audit_log(
                actor=None,
                action="auth.otp_reset",
                obj=user,
                detail={"devices": len(devices), "by": "command"},
            )
        self.stdout.write(f"{username}: {len(devices)} two-factor device(s) removed.")
