from django.urls import path

from motcua.documents.api import views

urlpatterns = [
    path(
        "records/<int:record_id>/result",
        views.ResultGenerateView.as_view(),
        name="documents-result-generate",
    ),
    path(
        "records/<int:record_id>/result/<int:result_id>/sign",
        views.ResultSignView.as_view(),
        name="documents-result-sign",
    ),
]
