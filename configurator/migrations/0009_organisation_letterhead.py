# Seller letterhead on quotes: the organisation's address, VAT number and logo.

import configurator.tenancy.models
import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('configurator', '0008_quote_requests_and_acceptance'),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='address',
            field=models.TextField(blank=True, help_text='Postal address, one line per row; printed on the quotes this organisation issues (letterhead) and receives.', max_length=500),
        ),
        migrations.AddField(
            model_name='organisation',
            name='logo',
            field=models.FileField(blank=True, help_text='Letterhead logo on quotes: PNG or JPEG, at most 512 KB.', upload_to='organisations/logos/', validators=[django.core.validators.FileExtensionValidator(['png', 'jpg', 'jpeg']), configurator.tenancy.models.validate_logo]),
        ),
        migrations.AddField(
            model_name='organisation',
            name='vat_number',
            field=models.CharField(blank=True, help_text='VAT or tax identification number, printed on quotes.', max_length=32, verbose_name='VAT number'),
        ),
    ]
