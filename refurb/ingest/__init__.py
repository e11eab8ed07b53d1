"""Turn bench reports into devices, drives and erasure evidence.

``snapshot_ingest`` (:mod:`.snapshots`) takes a hardware snapshot (the bench agent's JSON or
an eReuse Workbench report) and applies it to its device in one transaction;
``erasure_import`` (:mod:`.erasures`) does the same for erasure evidence alone, sent for a
device by its asset tag. Finding the device (:mod:`.devices`), its drives (:mod:`.drives`),
the ``specs`` (:mod:`.specs`) and the API's answer to an unreadable report (:mod:`.errors`)
each have their module; this package re-exports the names the API and the benchmark use.
"""

from refurb.ingest.erasures import erasure_import
from refurb.ingest.errors import ACCEPTED_FORMATS, report_error
from refurb.ingest.outcome import IngestOutcome
from refurb.ingest.snapshots import snapshot_ingest
from refurb.ingest.specs import cpu_generation, specs_from_snapshot

__all__ = [
    "ACCEPTED_FORMATS",
    "IngestOutcome",
    "cpu_generation",
    "erasure_import",
    "report_error",
    "snapshot_ingest",
    "specs_from_snapshot",
]
