"""Shop services, one module per area; import them from ``shop.services``."""

from shop.services.accounts import (  # noqa: F401
    account_confirm_email,
    account_review,
    account_signup,
)
from shop.services.buyers import buyer_create, buyer_recheck  # noqa: F401
from shop.services.kits import kit_assemble, kit_dismantle  # noqa: F401
from shop.services.orders import (  # noqa: F401
    basket_add,
    basket_remove,
    order_cancel,
    order_confirm,
    order_hand_over,
    order_pick,
    order_place,
    order_ship,
    orders_expire,
)
from shop.services.personal_data import (  # noqa: F401
    personal_data_export,
    personal_data_pseudonymise,
)
from shop.services.pricing import (  # noqa: F401
    apply_price,
    device_price_override,
    price_rule_save,
)
from shop.services.reservations import (  # noqa: F401
    reservation_create,
    reservation_release,
    reservations_expire,
)
from shop.services.returns import sale_return  # noqa: F401
from shop.services.sales import sale_complete  # noqa: F401
