"""URL map: pages under a language prefix (/en/, /ar/, /zh-hans/, ...), the API under /api/v1/."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from bali.api.api import api
from bali.portal import views as portal_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("healthz", portal_views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", include("bali.portal.urls")),
    path("activities/", include("bali.activities.urls")),
    path("accounts/", include("bali.accounts.urls")),
    path("requests/", include("bali.requests.urls")),
    path("iati/", include("bali.iati.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

handler404 = "bali.portal.views.page_not_found"
handler403 = "bali.portal.views.permission_denied"
handler500 = "bali.portal.views.server_error"
