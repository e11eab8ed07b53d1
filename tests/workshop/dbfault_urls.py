"""A tiny URLconf for fault tests: one API-like path and one screen-like path, both querying."""

from django.contrib.auth.models import User
from django.http import HttpResponse, JsonResponse
from django.urls import path


def api_ping(request):
    return JsonResponse({"users": User.objects.count()})


def screen(request):
    return HttpResponse(f"users: {User.objects.count()}")


urlpatterns = [
    path("api/ping/", api_ping),
    path("screen/", screen),
]
