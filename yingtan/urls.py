from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from targets import views as targets_views
from tasks.views import reports

admin.site.site_header = "技能鹰潭行动 管理后台"
admin.site.site_title = "技能鹰潭行动"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", reports.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tasks/", include("tasks.urls")),
    path("targets/", include("targets.urls")),
    path("public/", targets_views.public, name="public"),
    path("admin/", admin.site.urls),
]
