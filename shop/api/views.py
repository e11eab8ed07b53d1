"""Shop endpoints: thin views over ``shop.selectors`` and ``shop.services``.

Every view names its rows of the access matrix (``matrix``, ``workshop/access.py``): the role
is checked before the view runs, the site on the row (``access_guard``) or by scoping the
querysets to the caller's sites (``site_scope``), so another site's buyer, sale or kit answers
404 as if it did not exist. Writes go through the same services as the counter screens.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shop import services
from shop.api import filters
from shop.api import serializers as s
from shop.invoices import credit_note_pdf, invoice_pdf
from shop.models import (
    Buyer,
    CreditNote,
    CreditNoteLine,
    Kit,
    KitItem,
    PriceRule,
    Reservation,
    Sale,
)
from shop.selectors import buyer_tier, site_legal
from workshop import tags
from workshop.api.auth import request_actor, request_roles, request_workstation
from workshop.api.base import (
    ApiViewMixin,
    CursorPagination,
    access_guard,
    caller_site,
    site_scope,
)
from workshop.api.parsers import SafeJSONParser
from workshop.exceptions import DomainError

PDF = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
}


def _refused_buyer(pk) -> DomainError:
    return DomainError(
        "not_found",
        _("No buyer has the id “%(key)s”.") % {"key": pk},
        fields={"buyer": [_("Unknown buyer.")]},
        status=422,
    )


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


class _ShopViewSet(ApiViewMixin, viewsets.GenericViewSet):
    parser_classes = [SafeJSONParser]  # JSON bodies only, as the schema says

    def who(self, roles: bool = False) -> dict:
        """The actor and workstation a write names; with ``roles``, the roles it acts with (a
        workstation token without a badge: its kind's)."""
        who = {
            "actor": request_actor(self.request),
            "workstation": request_workstation(self.request),
        }
        if roles:
            who["roles"] = request_roles(self.request)
        return who


@extend_schema(tags=["shop"])
class BuyerViewSet(_ShopViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Buyers of the caller's sites, their tier and why; creating one checks its identifiers."""

    serializer_class = s.BuyerSerializer
    filterset_class = filters.BuyerFilter
    search_fields = ["name", "siret", "rna"]
    ordering_fields = ["name", "id", "created_at"]
    matrix = {
        "list": ("buyer", "read"),
        "retrieve": ("buyer", "read"),
        "eligibility": ("buyer", "read"),
        "create": ("buyer", "create"),
        "recheck": ("buyer", "recheck"),
    }
    not_found_message = gettext_lazy("No buyer has the id “%(key)s”.")

    def get_queryset(self):
        return site_scope(Buyer.objects.select_related("site").order_by("name", "id"), self.request)

    @extend_schema(request=s.BuyerCreateSerializer, responses={201: s.BuyerSerializer})
    def create(self, request):
        body = s.BuyerCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        site = caller_site(request, data.pop("site", None))
        access_guard(request, "buyer", "create", site)
        buyer = services.buyer_create(site=site, actor=request_actor(request), **data)
        return Response(s.BuyerSerializer(buyer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.BuyerRecheckSerializer, responses={200: s.BuyerSerializer})
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        """Record that the buyer's eligibility was checked again today."""
        buyer = self.get_object()
        body = s.BuyerRecheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        access_guard(request, "buyer", "recheck", buyer.site_id)
        buyer = services.buyer_recheck(
            buyer=buyer,
            actor=request_actor(request),
            proof_kind=body.validated_data.get("proof_kind"),
            site=buyer.site,
        )
        return Response(s.BuyerSerializer(buyer).data)

    @extend_schema(responses={200: s.EligibilitySerializer})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def eligibility(self, request, pk=None):
        """The tier the buyer buys at today at their site, or why a sale is refused."""
        buyer = self.get_object()
        refused = None
        try:
            tier = buyer_tier(buyer, site_legal(buyer.site)) if buyer.site else None
        except DomainError as error:
            refused, tier = error.message, None
        return Response(
            {
                "buyer": buyer.pk,
                "tier": tier.tier if tier else Buyer.Tier.STANDARD,
                "expired": tier.expired if tier else refused is not None,
                "reason": str(tier.reason) if tier else str(refused or buyer.tier_reason),
                "eligible_until": buyer.eligible_until,
                "refused": str(refused) if refused else None,
            }
        )


@extend_schema(tags=["shop"])
class PriceRuleViewSet(
    _ShopViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """The price grid: read by everyone, written by managers (``price_rule_save``)."""

    queryset = PriceRule.objects.select_related("category", "grade", "spec_tier").order_by("id")
    serializer_class = s.PriceRuleSerializer
    filterset_class = filters.PriceRuleFilter
    ordering_fields = ["id"]
    matrix = {
        "list": ("price_grid", "read"),
        "retrieve": ("price_grid", "read"),
        "create": ("price_grid", "write"),
        "change": ("price_grid", "write"),
    }
    not_found_message = gettext_lazy("No row of the price grid has the id “%(key)s”.")

    def _save(self, request, rule=None):
        body = s.PriceRuleWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return services.price_rule_save(actor=request.user, rule=rule, **body.validated_data)

    @extend_schema(request=s.PriceRuleWriteSerializer, responses={201: s.PriceRuleSerializer})
    def create(self, request):
        rule = self._save(request)
        return Response(s.PriceRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PriceRuleWriteSerializer, responses={200: s.PriceRuleSerializer})
    @action(detail=True, methods=["post"])
    def change(self, request, pk=None):
        """Change a row of the grid (every field given again)."""
        rule = self._save(request, self.get_object())
        return Response(s.PriceRuleSerializer(rule).data)


def _kits():
    return Kit.objects.select_related("site").prefetch_related(
        Prefetch("items", queryset=KitItem.objects.select_related("device"))
    )


@extend_schema(tags=["shop"])
class KitViewSet(_ShopViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = s.KitSerializer
    filterset_class = filters.KitFilter
    search_fields = ["tag", "name"]
    ordering_fields = ["id", "tag"]
    lookup_field = "tag"
    matrix = {
        "list": ("kit", "read"),
        "retrieve": ("kit", "read"),
        "create": ("kit", "assemble"),
        "dismantle": ("kit", "dismantle"),
    }
    not_found_message = gettext_lazy("No kit has the tag “%(key)s”.")

    def get_queryset(self):
        return site_scope(_kits().order_by("-id"), self.request)

    def get_object(self):
        self.kwargs["tag"] = tags.normalize(self.kwargs["tag"])
        return super().get_object()

    @extend_schema(request=s.KitCreateSerializer, responses={201: s.KitSerializer})
    def create(self, request):
        """Assemble devices on sale into a kit (its price defaults to the sum of theirs)."""
        body = s.KitCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        site = caller_site(request, data.pop("site", None))
        access_guard(request, "kit", "assemble", site)
        devices = []
        for code in data.pop("devices"):
            device = s.device_by_tag(code)
            if device is None:
                raise DomainError(
                    "not_found",
                    _("No device has the tag “%(key)s”.") % {"key": code},
                    fields={"devices": [code]},
                    status=422,
                )
            devices.append(device)
        kit = services.kit_assemble(site=site, devices=devices, **data, **self.who())
        return Response(
            s.KitSerializer(_kits().get(pk=kit.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses={200: s.KitSerializer})
    @action(detail=True, methods=["post"])
    def dismantle(self, request, tag=None):
        """Take the kit apart: its devices are on sale one by one again."""
        kit = self.get_object()
        access_guard(request, "kit", "dismantle", kit.site_id)
        services.kit_dismantle(kit=kit, **self.who())
        return Response(s.KitSerializer(_kits().get(pk=kit.pk)).data)


@extend_schema(tags=["shop"])
class ReservationViewSet(_ShopViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = s.ReservationSerializer
    filterset_class = filters.ReservationFilter
    ordering_fields = ["id", "expires_at"]
    matrix = {
        "list": ("reservation", "read"),
        "retrieve": ("reservation", "read"),
        "create": ("device", "reserve"),
        "release": ("reservation", "release"),
    }
    not_found_message = gettext_lazy("No reservation has the id “%(key)s”.")

    def get_queryset(self):
        return site_scope(
            Reservation.objects.select_related("device").order_by("-id"),
            self.request,
            "device__site_id",
        )

    @extend_schema(request=s.ReservationCreateSerializer, responses={201: s.ReservationSerializer})
    def create(self, request):
        """Hold a device on sale for one buyer (``reservation_create``)."""
        body = s.ReservationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        device = s.device_by_tag(data["device"])
        if device is None:
            raise DomainError(
                "not_found",
                _("No device has the tag “%(key)s”.") % {"key": data["device"]},
                fields={"device": [_("Unknown device.")]},
                status=422,
            )
        access_guard(request, "device", "reserve", device.site_id)
        buyer = site_scope(Buyer.objects.all(), request).filter(pk=data["buyer"]).first()
        if buyer is None:
            raise _refused_buyer(data["buyer"])
        reservation = services.reservation_create(
            device=device, buyer=buyer, expires_at=data.get("expires_at"), **self.who(roles=True)
        )
        return Response(s.ReservationSerializer(reservation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.ReservationSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """End the reservation: the device is on sale again."""
        reservation = self.get_object()
        access_guard(request, "reservation", "release", reservation.device.site_id)
        reservation = services.reservation_release(reservation=reservation, **self.who(roles=True))
        return Response(s.ReservationSerializer(reservation).data)


def _sales():
    return Sale.objects.select_related("site").prefetch_related("lines__kit", "credit_notes")


class SaleCursorPagination(CursorPagination):
    ordering = "-id"


@extend_schema(tags=["shop"])
class SaleViewSet(_ShopViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Sales and their invoices (JSON, or PDF with ``/invoice/``); a POST completes a sale."""

    serializer_class = s.SaleSerializer
    filterset_class = filters.SaleFilter
    pagination_class = SaleCursorPagination
    search_fields = ["number"]
    matrix = {
        "list": ("sale", "read"),
        "retrieve": ("sale", "read"),
        "invoice": ("sale", "read"),
        "create": ("sale", "complete"),
        "returns": ("sale", "return"),
    }
    not_found_message = gettext_lazy("No sale has the id “%(key)s”.")

    def get_queryset(self):
        return site_scope(_sales(), self.request)

    @extend_schema(request=s.SaleCreateSerializer, responses={201: s.SaleCompletedSerializer})
    def create(self, request):
        """Sell devices and kits to a buyer (``sale_complete``): one numbered invoice.

        Send an ``Idempotency-Key``: a retried POST gets the same sale, never a second one.
        """
        body = s.SaleCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        site = caller_site(request, data.get("site"))
        access_guard(request, "sale", "complete", site)
        buyer = site_scope(Buyer.objects.all(), request).filter(pk=data["buyer"]).first()
        if buyer is None:
            raise _refused_buyer(data["buyer"])
        sale = services.sale_complete(
            site=site,
            buyer=buyer,
            items=list(data["items"]),
            payment_method=data["payment_method"],
            cash_given=data.get("cash_given"),
            **self.who(roles=True),
        )
        fresh = _sales().get(pk=sale.pk)
        fresh.change_due = sale.change_due
        return Response(s.SaleCompletedSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=PDF)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def invoice(self, request, pk=None):
        """The invoice as a PDF, as the counter prints it."""
        sale = self.get_object()
        return _pdf(invoice_pdf(sale), sale.number)

    @extend_schema(request=s.ReturnCreateSerializer, responses={201: s.CreditNoteSerializer})
    @action(detail=True, methods=["post"])
    def returns(self, request, pk=None):
        """Take devices of the sale back under warranty (``sale_return``): a credit note."""
        sale = self.get_object()
        body = s.ReturnCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        access_guard(request, "sale", "return", sale.site_id)
        lines = {line.asset_tag: line for line in sale.lines.select_related("device")}

        part_lines = {line.tag: line for line in sale.part_lines.select_related("part")}
        wanted = [tags.normalize(code) for code in body.validated_data["devices"]]
        wanted_parts = [tags.normalize(code) for code in body.validated_data["parts"]]
        unknown = [code for code in wanted if code not in lines]
        unknown_parts = [code for code in wanted_parts if code not in part_lines]
        if unknown or unknown_parts:
            fields = {"devices": unknown} if unknown else {}
            if unknown_parts:
                fields["parts"] = unknown_parts
            raise DomainError(
                "not_on_invoice",
                _("Some of these devices or parts are not on invoice %(number)s.")
                % {"number": sale.number},
                fields=fields,
            )
        note = services.sale_return(
            sale=sale,
            devices=[lines[code].device for code in dict.fromkeys(wanted)],
            parts=[part_lines[code].part for code in dict.fromkeys(wanted_parts)],
            reason=body.validated_data["reason"],
            **self.who(roles=True),
        )
        return Response(
            s.CreditNoteSerializer(_credit_notes().get(pk=note.pk)).data,
            status=status.HTTP_201_CREATED,
        )


def _credit_notes():
    return CreditNote.objects.select_related("site", "sale").prefetch_related(
        Prefetch("lines", queryset=CreditNoteLine.objects.select_related("sale_line", "part_line"))
    )


@extend_schema(tags=["shop"])
class CreditNoteViewSet(_ShopViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = s.CreditNoteSerializer
    filterset_class = filters.CreditNoteFilter
    search_fields = ["number"]
    ordering_fields = ["id", "created_at"]
    matrix = {
        "list": ("sale", "read"),
        "retrieve": ("sale", "read"),
        "pdf": ("sale", "read"),
    }
    not_found_message = gettext_lazy("No credit note has the id “%(key)s”.")

    def get_queryset(self):
        return site_scope(_credit_notes().order_by("-id"), self.request)

    @extend_schema(responses=PDF)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def pdf(self, request, pk=None):
        """The credit note as a PDF."""
        note = self.get_object()
        return _pdf(credit_note_pdf(note), note.number)
