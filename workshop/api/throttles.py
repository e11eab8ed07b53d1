"""Request rates for the API (DRF throttling), read from ``ATELIER_THROTTLE_RATES``.

``TokenRateThrottle`` counts every request authenticated by a token (a person's or a
workstation's), per token; ``SnapshotRateThrottle`` counts posts to the snapshot endpoints,
per caller. A rate is ``"<n>/<second|minute|hour|day>"``; ``None`` switches it off (the test
suite does, except in the tests of throttling). Past the rate the API answers 429
``throttled`` with ``Retry-After``. Counts live in Django's cache: with several server
processes, configure a shared cache (Redis) so they add up.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class _SettingRateThrottle(SimpleRateThrottle):
    def get_rate(self):
        return (getattr(settings, "ATELIER_THROTTLE_RATES", {}) or {}).get(self.scope)

    def allow_request(self, request, view):
        # The rate is read per request, so a changed setting applies at once.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class TokenRateThrottle(_SettingRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is None or not hasattr(token, "digest"):
            return None  # sessions and anonymous requests are not counted here
        return self.cache_format % {"scope": self.scope, "ident": token.digest[:32]}


class SnapshotRateThrottle(_SettingRateThrottle):
    scope = "snapshots"

    def get_cache_key(self, request, view):
        if request.method != "POST":
            return None
        user = request.user
        workstation = getattr(user, "workstation", None)
        if workstation is not None:
            ident = f"ws{workstation.pk}"
        elif getattr(user, "is_authenticated", False):
            ident = f"u{user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
