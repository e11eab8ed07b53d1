"""URL names of the signing-in screens of the benches (namespace ``bench``, with the benches of
each app: ``workshop/urls.py`` puts them together)."""

from django.urls import path

from workshop.views import auth

urlpatterns = [
    path("", auth.home, name="home"),
    path("signin/", auth.signin, name="signin"),
    path("signout/", auth.signout, name="signout"),
    path("workstation/", auth.workstation_choose, name="workstation"),
]
