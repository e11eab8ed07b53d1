"""A health check for load balancers and monitoring: answers 200 only when the database does."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def health(request):
    """Run one query; a database outage becomes a 503 through DatabaseUnavailableMiddleware."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})
