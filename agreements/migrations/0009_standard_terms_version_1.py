"""Seeds version 1 of the standard terms (allmänna villkor), issue 19."""

import datetime

from django.db import migrations

from agreements.standard_terms import CLAUSES, TITLE


def add_version_1(apps, schema_editor):
    StandardTerms = apps.get_model("agreements", "StandardTerms")
    if not StandardTerms.objects.filter(version=1).exists():
        StandardTerms.objects.create(
            version=1, title=TITLE, valid_from=datetime.date(2023, 1, 1), clauses=CLAUSES
        )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0008_standard_terms")]

    operations = [migrations.RunPython(add_version_1, migrations.RunPython.noop)]
