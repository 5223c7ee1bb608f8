"""A reading's report is now ``dispatch.ProgressReport``: the same table,
so only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dispatch', '0001_moved_from_tasks'),
        ('targets', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='reading',
                    name='report',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='readings', to='dispatch.progressreport', verbose_name='来源报告'),
                ),
            ],
            database_operations=[],
        ),
    ]
