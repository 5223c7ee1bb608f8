from django.db import migrations


def forwards(apps, schema_editor):
    from incentives.defaults import defaults_ensure

    defaults_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("incentives", "0001_initial"),
        ("tasks", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
