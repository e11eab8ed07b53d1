"""URL names of the signing-in screens of the benches (namespace ``bench``, with the benches of
each app: ``workshop/urls.py`` puts them together)."""

from django.urls import path

from workshop.views import auth, jobs

urlpatterns = [
    path("", auth.home, name="home"),
    path("signin/", auth.signin, name="signin"),
    path("signout/", auth.signout, name="signout"),
    path("workstation/", auth.workstation_choose, name="workstation"),
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/<int:pk>/retry/", jobs.job_retry_view, name="job-retry"),
    path("jobs/<int:pk>/file/", jobs.job_file, name="job-file"),
]
