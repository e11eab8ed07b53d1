"""The workshop's own jobs and the schedule of every periodic one (was: the README's cron lines).

Each periodic job runs a management command, the same one a person can run by hand
(docs/operations.md, "Jobs"). The commands are named, not imported, so this lowest layer
schedules the work of the apps above it without depending on them.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext_lazy

from workshop.backups import BackupError, backup_database, backups_rotate
from workshop.jobs import (
    JobFailed,
    crontab,
    job_kind,
    job_message,
    message_render,
    periodic_register,
)
from workshop.units import file_size_param

# What the "command" job may run, with the arguments the schedule gives it.
COMMANDS = {
    "expire_reservations": [],
    "refresh_report_rollups": [],
    "purge_idempotency_keys": ["--older-than-hours", "48"],
    "sign_chain_heads": ["--quiet"],
    "verify_event_chains": ["--quiet"],
    "rebuild_states": ["--quiet"],
    "check_integrity": [],
    "catalogue_rebuild": ["--quiet"],
}


@job_kind("command", label=gettext_lazy("scheduled command"), lease_seconds=3600)
def run_command(job, progress) -> dict:
    name = job.payload.get("command", "")
    if name not in COMMANDS:
        raise JobFailed(gettext_lazy("Unknown command: %(name)s."), name=name)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, *COMMANDS[name], stdout=out, stderr=err)
    except (CommandError, SystemExit) as exc:
        raise JobFailed(
            gettext_lazy("The command %(name)s failed: %(error)s"),
            name=name,
            error=str(exc),
            result={"output": (out.getvalue() + err.getvalue())[-4000:]},
        ) from exc
    output = out.getvalue().strip()
    return {"output": output[-4000:], "summary": output.splitlines()[-1] if output else ""}


@job_kind("backup", label=gettext_lazy("backup"), lease_seconds=3 * 3600)
def run_backup(job, progress) -> dict:
    directory = Path(job.payload.get("dir") or settings.BACKUP_DIR)
    try:
        path = backup_database(output_dir=directory, now=timezone.localtime())
    except BackupError as exc:
        raise JobFailed(gettext_lazy("The backup failed: %(error)s"), error=str(exc)) from exc
    removed = backups_rotate(directory, keep=settings.ATELIER_BACKUP_KEEP)
    size = path.stat().st_size
    summary = job_message(
        gettext_lazy("%(name)s (%(size)s), %(deleted)d old backup(s) deleted"),
        name=path.name,
        size=file_size_param(size),
        deleted=len(removed),
    )
    return {
        "summary_message": summary,
        "summary": message_render(summary),
        "path": str(path),
        "deleted": [p.name for p in removed],
    }


def _command(name: str, when, label) -> None:
    periodic_register("command", when, {"command": name}, label)


# The schedule (local time of settings.TIME_ZONE). docs/operations.md lists it.
_command("expire_reservations", crontab(minute="*/15"), gettext_lazy("reservation expiry"))
_command("refresh_report_rollups", crontab(minute="15", hour="2"), gettext_lazy("report rollups"))
periodic_register("backup", crontab(minute="30", hour="2"), {}, gettext_lazy("backup"))
# The catalogue follows every device event as it commits; the hourly rebuild puts right
# anything a failed refresh left behind.
_command("catalogue_rebuild", crontab(minute="40"), gettext_lazy("catalogue rebuild"))
_command(
    "purge_idempotency_keys", crontab(minute="45", hour="3"), gettext_lazy("idempotency-key purge")
)
_command("sign_chain_heads", crontab(minute="55", hour="23"), gettext_lazy("chain head signing"))
_command(
    "verify_event_chains",
    crontab(minute="0", hour="4", day_of_week="0"),
    gettext_lazy("event chain check"),
)
_command(
    "rebuild_states", crontab(minute="30", hour="4", day_of_week="0"), gettext_lazy("state check")
)
_command(
    "check_integrity",
    crontab(minute="45", hour="4", day_of_week="0"),
    gettext_lazy("integrity check"),
)
