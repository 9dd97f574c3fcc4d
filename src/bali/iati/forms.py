"""The upload form of the import page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("IATI activity file"),
        help_text=_("XML (IATI 1.0x or 2.0x), or the same compressed with gzip (.gz)."),
    )
    publisher = forms.CharField(
        label=_("Publisher"),
        required=False,
        max_length=150,
        help_text=_(
            "Recorded as the source of the activities; leave empty to use each activity's "
            "reporting organisation."
        ),
    )
