"""Production settings pass Django's deployment checks; CSP, static files and sign-in throttling."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.backends import BaseBackend
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

from tests.subproc import child_env, run_manage, run_python
from workshop import roles
from workshop.security import lockout_message, lockout_response, login_identity


def test_the_deployment_check_reports_nothing_under_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=child_env(production=True)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_fails_when_debug_is_left_on():
    env = child_env(production=True, DEBUG="1")
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout


def test_production_settings_are_secure_and_the_proxy_header_is_opt_in():
    code = (
        "from django.conf import settings as s; import json; print(json.dumps({"
        "'redirect': s.SECURE_SSL_REDIRECT, 'cookies': s.SESSION_COOKIE_SECURE and "
        "s.CSRF_COOKIE_SECURE, 'hsts': s.SECURE_HSTS_SECONDS, "
        "'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
        "'storage': s.STORAGES['staticfiles']['BACKEND']}))"
    )
    plain = json.loads(run_python(code, env=child_env(production=True)).stdout)
    proxied = run_python(
        code, env=child_env(production=True, ATELIER_BEHIND_TLS_PROXY=1, ATELIER_HSTS_SECONDS=60)
    )
    proxied = json.loads(proxied.stdout)
    assert plain == {
        "redirect": True,
        "cookies": True,
        "hsts": 31_536_000,
        "proxy": None,
        "storage": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }
    assert (proxied["proxy"], proxied["hsts"]) == (["HTTP_X_FORWARDED_PROTO", "https"], 60)


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_without_inline_scripts(client):
    response = client.get("/admin/login/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_whitenoise_serves_collected_static_files_with_debug_off(tmp_path, settings):
    assert settings.DEBUG is False
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.templatetags.static import static

        hashed = static("admin/css/base.css")
        assert hashed != "/static/admin/css/base.css"
        response = Client().get(hashed, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]


# --- sign-in throttling -------------------------------------------------------------------


@pytest.fixture
def staff(make_user):
    return make_user(roles.MANAGER, username="claire", password="right-password-42", is_staff=True)


def admin_login(client, username, password):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_admin_login_locks_after_the_failure_limit_with_a_clear_message(client, staff):
    for _ in range(2):
        assert admin_login(client, "claire", "wrong").status_code == 200
    locked = admin_login(client, "claire", "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_locked_account_is_refused_even_with_the_right_password(client, staff):
    for _ in range(3):
        admin_login(client, "claire", "wrong")
    assert admin_login(client, "claire", "right-password-42").status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_lockout_is_per_account_and_a_manager_can_lift_it(client, staff, make_user):
    make_user(roles.MANAGER, username="karim", password="other-password-42", is_staff=True)
    for _ in range(3):
        admin_login(client, "claire", "wrong")
    assert admin_login(client, "karim", "other-password-42").status_code == 302
    call_command("axes_reset_username", "claire", verbosity=0)
    assert admin_login(Client(), "claire", "right-password-42").status_code == 302


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_successful_sign_in_clears_earlier_failures(client, staff):
    for _ in range(2):
        admin_login(client, "claire", "wrong")
    assert admin_login(client, "claire", "right-password-42").status_code == 302
    for _ in range(2):
        assert admin_login(Client(), "claire", "wrong").status_code == 200


def test_the_lockout_answers_the_api_error_shape_under_api():
    request = RequestFactory().post("/api/auth/token/")
    with translation.override("en"):
        response = lockout_response(request, None, {"username": "x"})
        expected = lockout_message()
    body = json.loads(response.content)
    assert response.status_code == 429
    assert body == {"code": "login_locked", "message": expected, "fields": {}}


@pytest.mark.parametrize(
    "credentials, identity",
    [
        ({"username": "claire"}, "claire"),
        ({"badge": "0042", "pin": "1234"}, "badge:0042"),
        ({}, None),
    ],
)
def test_failures_are_counted_per_username_or_per_badge(credentials, identity):
    request = RequestFactory().post("/")
    assert login_identity(request, credentials) == identity


class BadgeBackend(BaseBackend):
    """A stand-in for the screens' badge + PIN backend, to prove the documented hook."""

    def authenticate(self, request, badge=None, pin=None, **kwargs):
        from django.contrib.auth.models import User

        if badge == "0042" and pin == "1234":
            return User.objects.get(username="claire")
        return None


@pytest.mark.django_db
@override_settings(
    AXES_FAILURE_LIMIT=3,
    AUTHENTICATION_BACKENDS=[
        "workshop.security.AxesBackend",
        "django.contrib.auth.backends.ModelBackend",
        "tests.workshop.test_security.BadgeBackend",
    ],
)
def test_a_badge_backend_listed_after_axes_is_throttled_too(staff):
    def attempt(pin):
        request = RequestFactory().post("/bench/login/", {"badge": "0042", "pin": pin})
        return authenticate(request, badge="0042", pin=pin)

    assert attempt("1234") == staff
    for _ in range(3):
        assert attempt("0000") is None
    assert attempt("1234") is None
