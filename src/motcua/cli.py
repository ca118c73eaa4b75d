"""The ``motcua`` console script: Django's management commands under one name.

``motcua migrate``, ``motcua demo``, ``motcua calendar due ...`` and so on. The settings module
defaults to ``motcua.conf.dev``; set ``DJANGO_SETTINGS_MODULE`` to choose another
(``motcua.conf.production`` in production).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.conf.dev")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "motcua"
    execute_from_command_line(args)


if __name__ == "__main__":  # pragma: no cover
    main()
