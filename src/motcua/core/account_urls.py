from django.urls import path

from motcua.core import account_views

app_name = "account"
urlpatterns = [
    path("2fa/enrol/", account_views.otp_enrol, name="otp_enrol"),
    path("2fa/verify/", account_views.otp_verify, name="otp_verify"),
    path("password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        account_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
