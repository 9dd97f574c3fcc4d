"""Activity pages under /<lang>/activities/: the search, exports, one record, its history, and
the permanent link by IATI identifier. The pages themselves live in the portal app (their
strings are in its catalogue); the history page is the activities app's own."""

from django.urls import path

from bali.activities import views
from bali.portal import views as portal

app_name = "activities"
urlpatterns = [
    path("", portal.search_page, name="search"),
    path("export.csv", portal.export_csv, name="export_csv"),
    path("export.json", portal.export_json, name="export_json"),
    path("<int:activity_id>/", portal.activity_detail, name="detail"),
    path("<int:activity_id>/history/", views.activity_history, name="history"),
    path("<int:activity_id>/similar/", portal.activity_similar, name="similar"),
    path("iati/<path:iati_identifier>/", portal.activity_by_iati_id, name="by_iati_id"),
]
