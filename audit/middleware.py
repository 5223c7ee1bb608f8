from . import context


class AuditContextMiddleware:
    """Binds the request to the audit context while it is handled, so that
    services record who acted and from which address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.bind(request)
        try:
            return self.get_response(request)
        finally:
            context.unbind(token)
