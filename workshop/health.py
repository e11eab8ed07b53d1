"""A health check for load balancers and monitoring: the database, the job worker, the scheduler.

200 whenever the database answers, so a proxy keeps sending requests to a web process whose
screens work; the body says ``"status": "ok"`` when the worker and the scheduler were seen
within ``ATELIER_JOBS_STALE_MINUTES`` and the queue answers, ``"degraded"`` (red) otherwise,
with each one's last-seen time. Monitoring asks ``/health/?jobs=1``: then red is a 503.
A database outage is a 503 through DatabaseUnavailableMiddleware.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from workshop.jobs import heartbeats, queue_engine, queue_problem


@never_cache
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    beats = heartbeats()
    problem = queue_problem()
    ok = all(beat["ok"] for beat in beats.values()) and not problem
    body = {
        "status": "ok" if ok else "degraded",
        "database": "ok",
        "queue": {"engine": queue_engine(), "ok": not problem},
        "stale_after_minutes": settings.ATELIER_JOBS_STALE_MINUTES,
        **beats,
    }
    strict = request.GET.get("jobs") in ("1", "true", "yes")
    return JsonResponse(body, status=503 if strict and not ok else 200)
