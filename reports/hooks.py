"""The reports' answers to signals of lower layers (imported by ``ReportsConfig.ready``)."""

from inventory.signals import collection_arrived
from reports.views_donors import collection_arrived_mail

# A collection from a pick-up slip arrives at the workshop: its donor is mailed their page's link.
collection_arrived.connect(collection_arrived_mail, dispatch_uid="reports-donor-arrived")
