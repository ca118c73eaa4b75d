from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from motcua.documents.api.views import VerifyView

SWAGGER_CSP = {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE]}

api_v1: list[URLPattern | URLResolver] = [
    path("calendar/", include("motcua.organisations.api.urls")),
    path("catalogue/", include("motcua.catalogue.api.urls")),
    path("records/", include("motcua.records.api.urls")),
    path("public/", include("motcua.public.api.urls")),
    path("inbound/", include("motcua.apiaccess.api.urls")),
    path("reports/", include("motcua.reporting.api.urls")),
    path("imports/", include("motcua.reporting.api.urls_imports")),
    path("verify", VerifyView.as_view(), name="verify"),
    path("documents/", include("motcua.documents.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI runs an inline script and inline styles: its page alone allows them (CSP).
    path(
        "docs/",
        csp_update(SWAGGER_CSP)(SpectacularSwaggerView.as_view(url_name="api:schema")),
        name="docs",
    ),
]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"))),
    path("oauth/", include("motcua.apiaccess.urls_oauth")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("motcua.core.account_urls")),
    path("records/", include("motcua.records.urls")),
    path("documents/", include("motcua.documents.urls")),
    path("", include("motcua.documents.urls_public")),
    path("exchange/", include("motcua.exchange.urls")),
    path("", include("motcua.evaluation.urls")),
    path("", include("motcua.public.urls")),
    path("reports/", include("motcua.reporting.urls")),
    path("cong-khai/", include("motcua.reporting.urls_public")),
    path("", include("motcua.core.urls")),
]

handler400 = "motcua.core.views.bad_request"
handler404 = "motcua.core.views.page_not_found"

if settings.DEBUG:  # pragma: no cover
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)

__all__ = ["i18n_patterns", "urlpatterns"]
