"""The monthly loop's models move from the ``tasks`` app to ``dispatch``.

The tables stay where they are (each model names its ``tasks_…`` table),
so this migration changes Django's idea of which app holds them and
nothing in the database but the content types: those are renamed from
``tasks`` to ``dispatch``, so the permissions that point at them, and the
groups that hold those permissions, follow.
"""

import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models


MOVED = (
    "reportingperiod",
    "progressreport",
    "reporttransition",
    "evidence",
    "urge",
    "reminder",
)


def move_content_types(apps, schema_editor, source="tasks", target="dispatch"):
    """Rename each moved model's content type. Where the target one exists
    already (Django made it when the new app was first seen), its
    permissions are given to whoever held the old ones and the old one
    goes."""
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    for model in MOVED:
        old = content_type.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = content_type.objects.filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        for perm in permission.objects.filter(content_type=old):
            kept = permission.objects.filter(
                content_type=new, codename=perm.codename
            ).first()
            if kept is None:
                perm.content_type = new
                perm.save(update_fields=["content_type"])
                continue
            for group in perm.group_set.all():
                group.permissions.add(kept)
            for user in perm.user_set.all():
                user.user_permissions.add(kept)
            perm.delete()
        old.delete()


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="dispatch", target="tasks")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('tasks', '0004_report_text_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                    migrations.CreateModel(
                        name='ProgressReport',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('role', models.CharField(choices=[('lead', '牵头'), ('cooperating', '配合'), ('unspecified', '未明确')], max_length=16, verbose_name='角色')),
                            ('progress', models.TextField(blank=True, max_length=5000, verbose_name='本月进展')),
                            ('problems', models.TextField(blank=True, max_length=5000, verbose_name='存在问题')),
                            ('next_steps', models.TextField(blank=True, max_length=5000, verbose_name='下步计划')),
                            ('proposed_status', models.CharField(blank=True, choices=[('on_track', '正常推进'), ('at_risk', '进度滞后'), ('behind', '严重滞后'), ('completed', '已完成')], max_length=16, verbose_name='进度判断')),
                            ('completion', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='完成度(%)')),
                            ('state', models.CharField(choices=[('draft', '草稿'), ('pending_signoff', '待负责人签批'), ('submitted', '已报送'), ('returned', '已退回'), ('approved', '已审核')], default='draft', max_length=20, verbose_name='状态')),
                            ('version', models.PositiveIntegerField(default=0, verbose_name='版本')),
                            ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='报送时间')),
                            ('is_late', models.BooleanField(default=False, verbose_name='逾期报送')),
                            ('overdue_marked_at', models.DateTimeField(blank=True, null=True, verbose_name='标记逾期时间')),
                            ('reopened', models.BooleanField(default=False, verbose_name='已重新开放')),
                            ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                            ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='tasks.department', verbose_name='填报部门')),
                            ('task', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='tasks.task', verbose_name='工作要求')),
                            ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='最后修改人')),
                        ],
                        options={
                            'verbose_name': '进展报告',
                            'verbose_name_plural': '进展报告',
                            'db_table': 'tasks_progressreport',
                            'ordering': ['period', 'task__number', 'department__sort_order'],
                        },
                    ),
                    migrations.CreateModel(
                        name='Evidence',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('file', models.FileField(upload_to='evidence/%Y/%m/', verbose_name='文件')),
                            ('original_name', models.CharField(max_length=255, verbose_name='原文件名')),
                            ('content_type', models.CharField(max_length=100, verbose_name='文件类型')),
                            ('size', models.PositiveIntegerField(verbose_name='大小(字节)')),
                            ('sha256', models.CharField(max_length=64, verbose_name='摘要')),
                            ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='上传时间')),
                            ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='上传人')),
                            ('report', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='dispatch.progressreport', verbose_name='进展报告')),
                        ],
                        options={
                            'verbose_name': '佐证材料',
                            'verbose_name_plural': '佐证材料',
                            'db_table': 'tasks_evidence',
                            'ordering': ['report', 'uploaded_at'],
                        },
                    ),
                    migrations.CreateModel(
                        name='ReportingPeriod',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('year', models.PositiveSmallIntegerField(verbose_name='年份')),
                            ('month', models.PositiveSmallIntegerField(verbose_name='月份')),
                            ('deadline', models.DateField(help_text='当日 24 时(北京时间)截止', verbose_name='填报截止日')),
                            ('status', models.CharField(choices=[('open', '填报中'), ('closed', '已截止')], default='open', max_length=16, verbose_name='状态')),
                            ('opened_at', models.DateTimeField(blank=True, null=True, verbose_name='开放时间')),
                            ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='关闭时间')),
                        ],
                        options={
                            'verbose_name': '填报期',
                            'verbose_name_plural': '填报期',
                            'db_table': 'tasks_reportingperiod',
                            'ordering': ['-year', '-month'],
                            'constraints': [models.UniqueConstraint(fields=('year', 'month'), name='period_unique_month'), models.CheckConstraint(condition=models.Q(('month__gte', 1), ('month__lte', 12)), name='period_month_valid')],
                        },
                    ),
                    migrations.AddField(
                        model_name='progressreport',
                        name='period',
                        field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='dispatch.reportingperiod', verbose_name='填报期'),
                    ),
                    migrations.CreateModel(
                        name='ReportTransition',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('action', models.CharField(max_length=20, verbose_name='操作')),
                            ('from_state', models.CharField(choices=[('draft', '草稿'), ('pending_signoff', '待负责人签批'), ('submitted', '已报送'), ('returned', '已退回'), ('approved', '已审核')], max_length=20, verbose_name='原状态')),
                            ('to_state', models.CharField(choices=[('draft', '草稿'), ('pending_signoff', '待负责人签批'), ('submitted', '已报送'), ('returned', '已退回'), ('approved', '已审核')], max_length=20, verbose_name='新状态')),
                            ('reason', models.TextField(blank=True, verbose_name='理由')),
                            ('at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
                            ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                            ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transitions', to='dispatch.progressreport', verbose_name='进展报告')),
                        ],
                        options={
                            'verbose_name': '报告流转记录',
                            'verbose_name_plural': '报告流转记录',
                            'db_table': 'tasks_reporttransition',
                            'ordering': ['report', 'at', 'pk'],
                        },
                    ),
                    migrations.CreateModel(
                        name='Urge',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('message', models.TextField(verbose_name='催办内容')),
                            ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='催办时间')),
                            ('emailed_to', models.TextField(blank=True, verbose_name='已发送邮箱')),
                            ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='催办人')),
                            ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='urges', to='tasks.department', verbose_name='部门')),
                            ('period', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='urges', to='dispatch.reportingperiod', verbose_name='填报期')),
                        ],
                        options={
                            'verbose_name': '催办',
                            'verbose_name_plural': '催办',
                            'db_table': 'tasks_urge',
                            'ordering': ['-created_at'],
                        },
                    ),
                    migrations.CreateModel(
                        name='Reminder',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('kind', models.CharField(choices=[('before', '截止前提醒'), ('overdue', '逾期通知')], max_length=16, verbose_name='类型')),
                            ('pending_count', models.PositiveSmallIntegerField(verbose_name='未报送数')),
                            ('sent_to', models.TextField(blank=True, verbose_name='收件人')),
                            ('sent_at', models.DateTimeField(auto_now_add=True, verbose_name='发送时间')),
                            ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tasks.department', verbose_name='部门')),
                            ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='dispatch.reportingperiod', verbose_name='填报期')),
                        ],
                        options={
                            'verbose_name': '提醒',
                            'verbose_name_plural': '提醒',
                            'db_table': 'tasks_reminder',
                            'ordering': ['-sent_at'],
                            'constraints': [models.UniqueConstraint(fields=('period', 'department', 'kind'), name='reminder_once_per_kind')],
                        },
                    ),
                    migrations.AddIndex(
                        model_name='progressreport',
                        index=models.Index(fields=['period', 'state'], name='tasks_progr_period__459c32_idx'),
                    ),
                    migrations.AddIndex(
                        model_name='progressreport',
                        index=models.Index(fields=['department', 'period'], name='tasks_progr_departm_7d2f8b_idx'),
                    ),
                    migrations.AddConstraint(
                        model_name='progressreport',
                        constraint=models.UniqueConstraint(fields=('task', 'department', 'period'), name='report_unique_per_period'),
                    ),
                    migrations.AddConstraint(
                        model_name='progressreport',
                        constraint=models.CheckConstraint(condition=models.Q(('completion__isnull', True), ('completion__lte', 100), _connector='OR'), name='report_completion_percentage'),
                    ),
                    migrations.AddConstraint(
                        model_name='progressreport',
                        constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('progress'), 5000), name='report_progress_length'),
                    ),
                    migrations.AddConstraint(
                        model_name='progressreport',
                        constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('problems'), 5000), name='report_problems_length'),
                    ),
                    migrations.AddConstraint(
                        model_name='progressreport',
                        constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('next_steps'), 5000), name='report_next_steps_length'),
                    ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
