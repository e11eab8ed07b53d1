"""Conditions that must hold before a move of the transition table.

A guard takes the locked device and the move's context and raises a ``DomainError`` (status
409, the state of things forbids it) when the move must not happen. Guards read only.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from refurb.selectors import (
    device_checklist,
    device_data_safety,
    device_installation,
    device_state_before_write_off,
)
from workshop.exceptions import DomainError


def drives_safe(device, ctx) -> None:
    """Require every drive erased with verification or destroyed (the data invariant)."""
    safety = device_data_safety(device)
    if safety.safe:
        return
    if safety.needs_storage_check:
        raise DomainError(
            "storage_unchecked",
            _(
                "No drive is recorded for %(tag)s. Record its drives at the erasure bench, "
                "or confirm that it has no storage at all."
            )
            % {"tag": device.asset_tag},
            status=409,
        )
    tags = ", ".join(drive.tag for drive in safety.unsafe_drives)
    raise DomainError(
        "drives_not_safe",
        _(
            "%(tag)s still holds data: drive(s) %(drives)s are neither erased with verification "
            "nor destroyed. Erase them again or destroy them first."
        )
        % {"tag": device.asset_tag, "drives": tags},
        fields={"drives": [drive.tag for drive in safety.unsafe_drives]},
        status=409,
    )


def no_storage_signed_off(device, ctx) -> None:
    """Require a coach's sign-off when a device that could hold data has no drive recorded.

    A worker's "no storage" declaration alone never lets such a device leave ``received``: a
    technical coach or a manager, not the declarer, signs it off (four eyes).
    """
    if not device.category.holds_data or device.no_storage_signed_off:
        return
    if not device.no_storage_confirmed or device.drives.exists():
        return  # drives_safe speaks for these
    raise DomainError(
        "sign_off_pending",
        _(
            "%(tag)s was declared without storage: it waits for a technical coach's sign-off "
            "(coach view, “To sign off”) before it can be marked as erased."
        )
        % {"tag": device.asset_tag},
        status=409,
    )


def checklist_passed(device, ctx) -> None:
    """Require every mandatory checklist item of the category passed (latest result)."""
    missing = [
        line.item for line in device_checklist(device) if line.item.mandatory and not line.passed
    ]
    if missing:
        raise DomainError(
            "checklist_incomplete",
            _(
                "These mandatory checks have not passed yet: %(items)s. "
                "Test them (or send the device to repair)."
            )
            % {"items": ", ".join(str(item.label) for item in missing)},
            fields={"checklist": [item.code for item in missing]},
            status=409,
        )


def grade_set(device, ctx) -> None:
    """Require a grade."""
    if device.grade_id is None:
        raise DomainError(
            "grade_required",
            _("Choose a grade (A, B or C) before grading the device."),
            fields={"grade": [_("This field is required.")]},
            status=409,
        )


def previous_state(device, ctx) -> None:
    """Require the target to be the state the device was in before it was written off."""
    before = device_state_before_write_off(device)
    if ctx.target != before:
        raise DomainError(
            "not_previous_state",
            _("A device found again goes back to the state it was in: %(state)s.")
            % {"state": before or "?"},
            status=409,
        )


def system_installed(device, ctx) -> None:
    """Require, for a category that needs one (computers), a system installed in the device's
    current test cycle whose first boot check passed (its latest installation)."""
    if not device.category.needs_system:
        return
    installation = device_installation(device)
    if installation is None:
        raise DomainError(
            "system_missing",
            _(
                "No system is installed on %(tag)s yet: record the system installed (test or "
                "grading bench) before putting it on sale."
            )
            % {"tag": device.asset_tag},
            fields={"system": [_("Record the system installed first.")]},
            status=409,
        )
    if not installation.first_boot_passed:
        raise DomainError(
            "first_boot_failed",
            _(
                "The first boot of %(system)s failed on %(tag)s: install it again and record "
                "a first boot that passes before putting it on sale."
            )
            % {"system": installation.label, "tag": device.asset_tag},
            fields={"system": [_("The first boot check did not pass.")]},
            status=409,
        )


# Reads only the device, never what a move's effects set: the screens may run it before
# offering a move that has effects (refurb.views.common.device_moves).
system_installed.before_effects = True
