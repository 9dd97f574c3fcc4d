"""Request pages: built by the requests issue."""

app_name = "requests"
urlpatterns: list = []
