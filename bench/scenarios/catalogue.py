"""List every scenario the benchmark measures: add a scenario by appending to ``SCENARIOS``.

Service scenarios call the real services in-process; HTTP scenarios go through the whole
Django stack with ``django.test.Client``. Slots for features still being built elsewhere (API,
snapshot ingestion, label PDFs, stocktake, reports) are listed with the URL or module they
wait for: they run by themselves once that URL resolves or that module imports.
"""

from __future__ import annotations

from bench.scenarios.admin import setup_admin_change, setup_admin_list
from bench.scenarios.api import (
    api_list_path_at,
    api_scenario,
    api_transition_body,
    api_transition_path,
    setup_snapshot_ingest,
    setup_transition_ok,
)
from bench.scenarios.base import BenchEnv, Scenario
from bench.scenarios.compliance import setup_waste_register_quarter
from bench.scenarios.donors import setup_donor_year_report
from bench.scenarios.labels import (
    api_label_pdf_path,
    label_pdf,
    setup_print_job_1000,
    setup_print_job_1000_network,
)
from bench.scenarios.reports import REPORTS, report_scenario
from bench.scenarios.services import (
    setup_scan_serial_service,
    setup_scan_service,
    setup_stocktake,
    setup_timeline_service,
    setup_transition_service,
)
from bench.scenarios.shop_catalogue import (
    setup_catalogue_filtered,
    setup_catalogue_first_page,
    setup_catalogue_list,
    setup_catalogue_offer,
    setup_catalogue_search,
)
from bench.scenarios.skills import setup_team_view, setup_worker_page


def _slot(needs: str):
    """A scenario whose feature is being built on another branch: skipped until it lands."""

    def setup(env: BenchEnv):
        return None

    return setup


SCENARIOS: list[Scenario] = [
    Scenario("api_scan", "scan", "GET /api/scan/{tag}",
             api_scenario(lambda env, i: f"/api/scan/{env.tags[i % len(env.tags)]}"), 10, "scan",
             needs="/api/scan/"),
    Scenario("api_device_list", "list", "GET /api/devices/?state&site&category",
             api_scenario(api_list_path_at), 40, "list", needs="/api/devices/"),
    Scenario("api_device_detail", "detail", "GET /api/devices/{tag}/",
             api_scenario(lambda env, i: f"/api/devices/{env.tags[i % len(env.tags)]}/"), 30,
             needs="/api/devices/{tag}/"),
    Scenario("api_device_timeline", "detail", "GET /api/devices/{tag}/timeline/",
             api_scenario(
                 lambda env, i: f"/api/devices/{env.site_tags[i % len(env.site_tags)]}/timeline/"),
             30, needs="/api/devices/{tag}/timeline/"),
    Scenario("api_device_transition", "transition", "POST /api/devices/{tag}/transitions/",
             api_scenario(api_transition_path, "post", api_transition_body, (409,)), 25,
             needs="/api/devices/{tag}/transitions/"),
    Scenario("api_transition_ok", "transition",
             "POST /api/devices/{tag}/transitions/ tested→in_repair (test bench token)",
             setup_transition_ok, 10, needs="/api/devices/{tag}/transitions/"),
    Scenario("svc_scan_tag", "scan", "scan_resolve(asset tag), service level",
             setup_scan_service, 10, "scan"),
    Scenario("svc_scan_serial", "scan", "scan_resolve(manufacturer serial), service level",
             setup_scan_serial_service, 10),
    Scenario("svc_transition", "transition", "reservation_create / release (on_sale<->reserved)",
             setup_transition_service, 25),
    Scenario("svc_timeline", "detail", "device + device_timeline(), service level",
             setup_timeline_service, 30),
    Scenario("admin_device_list", "list", "admin changelist, 3 filters (state, site, category)",
             setup_admin_list, 40, "list"),
    Scenario("admin_device_change", "detail", "admin change page (drives inline, a page of events)",
             setup_admin_change, 30),
    Scenario("snapshot_ingest", "ingest", "POST /api/snapshots/ (bench-agent snapshot)",
             setup_snapshot_ingest, 20, needs="/api/snapshots/"),
    Scenario("labels_pdf_1", "label", "device tag PDF, 1 label (Brother 62x29)",
             label_pdf(1, "brother-62x29")),
    Scenario("labels_pdf_1000", "label", "device tag PDF, 1,000 labels (A4 sheets)",
             label_pdf(1000, "avery-l7651"), max_samples=20),
    Scenario("api_label_pdf_1", "label", "GET /api/labels/device_tag/{tag}.pdf",
             api_scenario(api_label_pdf_path), needs="/api/labels/"),
    Scenario("api_print_job_1000", "label",
             "POST /api/print-jobs/, 1,000 device tags, download printer", setup_print_job_1000,
             max_samples=5),
    Scenario("api_print_job_1000_network", "label",
             "POST /api/print-jobs/, 1,000 device tags, network printer (a job sends them)",
             setup_print_job_1000_network, 200, max_samples=10),
    Scenario("stocktake_10k", "stocktake", "stocktake_reconcile of 10,000 recorded scans",
             setup_stocktake, 1000, max_samples=20),
    Scenario("skills_team_view", "report",
             "GET /skills/team/, 300 workers, a year of validations and events",
             setup_team_view, 200, needs="/skills/team/"),
    Scenario("skills_worker_page", "detail",
             "GET /skills/worker/{id}/, a worker with a year of events (12 weeks shown)",
             setup_worker_page, 200, needs="/skills/worker/1/"),
    Scenario("catalogue_list", "list",
             "GET /catalogue/ signed out (filters, search, parts), every device on sale",
             setup_catalogue_list, 50, needs="/catalogue/"),
    Scenario("catalogue_first_page", "list", "GET /catalogue/ signed out, first page, no filter",
             setup_catalogue_first_page, 50, needs="/catalogue/"),
    Scenario("catalogue_filtered", "list",
             "GET /catalogue/?category&ram&storage&grade&site signed out",
             setup_catalogue_filtered, 50, needs="/catalogue/"),
    Scenario("catalogue_search", "list", "GET /catalogue/?q=thinkpad+t470 signed out",
             setup_catalogue_search, 50, needs="/catalogue/"),
    Scenario("catalogue_offer", "detail", "GET /catalogue/{offer}/ signed out",
             setup_catalogue_offer, 50, needs="/catalogue/"),
    Scenario("waste_register_quarter", "report",
             "waste register CSV of one quarter, every site (inventory.waste)",
             setup_waste_register_quarter, 2000, max_samples=10),
    Scenario("donor_year_report", "report",
             "yearly donor report PDF + CSV, a donor with 2,000 devices in one year",
             setup_donor_year_report, 5000, max_samples=5),
] + [
    Scenario(f"report_{name}", "report", f"reports.figures.{name}() on every site",
             report_scenario(name), 1000, max_samples=10)
    for name in REPORTS
]  # fmt: skip
