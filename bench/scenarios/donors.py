"""Measure the yearly donor report (reports.donors): a donor with 2,000 devices in one year.

The seeded data set has one donor per ~200 devices, so the setup gives one bench donor the
collections of the busiest year, oldest first, until it holds 2,000 devices (or every
collection of that year when there are fewer: the note says how many).
"""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import ExtractYear

from bench.scenarios.base import BenchEnv, module_exists
from inventory.models import Collection, Donor
from reports.donors import donor_year, donor_year_csv, donor_year_pdf

DEVICES = 2000


def setup_donor_year_report(env: BenchEnv):
    if not module_exists("reports.donors"):
        return None
    busiest = (
        Collection.objects.annotate(year=ExtractYear("received_on"))
        .values("year")
        .annotate(n=Count("devices"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        return None
    year = busiest["year"]
    donor, _created = Donor.objects.get_or_create(
        name="Bench donor 2000", defaults={"kind": Donor.Kind.COMPANY}
    )
    chosen, total = [], 0
    for pk, n in (
        Collection.objects.filter(received_on__year=year)
        .annotate(n=Count("devices"))
        .order_by("received_on", "pk")
        .values_list("pk", "n")
    ):
        if total >= DEVICES:
            break
        chosen.append(pk)
        total += n
    Collection.objects.filter(pk__in=chosen).update(donor=donor)
    env.notes["donor_year_report"] = f"{total} devices in {len(chosen)} collections of {year}"

    def run(i):
        report = donor_year(donor, year)
        donor_year_pdf(report, verify_url="https://atelier.example/verify/")
        donor_year_csv(report)

    return run
