"""Print job input and output shapes (validation of types only: rules live in the service)."""

from rest_framework import serializers

from labels.models import TEMPLATE_CHOICES, Printer, PrintJob
from workshop.api.base import StrictSerializer
from workshop.models import Workstation

PRINT_JOB_STATUS = PrintJob.Status.choices  # named in the schema's ENUM_NAME_OVERRIDES


class CodeListField(serializers.ListField):
    """A list of 1 to 1,000 codes of at most 40 characters, checked in one loop: DRF runs a
    ``CharField`` with its validators per item, a fifth of a 1,000-label request's time.
    The same errors as ``ListField(child=CharField(max_length=40))`` (the schema is the same)."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(max_length=40), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str | dict) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        errors = {}
        codes = []
        for index, item in enumerate(data):
            if not isinstance(item, str) or len(item) > 40 or "\x00" in item or not item.strip():
                try:  # the child says what is wrong, in its own words
                    codes.append(self.child.run_validation(item))
                except serializers.ValidationError as exc:
                    errors[index] = exc.detail
                continue
            codes.append(item.strip())
        if errors:
            raise serializers.ValidationError(errors)
        self.run_validators(codes)
        return codes


class PrintJobCreateSerializer(StrictSerializer):
    template = serializers.ChoiceField(choices=TEMPLATE_CHOICES)
    codes = CodeListField(min_length=1, max_length=1000)
    stock = serializers.CharField(required=False, allow_blank=True, default="")
    printer = serializers.PrimaryKeyRelatedField(
        queryset=Printer.objects.select_related("site"), required=False, allow_null=True
    )
    workstation = serializers.PrimaryKeyRelatedField(
        queryset=Workstation.objects.all(), required=False, allow_null=True
    )
    copies = serializers.IntegerField(required=False, default=1)
    start_at = serializers.IntegerField(required=False, default=1)


class PrintJobSerializer(serializers.ModelSerializer):
    printer_name = serializers.CharField(source="printer.name", read_only=True)
    error_advice = serializers.SerializerMethodField()

    class Meta:
        model = PrintJob
        fields = [
            "id",
            "template",
            "codes",
            "label_count",
            "stock",
            "copies",
            "start_at",
            "format",
            "printer",
            "printer_name",
            "workstation",
            "actor",
            "status",
            "error_code",
            "error_message",
            "error_advice",
            "bytes_sent",
            "attempts",
            "created_at",
            "finished_at",
            "reprint_of",
        ]
        read_only_fields = fields

    def get_error_advice(self, job) -> str:
        from labels.services import print_error_message

        return print_error_message(job.error_code, job.printer.name) if job.error_code else ""
