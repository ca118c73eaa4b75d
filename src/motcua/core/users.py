"""The signed-in user, typed as the project's ``User`` for the services' ``actor``."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AnonymousUser

from motcua.core.models import User


def signed_in(user: User | AnonymousUser) -> User:
    """``request.user`` where only a signed-in user gets: a ``login_required`` view, the admin,
    an API view behind its authentication (an API client acts as its service account), a
    selector past its ``is_authenticated`` check. For the type checker only: it checks nothing
    (the guard before it did) and changes nothing, so a service refuses exactly what it
    refused before."""
    return cast(User, user)


# ``request.user`` as Django gives it: the selectors that scope reads take either.
RequestUser = User | AnonymousUser
