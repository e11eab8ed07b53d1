"""What the shop adds to the layers below it, registered once when the app is ready.

The life cycle (refurb) prices a device put on sale and checks the proofs of the shop's own
moves (a sale line, a credit-note line, a reservation); scanning (inventory) finds kits,
invoices and credit notes; reference data gets the starting price grid.
"""

from inventory.scan import scan_resolver_register
from refurb.events import event_fields_register, event_listener_register
from refurb.integrity import integrity_check_register
from refurb.proofs import proof_verifier_register
from refurb.states import State
from refurb.transitions import move_rules_register
from shop.catalogue_sync import devices_changed
from shop.guards import (
    credit_note_line_proves,
    reservation_end_proves,
    reservation_proves,
    sale_line_proves,
)
from shop.integrity import reservations_problems, sale_lines_problems
from shop.scan import resolve_invoice_number, resolve_kit_tag
from shop.services.pricing import apply_price
from workshop.reference import reference_seed_register

move_rules_register(into=State.ON_SALE, sources=[State.GRADED], effects=(apply_price,))
# What the shop's moves record in their transition events.
event_fields_register(
    "transition",
    invoice=(str,),
    price=(str, dict),
    kit=(str, type(None)),
    credit_note=(str,),
    buyer=(int,),
    until=(str,),
    reservation=(str,),
)
integrity_check_register("sale_lines", sale_lines_problems)
integrity_check_register("reservations", reservations_problems)
proof_verifier_register("sale", sale_line_proves)
proof_verifier_register("return", credit_note_line_proves)
proof_verifier_register("reservation", reservation_proves)
proof_verifier_register("reservation_end", reservation_end_proves)

event_listener_register(devices_changed)

scan_resolver_register(resolve_kit_tag)
scan_resolver_register(resolve_invoice_number)

# The starting price grid was seeded when the shop lived in the inventory app.
reference_seed_register(
    "inventory.migrations.0005_seed_price_grid", probe="shop.PriceRule", order=30
)
