"""The monthly loop's models leave the ``tasks`` app for ``dispatch``
(see dispatch 0001): removed from this app's state only; their tables,
rows and sequences stay.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('targets', '0002_reading_report_in_dispatch'),
        ('dispatch', '0001_moved_from_tasks'),
        ('tasks', '0004_report_text_max_length'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='progressreport',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='progressreport',
                    name='period',
                ),
                migrations.RemoveField(
                    model_name='progressreport',
                    name='task',
                ),
                migrations.RemoveField(
                    model_name='progressreport',
                    name='updated_by',
                ),
                migrations.RemoveField(
                    model_name='reporttransition',
                    name='report',
                ),
                migrations.RemoveField(
                    model_name='reminder',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='reminder',
                    name='period',
                ),
                migrations.RemoveField(
                    model_name='urge',
                    name='period',
                ),
                migrations.RemoveField(
                    model_name='reporttransition',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='urge',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='urge',
                    name='department',
                ),
                migrations.DeleteModel(
                    name='Evidence',
                ),
                migrations.DeleteModel(
                    name='ProgressReport',
                ),
                migrations.DeleteModel(
                    name='Reminder',
                ),
                migrations.DeleteModel(
                    name='ReportingPeriod',
                ),
                migrations.DeleteModel(
                    name='ReportTransition',
                ),
                migrations.DeleteModel(
                    name='Urge',
                ),
            ],
            database_operations=[],
        ),
    ]
