"""A server process killed in the middle of a transition leaves no partial write behind.

A real child process runs the real ``device_transition`` against the test database, pauses at
the ``event_append`` fault point (device row written, event not yet inserted, transaction open)
and is killed with SIGKILL. The device and its history must be exactly as before, and the next
transition must go through.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading

import pytest
from django.db import connection
from django.test import override_settings

from refurb.chain import chains_verify
from refurb.models import Device, DeviceEvent
from refurb.states import State
from tests import factories
from tests.subproc import ROOT, child_env, current_database_url, run_manage
from workshop.faults import MARKER, armed_pause

TRANSITION = """
import django; django.setup()
from django.contrib.auth import get_user_model
from refurb.models import Device
from refurb.services import device_transition
from tests import factories
device = Device.objects.get(pk={device})
actor = get_user_model().objects.get(pk={actor})
factories.transition(device=device, to="written_off", actor=actor, reason="stolen")
print("COMMITTED", flush=True)
"""


def kill_when_paused(code: str, env: dict, timeout: float = 60) -> list[str]:
    """Start ``code`` in a child, SIGKILL it once it reports the pause; return its stderr."""
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "workshop.settings", "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    timer = threading.Timer(timeout, child.kill)
    timer.start()
    lines = []
    try:
        for line in child.stderr:
            lines.append(line)
            if line.startswith(MARKER):
                os.kill(child.pid, signal.SIGKILL)
                break
        child.wait(timeout=30)
    finally:
        timer.cancel()
    assert child.returncode == -signal.SIGKILL, "".join(lines)
    assert any(line.startswith(MARKER) for line in lines), "".join(lines)
    assert "COMMITTED" not in child.stdout.read()
    return lines


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQLite variant is below")
@pytest.mark.django_db(transaction=True)
def test_a_transition_killed_before_its_event_leaves_postgresql_unchanged(laptop, manager):
    before = Device.objects.values("state", "event_seq", "event_head").get(pk=laptop.pk)
    env = child_env(current_database_url(), ATELIER_FAULT_PAUSE="event_append:120")
    kill_when_paused(TRANSITION.format(device=laptop.pk, actor=manager.pk), env)

    assert Device.objects.values("state", "event_seq", "event_head").get(pk=laptop.pk) == before
    assert DeviceEvent.objects.filter(device=laptop).count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '10s'")  # the dead session's row lock is gone
    factories.transition(device=laptop, to=State.WRITTEN_OFF, actor=manager, reason="stolen")
    assert Device.objects.get(pk=laptop.pk).state == State.WRITTEN_OFF
    assert chains_verify().ok


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the PostgreSQL variant is above")
@pytest.mark.django_db(transaction=True)
def test_a_transition_killed_before_its_event_leaves_a_sqlite_file_unchanged(
    laptop, manager, tmp_path
):
    path = tmp_path / "atelier.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    url = f"sqlite:///{path}"

    def row():
        with sqlite3.connect(path) as db:
            state = db.execute(
                "SELECT state, event_seq, event_head FROM inventory_device WHERE id = ?",
                [laptop.pk],
            ).fetchone()
            events = db.execute(
                "SELECT count(*) FROM refurb_deviceevent WHERE device_id = ?", [laptop.pk]
            ).fetchone()[0]
        return state, events

    before = row()
    code = TRANSITION.format(device=laptop.pk, actor=manager.pk)
    kill_when_paused(code, child_env(url, ATELIER_FAULT_PAUSE="event_append:120"))
    assert row() == before

    retried = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**child_env(url), "DJANGO_SETTINGS_MODULE": "workshop.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "COMMITTED" in retried.stdout, retried.stderr
    (state, seq, _), events = row()
    assert (state, seq, events) == (State.WRITTEN_OFF, 2, 2)
    verified = run_manage("verify_event_chains", "--quiet", env=child_env(url))
    assert verified.returncode == 0, verified.stderr


@pytest.mark.parametrize(
    "debug, testing, spec, expected",
    [
        (True, False, "event_append:2.5", 2.5),
        (False, True, "event_append", 60.0),
        (True, False, "other_point:5", None),
        (True, False, "", None),
        (False, False, "event_append:5", None),
    ],
)
def test_fault_points_pause_only_when_armed_and_never_in_production(debug, testing, spec, expected):
    with override_settings(DEBUG=debug, TESTING=testing, ATELIER_FAULT_PAUSE=spec):
        assert armed_pause("event_append") == expected


def test_a_full_print_spool_is_reported_not_swallowed(tmp_path):
    from labels.printing import PDF, CupsPrinter, PrintError

    lp = tmp_path / "lp"
    lp.write_text(
        "#!/bin/sh\ncat >/dev/null\n"
        "echo 'lp: Unable to copy file: No space left on device' >&2\nexit 1\n"
    )
    lp.chmod(0o755)
    with pytest.raises(PrintError) as raised:
        CupsPrinter("etiquettes", lp=str(lp)).send(b"%PDF-1.4", content_type=PDF)
    assert raised.value.code == "lp_failed"
    assert "No space left on device" in raised.value.message
