from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as accounts_views
from bulletins import urls as bulletin_urls
from dispatch.views import reports
from incentives import urls_publicity as incentive_public_urls
from portal import legacy_urls
from targets import views as targets_views

admin.site.site_header = "技能鹰潭行动 管理后台"
admin.site.site_title = "技能鹰潭行动"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", reports.home, name="home"),
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        accounts_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/", include("accounts.urls")),
    path("tasks/", include("tasks.urls")),
    path("dispatch/", include("dispatch.urls")),
    # The monthly loop's pages lived under /tasks/ until it became an app
    # of its own; bookmarks of the old addresses redirect permanently.
    path("tasks/", include("portal.legacy_urls")),
    path("targets/", include("targets.urls")),
    path("audit/", include("audit.urls")),
    path("bulletins/", include("bulletins.urls")),
    path("supervision/", include("supervision.urls")),
    path("assessment/", include("assessment.urls")),
    path("incentives/", include("incentives.urls")),
    path("public/", targets_views.public, name="public"),
    path("public/policies/<int:pk>/", targets_views.public, name="public-policy"),
    path(
        "public/bulletins/",
        include((bulletin_urls.public_urlpatterns, "public-bulletins")),
    ),
    path(
        "public/incentives/",
        include((incentive_public_urls.public_urlpatterns, "public-incentives")),
    ),
    # The admin's own page would change the password without the service.
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="password_change"),
    ),
    path(
        "admin/tasks/",
        include((legacy_urls.admin_urlpatterns, "legacy-admin")),
    ),
    path("admin/", admin.site.urls),
]

# 403, 404 and 500 are Django's handlers with the portal's templates; a
# 400 also shows why, when the portal itself refused the request.
handler400 = "yingtan.views.bad_request"
