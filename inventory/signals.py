"""Signals the inventory sends for the layers above it to act on (they connect in ready())."""

from django.dispatch import Signal

# A lot is at the workshop: intake opened it or registered a device into it.
# Sent with ``collection`` and ``request`` (for the absolute links of a mail).
collection_arrived = Signal()
