"""Request pages under /<lang>/requests/."""

from django.urls import path, register_converter

from bali.requests.numbering import REFERENCE_PATTERN
from bali.requests.views import act, desk, public, queues


class ReferenceConverter:
    """`REQ-2025-AFR-0042`: keeps the fixed pages (desk/, office/...) apart from references."""

    regex = REFERENCE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "ref")

app_name = "requests"
urlpatterns = [
    path("", public.request_list, name="list"),
    path("desk/", desk.desk, name="desk"),
    path("new/", desk.new_request, name="new"),
    path("office/", queues.office_queue, name="office"),
    path("assigned/", queues.assigned_queue, name="assigned"),
    path("overview/", queues.hq_overview, name="overview"),
    path("<ref:ref>/", public.request_detail, name="detail"),
    path("<ref:ref>/edit/", desk.edit_request, name="edit"),
    path("<ref:ref>/act/", act.act, name="act"),
    path("<ref:ref>/attachments/", act.attach, name="attach"),
    path("<ref:ref>/attachments/<int:attachment_id>/", act.download, name="attachment"),
]
