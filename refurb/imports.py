"""Bench reports imported in bulk: the files an offline agent left on its USB stick.

When the bench agent cannot reach the server it writes each report to its ``--fallback-dir``
(docs/bench-agent.md). A person at a bench uploads those files (several files, or one .zip of
the folder) on the import screen; ``report_upload_read`` checks them in the request (sizes, a
zip's members read with bounded reads, never extracted by their names), ``report_import_start``
keeps them in the media storage and creates one job, and the job (``refurb.tasks``) imports
each file with ``report_file_import`` through the services the API uses: ``snapshot_ingest``
for a hardware snapshot, ``erasure_import`` for erasure evidence.

Each file imported is recorded by its SHA-256 (``ReportImport``, unique) in the transaction
that imports it: a file imported twice (twice on the stick, uploaded again, a job retried
after its worker was killed) records nothing the second time and says so. A snapshot already
received by the API (its raw SHA-256 in ``Snapshot``) is a duplicate too.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from refurb.ingest import erasure_import, report_error, snapshot_ingest
from refurb.ingest.devices import device_by_serial, device_by_tag
from refurb.models import ReportImport, Snapshot
from refurb.snapshots import parse_snapshot
from refurb.snapshots.errors import ReportError
from workshop.access import site_allowed
from workshop.api.parsers import JsonLimitError, json_loads_checked
from workshop.exceptions import DomainError
from workshop.jobs import job_create, job_start
from workshop.roles import BENCH_ROLES, user_roles

KIND = "report_import"
MAX_FILE_BYTES = 10 * 1024 * 1024  # as POST /api/snapshots/
MAX_FILES = 200
MAX_TOTAL_BYTES = 100 * 1024 * 1024  # what all the files (a zip's, uncompressed) add up to
QUEUED_INSTALLATION = "atelier-installation"

IMPORTED = "imported"
DUPLICATE = "duplicate"
REFUSED = "refused"


@dataclass
class UploadedReport:
    name: str
    data: bytes | None = None
    refused: str = ""


def _mib(n: int) -> str:
    return f"{n // (1024 * 1024)}"


def _clean_name(name: str) -> str:
    """The file's own name, never a path: no folder, no NUL or control character."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    return base[:120] or "?"


def _skipped(name: str) -> bool:
    """Entries of a zip that are not reports: folders, hidden and system files, temp files."""
    parts = name.replace("\\", "/").split("/")
    base = parts[-1]
    return (
        not base
        or any(part.startswith(".") and part not in {".", ".."} for part in parts)
        or "__MACOSX" in parts
        or base.endswith(".part")
        or base.lower() in {"thumbs.db", "desktop.ini"}
    )


def _too_large(name: str) -> str:
    return _("%(name)s is larger than the %(mib)s MiB a report may be: it was not read.") % {
        "name": name,
        "mib": _mib(MAX_FILE_BYTES),
    }


def _refuse_upload(message: str) -> DomainError:
    return DomainError("import_refused", message, fields={"files": [message]}, status=400)


def report_upload_read(files) -> list[UploadedReport]:
    """Read the uploaded files (Django ``UploadedFile``s): plain reports and/or .zip archives.

    Raises ``DomainError`` when the upload as a whole cannot be taken (no file, too many, too
    large all together, a broken zip); a file that cannot be read on its own comes back with
    ``refused`` set, and the job lists it with that reason."""
    reports: list[UploadedReport] = []
    total = 0

    def add(report: UploadedReport) -> None:
        nonlocal total
        if len(reports) >= MAX_FILES:
            raise _refuse_upload(
                _("More than %(max)s files at once: import the folder in several parts.")
                % {"max": MAX_FILES}
            )
        total += len(report.data or b"")
        if total > MAX_TOTAL_BYTES:
            raise _refuse_upload(
                _("The files add up to more than %(mib)s MiB: import them in several parts.")
                % {"mib": _mib(MAX_TOTAL_BYTES)}
            )
        reports.append(report)

    for upload in files:
        name = _clean_name(upload.name or "")
        if upload.size is not None and upload.size > MAX_TOTAL_BYTES:
            raise _refuse_upload(_too_large(name))
        head = upload.read(4)
        upload.seek(0)
        if head.startswith(b"PK\x03\x04") or name.lower().endswith(".zip"):
            for report in _zip_members(upload, name):
                add(report)
            continue
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            add(UploadedReport(name, refused=_too_large(name)))
            continue
        data = upload.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            add(UploadedReport(name, refused=_too_large(name)))
        else:
            add(UploadedReport(name, data))
    if not reports:
        raise _refuse_upload(
            _("Choose the report files of the stick's folder (or one .zip of the folder).")
        )
    return reports


def _zip_members(upload, zip_name: str):
    """The reports in a zip, read member by member with bounded reads (a zip bomb stops at
    the limits, whatever its headers claim); names are kept as labels only, never as paths."""
    try:
        archive = zipfile.ZipFile(upload)
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse_upload(
            _("%(name)s is not a zip archive that can be read (%(detail)s).")
            % {"name": zip_name, "detail": exc}
        ) from exc
    if len(members) > MAX_FILES:
        raise _refuse_upload(
            _("More than %(max)s files at once: import the folder in several parts.")
            % {"max": MAX_FILES}
        )
    declared = sum(info.file_size for info in members)
    if declared > MAX_TOTAL_BYTES:
        raise _refuse_upload(
            _("The files add up to more than %(mib)s MiB: import them in several parts.")
            % {"mib": _mib(MAX_TOTAL_BYTES)}
        )
    for info in members:
        if _skipped(info.filename):
            continue
        name = _clean_name(info.filename)
        if name.lower().endswith(".zip"):
            yield UploadedReport(
                name,
                refused=_("%(name)s is a zip inside the zip: it is not opened.") % {"name": name},
            )
            continue
        if info.file_size > MAX_FILE_BYTES:
            yield UploadedReport(name, refused=_too_large(name))
            continue
        try:
            with archive.open(info) as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except (RuntimeError, NotImplementedError, zipfile.BadZipFile, OSError, EOFError) as exc:
            # An encrypted member, an unknown compression, a corrupt one.
            yield UploadedReport(
                name,
                refused=_("%(name)s could not be read from the zip (%(detail)s).")
                % {"name": name, "detail": exc},
            )
            continue
        if len(data) > MAX_FILE_BYTES:
            yield UploadedReport(name, refused=_too_large(name))
        else:
            yield UploadedReport(name, data)


def _role_check(actor) -> None:
    if not user_roles(actor) & BENCH_ROLES:
        raise DomainError(
            "forbidden",
            _("Importing bench reports is for bench workers, coaches and managers."),
            status=403,
        )


def report_import_start(*, reports: list[UploadedReport], actor, workstation, language=None):
    """Keep the uploaded reports in the media storage and create the job that imports them."""
    _role_check(actor)
    if workstation is None or not site_allowed(workstation.site_id, actor=actor):
        raise DomainError(
            "other_site",
            _("Import the reports from a workstation of your own site."),
            status=403,
        )
    job = job_create(
        KIND,
        {},
        actor=actor,
        site=workstation.site,
        total=len(reports),
        start=False,
    )
    files = []
    for index, report in enumerate(reports, start=1):
        entry = {"name": report.name}
        if report.refused:
            entry["refused"] = report.refused
        else:
            safe = re.sub(r"[^A-Za-z0-9._-]+", "_", report.name)[:80] or "report"
            entry["path"] = default_storage.save(
                f"imports/{job.pk}/{index:04d}-{safe}", ContentFile(report.data)
            )
            entry["size"] = len(report.data)
        files.append(entry)
    job.payload = {
        "files": files,
        "workstation": workstation.pk,
        "language": language or translation.get_language() or "fr",
    }
    job.save(update_fields=["payload"])
    job_start(job)
    return job


def _duplicate(digest: str) -> dict | None:
    done = ReportImport.objects.filter(sha256=digest).select_related("device").first()
    if done is not None:
        return {"device": done.device.asset_tag if done.device else ""}
    snapshot = Snapshot.objects.filter(raw_sha256=digest).select_related("device").first()
    if snapshot is not None:
        return {"device": snapshot.device.asset_tag if snapshot.device else ""}
    return None


def _site_check(device, *, actor, workstation) -> None:
    if device is not None and not site_allowed(
        device.site_id, actor=actor, workstation=workstation
    ):
        raise DomainError(
            "other_site",
            _(
                "%(tag)s belongs to the site %(site)s, not to this bench's site: import this "
                "report at that site."
            )
            % {"tag": device.asset_tag, "site": device.site.code},
            status=403,
        )


def _is_erasure(payload) -> bool:
    return (
        isinstance(payload, dict)
        and "format" not in payload
        and "reports" not in payload
        and bool(payload.get("asset_tag"))
        and ("nwipe_log" in payload or "records" in payload)
    )


def report_file_import(*, name: str, raw: bytes, actor, workstation, job_id=None) -> dict:
    """Import one report file; return ``{"name", "status", "message", "device", "kind"}``.

    ``status`` is ``imported``, ``duplicate`` (this very file was imported before: nothing
    is recorded again) or ``refused`` (``message`` says why, nothing was recorded)."""
    digest = hashlib.sha256(raw).hexdigest()
    answer = {"name": name, "sha256": digest, "device": "", "kind": ""}
    seen = _duplicate(digest)
    if seen is not None:
        return {**answer, **seen, "status": DUPLICATE, "message": _duplicate_text(seen)}
    try:
        payload = json_loads_checked(raw.decode("utf-8-sig"))
    except JsonLimitError as exc:  # its text is translated
        return {
            **answer,
            "status": REFUSED,
            "message": _("This file is not a report the agent wrote (%(detail)s).")
            % {"detail": exc},
        }
    except (UnicodeDecodeError, ValueError):  # the parser's own words are English: not shown
        return {
            **answer,
            "status": REFUSED,
            "message": _("This file is not a report the agent wrote: it is not readable JSON."),
        }
    try:
        if isinstance(payload, dict) and payload.get("format") == QUEUED_INSTALLATION:
            raise DomainError(
                "installation_file",
                _(
                    "This file is a queued system installation, not a snapshot: send it from "
                    "the bench with atelier_agent.py --upload."
                ),
            )
        if _is_erasure(payload):
            return {**answer, **_import_erasure(payload, name, digest, actor, workstation, job_id)}
        return {
            **answer,
            **_import_snapshot(payload, raw, name, digest, actor, workstation, job_id),
        }
    except IntegrityError:
        # The same file imported at this very moment by another job: that one recorded it.
        seen = _duplicate(digest) or {"device": ""}
        return {**answer, **seen, "status": DUPLICATE, "message": _duplicate_text(seen)}
    except DomainError as error:
        return {**answer, "status": REFUSED, "message": error.message, "code": error.code}


def _duplicate_text(seen: dict) -> str:
    if seen.get("device"):
        return _("Already imported (%(tag)s): nothing recorded again.") % {"tag": seen["device"]}
    return _("Already imported: nothing recorded again.")


def _import_snapshot(payload, raw, name, digest, actor, workstation, job_id) -> dict:
    try:
        parsed = parse_snapshot(payload)
    except ReportError as exc:
        raise report_error(exc) from exc
    if parsed.asset_tag:
        _site_check(device_by_tag(parsed.asset_tag), actor=actor, workstation=workstation)
    else:
        _site_check(device_by_serial(parsed.identity.serial), actor=actor, workstation=workstation)
    with transaction.atomic():
        snapshot = snapshot_ingest(
            payload=payload, raw=raw, workstation=workstation, actor=actor, parsed=parsed
        )
        ReportImport.objects.create(
            sha256=digest,
            kind=ReportImport.Kind.SNAPSHOT,
            file_name=name,
            site=workstation.site,
            device=snapshot.device,
            snapshot=snapshot,
            job_id=job_id,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
    device = snapshot.device
    outcome = snapshot.outcome
    if snapshot.registered:
        text = _("Hardware snapshot imported: %(tag)s registered.")
    else:
        text = _("Hardware snapshot imported for %(tag)s.")
    message = text % {"tag": device.asset_tag}
    return {
        "status": IMPORTED,
        "kind": ReportImport.Kind.SNAPSHOT,
        "device": device.asset_tag,
        "message": _with_outcome(message, outcome),
    }


def _import_erasure(payload, name, digest, actor, workstation, job_id) -> dict:
    records = payload.get("records") or []
    log = payload.get("nwipe_log")
    if not isinstance(records, list) or (log is not None and not isinstance(log, str)):
        raise DomainError(
            "invalid", _("records must be a list of objects and nwipe_log the log's text.")
        )
    device = device_by_tag(str(payload["asset_tag"]))
    _site_check(device, actor=actor, workstation=workstation)
    with transaction.atomic():
        outcome = erasure_import(
            asset_tag=device.asset_tag,
            actor=actor,
            workstation=workstation,
            nwipe_log=log,
            records=records,
            utc_offset=payload.get("utc_offset"),
        )
        ReportImport.objects.create(
            sha256=digest,
            kind=ReportImport.Kind.ERASURE,
            file_name=name,
            site=workstation.site,
            device=device,
            job_id=job_id,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
    message = _("Erasure evidence imported for %(tag)s.") % {"tag": device.asset_tag}
    return {
        "status": IMPORTED,
        "kind": ReportImport.Kind.ERASURE,
        "device": device.asset_tag,
        "message": _with_outcome(message, outcome),
    }


def _with_outcome(message: str, outcome) -> str:
    parts = [message]
    if outcome.erasures:
        parts.append(_("%(n)s erasures recorded.") % {"n": len(outcome.erasures)})
    if outcome.to_destroy:
        parts.append(
            _("To destroy: %(drives)s.") % {"drives": ", ".join(map(str, outcome.to_destroy))}
        )
    parts.extend(outcome.warnings[:3])
    return " ".join(parts)


def report_import_counts(results: list[dict]) -> dict:
    counts = {IMPORTED: 0, DUPLICATE: 0, REFUSED: 0}
    for result in results:
        counts[result.get("status", REFUSED)] = counts.get(result.get("status", REFUSED), 0) + 1
    return counts


def report_file_read(entry: dict) -> bytes:
    with default_storage.open(entry["path"], "rb") as handle:
        return handle.read(MAX_FILE_BYTES + 1)


def report_files_discard(job) -> None:
    """Remove the job's uploaded files from the media storage once they are all imported."""
    for entry in (job.payload or {}).get("files", []):
        if entry.get("path"):
            try:
                default_storage.delete(entry["path"])
            except OSError:
                pass


def zip_of(files: dict[str, bytes]) -> bytes:
    """A zip of ``{name: bytes}`` (the tests and the docs' example build the stick's zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
