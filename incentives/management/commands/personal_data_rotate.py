from django.core.management.base import BaseCommand, CommandError

from incentives.crypto import PersonalDataKeyError
from incentives.services.personal import personal_data_rotate


class Command(BaseCommand):
    help = (
        "更换个人信息密钥后,用 PERSONAL_DATA_KEY(新密钥)重新加密全部身份证号、"
        "手机号和卡号,并重新计算身份证号摘要(查重用)。"
        "先把新密钥设为 PERSONAL_DATA_KEY、旧密钥放入 PERSONAL_DATA_KEY_FALLBACKS,"
        "运行本命令,之后方可移除旧密钥。"
        "运行前查重可能漏判旧密钥下的数据,请尽快运行。"
    )

    def handle(self, *args, **options):
        try:
            count = personal_data_rotate()
        except PersonalDataKeyError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"已用新密钥重新加密 {count} 条奖励申请的个人信息。")
        )
