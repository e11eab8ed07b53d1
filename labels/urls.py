"""Print screens, mounted at ``labels/`` with the namespace ``labels``."""

from django.urls import path

from labels import views

app_name = "labels"

urlpatterns = [
    path("print/", views.print_labels, name="print"),
    path("device/<str:tag>/", views.device_tag, name="device-tag"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job-retry"),
    path("jobs/<int:pk>/document/", views.job_document, name="job-document"),
]
