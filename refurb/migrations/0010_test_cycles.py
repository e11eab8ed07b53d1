"""Test cycles: a device's results count only in the cycle opened by its last entry into
wiped, in_repair or returned. Existing rows get the cycle their history gives them."""

from django.db import migrations, models

CYCLE_STATES = ("wiped", "in_repair", "returned")


def number_cycles(apps, schema_editor):
    Device = apps.get_model("refurb", "Device")
    DeviceEvent = apps.get_model("refurb", "DeviceEvent")
    TestResult = apps.get_model("refurb", "TestResult")
    devices = (
        DeviceEvent.objects.filter(code="transition", to_state__in=CYCLE_STATES)
        .values_list("device_id", flat=True)
        .distinct()
    )
    for device_id in devices.iterator():
        cycle, per_cycle = 0, {}
        results = iter(
            TestResult.objects.filter(device_id=device_id).order_by("id").values_list("id", flat=True)
        )
        events = DeviceEvent.objects.filter(device_id=device_id, code__in=("transition", "test"))
        for code, to_state in events.order_by("seq").values_list("code", "to_state"):
            if code == "transition" and to_state in CYCLE_STATES:
                cycle += 1
            elif code == "test":
                result_id = next(results, None)
                if result_id is not None:
                    per_cycle.setdefault(cycle, []).append(result_id)
        for number, ids in per_cycle.items():
            TestResult.objects.filter(id__in=ids).update(cycle=number)
        Device.objects.filter(pk=device_id).update(test_cycle=cycle)


class Migration(migrations.Migration):
    dependencies = [
        ("refurb", "0009_drive_serial_upper"),
    ]

    operations = [
        migrations.AddField(
            model_name="device",
            name="test_cycle",
            field=models.PositiveIntegerField(
                db_default=0,
                default=0,
                editable=False,
                help_text=(
                    "Opened each time the device enters wiped, in repair or returned: only the "
                    "test results of the current cycle count."
                ),
                verbose_name="test cycle",
            ),
        ),
        migrations.AddField(
            model_name="testresult",
            name="cycle",
            field=models.PositiveIntegerField(
                db_default=0, default=0, editable=False, verbose_name="test cycle"
            ),
        ),
        migrations.RunPython(number_cycles, migrations.RunPython.noop),
    ]
