from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ddm import operations
from ddm.api.urls import api

urlpatterns = [
    path("healthz", operations.healthz, name="healthz"),
    path("readyz", operations.readyz, name="readyz"),
    path("", include("ddm.desk.urls")),  # signed in: my tasks above the zones
    path("", include("ddm.places.urls")),
    path("investment/", include("ddm.investment.urls")),
    path("profiles/", include("ddm.profiles.urls")),
    path("alignment/", include("ddm.alignment.urls")),
    path("oneplan/", include("ddm.oneplan.urls")),
    path("capacity/", include("ddm.capacity.urls")),
    path("engagement/", include("ddm.engagement.urls")),
    path("briefing/", include("ddm.briefing.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(
        extra_context={"demo_accounts": settings.DDM_DEMO_ACCOUNTS}), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/set-password/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="registration/set_password.html", success_url="/accounts/login/", post_reset_login=False),
        name="password_set"),
    path("accounts/", include("ddm.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
