from django.urls import path

from bali.activities import views

app_name = "activities"
urlpatterns = [
    path("<int:activity_id>/", views.activity_detail, name="detail"),
    path("<int:activity_id>/history/", views.activity_history, name="history"),
    path("iati/<path:iati_identifier>/", views.activity_by_iati_id, name="by_iati_id"),
]
