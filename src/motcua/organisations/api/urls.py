from django.urls import path

from motcua.organisations.api import views

urlpatterns = [path("due", views.CalendarDueView.as_view(), name="calendar-due")]
