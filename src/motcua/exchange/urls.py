from django.urls import path

from motcua.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.reconciliation, name="reconciliation"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/resend/", views.resend, name="resend"),
]
