from django.urls import path

from motcua.documents import views

app_name = "documents"

urlpatterns = [
    path("records/<int:pk>/", views.record_documents, name="record"),
    path("records/<int:pk>/result/", views.result_generate, name="generate"),
    path("records/<int:pk>/result/<int:result_pk>/sign/", views.result_sign, name="sign"),
    path("records/<int:pk>/result/<int:result_pk>/file/", views.result_file, name="file"),
    path("records/<int:pk>/reuse/", views.record_reuse, name="reuse"),
]
