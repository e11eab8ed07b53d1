"""Choice sets of the shop named once for the OpenAPI schema (ENUM_NAME_OVERRIDES)."""

from shop.models import Buyer, Kit, PaymentMethod, Reservation, VatRegime

BUYER_KIND = Buyer.Kind.choices
BUYER_PROOF = Buyer.Proof.choices
BUYER_TIER = Buyer.Tier.choices
KIT_STATUS = Kit.Status.choices
RESERVATION_STATUS = Reservation.Status.choices
PAYMENT_METHOD = PaymentMethod.choices
VAT_REGIME = VatRegime.choices
