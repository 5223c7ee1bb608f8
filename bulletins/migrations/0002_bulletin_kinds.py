"""The two kinds of bulletin the policy's cycle names: the quarterly 通报
(季通报) and the monthly 调度通报, the same document over one month."""

from django.db import migrations

ISSUER = "鹰潭市技能鹰潭行动领导小组办公室"
KINDS = [
    {"name": "季度通报", "months": 3},
    {"name": "月度调度通报", "months": 1},
]


def create_kinds(apps, schema_editor):
    BulletinKind = apps.get_model("bulletins", "BulletinKind")
    for kind in KINDS:
        BulletinKind.objects.get_or_create(
            name=kind["name"],
            defaults={
                "months": kind["months"],
                "yellow_below": 20,
                "stale_months": 2,
                "number_prefix": "鹰技能办",
                "issuer": ISSUER,
                "recipients": "各责任单位:",
                "copy_to": "市委办公室,市政府办公室。",
                "printed_by": "鹰潭市人力资源和社会保障局办公室",
            },
        )


def remove_kinds(apps, schema_editor):
    BulletinKind = apps.get_model("bulletins", "BulletinKind")
    BulletinKind.objects.filter(name__in=[k["name"] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0001_initial")]

    operations = [migrations.RunPython(create_kinds, remove_kinds)]
