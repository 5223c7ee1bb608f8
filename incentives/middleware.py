"""The wrong-key stop at run time: before an incentives page, the
personal-data key must read the stored canary back (once per process);
and wherever a token fails to decrypt (a page, an export, the admin), the
request gets a 503 page in Chinese instead of a traceback or ciphertext."""

import logging

from django.shortcuts import render

from incentives.crypto import PersonalDataKeyError, key_verify

logger = logging.getLogger(__name__)


class PersonalDataKeyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or "incentives" not in match.namespaces:
            return None
        try:
            key_verify()
        except PersonalDataKeyError as exc:
            return refusal(request, exc)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, PersonalDataKeyError):
            return refusal(request, exception)
        return None


def refusal(request, exc: PersonalDataKeyError):
    logger.error("个人信息密钥错误,已拒绝 %s:%s", request.path, exc)
    return render(request, "incentives/personal/key_error.html", status=503)
