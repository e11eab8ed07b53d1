"""Backups restore exactly what existed when they were taken; failures are loud, never partial."""

from __future__ import annotations

import os
import re
import resource
import signal
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from refurb.chain import chains_verify
from refurb.models import Device
from refurb.states import State
from tests import factories
from tests.subproc import child_env, current_database_url, run_manage
from workshop.backups import BackupError, backup_database

COUNTED = ("inventory_device", "refurb_deviceevent", "refurb_drive", "auth_user")
# One per pytest-xdist worker: two workers may restore at the same time.
RESTORE_DB = f"harden_restore_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def fill(site, bench_worker, manager, devices=3):
    for _ in range(devices):
        device = factories.make_device(site=site, actor=bench_worker)
        factories.transition(device=device, to=State.WRITTEN_OFF, actor=manager, reason="lost")


def snapshot(cursor) -> dict:
    counts = {}
    for table in COUNTED:
        cursor.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cursor.fetchone()[0]
    cursor.execute("SELECT asset_tag, event_seq, event_head FROM inventory_device ORDER BY id")
    counts["heads"] = [tuple(row) for row in cursor.fetchall()]
    return counts


def change_everything(site, bench_worker, manager):
    fill(site, bench_worker, manager, devices=1)
    device = Device.objects.order_by("pk").first()
    factories.transition(device=device, to=State.RECEIVED, actor=manager, reason="found again")


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite backup API; pg_dump is tested further down"
)
pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL"
)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_restores_counts_and_chains_as_they_were(
    tmp_path, site, bench_worker, manager, capsys
):
    fill(site, bench_worker, manager)
    with connection.cursor() as cursor:
        before = snapshot(cursor)
    call_command("backup", "--output", str(tmp_path))
    out = capsys.readouterr()
    (backup,) = tmp_path.glob("atelier-*.sqlite3")
    assert re.fullmatch(r"atelier-\d{8}-\d{6}\.sqlite3", backup.name)
    assert f"Backup written: {backup} (" in out.out
    assert "pages" in out.err

    change_everything(site, bench_worker, manager)
    with connection.cursor() as cursor:
        assert snapshot(cursor) != before

    call_command("restore", str(backup), "--yes", "--quiet")
    with connection.cursor() as cursor:
        assert snapshot(cursor) == before
    assert chains_verify().ok


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_passes_its_integrity_check(tmp_path, site, bench_worker, manager):
    fill(site, bench_worker, manager, devices=1)
    path = backup_database(output_dir=tmp_path, now=datetime(2026, 1, 2))
    with sqlite3.connect(path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM refurb_deviceevent").fetchone() == (2,)


@pytest.mark.django_db(transaction=True)
def test_a_corrupt_backup_is_refused_before_anything_is_replaced(tmp_path, laptop):
    bad = tmp_path / "atelier-20260101-000000.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    with pytest.raises(CommandError):
        call_command("restore", str(bad), "--yes", "--quiet")
    assert Device.objects.filter(pk=laptop.pk).exists()


@pytest.mark.django_db
def test_a_restore_without_yes_and_without_a_terminal_is_refused(tmp_path):
    backup = tmp_path / "x.sqlite3"
    backup.write_bytes(b"")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(backup))


def test_a_missing_pg_dump_is_a_clear_error(monkeypatch, tmp_path, settings):
    from workshop import backups

    monkeypatch.setenv("PATH", str(tmp_path))

    class FakePg:
        vendor = "postgresql"
        settings_dict = {"NAME": "atelier"}

    monkeypatch.setattr(backups, "connections", {"default": FakePg()})
    with pytest.raises(BackupError, match="pg_dump is not installed.*postgresql-client"):
        backup_database(output_dir=tmp_path / "out", now=datetime(2026, 1, 2))
    assert not (tmp_path / "out").exists()


def admin_connection():
    params = connection.settings_dict
    return psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"] or "postgres",
        dbname="postgres",
        autocommit=True,
    )


def restore_url() -> str:
    return current_database_url().rsplit("/", 1)[0] + "/" + RESTORE_DB


@pg_only
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_dump_restores_counts_and_chains_as_they_were(
    tmp_path, site, bench_worker, manager, capsys
):
    fill(site, bench_worker, manager)
    with connection.cursor() as cursor:
        before = snapshot(cursor)
    call_command("backup", "--output", str(tmp_path))
    (dump,) = tmp_path.glob("atelier-*.dump")
    assert f"Backup written: {dump} (" in capsys.readouterr().out

    change_everything(site, bench_worker, manager)
    with admin_connection() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {RESTORE_DB}")
        admin.execute(f"CREATE DATABASE {RESTORE_DB}")
    env = child_env(restore_url())
    try:
        for attempt in ("into an empty database", "over the restored one (--clean)"):
            result = run_manage("restore", str(dump), "--yes", "--quiet", env=env)
            assert result.returncode == 0, f"{attempt}: {result.stderr}"
            with psycopg.connect(restore_url().replace("postgres://", "postgresql://")) as db:
                assert snapshot(db.cursor()) == before, attempt
        verified = run_manage("verify_event_chains", "--quiet", env=env)
        assert verified.returncode == 0, verified.stderr
        assert f"{len(before['heads'])} devices" in verified.stdout
    finally:
        with admin_connection() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)")


# --- a full disk ----------------------------------------------------------------------------


def tiny_files(limit: int):
    """Return a preexec_fn capping file sizes at ``limit`` bytes (EFBIG, not a fatal signal)."""

    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def database_for_a_child(tmp_path: Path) -> str:
    """Return a DATABASE_URL a child process can read: a file copy on SQLite."""
    if connection.vendor == "postgresql":
        return current_database_url()
    connection.ensure_connection()
    copy = tmp_path / "source.sqlite3"
    target = sqlite3.connect(copy)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{copy}"


@pytest.mark.django_db(transaction=True)
def test_a_full_disk_makes_the_backup_fail_loudly_and_leaves_no_file(
    tmp_path, site, bench_worker, manager
):
    fill(site, bench_worker, manager, devices=5)
    out = tmp_path / "backups"
    env = child_env(database_for_a_child(tmp_path), PYTHONDONTWRITEBYTECODE=1)
    result = run_manage(
        "backup", "--output", str(out), "--quiet", env=env, preexec_fn=tiny_files(8192)
    )
    assert result.returncode == 1
    assert "Could not write the backup" in result.stderr or "pg_dump failed" in result.stderr
    assert re.search("too large|disk is full|disk I/O error", result.stderr, re.IGNORECASE), (
        result.stderr
    )
    assert "free" in result.stderr
    assert list(out.glob("*")) == []


def test_the_file_size_limit_really_stops_writes(tmp_path):
    probe = subprocess.run(
        ["dd", "if=/dev/zero", f"of={tmp_path / 'big'}", "bs=4096", "count=16"],
        preexec_fn=tiny_files(8192),
        capture_output=True,
        text=True,
    )
    assert probe.returncode != 0
    assert (tmp_path / "big").stat().st_size <= 8192
