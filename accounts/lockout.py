"""django-axes, taught the portal's two limits (see accounts.selectors):
axes itself counts by username only (``AXES_LOCKOUT_PARAMETERS``); this
handler adds the address's larger limit, so that colleagues sharing one
address never lock each other out."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.signals import user_locked_out

from . import selectors


class UsernameAndAddressHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None) -> bool:
        return bool(
            selectors.locks_for(
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
                now=request.axes_attempt_time,
            )
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        # Records the failure and locks the username at its limit.
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out:
            return
        if self.is_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
