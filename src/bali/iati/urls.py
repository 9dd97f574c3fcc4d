"""IATI exchange pages (upload and follow an import): built by the IATI exchange issue."""

app_name = "iati"
urlpatterns: list = []
