"""The left navigation: a small registry that apps fill from ``AppConfig.ready()``.

Each entry names a URL, the section it belongs to and who may see it. An entry whose URL cannot
be reversed (the feature is not installed yet) is skipped, so the menu only ever shows links
that work::

    from motcua.core.nav import Section, nav_register

    nav_register(
        section=Section.INTAKE,
        label=_("Receive a record"),
        url_name="records:intake",
        roles=[Role.RECEPTION],
    )

Hiding a link is a convenience, not a permission: every view still checks access itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Section:
    """Section keys, in the order they are shown."""

    WORK = "work"
    INTAKE = "intake"
    RECORDS = "records"
    REPORTS = "reports"
    CATALOGUE = "catalogue"
    ADMINISTRATION = "administration"


SECTION_LABELS: dict[str, Promise] = {
    Section.WORK: _("Work queue"),
    Section.INTAKE: _("Intake"),
    Section.RECORDS: _("Records"),
    Section.REPORTS: _("Reports"),
    Section.CATALOGUE: _("Catalogue"),
    Section.ADMINISTRATION: _("Administration"),
}


@dataclass(frozen=True)
class NavEntry:
    section: str
    label: str | Promise
    url_name: str
    # Roles (organisations.Role values) that see the entry; empty = every signed-in user.
    roles: frozenset[str] = frozenset()
    # Optional extra condition on the user (e.g. ``lambda user: user.is_staff``).
    check: Callable[[Any], bool] | None = None
    order: int = 100
    url_kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NavLink:
    label: str | Promise
    url: str
    url_name: str
    active: bool


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str | Promise
    links: list[NavLink]


_registry: list[NavEntry] = []


def nav_register(
    *,
    section: str,
    label: str | Promise,
    url_name: str,
    roles: Iterable[str] = (),
    check: Callable[[Any], bool] | None = None,
    order: int = 100,
    url_kwargs: dict[str, Any] | None = None,
) -> NavEntry:
    """Add an entry (once: registering the same section and URL name again replaces it)."""
    if section not in SECTION_LABELS:
        raise ValueError(
            f"Unknown navigation section {section!r}; use one of {sorted(SECTION_LABELS)}"
        )
    entry = NavEntry(
        section=section,
        label=label,
        url_name=url_name,
        roles=frozenset(str(role) for role in roles),
        check=check,
        order=order,
        url_kwargs=dict(url_kwargs or {}),
    )
    _registry[:] = [e for e in _registry if (e.section, e.url_name) != (section, url_name)]
    _registry.append(entry)
    return entry


def nav_unregister(*, section: str, url_name: str) -> None:
    _registry[:] = [e for e in _registry if (e.section, e.url_name) != (section, url_name)]


def nav_entries() -> list[NavEntry]:
    return list(_registry)


def _user_roles(user: Any) -> set[str]:
    from motcua.organisations.models import StaffRole

    return set(StaffRole.objects.filter(user=user).values_list("role", flat=True).distinct())


def request_staff_roles(request: HttpRequest) -> list[Any]:
    """The signed-in user's ``StaffRole`` rows (agency and unit joined), read once per request."""
    cached = getattr(request, "_motcua_staff_roles", None)
    if cached is not None:
        return list(cached)
    user = getattr(request, "user", None)
    roles: list[Any] = []
    if user is not None and user.is_authenticated:
        from motcua.organisations.selectors import staff_roles_of

        roles = list(staff_roles_of(user=user).order_by("agency__name", "role", "unit__name"))
    request._motcua_staff_roles = roles  # type: ignore[attr-defined]
    return list(roles)


def _visible(entry: NavEntry, user: Any, roles: set[str]) -> bool:
    if entry.roles and not (user.is_superuser or entry.roles & roles):
        return False
    return entry.check is None or bool(entry.check(user))


def nav_for(
    user: Any, *, current_view: str | None = None, roles: set[str] | None = None
) -> list[NavSection]:
    """The sections and links ``user`` sees, in display order; empty sections are left out.

    ``roles`` may be passed when the caller already knows them (saves one query).
    """
    if user is None or not user.is_authenticated:
        return []
    if roles is None:
        roles = _user_roles(user)
    by_section: dict[str, list[tuple[int, NavLink]]] = {key: [] for key in SECTION_LABELS}
    for entry in _registry:
        if not _visible(entry, user, roles):
            continue
        try:
            url = reverse(entry.url_name, kwargs=entry.url_kwargs or None)
        except NoReverseMatch:
            continue
        link = NavLink(
            label=entry.label,
            url=url,
            url_name=entry.url_name,
            active=entry.url_name == current_view,
        )
        by_section[entry.section].append((entry.order, link))
    return [
        NavSection(
            key=key,
            label=SECTION_LABELS[key],
            links=[link for _order, link in sorted(items, key=lambda item: item[0])],
        )
        for key, items in by_section.items()
        if items
    ]


def _is_staff(user: Any) -> bool:
    return bool(user.is_staff)


# Core's own entries; other apps add theirs in their AppConfig.ready().
nav_register(section=Section.WORK, label=_("Work desk"), url_name="core:home", order=0)
nav_register(
    section=Section.ADMINISTRATION,
    label=_("Data administration"),
    url_name="admin:index",
    check=_is_staff,
    order=10,
)
nav_register(
    section=Section.ADMINISTRATION,
    label=_("API documentation"),
    url_name="api:docs",
    roles=["system_admin"],
    order=20,
)
