"""The system installed on a device, recorded at the test or grading bench, and the office page
where managers see the licence stock and load keys."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from refurb import services as refurb_services
from refurb.forms import LicenceLoadForm, SystemInstallForm
from refurb.models import LicenceKey, SystemImage
from refurb.selectors import licence_keys_of, licence_stock, system_images_offered
from refurb.services.software import INSTALL_STATES
from refurb.views.common import device_get, site_check_device
from workshop.exceptions import DomainError
from workshop.forms import form_errors
from workshop.models import Site
from workshop.roles import MANAGER
from workshop.selectors import user_site, user_site_ids
from workshop.views.common import (
    bench_device_url,
    bench_view,
    done,
    roles_required,
    safe_next,
    show_error,
)


@require_POST
@bench_view
def system_install(request, tag):
    """Record the system installed on the device (the bench's "System installed" card)."""
    device = device_get(tag)
    site_check_device(request, device)
    back = safe_next(request, bench_device_url(request.workstation, device)) + "#system"
    form = SystemInstallForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return done(request, back)
    data = form.cleaned_data
    try:
        installation = refurb_services.system_install(
            device=device,
            image=data["image"],
            first_boot_passed=data["first_boot"] == "passed",
            note=data["note"],
            actor=request.user,
            workstation=request.workstation,
        )
    except DomainError as error:
        show_error(request, error)
        return done(request, back)
    if installation.first_boot_passed:
        messages.success(
            request,
            _("%(system)s recorded as installed on %(tag)s: its first boot check passed.")
            % {"system": installation.label, "tag": device.asset_tag},
        )
    else:
        messages.warning(
            request,
            _(
                "%(system)s recorded on %(tag)s with a failed first boot: install it again "
                "before it goes on sale."
            )
            % {"system": installation.label, "tag": device.asset_tag},
        )
    return done(request, back)


def _sites(user) -> list:
    site_ids = user_site_ids(user)
    sites = Site.objects.order_by("name")
    return list(sites if site_ids is None else sites.filter(pk__in=site_ids))


@roles_required(MANAGER)
def licences(request):
    """The systems installed here and the licence stock of a site: what is loaded, used and
    left per proprietary image, the keys (a manager's eyes only) and a form to load more."""
    sites = _sites(request.user)
    wanted = request.POST.get("site") or request.GET.get("site") or ""
    own = user_site(request.user)
    by_pk = {str(site.pk): site for site in sites}
    site = by_pk.get(wanted) or (own and by_pk.get(str(own.pk))) or (sites[0] if sites else None)
    form = LicenceLoadForm(request.POST or None)
    if request.method == "POST" and site is not None:
        if not form.is_valid():
            messages.error(request, form_errors(form))
        else:
            try:
                rows = refurb_services.licence_keys_load(
                    site=site,
                    image=form.cleaned_data["image"],
                    kind=form.cleaned_data["kind"],
                    keys=form.cleaned_data["keys"].splitlines(),
                    actor=request.user,
                )
            except DomainError as error:
                show_error(request, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d licence loaded into the stock of %(site)s.",
                        "%(count)d licences loaded into the stock of %(site)s.",
                        len(rows),
                    )
                    % {"count": len(rows), "site": site.name},
                )
                return redirect(f"{reverse('refurb:licences')}?site={site.pk}")
    return render(
        request,
        "refurb/licences.html",
        {
            "site": site,
            "sites": sites if len(sites) > 1 else [],
            "images": list(SystemImage.objects.all()),
            "stock": licence_stock(site=site) if site else [],
            "keys": licence_keys_of(site=site) if site else [],
            "form": form,
            "key_kinds": LicenceKey.Kind,
        },
    )


def system_context(device) -> dict:
    """What the "System installed" card of the test and grading benches needs."""
    category = device.category
    takes_system = category.needs_system or category.holds_data
    return {
        "system_card": takes_system,
        "system_open": takes_system and device.state in INSTALL_STATES,
        "system_images": system_images_offered() if takes_system else [],
    }
