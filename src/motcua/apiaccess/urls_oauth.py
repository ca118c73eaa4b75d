"""``/oauth/``: the token endpoint (client credentials) and token revocation."""

from django.urls import path
from oauth2_provider import views as oauth_views

app_name = "oauth"

urlpatterns = [
    path("token/", oauth_views.TokenView.as_view(), name="token"),
    path("revoke/", oauth_views.RevokeTokenView.as_view(), name="revoke"),
]
