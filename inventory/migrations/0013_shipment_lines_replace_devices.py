"""A shipment's devices are its lines: fold the old many-to-many list into lines, then drop it.

Devices put in a shipment through the old list (the admin's picker) had no line and so no
weight: each gets a line at its own weight, or its category's typical weight.
"""

from decimal import Decimal

from django.db import migrations


def devices_to_lines(apps, schema_editor):
    Shipment = apps.get_model("inventory", "RecyclingShipment")
    Line = apps.get_model("inventory", "RecyclingShipmentLine")
    for shipment in Shipment.objects.prefetch_related("devices__category"):
        listed = set(Line.objects.filter(shipment=shipment).values_list("device_id", flat=True))
        for device in shipment.devices.all():
            if device.pk in listed:
                continue
            weight = device.weight_kg
            if weight is None:
                weight = device.category.default_weight_kg or Decimal("0")
            Line.objects.create(
                shipment=shipment,
                device=device,
                weight_kg=weight,
                added_at=shipment.shipped_at or shipment.created_at,
            )


def lines_to_devices(apps, schema_editor):
    Line = apps.get_model("inventory", "RecyclingShipmentLine")
    for line in Line.objects.filter(device__isnull=False).select_related("shipment"):
        line.shipment.devices.add(line.device_id)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0012_device_serial_upper"),
    ]

    operations = [
        migrations.RunPython(devices_to_lines, lines_to_devices),
        migrations.RemoveField(model_name="recyclingshipment", name="devices"),
    ]
