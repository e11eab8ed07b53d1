"""The skills passport's screens (namespace ``skills``)."""

from django.urls import path

from skills import views

app_name = "skills"

urlpatterns = [
    path("skills/me/", views.me, name="me"),
    path("skills/team/", views.team, name="team"),
    path("skills/worker/<int:pk>/", views.worker_page, name="worker"),
    path("skills/worker/<int:pk>/validate/", views.validate, name="validate"),
    path("skills/worker/<int:pk>/attestation.pdf", views.attestation, name="attestation"),
]
