"""Background jobs: one queue (huey) carrying job ids, the jobs themselves as database rows.

The apps above register what a job of each kind does (``job_kind``), screens and services
create jobs (``job_create``), a worker process runs them (``manage.py jobs_worker``) and a
scheduler process enqueues the periodic ones (``manage.py jobs_scheduler``). docs/design.md
("Jobs") says why huey and how the pieces fit; docs/operations.md how to run them.

The queue's engine comes from the settings (``ATELIER_JOBS_ENGINE``):

* ``sqlite`` (one workshop, the default): huey's SQLite storage in ``var/jobs.sqlite3``;
* ``redis`` (a network): huey's Redis storage at ``ATELIER_REDIS_URL``;
* ``immediate`` (the test suite): a job runs inside the call that creates it.

Guarantees. The queue only says "look at job N"; the row says what to do and whether it was
done. A worker *claims* a job with one conditional UPDATE (``queued`` → ``running``), so a job
enqueued twice (a re-sent message, a sweep) runs once. A running job holds a lease; when the
lease runs out (the worker was killed, the machine lost power), ``jobs_reap`` marks it
``failed`` with a message that says so, and it may be retried. A job's handler writes its
outcome in transactions of its own: killed half-way, it leaves what it had committed, never
half a transaction. When the queue is down (Redis outage), creating a job still records it:
the job waits as ``queued`` with a message, and the scheduler's sweep enqueues it again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from huey import Huey, MemoryHuey, RedisHuey, crontab
from huey.storage import SqliteStorage

from workshop.exceptions import DomainError

logger = logging.getLogger("atelier.jobs")

WORKER = "worker"
SCHEDULER = "scheduler"


# --- Messages -----------------------------------------------------------------------------


def job_message(text, **params) -> dict:
    """A job's message as stored: its msgid (the English source) and its parameters.

    ``text`` is a ``gettext_lazy`` string (so makemessages finds it); ``params`` are plain
    values or other messages (the printer's advice inside "attempt 2 failed: …"). The jobs page
    and the API render it in the reader's language (``message_render``), whoever wrote it: a
    worker started in French writes the same row as one started in English.
    """
    if isinstance(text, dict):
        return text
    if isinstance(text, Promise):
        with translation.override(None):
            msgid = str(text)
    else:  # a literal (a command's output, a DomainError's text): shown as it is
        return {"text": str(text)}
    return {"id": msgid, "params": {k: _param(v) for k, v in params.items()}}


def _param(value):
    if isinstance(value, dict):
        return value
    if isinstance(value, Promise):
        return job_message(value)
    if isinstance(value, (int, float)) or value is None:
        return value
    return str(value)


def message_render(data) -> str:
    """``data`` (from ``job_message``) in the active language; '' for an empty one."""
    if not data:
        return ""
    if not isinstance(data, dict):
        return str(data)
    if "id" not in data:
        return str(data.get("text", ""))
    params = {
        k: _param_render(v) if isinstance(v, dict) else v
        for k, v in (data.get("params") or {}).items()
    }
    text = _(data["id"]) if data["id"] else ""
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
        return data["id"] % params if params else data["id"]


def _param_render(value: dict) -> str:
    if set(value) == {"bytes"}:  # workshop.units.file_size_param: « 12,3 Mo » when read
        from workshop.units import file_size

        return file_size(value["bytes"])
    return message_render(value)


class JobFailed(Exception):
    """Raised by a handler: the job failed with ``message``.

    ``message`` is a ``gettext_lazy`` string with ``params`` (stored as its msgid, rendered in
    the reader's language), or a plain string shown as it is."""

    def __init__(self, message, *, result: dict | None = None, **params) -> None:
        self.data = job_message(message, **params)
        self.message = message_render(self.data)
        super().__init__(self.message)
        self.result = result or {}


@dataclass
class JobKind:
    name: str
    handler: Callable
    label: str = ""
    lease_seconds: int = 600
    retries: int = 0
    retry_delay: int = 10
    on_retry: Callable | None = None


_kinds: dict[str, JobKind] = {}


def job_kind(
    name: str,
    *,
    label="",
    lease_seconds: int = 600,
    retries: int = 0,
    retry_delay: int = 10,
    on_retry: Callable | None = None,
):
    """Register ``handler(job, progress) -> dict`` as what a job of kind ``name`` does.

    ``progress(done, total=None)`` records how far it is (the jobs page's bar). The handler
    raises ``JobFailed`` or ``DomainError`` to fail with a message. ``retries`` failed runs
    are tried again by the worker after ``retry_delay`` seconds before the job stays failed.
    ``on_retry(job)`` runs when a person retries a failed job (the app's own rows follow).
    """

    def register(handler: Callable) -> Callable:
        _kinds[name] = JobKind(
            name, handler, label or name, lease_seconds, retries, retry_delay, on_retry
        )
        return handler

    return register


def job_kinds() -> dict[str, JobKind]:
    return dict(_kinds)


# --- The queue ----------------------------------------------------------------------------


class LazySqliteStorage(SqliteStorage):
    """huey's SQLite storage, opened and created at its first use rather than at import.

    Every process imports the queue (a ``manage.py backup``, a check, the web server): on a
    full disk or a read-only ``var/`` it must still start and say what is wrong, not die at
    import on the queue file's ``journal_mode`` pragma."""

    def __init__(self, *args, **kwargs):
        kwargs["create_tables"] = False
        super().__init__(*args, **kwargs)
        self._schema_ready = False

    def db(self, commit=False, close=False):
        if not self._schema_ready:
            self._schema_ready = True
            try:
                self.initialize_schema()
            except Exception:
                self._schema_ready = False
                raise
        return super().db(commit=commit, close=close)


def queue_build(engine: str, *, redis_url: str = "", sqlite_path: str = ""):
    """A huey instance for ``engine`` (results are not kept: the Job row holds them)."""
    if engine == "redis":
        return RedisHuey("atelier-jobs", url=redis_url, results=False, utc=True)
    if engine == "immediate":
        return MemoryHuey("atelier-jobs", immediate=True, results=False, utc=True)
    return Huey(
        "atelier-jobs",
        storage_class=LazySqliteStorage,
        filename=sqlite_path,
        results=False,
        utc=True,
    )


queue = queue_build(
    settings.ATELIER_JOBS_ENGINE,
    redis_url=settings.ATELIER_REDIS_URL,
    sqlite_path=str(settings.ATELIER_JOBS_SQLITE),
)


def queue_configure(engine: str, *, redis_url: str = "", sqlite_path: str = "") -> None:
    """Point the one queue at another engine (the tests' real-worker cases)."""
    other = queue_build(engine, redis_url=redis_url, sqlite_path=sqlite_path)
    queue._immediate = other._immediate
    queue.storage = other.storage


def queue_engine() -> str:
    if queue.immediate:
        return "immediate"
    return (
        "redis"
        if isinstance(queue, RedisHuey) or "Redis" in type(queue.storage).__name__
        else "sqlite"
    )


def queue_problem() -> str:
    """'' when the queue answers, else a translated sentence for the jobs page."""
    if queue.immediate:
        return ""
    try:
        queue.pending_count()
    except Exception as exc:  # redis.ConnectionError, sqlite3.OperationalError…
        logger.warning("job queue unreachable: %s", exc)
        return _(
            "The job queue cannot be reached (%(engine)s): new prints and imports wait as "
            "“queued” and start once it is back. Everything else works. Ask the administrator "
            "to check the Redis service."
        ) % {"engine": queue_engine()}
    return ""


@queue.task(name="atelier.run_job")
def run_job(job_id: int) -> None:
    from django.db import close_old_connections

    # A worker thread is not a request: drop broken or expired connections around each job.
    close_old_connections()
    try:
        job_run(job_id)
    finally:
        close_old_connections()


def _send(job_id: int, *, delay: int = 0) -> bool:
    """Put job ``job_id`` on the queue; False (logged, the job stays queued) when it is down."""
    try:
        if delay and not queue.immediate:
            run_job.schedule((job_id,), delay=delay)
        else:
            queue.enqueue(run_job.s(job_id))
    except Exception as exc:
        from workshop.models import Job

        logger.warning("job %s not enqueued, the queue is down: %s", job_id, exc)
        _set_message(
            Job.objects.filter(pk=job_id, status=Job.Status.QUEUED),
            job_message(MESSAGES["waiting"]),
        )
        return False
    return True


def _enqueue(job_id: int) -> None:
    if queue.immediate:
        job_run(job_id)
    else:
        # After the commit that makes the row visible to the worker (at once outside one).
        transaction.on_commit(lambda: _send(job_id))


# --- Jobs ---------------------------------------------------------------------------------

# The messages the job system itself writes on a job (rendered when read: ``message_render``).
MESSAGES = {
    "waiting": gettext_lazy("Waiting: the job queue cannot be reached; it starts once it is back."),
    "unknown_kind": gettext_lazy("Unknown kind of job: %(kind)s."),
    "unexpected": gettext_lazy("The job stopped on an unexpected error: %(error)s"),
    "attempt_failed": gettext_lazy("Attempt %(n)d failed, trying again in %(s)d s: %(message)s"),
    "interrupted": gettext_lazy(
        "Interrupted: the worker stopped during this job (killed or restarted). What it "
        "had finished is kept; retry it to do the rest."
    ),
}


def _set_message(rows, data: dict, **changes) -> int:
    """Update ``rows`` with the message ``data`` (and its text in the writer's language)."""
    return rows.update(message=message_render(data), message_data=data, **changes)


def job_message_text(job) -> str:
    """The job's message in the active language (old rows: the text they were written with)."""
    if job.message_data:
        return message_render(job.message_data)
    return job.message


def job_summary_text(job) -> str:
    """What the job's result says in one line, in the active language."""
    result = job.result or {}
    if result.get("summary_message"):
        return message_render(result["summary_message"])
    return str(result.get("summary", ""))


def job_line(job) -> str:
    """The jobs page's line for ``job``: its message, else its summary."""
    return job_message_text(job) or job_summary_text(job)


def job_create(
    kind: str,
    payload: dict | None = None,
    *,
    actor=None,
    site=None,
    total: int = 0,
    start: bool = True,
):
    """Record a job of ``kind`` and enqueue it; return the Job (run already when immediate).

    With ``start=False`` the caller links the job to its own rows first, then ``job_start``."""
    from workshop.models import Job

    if kind not in _kinds:
        raise DomainError("job_kind_unknown", _("Unknown kind of job: %(kind)s.") % {"kind": kind})
    job = Job.objects.create(
        kind=kind,
        payload=payload or {},
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        site=site,
        total=total,
    )
    if start:
        job_start(job)
    return job


def job_start(job) -> None:
    """Enqueue ``job`` (run it now when the queue is immediate)."""
    _enqueue(job.pk)
    if queue.immediate:
        job.refresh_from_db()


def job_retry(job, *, actor=None):
    """Queue a failed ``job`` again (its handler resumes where a killed run stopped)."""
    from workshop.models import Job

    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
            status=Job.Status.QUEUED,
            message="",
            message_data={},
            finished_at=None,
            lease_until=None,
        )
    if not updated:
        job.refresh_from_db()
        raise DomainError(
            "job_not_failed",
            _("Only a failed job can be retried; this one is %(status)s.")
            % {"status": job.get_status_display()},
            status=409,
        )
    kind = _kinds.get(job.kind)
    if kind is not None and kind.on_retry is not None:
        kind.on_retry(job)
    _enqueue(job.pk)
    job.refresh_from_db()
    return job


def _progress_recorder(job_id: int) -> Callable:
    from workshop.models import Job

    def progress(done: int, total: int | None = None, *, result: dict | None = None) -> None:
        changes = {"done": done}
        if total is not None:
            changes["total"] = total
        if result is not None:
            changes["result"] = result
        Job.objects.filter(pk=job_id).update(**changes)

    return progress


def job_run(job_id: int, *, now: datetime | None = None) -> str:
    """Claim job ``job_id`` and run it; return its final status ('' when not claimed)."""
    from workshop.models import Job

    now = now or timezone.now()
    kind_name = Job.objects.filter(pk=job_id).values_list("kind", flat=True).first()
    if kind_name is None:
        return ""
    kind = _kinds.get(kind_name)
    lease = kind.lease_seconds if kind else 60
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started_at=now,
        lease_until=now + timedelta(seconds=lease),
        attempts=F("attempts") + 1,
        message="",
        message_data={},
    )
    if not claimed:  # already running elsewhere, done, or failed: a repeated message
        return ""
    heartbeat(WORKER)
    job = Job.objects.select_related("actor", "site").get(pk=job_id)
    if kind is None:
        return _finish(
            job, Job.Status.FAILED, job_message(MESSAGES["unknown_kind"], kind=kind_name)
        )
    try:
        result = kind.handler(job, _progress_recorder(job_id)) or {}
    except JobFailed as exc:
        return _failed(job, kind, exc.data, exc.result)
    except DomainError as exc:
        # A service's refusal: its text is already translated (in the worker's language);
        # the handlers of the kinds that fail often raise JobFailed with a msgid instead.
        return _failed(job, kind, job_message(exc.message), {"code": exc.code})
    except Exception as exc:  # a bug or an outage: recorded, logged, retryable
        logger.exception("job %s (%s) failed", job_id, kind_name)
        return _failed(job, kind, job_message(MESSAGES["unexpected"], error=str(exc)), {})
    return _finish(job, Job.Status.DONE, {}, result)


def _failed(job, kind: JobKind, message: dict, result: dict) -> str:
    from workshop.models import Job

    attempts = Job.objects.filter(pk=job.pk).values_list("attempts", flat=True).first() or 0
    if attempts <= kind.retries and not queue.immediate:
        _set_message(
            Job.objects.filter(pk=job.pk),
            job_message(
                MESSAGES["attempt_failed"], n=attempts, s=kind.retry_delay, message=message
            ),
            status=Job.Status.QUEUED,
            lease_until=None,
        )
        _send(job.pk, delay=kind.retry_delay)
        return Job.Status.QUEUED
    return _finish(job, Job.Status.FAILED, message, result)


def _finish(job, status: str, message: dict, result: dict | None = None) -> str:
    from workshop.models import Job

    changes = {
        "status": status,
        "message": message_render(message),
        "message_data": message or {},
        "finished_at": timezone.now(),
        "lease_until": None,
    }
    if result is not None:
        merged = dict(Job.objects.filter(pk=job.pk).values_list("result", flat=True).first() or {})
        merged.update(result)
        changes["result"] = merged
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(**changes)
    return status


def jobs_reap(*, now: datetime | None = None) -> int:
    """Mark ``failed`` the running jobs whose lease ran out (their worker died); return how many."""
    from workshop.models import Job

    now = now or timezone.now()
    return _set_message(
        Job.objects.filter(status=Job.Status.RUNNING, lease_until__lt=now),
        job_message(MESSAGES["interrupted"]),
        status=Job.Status.FAILED,
        finished_at=now,
        lease_until=None,
    )


def jobs_sweep(*, now: datetime | None = None, older_than_seconds: int = 120) -> int:
    """Enqueue again the jobs left ``queued`` (the queue was down when they were made)."""
    from workshop.models import Job

    now = now or timezone.now()
    ids = list(
        Job.objects.filter(
            status=Job.Status.QUEUED, created_at__lt=now - timedelta(seconds=older_than_seconds)
        ).values_list("pk", flat=True)[:500]
    )
    return sum(1 for job_id in ids if _send(job_id))


# --- Files made by jobs (exports, archives) -------------------------------------------------


def job_file_save(job, name: str, content, content_type: str) -> dict:
    """Keep the file a job made in the media storage (``exports/<job id>/<name>``: the local
    folder, or S3 through django-storages on a network) and return what its result records.

    Any web process serves it afterwards (``job_file_url``), whichever worker wrote it."""
    from django.core.files.base import ContentFile, File
    from django.core.files.storage import default_storage

    safe = os.path.basename(name).replace("\x00", "") or "export"
    if isinstance(content, bytes):
        content = ContentFile(content)
    else:  # a file object (the audit archive's temporary file): streamed, not read whole
        content.seek(0, os.SEEK_END)
        size = content.tell()
        content.seek(0)
        content = File(content, name=safe)
        content.size = size
    stored = default_storage.save(f"exports/{job.pk}/{safe}", content)
    return {"file": stored, "file_name": safe, "content_type": content_type, "size": content.size}


def job_file_url(job) -> str | None:
    """The download address of the file ``job`` made, once it is done; else None."""
    from django.urls import reverse

    if job.status != "done" or not (job.result or {}).get("file"):
        return None
    return reverse("bench:job-file", args=[job.pk])


def job_file_open(job):
    """``(file, name, content_type)`` of the file ``job`` made (from the media storage)."""
    from django.core.files.storage import default_storage

    result = job.result or {}
    return (
        default_storage.open(result["file"], "rb"),
        result.get("file_name") or os.path.basename(result["file"]),
        result.get("content_type") or "application/octet-stream",
    )


def jobs_visible_to(user):
    """The jobs ``user`` may read: their sites' jobs; every job for a network manager."""
    from django.db.models import Q

    from workshop.models import Job
    from workshop.selectors import user_site_ids

    site_ids = user_site_ids(user)
    jobs = Job.objects.select_related("actor", "site")
    if site_ids is None:
        return jobs
    return jobs.filter(Q(site_id__in=site_ids))


def job_retry_by(job, *, actor):
    """``job_retry`` by a person: a manager of the job's site (every site: site-less jobs)."""
    from workshop.access import access_check, site_refusal
    from workshop.selectors import user_site_ids

    if job.site_id is None and user_site_ids(actor) is not None:
        access_check("job", "retry", site=None, actor=actor)
        raise site_refusal(None)
    access_check("job", "retry", site=job.site_id, actor=actor)
    return job_retry(job, actor=actor)


# --- Heartbeats ---------------------------------------------------------------------------


def heartbeat(name: str, *, now: datetime | None = None) -> None:
    """Record that the process ``name`` (worker, scheduler) is alive."""
    from workshop.models import Heartbeat

    detail = f"{socket.gethostname()} pid {os.getpid()}"[:200]
    try:
        Heartbeat.objects.update_or_create(
            name=name, defaults={"seen_at": now or timezone.now(), "detail": detail}
        )
    except Exception:  # never stop a job for its heartbeat
        logger.exception("heartbeat %s not recorded", name)


def heartbeat_thread(name: str, every_seconds: float = 30.0) -> threading.Event:
    """Beat ``name`` every ``every_seconds`` in a daemon thread; set the event to stop it."""
    stop = threading.Event()

    def beat() -> None:
        from django.db import connection

        while not stop.is_set():
            heartbeat(name)
            connection.close()
            stop.wait(every_seconds)

    threading.Thread(target=beat, name=f"heartbeat-{name}", daemon=True).start()
    return stop


def heartbeats(*, now: datetime | None = None) -> dict:
    """``{name: {"seen_at", "age_seconds", "ok"}}`` for the worker and the scheduler."""
    from workshop.models import Heartbeat

    now = now or timezone.now()
    limit = settings.ATELIER_JOBS_STALE_MINUTES * 60
    seen = {row.name: row for row in Heartbeat.objects.filter(name__in=[WORKER, SCHEDULER])}
    answer = {}
    for name in (WORKER, SCHEDULER):
        row = seen.get(name)
        if queue.immediate:
            answer[name] = {"seen_at": None, "age_seconds": 0, "ok": True, "detail": "immediate"}
            continue
        age = (now - row.seen_at).total_seconds() if row else None
        answer[name] = {
            "seen_at": row.seen_at.isoformat() if row else None,
            "age_seconds": round(age) if age is not None else None,
            "ok": age is not None and age <= limit,
            "detail": row.detail if row else "",
        }
    return answer


# --- Periodic work ------------------------------------------------------------------------


@dataclass
class Periodic:
    """A job created by the scheduler when ``when`` (a huey crontab) matches the local time."""

    kind: str
    when: Callable[[datetime], bool]
    payload: dict = field(default_factory=dict)
    label: str = ""


_periodic: list[Periodic] = []


def periodic_register(kind: str, when, payload: dict | None = None, label: str = "") -> None:
    _periodic.append(Periodic(kind, when, payload or {}, label or kind))


def periodic_tasks() -> list[Periodic]:
    return list(_periodic)


def scheduler_tick(*, now: datetime | None = None) -> list:
    """What the scheduler does each minute: beat, reap, sweep, create the periodic jobs due."""
    now = now or timezone.now()
    local = timezone.localtime(now).replace(tzinfo=None, second=0, microsecond=0)
    heartbeat(SCHEDULER, now=now)
    jobs_reap(now=now)
    jobs_sweep(now=now)
    created = []
    for task in _periodic:
        if task.when(local):
            created.append(job_create(task.kind, dict(task.payload)))
    return created


__all__ = [
    "JobFailed",
    "crontab",
    "heartbeat",
    "heartbeats",
    "job_create",
    "job_kind",
    "job_line",
    "job_message",
    "job_message_text",
    "job_retry",
    "job_run",
    "jobs_reap",
    "jobs_sweep",
    "message_render",
    "periodic_register",
    "queue",
    "scheduler_tick",
]
