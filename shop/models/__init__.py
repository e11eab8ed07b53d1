"""Shop models, one module per area; import them from ``shop.models``.

Prices, spec tiers and quotas are data a manager edits; the rules that use them live in
``shop.services``.
"""

from shop.models.accounts import BuyerAccount  # noqa: F401
from shop.models.buyers import Buyer  # noqa: F401
from shop.models.catalogue import CatalogueOffer, CatalogueUnit  # noqa: F401
from shop.models.common import (  # noqa: F401
    LEGAL_GUARANTEE_MONTHS,
    NORMAL_VAT_RATE,
    RECOVERY_INDEMNITY,
    USED_GOODS_PRESUMPTION_MONTHS,
    ExpiredPolicy,
    SiteLegal,
    VatRegime,
    vat_number_for,
)
from shop.models.kits import Kit, KitItem, Reservation  # noqa: F401
from shop.models.orders import Order, OrderEvent, OrderEventImmutable, OrderLine  # noqa: F401
from shop.models.pricing import DevicePrice, PriceRule, QuotaRule, SpecTier  # noqa: F401
from shop.models.sales import (  # noqa: F401
    CreditNote,
    CreditNoteLine,
    DocumentCounter,
    InvoiceImmutable,
    PartSaleLine,
    PaymentMethod,
    Sale,
    SaleLine,
)
