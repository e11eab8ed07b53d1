"""Load a believable French workshop for demos and screenshots (idempotent)."""

from __future__ import annotations

import os
import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from demo.photos import demo_photo
from demo.walks import Crew, device_advance, device_make_safe
from inventory import services as inventory_services
from inventory.models import Carrier, DonationOffer, Donor, Location, ReceivingFacility
from inventory.services import donations
from labels.models import Printer
from refurb import services as refurb_services
from refurb.chain import chain_heads_sign
from refurb.models import Category, Device
from refurb.states import State
from reports.exports import AUDIT, KIND, REPORT, export_start
from reports.rollups import refresh_report_rollups
from shop import services as shop_services
from shop.models import Buyer, SiteLegal, vat_number_for
from shop.services.accounts import email_confirmation_token
from shop.services.catalogue import catalogue_rebuild
from skills.models import Skill, SkillValidation
from skills.services import skill_validate
from workshop import roles
from workshop.exceptions import DomainError
from workshop.models import Job, Site, WorkerBadge, WorkerProfile, Workstation, WorkstationKind
from workshop.services import badge_create

DEMO_PASSWORD = "atelier-demo-2026"
# The demo association account (docs/shop.md, README): signs in at /account/signin/.
DEMO_ACCOUNT_EMAIL = "contact@entraide-croix-rousse.example.org"
DEMO_PRINTER_NAME = "Étiqueteuse démo"
DEMO_PRINTER_PORT = int(os.environ.get("ATELIER_DEMO_PRINTER_PORT", "9100"))
PRINTING_KINDS = (WorkstationKind.INTAKE, WorkstationKind.ERASURE, WorkstationKind.SHOP)

USERS = [
    ("admin", "Admin", "Atelier", None, True),
    ("salome", "Salomé", "Benali", roles.BENCH_WORKER, False),
    ("karim", "Karim", "Haddad", roles.BENCH_WORKER, False),
    ("claire", "Claire", "Martin", roles.COACH, False),
    ("lucas", "Lucas", "Moreau", roles.SHOP, False),
    ("nadia", "Nadia", "Lefèvre", roles.MANAGER, False),
    ("hugo", "Hugo", "Perrin", roles.MANAGER, False),
    ("ines", "Inès", "Garnier", roles.COUNSELLOR, False),
]

# Where each demo person works (their WorkerProfile). nadia, the manager, has no site: she is
# the network manager and sees both sites; hugo manages Saint-Étienne only (its screens, its
# rows in the admin); admin is a superuser.
USER_SITES = {
    "salome": "LY",
    "claire": "LY",
    "lucas": "LY",
    "karim": "SE",
    "ines": "LY",
    "hugo": "SE",
}

# Every demo worker signs in at the benches with a badge and a PIN (printed by `make run`).
BADGES = {
    "admin": ("BADGE-ADMIN", "9024"),
    "salome": ("BADGE-SALOME", "2580"),
    "karim": ("BADGE-KARIM", "1470"),
    "claire": ("BADGE-CLAIRE", "3691"),
    "lucas": ("BADGE-LUCAS", "4826"),
    "nadia": ("BADGE-NADIA", "7315"),
    "hugo": ("BADGE-HUGO", "6203"),
    "ines": ("BADGE-INES", "5862"),
}

# What Claire, the coach, has validated of Salomé's skills (skills/): the worker's page and
# the team view show it.
DEMO_VALIDATIONS = [
    ("register", 3, "Enregistre seule, pèse et étiquette sans oubli."),
    ("erase", 2, "Trouve les disques ; demande encore pour les SSD M.2."),
    ("safety", 3, ""),
]

SITES = [
    ("LY", "Atelier solidaire de Lyon", "12 rue de Gerland, 69007 Lyon"),
    ("SE", "Atelier solidaire de Saint-Étienne", "4 rue de la Manufacture, 42000 Saint-Étienne"),
]

STATIONS = [
    ("Accueil 1", WorkstationKind.INTAKE),
    ("Effacement 1", WorkstationKind.ERASURE),
    ("Effacement 2", WorkstationKind.ERASURE),
    ("Test 1", WorkstationKind.TEST),
    ("Tri et grade", WorkstationKind.GRADING),
    ("Boutique", WorkstationKind.SHOP),
    ("Stock", WorkstationKind.STOCK),
    ("Bureau", WorkstationKind.OFFICE),
]

LOCATIONS = [
    ("Réception", Location.Kind.AREA),
    ("Étagère A1", Location.Kind.SHELF),
    ("Étagère A2", Location.Kind.SHELF),
    ("Bac pièces détachées", Location.Kind.BIN),
    ("Zone recyclage", Location.Kind.AREA),
    ("Boutique", Location.Kind.SHOP),
]

MODELS = {
    "laptop": [
        ("Dell", "Latitude E7240", "ssd", 128),
        ("Dell", "Latitude E6440", "hdd", 500),
        ("Lenovo", "ThinkPad X1 Carbon 5th", "nvme", 256),
        ("HP", "ProBook 430 G4", "ssd", 256),
        ("Lenovo", "ThinkPad T470", "ssd", 240),
    ],
    "desktop": [
        ("HP", "Compaq dc7900 SFF", "hdd", 250),
        ("Lenovo", "ThinkCentre E73", "hdd", 500),
        ("Dell", "OptiPlex 7010", "hdd", 500),
    ],
    "all_in_one": [("HP", "EliteOne 800 G3", "ssd", 256)],
    "screen": [("Dell", "P2214H", None, None), ("Iiyama", "ProLite E2483HS", None, None)],
    "tablet": [("Samsung", "Galaxy Tab A 10.1", "emmc", 32)],
    "phone": [("Fairphone", "Fairphone 3", "emmc", 64)],
    "printer": [("Brother", "HL-L2350DW", None, None)],
    "peripheral": [("Logitech", "K120 clavier", None, None)],
    "server": [("Dell", "PowerEdge R630", "hdd", 600)],
    "network": [("Netgear", "GS108 switch", None, None)],
}

# What the demo's computers, tablets and phones hold, in the keys of ``Device.specs`` (no
# ``cpu_generation``: the price grid's spec tier stays out of reach, so the demo's prices are
# the fallback rows the docs quote).
MODEL_SPECS = {
    "Latitude E7240": ("Intel Core i5-4310U", 8, "ssd", 128, 12.5, 81),
    "Latitude E6440": ("Intel Core i5-4300M", 4, "hdd", 500, 14, 74),
    "ThinkPad X1 Carbon 5th": ("Intel Core i7-7600U", 16, "nvme", 256, 14, 88),
    "ProBook 430 G4": ("Intel Core i3-7100U", 8, "ssd", 256, 13.3, 79),
    "ThinkPad T470": ("Intel Core i5-6300U", 8, "ssd", 240, 14, 85),
    "Compaq dc7900 SFF": ("Intel Core 2 Duo E8400", 4, "hdd", 250, None, None),
    "ThinkCentre E73": ("Intel Core i3-4130", 8, "hdd", 500, None, None),
    "OptiPlex 7010": ("Intel Core i5-3470", 8, "hdd", 500, None, None),
    "EliteOne 800 G3": ("Intel Core i5-6500", 8, "ssd", 256, 23.8, None),
    "Galaxy Tab A 10.1": ("Exynos 7870", 2, "emmc", 32, 10.1, 90),
    "Fairphone 3": ("Snapdragon 632", 4, "emmc", 64, 5.65, 86),
}


def model_specs(model: str) -> dict:
    known = MODEL_SPECS.get(model)
    if known is None:
        return {}
    cpu, ram, kind, storage, screen, battery = known
    specs = {"cpu_model": cpu, "ram_gb": ram, "storage_kind": kind, "storage_gb": storage}
    if screen:
        specs["screen_inches"] = screen
    if battery:
        specs["battery_health_pct"] = battery
    return specs


# Where the demo devices of one site end up, in order.
TARGETS = (
    [State.RECEIVED] * 6
    + [State.WIPED] * 4
    + [State.TESTED] * 3
    + [State.IN_REPAIR] * 2
    + [State.HARVESTED, State.RECYCLED]
    + [State.GRADED] * 3
    + [State.ON_SALE] * 6
    + [State.RESERVED, State.SOLD, State.SOLD, State.SOLD, State.RETURNED, State.WRITTEN_OFF]
)


def _demo_signature() -> bytes:
    """A drawn line as a PNG, the demo's stand-in for a signature on the tablet."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 90), "white")
    ImageDraw.Draw(image).line([(10, 60), (60, 20), (110, 70), (160, 25), (230, 55)], "black", 3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def siret_from(siren_body: str, nic_body: str) -> str:
    siren = siren_body + luhn.calc_check_digit(siren_body)
    body = siren + nic_body
    return body + luhn.calc_check_digit(body)


class Command(BaseCommand):
    help = "Load a demo workshop (two sites, benches, donors, devices in every state). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")

    def handle(self, *args, **options):
        users = self.ensure_users()
        if Site.objects.filter(code=SITES[0][0]).exists():
            self.stdout.write("Demo data already loaded: nothing to add.")
        else:
            with transaction.atomic():
                self.load(users, random.Random(options["seed"]))
        self.ensure_printers()
        self.ensure_waste_partners()
        refresh_report_rollups()  # as the nightly job would: the demo history is backdated
        catalogue_rebuild()  # as the hourly job would (it also follows every event)
        chain_heads_sign()  # as the daily job would (docs/operations.md, Cron): /verify/ shows it
        self.ensure_profiles(users)
        self.ensure_validations(users)
        self.ensure_donations(users)
        self.ensure_exports(users)
        self.print_logins()

    def ensure_exports(self, users: dict) -> None:
        """An audit archive and a report CSV of Lyon asked by Nadia, prepared in the background:
        the worker that ``make run`` starts makes their files (/reports/audit/, /jobs/)."""

        lyon = Site.objects.filter(code=SITES[0][0]).first()
        if lyon is None or Job.objects.filter(kind=KIND).exists():
            return
        today = timezone.localdate()
        start = today - timedelta(days=90)
        nadia = users["nadia"]
        export_start(AUDIT, actor=nadia, site=lyon, date_from=start, date_to=today)
        export_start(
            REPORT, actor=nadia, site=lyon, date_from=start, date_to=today, name="stock_by_state"
        )

    def ensure_validations(self, users: dict) -> None:
        salome, claire = users["salome"], users["claire"]
        if SkillValidation.objects.filter(worker=salome).exists():
            return
        skills = {skill.code: skill for skill in Skill.objects.all()}
        for code, level, comment in DEMO_VALIDATIONS:
            if code in skills:
                skill_validate(
                    worker=salome, skill=skills[code], level=level, comment=comment, actor=claire
                )

    def ensure_donations(self, users: dict) -> None:
        """Donation offers in every state at the first site, a planned round and a collected
        stop with its signed slip (issue 21; docs/donors.md)."""
        if DonationOffer.objects.exists():
            return
        site = Site.objects.filter(code=SITES[0][0]).first()
        if site is None:
            return
        today = timezone.localdate()
        manager, driver = users["nadia"], users["salome"]

        def offer(name, kind, email, lines, siret=""):
            return donations.offer_submit(
                site=site,
                kind=kind,
                organisation=name,
                siret=siret,
                contact_name="Claire Martin",
                contact_email=email,
                address="12 quai Perrache, 69002 Lyon",
                window_start=today,
                window_end=today + timedelta(days=30),
                lines=[donations.LineInput(*line) for line in lines],
                consent=True,
                notes="Accès par la cour, 2e étage.",
            )

        offer(
            "Cabinet Martin & Associés",
            Donor.Kind.COMPANY,
            "it@cabinet-martin.example",
            [("laptop", 12, "3to5", True, False)],
            siret=siret_from("73282932", "0007"),
        )
        offer(
            "École Jean-Macé",
            Donor.Kind.PUBLIC_BODY,
            "direction@ecole-mace.example",
            [("desktop", 8, "5to8", True, False), ("screen", 8, "5to8", False, False)],
        )
        accepted = offer(
            "Assurances du Rhône",
            Donor.Kind.COMPANY,
            "dsi@assur-rhone.example",
            [("laptop", 20, "lt3", True, True)],
        )
        donations.offer_accept(offer=accepted, actor=manager, reason="Merci !")
        declined = offer(
            "M. Petit",
            Donor.Kind.PERSON,
            "petit@example.org",
            [("printer", 3, "gt8", False, False)],
        )
        donations.offer_decline(
            offer=declined, actor=manager, reason="Nous ne reprenons pas les imprimantes."
        )
        planned = donations.offer_accept(
            offer=offer(
                "Centre social de Caluire",
                Donor.Kind.PUBLIC_BODY,
                "dsi@caluire.example",
                [("laptop", 15, "3to5", True, False), ("phone", 10, "3to5", True, False)],
            ),
            actor=manager,
        )
        collected = donations.offer_accept(
            offer=offer(
                "Pharmacie Bellecour",
                Donor.Kind.COMPANY,
                "contact@pharma.example",
                [("desktop", 4, "5to8", True, False)],
            ),
            actor=manager,
        )
        round_ = donations.round_plan(
            site=site,
            date=today,
            vehicle="Kangoo AB-123-CD",
            driver=driver,
            stops=[(collected, "40"), (planned, "55,5")],
            actor=manager,
        )
        signature = _demo_signature()
        donations.slip_record(
            stop=round_.stops.get(offer=collected),
            actor=driver,
            counts={"desktop": 4},
            weight_kg="38,6",
            donor_signatory="Claire Martin",
            donor_signature=signature,
            driver_signature=signature,
        )  # fmt: skip

    def ensure_profiles(self, users: dict) -> None:
        sites = {site.code: site for site in Site.objects.filter(code__in=USER_SITES.values())}
        for username, code in USER_SITES.items():
            if code in sites:
                WorkerProfile.objects.get_or_create(
                    user=users[username], defaults={"site": sites[code]}
                )

    def ensure_users(self) -> dict:
        User = get_user_model()
        made = {}
        for username, first, last, role, superuser in USERS:
            # The admin is for managers and superusers only (workshop/admin_site.py).
            staff = superuser or role == roles.MANAGER
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "is_staff": staff},
            )
            if not created and user.is_staff != staff:
                user.is_staff = staff
                user.save(update_fields=["is_staff"])
            if created:
                user.is_superuser = superuser
                user.set_password(DEMO_PASSWORD)
                user.save()
                if role:
                    user.groups.add(Group.objects.get(name=role))
            code, pin = BADGES[username]
            if not WorkerBadge.objects.filter(code=code).exists():
                badge_create(user=user, code=code, pin=pin)
            made[username] = user
        return made

    def load(self, users: dict, rng: random.Random) -> None:
        now = timezone.now()
        donors = self.make_donors()
        for index, (code, name, address) in enumerate(SITES):
            site = Site.objects.create(code=code, name=name, address=address)
            printer = Printer.objects.create(
                site=site,
                name="Navigateur (PDF)",
                kind=Printer.Kind.DOWNLOAD,
                default_stock="avery-l7160",
            )
            stations = {}
            for station_name, kind in STATIONS:
                station = Workstation.objects.create(
                    site=site,
                    name=station_name,
                    kind=kind,
                    printer=printer if kind == WorkstationKind.INTAKE else None,
                )
                stations.setdefault(kind, station)
            locations = [
                inventory_services.location_create(site=site, name=loc, kind=kind)
                for loc, kind in LOCATIONS
            ]
            self.ensure_profiles(users)
            # Each site's devices are handled by its own people: the manager stands in for the
            # coach and the shop at the second site.
            crew = Crew(
                bench=users["salome"] if index == 0 else users["karim"],
                coach=users["claire"] if index == 0 else users["nadia"],
                shop=users["lucas"] if index == 0 else users["nadia"],
                manager=users["nadia"],
                stations=stations,
            )
            SiteLegal.objects.create(
                site=site,
                legal_name=f"{name} (association loi 1901)",
                siret=siret_from(f"8{index}1234567"[:8], "0001"),
                vat_number=vat_number_for(siret_from(f"8{index}1234567"[:8], "0001")[:9]),
                address=address.replace(", ", "\n"),
            )
            count = self.load_site(site, crew, donors, locations, rng, now)
            if index == 0:
                self.load_shop(site, crew, now)
                self.load_parts(site, crew, now)
                self.load_licences(site, users["nadia"], now)
            self.stdout.write(f"[{index + 1}/{len(SITES)}] {name}: {count} devices")

    def ensure_waste_partners(self) -> None:
        """A carrier and a receiving facility for the waste register's form (once)."""
        Carrier.objects.get_or_create(
            name="Transports Rhodaniens (démo)",
            defaults={
                "siren": siret_from("44455566", "0001")[:9],
                "address": "4 rue du Port, 69007 Lyon",
                "receipt_number": "69-2024-0012",
            },
        )
        ReceivingFacility.objects.get_or_create(
            name="Envie 2E Rhône (démo)",
            defaults={"siret": siret_from("51122233", "0001"), "address": "69200 Vénissieux"},
        )

    def ensure_printers(self) -> None:
        """Give intake, erasure and shop the demo's raw-9100 printer (``make run`` starts it)."""
        for site in Site.objects.all():
            printer, _created = Printer.objects.update_or_create(
                site=site,
                name=DEMO_PRINTER_NAME,
                defaults={
                    "kind": Printer.Kind.RAW9100,
                    "host": "127.0.0.1",
                    "port": DEMO_PRINTER_PORT,
                    "default_stock": "zebra-57x32",
                    "timeout_seconds": 3,
                },
            )
            Workstation.objects.filter(site=site, kind__in=PRINTING_KINDS).update(printer=printer)

    def make_donors(self) -> list[Donor]:
        return [
            inventory_services.donor_create(
                kind=Donor.Kind.COMPANY,
                name="Banque Rhône-Alpes Solidaire",
                siret=siret_from("55210055", "0001"),
                contact_email="informatique@banque-ras.example",
            ),
            inventory_services.donor_create(
                kind=Donor.Kind.PUBLIC_BODY,
                name="Mairie de Villeurbanne",
                siret=siret_from("21690266", "0001"),
                contact_email="dsi@mairie-villeurbanne.example",
            ),
            inventory_services.donor_create(kind=Donor.Kind.PERSON, name="Mme Dupont"),
            inventory_services.donor_create(kind=Donor.Kind.PERSON, name="M. Nguyen"),
            inventory_services.donor_create(kind=Donor.Kind.PERSON, name="Mme Rossi"),
        ]

    def load_site(self, site, crew, donors, locations, rng, now) -> int:
        categories = {category.code: category for category in Category.objects.all()}
        collections = []
        for days_ago, donor in zip((55, 40, 21, 9), donors[:2] + donors[2:4], strict=True):
            collections.append(
                inventory_services.collection_create(
                    donor=donor,
                    site=site,
                    received_on=(now - timedelta(days=days_ago)).date(),
                    declared_count=rng.randint(8, 20),
                    gross_weight_kg=Decimal(rng.randint(40, 180)),
                    notes="Lot de démonstration",
                )
            )
        codes = list(MODELS)
        count = 0
        for number, target in enumerate(TARGETS):
            code = "laptop" if number % 3 == 0 else codes[number % len(codes)]
            make, model, drive_kind, size_gb = rng.choice(MODELS[code])
            collection = collections[number % len(collections)]
            start = timezone.make_aware(
                timezone.datetime.combine(collection.received_on, timezone.datetime.min.time())
            ) + timedelta(hours=9)
            device = refurb_services.device_register(
                site=site,
                category=categories[code],
                actor=crew.bench,
                collection=collection,
                make=make,
                model=model,
                serial_number=f"{make[:2].upper()}{rng.randint(10**7, 10**8 - 1)}",
                specs=model_specs(model),
                weight_kg=categories[code].default_weight_kg,
                location=locations[0],
                workstation=crew.stations[WorkstationKind.INTAKE],
                now=start,
            )
            if drive_kind:
                drives = 2 if code == "server" else 1
                for _index in range(drives):
                    refurb_services.drive_add(
                        device=device,
                        actor=crew.bench,
                        kind=drive_kind,
                        serial_number=f"S{rng.randint(10**9, 10**10 - 1)}",
                        model=f"{drive_kind.upper()} {size_gb} Go",
                        capacity_bytes=size_gb * 10**9,
                        workstation=crew.stations[WorkstationKind.ERASURE],
                        now=start + timedelta(minutes=30),
                    )
            if target != State.RECEIVED:
                if number % 7 == 1 and drive_kind:
                    device_make_safe(
                        device, crew, now=start + timedelta(hours=1), failed_first=True
                    )
                device_advance(
                    device,
                    target,
                    crew,
                    now=start,
                    grade=rng.choice("AABBC"),
                    step=timedelta(hours=rng.randint(4, 30)),
                )
            count += 1
        self.load_photos(site, crew)
        return count

    def load_photos(self, site, crew) -> None:
        """Photos drawn with Pillow for the site's graded devices and most devices on sale,
        taken at its grading bench as a bench worker would (``device_photo_add``)."""
        devices = Device.objects.filter(
            site=site, state__in=[State.GRADED, State.ON_SALE]
        ).select_related("category")
        for number, device in enumerate(devices.order_by("pk")):
            if number % 4 == 3:
                continue  # some devices keep the catalogue's placeholder
            title = f"{device.make} {device.model}"
            for view in range(1 + number % 3):
                refurb_services.device_photo_add(
                    device=device,
                    data=demo_photo(device.category.code, title, view),
                    actor=crew.bench,
                    workstation=crew.stations[WorkstationKind.GRADING],
                )

    def load_shop(self, site, crew, now) -> None:
        """Two buyers, one kit and one sale with its invoice, through the shop services."""
        association = shop_services.buyer_create(
            kind=Buyer.Kind.ASSOCIATION,
            name="Les Amis du Numérique de Gerland",
            rna="W691234567",
            address="5 rue Crépet\n69007 Lyon",
            actor=crew.shop,
            site=site,
            now=now,
        )
        person = shop_services.buyer_create(
            kind=Buyer.Kind.INDIVIDUAL,
            name="Mme Diallo",
            proof_kind=Buyer.Proof.RSA,
            actor=crew.shop,
            site=site,
            now=now,
        )
        on_sale = list(Device.objects.filter(site=site, state=State.ON_SALE).order_by("pk"))
        kit = shop_services.kit_assemble(
            site=site, devices=on_sale[:2], name="Kit de démonstration", actor=crew.shop, now=now
        )
        sale = shop_services.sale_complete(
            site=site,
            buyer=association,
            items=[on_sale[2]],
            payment_method="cheque",
            actor=crew.shop,
            workstation=crew.stations[WorkstationKind.SHOP],
            now=now,
        )
        self.stdout.write(
            f"Shop: buyers {association.name}, {person.name}; kit {kit.tag}; invoice {sale.number}"
        )
        self.load_accounts(site, crew, now)

    def load_accounts(self, site, crew, now) -> None:
        """An approved association account (it signs in at /account/signin/ and orders) and an
        application waiting for the shop staff's review, through the account services."""

        def confirmed(email, **fields):
            account = shop_services.account_signup(
                site=site,
                email=email,
                password=DEMO_PASSWORD,
                confirm_url=lambda user: "http://127.0.0.1:8000/account/",
                now=now,
                **fields,
            )
            user = account.user
            return shop_services.account_confirm_email(
                user=user, token=email_confirmation_token.make_token(user), now=now
            )

        approved = confirmed(
            DEMO_ACCOUNT_EMAIL,
            kind=Buyer.Kind.ASSOCIATION,
            legal_name="Entraide Numérique Croix-Rousse",
            rna="W691000017",
            address="12 rue d'Austerlitz\n69004 Lyon",
            contact_name="Camille Martin",
        )
        shop_services.account_review(account=approved, decision="approve", actor=crew.shop, now=now)
        waiting = confirmed(
            "contact@mediatheque-vaise.example.org",
            kind=Buyer.Kind.LIBRARY,
            legal_name="Médiathèque de Vaise",
            siren=siret_from("21690123", "0001")[:9],
            contact_name="Julien Roche",
        )
        self.stdout.write(
            f"Accounts: {approved.legal_name} (approved, {DEMO_ACCOUNT_EMAIL}), "
            f"{waiting.legal_name} (waiting for review)"
        )

    def load_parts(self, site, crew, now) -> None:
        """A device in repair harvested for parts (the "Pièces en stock" list has some); its
        battery sold at the counter and brought back, on a credit note."""
        device = Device.objects.filter(site=site, state=State.IN_REPAIR).order_by("pk").first()
        if device is None:
            return
        station = crew.stations[WorkstationKind.TEST]
        spec = inventory_services.PartSpec
        safe_drives = [drive for drive in device.drives.all() if drive.is_safe]
        specs = [
            spec(category="battery", test_status="passed", price="15.00"),
            spec(category="screen", test_status="passed", price="25.00"),
            *[spec(category="drive", drive=drive) for drive in safe_drives],
        ]
        try:
            parts = inventory_services.device_harvest(
                device=device, parts=specs, actor=crew.coach, workstation=station, now=now
            )
            walk_in = shop_services.buyer_create(
                kind=Buyer.Kind.PUBLIC, name="Client au comptoir", actor=crew.shop, site=site,
                now=now,
            )  # fmt: skip
            sale = shop_services.sale_complete(
                site=site, buyer=walk_in, items=[parts[0].tag], payment_method="cash",
                actor=crew.shop, workstation=crew.stations[WorkstationKind.SHOP], now=now,
            )  # fmt: skip
            note = shop_services.sale_return(
                sale=sale, parts=[parts[0]], reason="Ne tient plus la charge", actor=crew.shop,
                workstation=crew.stations[WorkstationKind.SHOP], now=now,
            )  # fmt: skip
        except DomainError as refused:
            self.stdout.write(f"Parts: not harvested ({refused.code})")
            return
        self.stdout.write(
            f"Parts: {device.asset_tag} harvested into {len(parts)} parts; "
            f"battery sold on {sale.number} and taken back on {note.number}"
        )

    def load_licences(self, site, manager, now) -> None:
        """A proprietary image beside the free ones, with five (made-up) refurbisher licences
        in Lyon's stock: the managers' "Systems and licences" page has something to count."""
        image = refurb_services.system_image_create(
            code="windows-10-pro",
            name="Windows 10 Professionnel",
            version="22H2",
            licence="key",
            order=10,
            actor=manager,
            now=now,
        )
        keys = [f"DEMO{n}-7QK2X-RBM4T-W9JHD-{n}{n}{n}{n}C" for n in range(1, 6)]
        refurb_services.licence_keys_load(
            site=site, image=image, keys=keys, kind="refurbisher", actor=manager, now=now
        )
        self.stdout.write(f"Licences: {len(keys)} {image.label} in the stock of {site.name}")

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, first, last, role, superuser in USERS:
            label = "superuser" if superuser else str(roles.ROLES[role])
            code, pin = BADGES[username]
            self.stdout.write(
                f"  {username:<8} {first} {last} — {label} · badge {code} · PIN {pin}"
            )
        self.stdout.write("At a bench: scan (or type) the badge, then the PIN.")
        self.stdout.write(
            f"Association account: {DEMO_ACCOUNT_EMAIL} at /account/signin/ (same password)."
        )
