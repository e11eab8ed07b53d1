"""The keyed chain: anchors for the unkeyed events, and the table of signed chain heads.

Events written so far carry plain SHA-256 seals (chain version 1); every event written from
now on is sealed with the chain key (HMAC, version 2, refurb/events.py). Events stay as they
are (they are append-only, and certificates quote their seals): instead, each device that has
events gets one ``ChainAnchor``, its current head sealed with the chain key. The verifier
accepts unkeyed seals up to the anchor only (refurb/chain.py), so an edited old event sealed
again without the key breaks the chain like any other.

The anchors need the chain key, read from the settings like everywhere else (ATELIER_CHAIN_KEY
or ATELIER_CHAIN_KEY_FILE): in production the system checks have already refused to migrate
without it (refurb.E001); a database without devices needs no key. Reads the devices table
only, 2000 devices at a time.
"""

import django.db.models.deletion
from django.db import migrations, models

DEVICES_PER_BATCH = 2000


def anchor_existing(apps, schema_editor):
    from refurb.chain import anchor_seal
    from refurb.keys import chain_key

    Device = apps.get_model("refurb", "Device")
    ChainAnchor = apps.get_model("refurb", "ChainAnchor")
    db = schema_editor.connection.alias
    devices = Device.objects.using(db).filter(event_seq__gt=0).order_by("pk")
    if not devices.exists():
        return
    key = chain_key()
    last_id = 0
    while True:
        batch = list(
            devices.filter(pk__gt=last_id).values_list("pk", "asset_tag", "event_seq", "event_head")[
                :DEVICES_PER_BATCH
            ]
        )
        if not batch:
            break
        last_id = batch[-1][0]
        ChainAnchor.objects.using(db).bulk_create(
            ChainAnchor(
                device_id=pk, seq=seq, head=head, seal=anchor_seal(tag, seq, head, key)
            )
            for pk, tag, seq, head in batch
        )


class Migration(migrations.Migration):

    dependencies = [
        ('refurb', '0011_verification_sample'),
    ]

    operations = [
        migrations.AlterField(
            model_name='device',
            name='event_head',
            field=models.CharField(blank=True, editable=False, help_text="Seal of the device's last event: the head of its tamper-evident chain.", max_length=64, verbose_name='last event hash'),
        ),
        migrations.CreateModel(
            name='ChainAnchor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveIntegerField(verbose_name='last unkeyed event')),
                ('head', models.CharField(max_length=64, verbose_name='its hash')),
                ('seal', models.CharField(max_length=64, verbose_name='seal')),
                ('device', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='chain_anchor', to='refurb.device', verbose_name='device')),
            ],
            options={
                'verbose_name': 'chain anchor',
                'verbose_name_plural': 'chain anchors',
            },
        ),
        migrations.CreateModel(
            name='ChainHeadSignature',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveIntegerField(verbose_name='number')),
                ('head', models.CharField(max_length=64, verbose_name='chain head')),
                ('prev_seq', models.PositiveIntegerField(verbose_name='previously signed number')),
                ('day', models.DateField(verbose_name='day')),
                ('signed_at', models.DateTimeField(verbose_name='signed at')),
                ('chain_key_id', models.CharField(max_length=16, verbose_name='chain key')),
                ('public_key_id', models.CharField(max_length=16, verbose_name='public key')),
                ('signature', models.CharField(max_length=128, verbose_name='signature')),
                ('device', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='head_signatures', to='refurb.device', verbose_name='device')),
            ],
            options={
                'verbose_name': 'signed chain head',
                'verbose_name_plural': 'signed chain heads',
                'ordering': ['device_id', 'seq'],
                'indexes': [models.Index(fields=['day'], name='chainheadsignature_day')],
                'constraints': [models.UniqueConstraint(fields=('device', 'seq', 'chain_key_id'), name='chainheadsignature_unique')],
            },
        ),
        migrations.RunPython(anchor_existing, migrations.RunPython.noop),
    ]
