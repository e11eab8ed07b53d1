"""Sign-in with a badge barcode and a short PIN, the norm at the benches.

``BadgeBackend`` extends Django's ``ModelBackend`` (so permissions work the same) and only adds
``authenticate(request, badge=..., pin=...)``. An unknown badge still costs one hash, so the
time taken does not tell whether a badge exists.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password

from workshop.models import WorkerBadge
from workshop.services import badge_normalize


class BadgeBackend(ModelBackend):
    def authenticate(self, request, badge=None, pin=None, **kwargs):
        if badge is None or pin is None:
            return None
        found = (
            WorkerBadge.objects.select_related("user")
            .filter(code=badge_normalize(badge), is_active=True)
            .first()
        )
        if found is None:
            make_password(pin)
            return None
        if found.check_pin(pin) and self.user_can_authenticate(found.user):
            return found.user
        return None
