from django.urls import path

from bali.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("countries/", views.countries, name="countries"),
    path("countries/<str:code>/", views.country_detail, name="country"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<path:key>/", views.organisation_detail, name="organisation"),
]
