"""Sites carry their country (ISO 3166 alpha-2): France unless said otherwise."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("workshop", "0009_jobs_job_heartbeat")]

    operations = [
        migrations.AddField(
            model_name="site",
            name="country",
            field=models.CharField(
                db_default="FR",
                default="FR",
                help_text=(
                    "ISO 3166 code of the country the site is in: a device is « reconditionné "
                    "en France » only if every step took place at a site in France (FR)."
                ),
                max_length=2,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z]{2}$", "Use the ISO 3166 two-letter code, for example FR."
                    )
                ],
                verbose_name="country",
            ),
        ),
    ]
