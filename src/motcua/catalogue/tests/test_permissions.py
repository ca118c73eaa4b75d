import pytest
from django.contrib.auth.models import AnonymousUser

from motcua.catalogue import permissions
from motcua.catalogue.tests.factories import JUSTICE, UserFactory, catalogue_admin
from motcua.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def test_who_may_manage_the_catalogue(orgs, admin):
    officer = UserFactory(username="officer")
    inactive = UserFactory(username="gone", is_superuser=True, is_active=False)

    assert permissions.can_manage_catalogue(admin)
    assert permissions.can_manage_catalogue(catalogue_admin(orgs[JUSTICE]))
    assert not permissions.can_manage_catalogue(officer)
    assert not permissions.can_manage_catalogue(inactive)
    assert not permissions.can_manage_catalogue(AnonymousUser())
    assert not permissions.can_manage_catalogue(None)


def test_the_system_itself_may_manage(db):
    permissions.ensure_can_manage_catalogue(None)  # management commands

    with pytest.raises(PermissionDenied):
        permissions.ensure_can_manage_catalogue(AnonymousUser())
