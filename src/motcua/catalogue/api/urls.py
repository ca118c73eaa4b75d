from django.urls import path

from motcua.catalogue.api import views

urlpatterns = [
    path("procedures/", views.ProcedureListView.as_view(), name="catalogue-procedure-list"),
    path(
        "procedures/<str:code>/",
        views.ProcedureDetailView.as_view(),
        name="catalogue-procedure-detail",
    ),
]
