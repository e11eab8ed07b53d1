"""Reads of the public catalogue: a page of offers with its filters, an offer, parts on sale.

Every page reads a fixed number of queries whatever the number of devices on sale: offers are
summed in advance (``shop.models.catalogue``), reference lists (categories, grades, sites,
systems, CO2e factors) are one query each, and parts on sale are grouped in the database.
Nothing read here names a serial number, a donor or a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Q

from inventory.models import Co2Factor, Part
from inventory.parts import category_name, part_refusal, part_specs_text
from refurb.compliance import CLAIM_FRANCE, CLAIM_REFURBISHED
from refurb.models import Category, DevicePhoto, Drive, Grade, SystemImage
from refurb.specs import format_capacity, screen_text, storage_kind_name
from shop.models import CatalogueOffer, CatalogueUnit, SiteLegal
from shop.models import catalogue as rank
from workshop.models import Site

PER_PAGE = 12
PARTS = "parts"
MEMORY_CHOICES = (4, 8, 16, 32)
STORAGE_CHOICES = (128, 256, 512, 1000)
DEFAULT_WARRANTY_MONTHS = 12
CLAIM_WORDS = {rank.CLAIM_FRANCE: CLAIM_FRANCE, rank.CLAIM_REFURBISHED: CLAIM_REFURBISHED}


def _positive_int(value) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 10**7 else None


def _price(value) -> Decimal | None:
    text = str(value or "").strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
    text = text.removesuffix("€")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and 0 <= number < 10**7 else None


@dataclass(frozen=True)
class CatalogueFilters:
    category: str = ""
    grade: str = ""
    site: str = ""
    ram: int | None = None
    storage: int | None = None
    system: str = ""
    price_max: Decimal | None = None
    q: str = ""

    @classmethod
    def from_query(cls, data) -> CatalogueFilters:
        return cls(
            category=str(data.get("category", "")).strip()[:32],
            grade=str(data.get("grade", "")).strip()[:8],
            site=str(data.get("site", "")).strip()[:8].upper(),
            ram=_positive_int(data.get("ram")),
            storage=_positive_int(data.get("storage")),
            system=str(data.get("system", "")).strip()[:120],
            price_max=_price(data.get("price_max")),
            q=" ".join(str(data.get("q", "")).split())[:80],
        )

    @property
    def device_only(self) -> bool:
        """Filters parts cannot meet: a grade, a memory, a storage or a system."""
        return bool(self.grade or self.ram or self.storage or self.system)

    @property
    def active(self) -> bool:
        return any(
            (self.category, self.grade, self.site, self.ram, self.storage, self.system, self.q)
        ) or (self.price_max is not None)


def _range(low, high, render) -> str:
    if low is None and high is None:
        return ""
    low = low if low is not None else high
    high = high if high is not None else low
    return render(low) if low == high else f"{render(low)} à {render(high)}"


@dataclass
class OfferView:
    """What a card or a detail page shows of one offer, in plain French."""

    offer: CatalogueOffer
    warranty_months: int = DEFAULT_WARRANTY_MONTHS
    co2e_kg: Decimal | None = None
    co2e_source: str = ""

    # The fields an order form takes (``shop/catalogue/_offer_actions.html``).
    @property
    def pk(self) -> int:
        return self.offer.pk

    @property
    def category(self) -> str:
        return self.offer.category.code

    @property
    def category_name(self) -> str:
        return self.offer.category.name

    @property
    def make(self) -> str:
        return self.offer.make

    @property
    def model(self) -> str:
        return self.offer.model

    @property
    def grade(self) -> str:
        return self.offer.grade.code if self.offer.grade_id else ""

    @property
    def grade_obj(self):
        return self.offer.grade if self.offer.grade_id else None

    @property
    def site(self) -> str:
        return self.offer.site.code

    @property
    def site_name(self) -> str:
        return self.offer.site.name

    @property
    def kit(self) -> str:
        return self.offer.kit.tag if self.offer.kit_id else ""

    @property
    def is_kit(self) -> bool:
        return bool(self.offer.kit_id)

    @property
    def units(self) -> int:
        return self.offer.units

    @property
    def title(self) -> str:
        return " ".join(part for part in (self.offer.make, self.offer.model) if part) or str(
            self.offer.category.name
        )

    @property
    def claim(self) -> str:
        """The words every unit of the offer may carry (``refurb.compliance``), or ""."""
        return CLAIM_WORDS.get(self.offer.claim_rank, "")

    @property
    def memory(self) -> str:
        return _range(self.offer.ram_min, self.offer.ram_max, format_capacity)

    @property
    def storage(self) -> str:
        size = _range(self.offer.storage_min, self.offer.storage_max, format_capacity)
        kind = storage_kind_name(self.offer.storage_kind)
        return " ".join(part for part in (kind, size) if part)

    @property
    def screen(self) -> str:
        return screen_text(self.offer.screen_inches)

    @property
    def battery(self) -> str:
        return _range(self.offer.battery_min, self.offer.battery_max, lambda n: f"{n}\u00a0%")

    @property
    def systems(self) -> list[str]:
        return [name for name in self.offer.systems.split("|") if name]

    @property
    def processor(self) -> str:
        return self.offer.cpu_model

    @property
    def solidarity_min(self):
        return self.offer.solidarity_min

    @property
    def solidarity_varies(self) -> bool:
        return self.offer.solidarity_min != self.offer.solidarity_max

    @property
    def standard_min(self):
        return self.offer.standard_min

    @property
    def standard_varies(self) -> bool:
        return self.offer.standard_min != self.offer.standard_max

    @property
    def free(self) -> bool:
        return self.offer.free_units == self.offer.units and self.offer.units > 0

    @property
    def photo_id(self) -> int | None:
        return self.offer.photo_id


def _warranties(site_ids) -> dict[int, int]:
    return dict(
        SiteLegal.objects.filter(site_id__in=list(site_ids)).values_list(
            "site_id", "warranty_months"
        )
    )


def _co2() -> dict[int, Co2Factor]:
    return {factor.category_id: factor for factor in Co2Factor.objects.all()}


def _views(offers, co2=None, warranties=None) -> list[OfferView]:
    co2 = _co2() if co2 is None else co2
    warranties = _warranties({o.site_id for o in offers}) if warranties is None else warranties
    views = []
    for offer in offers:
        factor = co2.get(offer.category_id)
        views.append(
            OfferView(
                offer,
                warranty_months=warranties.get(offer.site_id, DEFAULT_WARRANTY_MONTHS),
                co2e_kg=factor.kg_co2e_per_unit if factor else None,
                co2e_source=factor.source if factor else "",
            )
        )
    return views


def _filtered(filters: CatalogueFilters):
    offers = CatalogueOffer.objects.filter(units__gt=0)
    if filters.category:
        offers = offers.filter(category__code=filters.category)
    if filters.grade:
        offers = offers.filter(grade__code=filters.grade)
    if filters.site:
        offers = offers.filter(site__code=filters.site)
    if filters.ram:
        offers = offers.filter(ram_max__gte=filters.ram)
    if filters.storage:
        offers = offers.filter(storage_max__gte=filters.storage)
    if filters.system:
        offers = offers.filter(systems__contains=f"|{filters.system}|")
    if filters.price_max is not None:
        offers = offers.filter(solidarity_min__lte=filters.price_max)
    for word in filters.q.lower().split()[:6]:
        offers = offers.filter(search__contains=word)
    return offers


@dataclass
class PartOffer:
    """Parts of one category on sale at one site (harvested, tested or not, never faulty)."""

    category: str
    site: str
    site_name: str
    units: int
    price_min: Decimal
    price_max: Decimal

    @property
    def category_name(self) -> str:
        return category_name(self.category)

    @property
    def price_varies(self) -> bool:
        return self.price_min != self.price_max

    # Hidden-form-ready fields, as for device offers: no make, model or grade.
    make = model = grade = kit = ""
    is_part = True


def _parts_on_sale():
    """Parts the counter would sell (``inventory.parts.part_refusal`` with ``sell``), in SQL."""
    return (
        Part.objects.filter(status=Part.Status.IN_STOCK, price__isnull=False)
        .exclude(test_status=Part.TestStatus.FAILED)
        .filter(~Q(category=Part.Category.DRIVE) | Q(drive__status__in=Drive.SAFE_STATUSES))
    )


def part_offers(filters: CatalogueFilters) -> list[PartOffer]:
    """Parts on sale grouped by category and site (one query)."""
    if filters.device_only or (filters.category and filters.category != PARTS):
        return []
    parts = _parts_on_sale()
    if filters.site:
        parts = parts.filter(site__code=filters.site)
    if filters.price_max is not None:
        parts = parts.filter(price__lte=filters.price_max)
    rows = (
        parts.values("category", "site__code", "site__name")
        .annotate(n=Count("pk"), low=Min("price"), high=Max("price"))
        .order_by("category", "site__code")
    )
    found = [
        PartOffer(r["category"], r["site__code"], r["site__name"], r["n"], r["low"], r["high"])
        for r in rows
    ]
    words = filters.q.lower().split()
    if words:
        found = [
            offer
            for offer in found
            if all(w in f"{offer.category_name} {offer.category}".lower() for w in words)
        ]
    return found


@dataclass
class CataloguePage:
    filters: CatalogueFilters
    offers: list[OfferView]
    page: object
    count: int
    parts: list[PartOffer] = field(default_factory=list)
    categories: list = field(default_factory=list)
    grades: list = field(default_factory=list)
    sites: list = field(default_factory=list)
    systems: list = field(default_factory=list)
    memory_choices: tuple = MEMORY_CHOICES
    storage_choices: tuple = STORAGE_CHOICES


def catalogue_page(filters: CatalogueFilters, page_number=1) -> CataloguePage:
    """One page of offers with what the filter form lists (ten queries at most)."""
    offers = CatalogueOffer.objects.none()
    if filters.category != PARTS:
        offers = _filtered(filters).select_related("category", "grade", "site", "kit")
    paginator = Paginator(offers.order_by("sort_key", "id"), PER_PAGE)
    page = paginator.get_page(page_number)
    rows = list(page.object_list)
    return CataloguePage(
        filters=filters,
        offers=_views(rows),
        page=page,
        count=paginator.count,
        parts=part_offers(filters),
        categories=list(Category.objects.all()),
        grades=list(Grade.objects.all()),
        sites=list(Site.objects.order_by("name")),
        systems=list(SystemImage.objects.filter(is_active=True)),
    )


@dataclass
class OfferDetail:
    offer: OfferView
    photos: list
    elsewhere: list[OfferView]
    kit_items: list


def offer_detail(pk: int) -> OfferDetail | None:
    """An offer with its photos, the same model and grade at the other sites, and for a kit
    what is in it (by category, make and model). A constant number of queries."""

    offer = (
        CatalogueOffer.objects.filter(pk=pk, units__gt=0)
        .select_related("category", "grade", "site", "kit")
        .first()
    )
    if offer is None:
        return None
    # Always one query (none found without a photo), so the page's count never varies.
    photos = list(
        DevicePhoto.objects.filter(device_id=offer.photo_device_id or 0).order_by("position")
    )
    elsewhere = []
    if offer.kind == CatalogueOffer.Kind.DEVICE:
        elsewhere = list(
            CatalogueOffer.objects.filter(
                kind=CatalogueOffer.Kind.DEVICE,
                category_id=offer.category_id,
                make=offer.make,
                model=offer.model,
                grade_id=offer.grade_id,
                units__gt=0,
            )
            .exclude(pk=offer.pk)
            .select_related("category", "grade", "site", "kit")
            .order_by("site__name")
        )
    kit_items = []
    if offer.kit_id:
        kit_items = list(
            CatalogueUnit.objects.filter(offer=offer)
            .select_related("device__category", "device__grade")
            .only(
                "device__category__name",
                "device__make",
                "device__model",
                "device__grade__code",
                "device__grade__name",
                "ram_gb",
                "storage_gb",
                "storage_kind",
                "system",
            )
            .order_by("device_id")
        )
    co2 = _co2()
    warranties = _warranties({offer.site_id, *(o.site_id for o in elsewhere)})
    return OfferDetail(
        offer=_views([offer], co2, warranties)[0],
        photos=photos,
        elsewhere=_views(elsewhere, co2, warranties),
        kit_items=kit_items,
    )


@dataclass
class PartLine:
    tag: str
    specs: str
    tested: bool
    price: Decimal
    origin: str


def part_offer_detail(site_code: str, category: str, limit: int = 60) -> PartOffer | None:
    """The parts of one category on sale at one site, each re-checked with the counter's rule."""
    parts = list(
        _parts_on_sale()
        .filter(site__code=site_code, category=category)
        .select_related("site", "drive", "origin__category")
        .order_by("price", "pk")[:limit]
    )
    lines = [
        PartLine(
            tag=part.tag,
            specs=part_specs_text(part),
            tested=part.test_status == Part.TestStatus.PASSED,
            price=part.price,
            origin=" ".join(
                bit
                for bit in (part.origin.category.name, part.origin.make, part.origin.model)
                if bit
            ),
        )
        for part in parts
        if part_refusal(part, purpose="sell") is None
    ]
    if not lines:
        return None
    offer = PartOffer(
        category,
        parts[0].site.code,
        parts[0].site.name,
        len(lines),
        min(line.price for line in lines),
        max(line.price for line in lines),
    )
    offer.lines = lines
    return offer
