"""URLconf for the error-page tests: the project's URLs plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from motcua.urls import urlpatterns as project_urlpatterns


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [
    path("test-errors/403/", forbidden),
    path("test-errors/500/", broken),
    *project_urlpatterns,
]
