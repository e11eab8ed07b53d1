"""Back up and restore the whole database, SQLite or PostgreSQL, with checks at each end.

SQLite: the online backup API copies a consistent snapshot while the workshop keeps working,
then ``PRAGMA integrity_check`` proves the copy readable. PostgreSQL: ``pg_dump
--format=custom``, then ``pg_restore --list`` proves the archive complete. A backup is written
under a ``.partial`` name and renamed only once checked, so a full disk or a crash never leaves
a file that looks like a good backup. Every failure raises ``BackupError`` with a message that
says what to do; nothing is swallowed.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from django.db import connections

Progress = Callable[[str], None]
PAGES_PER_STEP = 1024
PG_CLIENT_HINT = (
    "Install the PostgreSQL client tools of the server's major version or newer "
    "(Debian: apt-get install postgresql-client)."
)


class BackupError(Exception):
    """A backup or a restore could not be completed; the message says why and what to do."""


def _silent(_: str) -> None:
    return None


def backup_name(vendor: str, now: datetime) -> str:
    suffix = "sqlite3" if vendor == "sqlite" else "dump"
    return f"atelier-{now:%Y%m%d-%H%M%S}.{suffix}"


def human_size(size: int) -> str:
    """The backup's size for the command line's English report ("12.3 MB"): the one
    formatter, ``workshop.units.file_size``, in English."""
    from django.utils import translation

    from workshop.units import file_size

    with translation.override("en"):
        return file_size(size)


def _free_space(directory: Path) -> str:
    try:
        return f"{human_size(shutil.disk_usage(directory).free)} free there"
    except OSError:
        return "unknown"


def _sqlite_check(target: sqlite3.Connection, what: str) -> None:
    result = [row[0] for row in target.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise BackupError(f"{what} failed its integrity check: {'; '.join(result[:5])}")


def _pg_env(settings_dict: dict) -> dict:
    env = dict(os.environ)
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed on this server. {PG_CLIENT_HINT}")
    return path


def _run_pg(args: list[str], env: dict, progress: Progress, what: str) -> None:
    try:
        proc = subprocess.Popen(
            args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
    except OSError as exc:
        raise BackupError(f"Could not run {args[0]}: {exc}") from exc
    tail: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip()
        tail = (tail + [line])[-5:]
        progress(line)
    status = proc.wait()
    if status == 0:
        return
    if status < 0:
        name = signal.Signals(-status).name
        tail.append(f"killed by {name}")
        if name == "SIGXFSZ":
            tail.append("the file grew too large for this system's file size limit")
    raise BackupError(f"{what} failed: {' | '.join(tail) or f'exit status {status}'}")


def backup_database(
    *, output_dir: Path, now: datetime, alias: str = "default", progress: Progress = _silent
) -> Path:
    """Write a checked backup of database ``alias`` into ``output_dir``; return its path."""
    connection = connections[alias]
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    if vendor == "postgresql":
        _pg_tool("pg_dump")
    final = output_dir / backup_name(vendor, now)
    partial = final.with_name(final.name + ".partial")
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        if vendor == "sqlite":
            _backup_sqlite(connection, partial, progress)
        else:
            _backup_postgresql(connection.settings_dict, partial, progress)
        os.replace(partial, final)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(
            f"Could not write the backup to {final}: {exc}. Check the free space "
            f"({_free_space(output_dir)}) and the permissions of the backup directory."
        ) from exc
    except BackupError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(
            f"{exc}. Nothing was kept in {output_dir} ({_free_space(output_dir)})."
        ) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return final


def _backup_sqlite(connection, partial: Path, progress: Progress) -> None:
    connection.ensure_connection()
    source = connection.connection

    def step(status, remaining, total):
        progress(f"copied {total - remaining}/{total} pages")

    target = sqlite3.connect(partial)
    try:
        source.backup(target, pages=PAGES_PER_STEP, progress=step)
        _sqlite_check(target, "The backup")
    finally:
        target.close()


def _backup_postgresql(settings_dict: dict, partial: Path, progress: Progress) -> None:
    env = _pg_env(settings_dict)
    args = [
        _pg_tool("pg_dump"),
        "--format=custom",
        "--verbose",
        f"--file={partial}",
        f"--dbname={settings_dict['NAME']}",
    ]
    _run_pg(args, env, progress, "pg_dump")
    check = subprocess.run(
        [_pg_tool("pg_restore"), "--list", str(partial)], env=env, capture_output=True, text=True
    )
    if check.returncode != 0:
        raise BackupError(f"The dump is unreadable: {check.stderr.strip()}")


def restore_database(*, source: Path, alias: str = "default", progress: Progress = _silent):
    """Replace every row of database ``alias`` by the content of backup ``source``."""
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    connection = connections[alias]
    if connection.vendor == "sqlite":
        _restore_sqlite(connection, source, progress)
    elif connection.vendor == "postgresql":
        _restore_postgresql(connection, source, progress)
    else:
        raise BackupError(f"Restoring {connection.vendor} databases is not supported.")


def _restore_sqlite(connection, source: Path, progress: Progress) -> None:
    try:
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot open {source}: {exc}") from exc
    try:
        _sqlite_check(backup, f"{source}")
        connection.ensure_connection()

        def step(status, remaining, total):
            progress(f"restored {total - remaining}/{total} pages")

        backup.backup(connection.connection, pages=PAGES_PER_STEP, progress=step)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Cannot restore {source}: {exc}") from exc
    finally:
        backup.close()


def _restore_postgresql(connection, source: Path, progress: Progress) -> None:
    settings_dict = connection.settings_dict
    tool = _pg_tool("pg_restore")
    connection.close()
    args = [
        tool,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        "--verbose",
        f"--dbname={settings_dict['NAME']}",
        str(source),
    ]
    _run_pg(args, _pg_env(settings_dict), progress, "pg_restore")


def backups_rotate(output_dir: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups (``atelier-*``) in ``output_dir``; return them."""
    found = sorted(
        (path for path in Path(output_dir).glob("atelier-*") if not path.name.endswith(".partial")),
        key=lambda path: path.name,
        reverse=True,
    )
    removed = found[max(keep, 1) :]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
