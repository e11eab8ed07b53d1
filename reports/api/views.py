"""Report, certificate and donor-outcome endpoints: the same figures and documents as the
screens, from the same functions.

``GET /api/reports/{name}/`` answers the very table the report screen shows and its CSV export
writes (``reports.tables.TABLES``), cell for cell: the codes columns included, decimals as
strings (exact, like the CSV), dates in ISO 8601. Certificates are issued and downloaded by the
managers of the subject's site (``certificate_issue`` checks it); anyone may verify a code.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.models import Collection
from inventory.selectors import donors_visible_to
from refurb.certificates.pdf import certificate_pdf
from refurb.certificates.services import certificate_issue, certificate_verify, normalize_code
from refurb.models import Certificate, Device
from reports.figures.common import Period
from reports.figures.donor import OUTCOME_LABELS, device_certificate_url, donor_devices
from reports.tables import COACH_TABLES, TABLES
from reports.views import DEFAULT_REPORT_WEEKS
from workshop import tags
from workshop.access import site_check
from workshop.api.auth import request_workstation
from workshop.api.base import ApiViewMixin, StrictSerializer, site_scope
from workshop.api.fields import AtelierDateTimeField
from workshop.api.parsers import SafeJSONParser
from workshop.exceptions import DomainError
from workshop.models import Site
from workshop.roles import MANAGER, user_roles
from workshop.selectors import user_site_ids

# --- reports ------------------------------------------------------------------------------


class ReportSummarySerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    definition = serializers.CharField()
    csv = serializers.CharField(help_text="Path of the same table as CSV (the report screens).")


class PeriodSerializer(serializers.Serializer):
    site = serializers.CharField(allow_null=True)
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)


class ReportSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    definition = serializers.CharField()
    period = PeriodSerializer()
    header = serializers.ListField(child=serializers.CharField())
    codes = serializers.ListField(
        child=serializers.IntegerField(), help_text="Indexes of the columns of stable codes."
    )
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField(allow_null=True)),
        help_text="Cells: text, whole numbers, decimals as strings, ISO dates, or null.",
    )


class ReportQuerySerializer(StrictSerializer):
    site = serializers.CharField(required=False, min_length=1, max_length=8, help_text="Site code.")
    date_from = serializers.DateField(required=False, allow_null=True)
    date_to = serializers.DateField(required=False, allow_null=True)


def _cell(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return str(Decimal(str(value)))
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _may_read(request, name: str) -> bool:
    roles = user_roles(request.user)
    return MANAGER in roles or (name in COACH_TABLES and "coach" in roles)


PERIOD_PARAMETERS = [
    OpenApiParameter(
        "site",
        {"type": "string", "minLength": 1, "maxLength": 8},
        description="Site code; default: every site for a network manager, else the caller's.",
    ),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="First day (inclusive)."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Last day (inclusive)."),
]


@extend_schema(tags=["reports"])
class ReportListView(ApiViewMixin, APIView):
    """``GET /api/reports/``: the reports the caller may read."""

    matrix = {"get": ("report", "read_workers")}

    @extend_schema(responses={200: ReportSummarySerializer(many=True)})
    def get(self, request):
        answer = []
        for name, build in TABLES.items():
            if not _may_read(request, name):
                continue
            title, definition = build_meta(name, build)
            answer.append(
                {
                    "name": name,
                    "title": str(title),
                    "definition": str(definition),
                    "csv": reverse("reports:csv", args=[name]),
                }
            )
        return Response(answer)


def build_meta(name, build):
    """Title and definition of a report (in the request's language), from an empty period."""
    table = build(Period(date_from=date(2000, 1, 2), date_to=date(2000, 1, 1)))
    return table.title, table.definition


def report_period(request) -> Period:
    """The period of ``?site=&date_from=&date_to=``, as the report screens read it: with no
    parameter at all, the last 12 whole weeks; a site the caller may not read is refused."""
    body = ReportQuerySerializer(data=request.query_params.dict())
    body.is_valid(raise_exception=True)
    data = body.validated_data
    site = None
    if data.get("site"):
        site = Site.objects.filter(code=data["site"].upper()).first()
        if site is None:
            # Well-formed, names nothing: 422 like a body's missing row (docs/api.md).
            raise ValidationError({"site": [_("No site has this code.")]}, code="does_not_exist")
        site_check(site, actor=request.user, workstation=request_workstation(request))
    else:
        site_ids = user_site_ids(request.user)
        if site_ids is not None:
            site = Site.objects.filter(pk__in=site_ids).order_by("pk").first()
            if site is None:
                raise DomainError("other_site", _("You work at no site."), status=403)
    if not request.query_params:
        today = timezone.localdate()
        first = today - timedelta(days=today.weekday(), weeks=DEFAULT_REPORT_WEEKS - 1)
        return Period(site=site, date_from=first, date_to=today)
    return Period(site=site, date_from=data.get("date_from"), date_to=data.get("date_to"))


@extend_schema(tags=["reports"])
class ReportView(ApiViewMixin, APIView):
    """``GET /api/reports/{name}/``: one report's table, as the screen and the CSV have it."""

    matrix = {"get": ("report", "read_workers")}

    @extend_schema(
        parameters=[
            OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(TABLES)),
            *PERIOD_PARAMETERS,
        ],
        responses={200: ReportSerializer},
    )
    def get(self, request, name: str):
        if name not in TABLES:
            raise DomainError(
                "not_found", _("No report is called “%(key)s”.") % {"key": name}, status=404
            )
        if not _may_read(request, name):
            raise DomainError("role_forbidden", _("Your role does not allow this."), status=403)
        period = report_period(request)
        table = TABLES[name](period)
        return Response(
            {
                "name": table.name,
                "title": table.title,
                "definition": table.definition,
                "period": {
                    "site": period.site.code if period.site else None,
                    "date_from": period.date_from,
                    "date_to": period.date_to,
                },
                "header": list(table.header),
                "codes": list(table.codes),
                "rows": [[_cell(value) for value in row] for row in table.rows],
            }
        )


# --- certificates -------------------------------------------------------------------------


class CertificateSerializer(serializers.ModelSerializer):
    device = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True, allow_null=True)
    collection = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "code",
            "kind",
            "device",
            "collection",
            "content_sha256",
            "language",
            "issued_at",
            "verify_url",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_collection(self, certificate) -> str | None:
        return certificate.collection.tag if certificate.collection_id else None

    def get_verify_url(self, certificate) -> str:
        return reverse("refurb:verify", args=[certificate.code])

    def get_pdf_url(self, certificate) -> str:
        return reverse("api:certificate-pdf", args=[certificate.code])


class CertificateIssueSerializer(StrictSerializer):
    # Exactly one of them (``oneOf`` in the schema: workshop.api.schema).
    schema_one_of_required = (("device",), ("collection",))
    device = serializers.CharField(max_length=40, required=False, help_text="Asset tag.")
    collection = serializers.CharField(max_length=40, required=False, help_text="Collection tag.")

    def validate(self, data):
        if ("device" in data) == ("collection" in data):
            raise ValidationError({"device": [_("Give either a device or a collection.")]})
        return data


class VerificationSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=["valid", "altered", "unknown"])
    kind = serializers.CharField(allow_null=True)
    issued_at = AtelierDateTimeField(allow_null=True)
    content = serializers.JSONField(allow_null=True, help_text="The certified facts, or null.")
    signed = serializers.JSONField(help_text="Per asset tag, the signed head vouching for it.")


def _certificates():
    return Certificate.objects.select_related("device", "collection")


@extend_schema(tags=["certificates"])
class CertificateIssueView(ApiViewMixin, APIView):
    """``POST /api/certificates/``: issue (or find again) a data-sanitisation certificate."""

    matrix = {"post": ("certificate", "issue")}
    parser_classes = [SafeJSONParser]

    @extend_schema(
        request=CertificateIssueSerializer,
        responses={201: CertificateSerializer, 200: CertificateSerializer},
    )
    def post(self, request):
        """201 for a new certificate; 200 when one with the same facts exists (same code)."""
        body = CertificateIssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        now = timezone.now()
        if "device" in data:
            subject = {
                "device": get_object_or_404(Device, asset_tag=tags.normalize(data["device"]))
            }
        else:
            subject = {
                "collection": get_object_or_404(Collection, tag=tags.normalize(data["collection"]))
            }
        certificate = certificate_issue(
            actor=request.user, language=get_language(), now=now, **subject
        )
        fresh = _certificates().get(pk=certificate.pk)
        code = status.HTTP_201_CREATED if certificate.issued_at == now else status.HTTP_200_OK
        return Response(CertificateSerializer(fresh).data, status=code)


@extend_schema(tags=["certificates"])
class CertificatePdfView(ApiViewMixin, APIView):
    """``GET /api/certificates/{code}/pdf/``: the certificate as the donor receives it."""

    matrix = {"get": ("certificate", "download")}

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF.")
        }
    )
    def get(self, request, code: str):
        certificate = _certificates().filter(code=normalize_code(code)).first()
        if certificate is None:
            raise DomainError(
                "not_found", _("No certificate has the code “%(key)s”.") % {"key": code}, status=404
            )
        subject = certificate.device or certificate.collection
        site_check(subject.site_id, actor=request.user, workstation=request_workstation(request))
        url = request.build_absolute_uri(reverse("refurb:verify", args=[certificate.code]))
        pdf = certificate_pdf(certificate, verify_url=url, language=get_language())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="certificate-{certificate.code}.pdf"'
        )
        return response


@extend_schema(tags=["certificates"])
class VerifyView(ApiViewMixin, APIView):
    """``GET /api/verify/{code}/``: anyone, signed in or not, checks a certificate code."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(auth=[], responses={200: VerificationSerializer, 404: VerificationSerializer})
    def get(self, request, code: str):
        """200 ``valid`` or ``altered``; 404 ``unknown``. The facts never name a donor."""
        result = certificate_verify(code)
        certificate = result.certificate
        body = {
            "code": normalize_code(code),
            "status": result.status,
            "kind": certificate.kind if certificate else None,
            "issued_at": certificate.issued_at if certificate else None,
            "content": result.content,
            "signed": result.signed or {},
        }
        return Response(
            VerificationSerializer(body).data,
            status=status.HTTP_200_OK if certificate else status.HTTP_404_NOT_FOUND,
        )


# --- donors' collections and outcomes ------------------------------------------------------


class OutcomeDeviceSerializer(serializers.Serializer):
    asset_tag = serializers.CharField()
    collection = serializers.CharField()
    category = serializers.CharField()
    grade = serializers.CharField(allow_null=True)
    state = serializers.CharField()
    outcome = serializers.ChoiceField(choices=list(OUTCOME_LABELS))
    data_safe = serializers.BooleanField(help_text="Its certificate can be issued.")


class OutcomeCollectionSerializer(serializers.Serializer):
    tag = serializers.CharField()
    site = serializers.CharField()
    received_on = serializers.DateField()
    devices = serializers.IntegerField()
    pending = serializers.ListField(
        child=serializers.CharField(), help_text="Devices not data-safe yet."
    )
    certifiable = serializers.BooleanField(help_text="A collection certificate can be issued.")


class DonorOutcomesSerializer(serializers.Serializer):
    donor = serializers.IntegerField()
    name = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    collections = OutcomeCollectionSerializer(many=True)
    devices = OutcomeDeviceSerializer(many=True)


@extend_schema(tags=["reports"])
class DonorOutcomesView(ApiViewMixin, APIView):
    """``GET /api/donors/{id}/outcomes/``: what became of a donor's equipment, as the donor page
    shows it (at the caller's sites)."""

    matrix = {"get": ("donor_outcomes", "read")}

    @extend_schema(
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: DonorOutcomesSerializer},
    )
    def get(self, request, id: int):
        donor = donors_visible_to(request.user).filter(pk=id).first()
        if donor is None:
            raise DomainError(
                "not_found", _("No donor has the id “%(key)s”.") % {"key": id}, status=404
            )
        devices = list(site_scope(donor_devices(donor), request))
        collections = site_scope(
            Collection.objects.filter(donor=donor).select_related("site"), request
        ).order_by("-received_on", "-id")
        counts = dict.fromkeys(OUTCOME_LABELS, 0)
        by_collection: dict[int, list] = {}
        for device in devices:
            device.data_safe = device_certificate_url(device) is not None
            counts[device.outcome] += 1
            by_collection.setdefault(device.collection_id, []).append(device)
        counts["total"] = len(devices)
        rows = []
        for collection in collections:
            members = by_collection.get(collection.pk, [])
            pending = [device.asset_tag for device in members if not device.data_safe]
            rows.append(
                {
                    "tag": collection.tag,
                    "site": collection.site.code,
                    "received_on": collection.received_on,
                    "devices": len(members),
                    "pending": pending,
                    "certifiable": len(pending) < len(members),
                }
            )
        return Response(
            DonorOutcomesSerializer(
                {
                    "donor": donor.pk,
                    "name": donor.name,
                    "counts": counts,
                    "collections": rows,
                    "devices": [
                        {
                            "asset_tag": device.asset_tag,
                            "collection": device.collection.tag,
                            "category": device.category_id and device.category.code,
                            "grade": device.grade.code if device.grade_id else None,
                            "state": device.state,
                            "outcome": device.outcome,
                            "data_safe": device.data_safe,
                        }
                        for device in devices
                    ],
                }
            ).data
        )
