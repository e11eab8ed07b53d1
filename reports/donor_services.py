"""Batches for donors: the yearly reports of every donor of a year, and every pending
certificate of a collection or of a year, each as a job with progress (``reports.tasks``).

A manager asks; the access check is made here, on the sites the batch covers (their own, or
every site for a network manager); the job then works on those sites only.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Collection, Donor
from workshop.access import access_check
from workshop.exceptions import DomainError
from workshop.jobs import job_create
from workshop.roles import MANAGER, user_roles
from workshop.selectors import user_site, user_site_ids


def _year(year) -> int:
    try:
        number = int(year)
    except (TypeError, ValueError):
        number = 0
    if not 2000 <= number <= timezone.localdate().year:
        raise DomainError(
            "invalid",
            _("Give a year between 2000 and this year."),
            fields={"year": [_("Give a year between 2000 and this year.")]},
        )
    return number


def _manager_sites(actor) -> list[int] | None:
    if MANAGER not in user_roles(actor) and not getattr(actor, "is_superuser", False):
        raise DomainError("role_forbidden", _("Your role does not allow this."), status=403)
    ids = user_site_ids(actor)
    return None if ids is None else sorted(ids)


def donors_of_year(year: int, site_ids=None):
    collections = Collection.objects.filter(received_on__year=year)
    if site_ids is not None:
        collections = collections.filter(site_id__in=site_ids)
    return Donor.objects.filter(pk__in=collections.values("donor_id")).order_by("name", "pk")


def donor_reports_issue(*, year, actor, base_url: str = ""):
    """Issue the yearly report of every donor who gave in ``year`` at the manager's sites."""
    year = _year(year)
    site_ids = _manager_sites(actor)
    total = donors_of_year(year, site_ids).count()
    if not total:
        raise DomainError(
            "no_donor",
            _("No donor gave anything in %(year)s at your sites: nothing to issue.")
            % {"year": year},
            status=409,
        )
    return job_create(
        "donor_reports",
        {"year": year, "site_ids": site_ids, "base_url": base_url},
        actor=actor,
        site=user_site(actor),
        total=total,
    )


def certificates_issue_pending(*, actor, collection: Collection | None = None, year=None):
    """Issue every pending certificate of one collection, or of every collection of a year at
    the manager's sites: each device done and not certified yet, then each collection's own
    certificate (covering the devices done so far, listing those pending)."""
    if collection is not None:
        access_check("certificate", "issue", site=collection.site_id, actor=actor)
        payload = {"collections": [collection.pk]}
        site = collection.site
    else:
        year = _year(year)
        site_ids = _manager_sites(actor)
        collections = Collection.objects.filter(received_on__year=year)
        if site_ids is not None:
            collections = collections.filter(site_id__in=site_ids)
        ids = list(collections.order_by("pk").values_list("pk", flat=True))
        if not ids:
            raise DomainError(
                "no_collection",
                _("No collection was received in %(year)s at your sites.") % {"year": year},
                status=409,
            )
        payload = {"collections": ids, "year": year}
        site = user_site(actor)
    return job_create("certificates_issue", payload, actor=actor, site=site)
