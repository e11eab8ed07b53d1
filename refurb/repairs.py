"""The repair ticket's side of the transition table: opened on entering ``in_repair``, closed
with an outcome on leaving it.

These are effects of the table (``refurb.transitions``): they run inside ``device_transition``'s
transaction, on the locked device, so a ticket exists exactly when the device is in repair and
the transition event names it (``payload["repair"]``).
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from refurb.models import ChecklistItem, Repair, TestResult
from refurb.states import State

# The outcome a ticket is closed with when its device leaves ``in_repair`` for this state.
OUTCOME_BY_TARGET = {
    State.TESTED: Repair.Outcome.REPAIRED,
    State.HARVESTED: Repair.Outcome.HARVEST,
    State.RECYCLED: Repair.Outcome.RECYCLE,
}


def failed_checks(device) -> list[dict]:
    """The mandatory checks of the device's current test cycle whose latest result failed.

    One query: the category's active mandatory checks, each with its latest result of the
    cycle (as ``refurb.selectors.device_checklist`` reads it), kept when that result failed.
    """
    latest = TestResult.objects.filter(
        device=device, item=OuterRef("pk"), cycle=device.test_cycle
    ).order_by("-id")
    items = (
        ChecklistItem.objects.filter(category_id=device.category_id, is_active=True, mandatory=True)
        .annotate(
            latest_passed=Subquery(latest.values("passed")[:1]),
            latest_note=Subquery(latest.values("note")[:1]),
        )
        .filter(latest_passed=False)
        .order_by("order", "id")
    )
    return [
        {"code": item.code, "label": str(item.label), "note": item.latest_note or ""}
        for item in items
    ]


def repair_ticket_open(device, ctx) -> list[str]:
    """Open the device's repair ticket (or add to the one still open), copying in the failed
    checks; the transition event names it."""
    checks = failed_checks(device)
    fault = "; ".join(
        f"{check['label']} ({check['note']})" if check["note"] else check["label"]
        for check in checks
    )
    if ctx.reason:
        fault = f"{fault}. {ctx.reason}" if fault else ctx.reason
    actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
    ticket = Repair.objects.select_for_update().filter(device=device, status="open").first()
    if ticket is None:
        ticket = Repair.objects.create(
            device=device,
            fault=fault[:4000],
            failed_checks=checks,
            workstation=ctx.workstation,
            opened_by=actor,
            opened_at=ctx.now,
        )
    else:
        known = {check["code"] for check in ticket.failed_checks or []}
        ticket.failed_checks = (ticket.failed_checks or []) + [
            check for check in checks if check["code"] not in known
        ]
        ticket.save(update_fields=["failed_checks"])
    ctx.payload["repair"] = ticket.pk
    return []


def repair_ticket_close(device, ctx) -> list[str]:
    """Close the device's open ticket with the outcome its new state says."""
    outcome = OUTCOME_BY_TARGET.get(ctx.target)
    ticket = Repair.objects.select_for_update().filter(device=device, status="open").first()
    if ticket is None or outcome is None:
        return []
    ticket.status = Repair.Status.DONE
    ticket.outcome = outcome
    ticket.closed_at = ctx.now
    ticket.save(update_fields=["status", "outcome", "closed_at"])
    ctx.payload["repair"] = ticket.pk
    return []
