"""factory_boy factories for the whole suite. Devices are made through the intake service."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from inventory.models import Donor
from refurb import services as refurb_services
from refurb.models import Category, ChecklistItem, Grade
from workshop.models import Site, WorkerProfile, Workstation, WorkstationKind
from workshop.roles import MANAGER

NO_SITE = object()  # make_user(site=NO_SITE): a person with no site


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{chr(65 + (n // 26) % 26)}{chr(65 + n % 26)}")
    name = factory.LazyAttribute(lambda o: f"Atelier {o.code}")


class WorkstationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstation

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Poste {n}")
    kind = WorkstationKind.INTAKE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            self.save()
        if create and extracted:
            for role in extracted:
                self.groups.add(Group.objects.get(name=role))

    @factory.post_generation
    def site(self, create, extracted, **kwargs):
        """Everyone but managers and superusers works at a site: LY unless ``site=`` says
        otherwise (``site=NO_SITE`` for none). A manager gets a site only when named."""
        if not create or extracted is NO_SITE:
            return
        if extracted is None:
            if self.is_superuser or self.groups.filter(name=MANAGER).exists():
                return
            extracted = SiteFactory(code="LY", name="Atelier de Lyon")
        WorkerProfile.objects.update_or_create(user=self, defaults={"site": extracted})


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor

    kind = Donor.Kind.COMPANY
    name = factory.Sequence(lambda n: f"Donateur {n}")


def category(code: str = "laptop") -> Category:
    return Category.objects.get(code=code)


def grade(code: str = "A") -> Grade:
    return Grade.objects.get(code=code)


def make_device(*, site=None, category_code="laptop", actor=None, **kwargs):
    """Register a device through the intake service (so it has its first event)."""
    site = site or SiteFactory()
    return refurb_services.device_register(
        site=site, category=category(category_code), actor=actor, **kwargs
    )


def mandatory_items(device) -> list[ChecklistItem]:
    return list(
        ChecklistItem.objects.filter(category=device.category, mandatory=True, is_active=True)
    )


def site_legal(site, **overrides):
    """Give ``site`` the legal identity printed on invoices (margin scheme by default)."""
    from stdnum import luhn

    from shop.models import SiteLegal, vat_number_for

    siren = "41234567" + luhn.calc_check_digit("41234567")
    values = {
        "legal_name": f"{site.name} (association loi 1901)",
        "siret": siren + "0001" + luhn.calc_check_digit(siren + "0001"),
        "address": "12 rue de Gerland\n69007 Lyon",
        "vat_regime": "margin",
        "vat_number": vat_number_for(siren),
        **overrides,
    }
    return SiteLegal.objects.update_or_create(site=site, defaults=values)[0]


def transition(**kwargs):
    """``device_transition`` made from the bench a real workshop would use for that move, when
    the test names no workstation (every move is made from a workstation)."""
    from refurb.models import Device
    from refurb.services import device_transition
    from refurb.transitions import find_move, walker_station
    from workshop.exceptions import DomainError

    if kwargs.get("workstation") is None:
        device = kwargs["device"]
        try:
            move = find_move(Device.objects.get(pk=device.pk).state, kwargs["to"])
        except (DomainError, ValueError):
            move = None
        kind = walker_station(move) if move is not None else None
        if kind is not None:
            kwargs["workstation"] = bench(kind, device.site)
    if kwargs["to"] == "written_off":
        from refurb.services import device_write_off

        kwargs.pop("to")
        return device_write_off(**kwargs)
    return device_transition(**kwargs)


def bench(kind: str, site=None):
    """The workstation of ``kind`` at ``site`` (the first site by default), created on first
    use, for tests that call a service made from a bench."""
    from workshop.models import Site, Workstation

    site = site or Site.objects.order_by("pk").first()
    existing = Workstation.objects.filter(site=site, kind=kind).order_by("pk").first()
    if existing is not None:
        return existing
    workstation, _created = Workstation.objects.get_or_create(
        site=site, name=f"Banc {kind}", defaults={"kind": kind}
    )
    return workstation
