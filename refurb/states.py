"""The states a device goes through, from donation to its last outcome."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    WIPED = "wiped", _("Wiped")
    TESTED = "tested", _("Tested")
    IN_REPAIR = "in_repair", _("In repair")
    HARVESTED = "harvested", _("Harvested for parts")
    RECYCLED = "recycled", _("Recycled")
    GRADED = "graded", _("Graded")
    ON_SALE = "on_sale", _("On sale")
    RESERVED = "reserved", _("Reserved")
    SOLD = "sold", _("Sold")
    RETURNED = "returned", _("Returned")
    WRITTEN_OFF = "written_off", _("Written off")


# States in which the device is physically held by the workshop.
HELD_STATES = frozenset(
    {
        State.RECEIVED,
        State.WIPED,
        State.TESTED,
        State.IN_REPAIR,
        State.GRADED,
        State.ON_SALE,
        State.RESERVED,
        State.RETURNED,
    }
)

# States that mean the device (or its parts) left, or will leave, the building: it never
# comes back to the shop (a sold device comes back only through a return).
EXIT_STATES = frozenset({State.SOLD, State.RECYCLED, State.HARVESTED})

# States a device can be sold from (a reserved one only to the buyer it is reserved for).
SELLABLE_STATES = frozenset({State.ON_SALE, State.RESERVED})

# Entering one of these states opens a new test cycle: results recorded before no longer count
# (a device back from repair, or returned by a buyer, is tested again from scratch).
TEST_CYCLE_STATES = frozenset({State.WIPED, State.IN_REPAIR, State.RETURNED})
