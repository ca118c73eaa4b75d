"""``motcua signing-credential add|list|expiring``: register production signing certificates
(a signer's personal certificate or the agency seal) from a PKCS#12 file or a PKCS#11 token key,
list them, and report those about to expire (non-zero exit: for monitoring).

Passwords are read from an environment variable (``--password-env``) or an interactive prompt,
never from the command line; no secret is ever printed. See docs/signatures.md."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import DomainError
from motcua.documents import credentials, selectors
from motcua.documents.models import CredentialKind, SigningCredential
from motcua.organisations.models import Agency

KINDS = {"signer": CredentialKind.PERSONAL, "seal": CredentialKind.SEAL}
EXPIRING = 3  # exit status of ``expiring`` when something expires soon


class Command(BaseCommand):
    help = "Register, list and monitor production signing certificates (signer or agency seal)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Register a certificate after checking it.")
        add.add_argument("--kind", required=True, choices=sorted(KINDS))
        add.add_argument("--agency", required=True, help="Agency identifier code.")
        add.add_argument("--user", default="", help="The holder's username (signer only).")
        source = add.add_mutually_exclusive_group(required=True)
        source.add_argument("--pkcs12", metavar="FILE", help="A .p12/.pfx file: key and cert.")
        source.add_argument(
            "--pkcs11-key-label", metavar="LABEL", help="The key's label on the PKCS#11 token."
        )
        add.add_argument(
            "--password-env",
            metavar="VAR",
            default="",
            help="Environment variable holding the PKCS#12 password (otherwise prompted).",
        )
        add.add_argument(
            "--certificate",
            metavar="FILE",
            default="",
            help="With --pkcs11-key-label: the certificate (PEM or DER; a PEM may add the chain).",
        )
        add.add_argument(
            "--chain", metavar="FILE", default="", help="Issuer certificates (PEM), optional."
        )
        add.add_argument("--label", default="", help="Display label (default: CN and agency).")
        add.add_argument("--image", metavar="PNG", default="", help="Signature or seal image.")
        add.add_argument(
            "--replace", action="store_true", help="Retire the holder's active certificate."
        )
        add.add_argument(
            "--allow-untrusted",
            action="store_true",
            help="Register even if the certificate does not chain to MOTCUA_TRUST_ROOTS.",
        )
        listing = sub.add_parser("list", help="List certificates (no secrets).")
        listing.add_argument("--agency", default="")
        listing.add_argument("--active", action="store_true", help="Only active certificates.")
        expiring = sub.add_parser(
            "expiring", help=f"Active certificates ending soon; exit status {EXPIRING} if any."
        )
        expiring.add_argument("--days", type=int, default=30)
        expiring.add_argument("--agency", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc

    # ---- add ---------------------------------------------------------------------------------

    def do_add(self, options: dict[str, Any]) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"Unknown agency code {options['agency']!r}.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.")
        if options["pkcs12"]:
            if options["certificate"]:
                raise CommandError("--certificate goes with --pkcs11-key-label, not --pkcs12.")
            material = credentials.read_pkcs12(
                _read(options["pkcs12"]), self._password(options["password_env"])
            )
        else:
            if not options["certificate"]:
                raise CommandError("--pkcs11-key-label needs --certificate CERT.pem|der.")
            material = credentials.token_material(
                key_label=options["pkcs11_key_label"],
                certificate=_read(options["certificate"]),
            )
        if options["chain"]:
            material.chain.extend(credentials.read_certificates(_read(options["chain"])))
        registered = credentials.signing_credential_register(
            actor=None,
            kind=KINDS[options["kind"]],
            agency=agency,
            user=user,
            material=material,
            label=options["label"],
            image_png=_read(options["image"]) if options["image"] else b"",
            replace=options["replace"],
            allow_untrusted=options["allow_untrusted"],
        )
        for warning in registered.warnings:
            self.stderr.write(f"warning: {warning}")
        for old in registered.retired:
            self.stdout.write(f"retired #{old.pk} {old.label} (serial {old.serial})")
        credential = registered.credential
        self.stdout.write(
            f"registered #{credential.pk} {credential.label}: {credential.subject}, "
            f"serial {credential.serial}, valid until {credential.not_after:%Y-%m-%d}, "
            f"{credentials.backend_of(credential)}"
        )

    def _password(self, variable: str) -> str:
        if variable:
            if variable not in os.environ:
                raise CommandError(f"The environment variable {variable} is not set.")
            return os.environ[variable]
        if not sys.stdin.isatty():
            raise CommandError("No terminal to ask the password: use --password-env VAR.")
        return getpass.getpass("PKCS#12 password: ")

    # ---- list / expiring ---------------------------------------------------------------------

    def do_list(self, options: dict[str, Any]) -> None:
        rows = selectors.credentials_list(
            agency_code=options["agency"], active_only=options["active"]
        )
        self._table(list(rows))

    def do_expiring(self, options: dict[str, Any]) -> None:
        if options["days"] < 0:
            raise CommandError("--days must be zero or more.")
        rows = list(
            selectors.credentials_expiring(days=options["days"], agency_code=options["agency"])
        )
        if not rows:
            self.stdout.write(f"No active certificate ends within {options['days']} days.")
            return
        self._table(rows)
        raise CommandError(
            f"{len(rows)} active certificate(s) end within {options['days']} days.",
            returncode=EXPIRING,
        )

    def _table(self, rows: list[SigningCredential]) -> None:
        self.stdout.write(
            "id\tagency\tholder\tkind\tsubject\tserial\tnot_after\tbackend\tactive\tdemo"
        )
        for c in rows:
            holder = c.user.get_username() if c.user is not None else "-"
            self.stdout.write(
                f"{c.pk}\t{c.agency.code if c.agency else '-'}\t{holder}\t{c.kind}\t"
                f"{c.subject}\t{c.serial}\t{c.not_after:%Y-%m-%d}\t{credentials.backend_of(c)}\t"
                f"{'yes' if c.is_active else 'no'}\t{'yes' if c.is_demo else 'no'}"
            )


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
