"""The systems installed on devices (issue 22): the configured images, the licence stock and
the installation records, and whether a category needs a system before it goes on sale.

Installation records are append-only in the database too (PostgreSQL refuses UPDATE and
DELETE, SQLite UPDATE), like the write-offs and the reference-data audit.
"""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


APPEND_ONLY = importlib.import_module("refurb.migrations.0013_integrity_writeoff_audit_actor_kind")
TABLE = "refurb_systeminstallation"


def append_only(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY.PG_FUNCTION, params=None)
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION refurb_append_only();",
            params=None,
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: UPDATE refused'); END;"
        )


def append_only_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update;")


class Migration(migrations.Migration):

    dependencies = [
        ('refurb', '0015_repair_tickets'),
        ('workshop', '0008_office_workstations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SystemImage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=80, verbose_name='name')),
                ('version', models.CharField(max_length=40, verbose_name='version')),
                ('licence', models.CharField(choices=[('free', 'Free software: no licence'), ('key', 'Proprietary: one licence from the stock per installation')], default='free', max_length=8, verbose_name='licence')),
                ('is_active', models.BooleanField(default=True, help_text='Offered at the benches for new installations.', verbose_name='active')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
            ],
            options={
                'verbose_name': 'system image',
                'verbose_name_plural': 'system images',
                'ordering': ['order', 'name', 'version'],
            },
        ),
        migrations.AddField(
            model_name='category',
            name='needs_system',
            field=models.BooleanField(db_default=False, default=False, help_text='Devices of this category go on sale only with a system installed whose first boot check passed.', verbose_name='needs an installed system'),
        ),
        migrations.CreateModel(
            name='LicenceKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('product_key', 'Product key'), ('refurbisher', 'Refurbisher licence')], default='product_key', max_length=12, verbose_name='kind')),
                ('key', models.CharField(max_length=100, verbose_name='key')),
                ('loaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='loaded at')),
                ('loaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='loaded by')),
                ('site', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workshop.site', verbose_name='site')),
                ('image', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='licence_keys', to='refurb.systemimage', verbose_name='system image')),
            ],
            options={
                'verbose_name': 'licence key',
                'verbose_name_plural': 'licence keys',
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='SystemInstallation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=80, verbose_name='system')),
                ('version', models.CharField(max_length=40, verbose_name='version')),
                ('installed_at', models.DateTimeField(verbose_name='installed at')),
                ('first_boot_passed', models.BooleanField(verbose_name='first boot check passed')),
                ('actor_kind', models.CharField(max_length=8, verbose_name='installed by')),
                ('cycle', models.PositiveIntegerField(default=0, verbose_name='test cycle')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='note')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded at')),
                ('device', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='installations', to='refurb.device', verbose_name='device')),
                ('image', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='refurb.systemimage', verbose_name='system image')),
                ('licence', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='installation', to='refurb.licencekey', verbose_name='licence')),
                ('operator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='operator')),
                ('workstation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workshop.workstation', verbose_name='workstation')),
            ],
            options={
                'verbose_name': 'system installation',
                'verbose_name_plural': 'system installations',
                'ordering': ['id'],
            },
        ),
        migrations.AddIndex(
            model_name='licencekey',
            index=models.Index(fields=['site', 'image'], name='licencekey_stock'),
        ),
        migrations.AddConstraint(
            model_name='licencekey',
            constraint=models.UniqueConstraint(fields=('key',), name='licencekey_unique_key'),
        ),
        migrations.AddIndex(
            model_name='systeminstallation',
            index=models.Index(fields=['device', '-id'], name='installation_latest'),
        ),
        migrations.RunPython(append_only, append_only_drop),
    ]
