"""Inventory models, one module per area; import them from ``inventory.models``."""

from inventory.models.audit import (  # noqa: F401, E402
    Co2Factor,
    RecyclingShipmentLine,
    Stocktake,
    StocktakeLine,
    StocktakeScan,
)
from inventory.models.core import (  # noqa: F401
    ZERO_KG,
    Category,
    Collection,
    Device,
    Donor,
    Location,
    RecyclingShipment,
    validate_siret,
)
from inventory.models.rollups import (  # noqa: F401, E402
    BenchWeek,
    RollupState,
    StayRollup,
    WorkerWeek,
)
from inventory.models.shop import (  # noqa: F401
    Buyer,
    CreditNote,
    CreditNoteLine,
    DevicePrice,
    DocumentCounter,
    Kit,
    KitItem,
    PaymentMethod,
    PriceRule,
    QuotaRule,
    Reservation,
    Sale,
    SaleLine,
    SiteLegal,
    SpecTier,
    VatRegime,
)
