"""Forms of the request pages. They parse what a browser sends; the rules are the services'
(`validation.py`, `workflow.py`), whose messages are shown beside the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bali.core.i18n import UN_LANGUAGES, localized
from bali.reference.models import MEA, Region, Theme
from bali.requests.models import Request, SupportType
from bali.requests.step_inputs import TransitionInput
from bali.requests.validation import EDITABLE_FIELDS

CONTACT_SLOTS = 3
LANGUAGE_NAMES = {
    "ar": _("Arabic"),
    "zh": _("Chinese"),
    "en": _("English"),
    "fr": _("French"),
    "ru": _("Russian"),
    "es": _("Spanish"),
}


class RequestForm(forms.Form):
    """A request for support; every field says what the office needs it for."""

    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=300,
        help_text=_(
            "A short name for the support you ask for, e.g. “Training of customs "
            "officers on ozone-depleting substances”."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the request"),
        required=False,
        choices=[(code, LANGUAGE_NAMES[code]) for code in UN_LANGUAGES],
        help_text=_("The language you write the title and description in."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the country needs, why, and who would take part."),
    )
    support_type = forms.ChoiceField(
        label=_("Type of support"),
        required=False,
        choices=[("", "—"), *SupportType.choices],
        help_text=_("The main kind of help asked for."),
    )
    themes = forms.MultipleChoiceField(
        label=_("BSP themes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The cross-cutting issues and thematic areas of the Bali Strategic Plan "
            "the request concerns; choose at least one."
        ),
    )
    priority = forms.CharField(
        label=_("National or regional priority"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The priority of a national plan, self-assessment or regional forum "
            "that this request answers."
        ),
    )
    meas = forms.MultipleChoiceField(
        label=_("Agreements concerned"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Multilateral environmental agreements whose obligations the support helps to meet."
        ),
    )
    expected_results = forms.CharField(
        label=_("Expected results"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What will be different once the support is given."),
    )
    desired_start = forms.DateField(
        label=_("Desired start"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("As YYYY-MM-DD."),
    )
    duration_months = forms.IntegerField(
        label=_("Duration in months"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("How long the support would last, from 1 to 120 months."),
    )
    estimated_cost = forms.DecimalField(
        label=_("Estimated cost"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text=_("Optional; an order of magnitude helps the office find funding."),
    )
    co_financing = forms.DecimalField(
        label=_("Co-financing offered"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text=_("Optional; what the country or others contribute, in cash or in kind."),
    )
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        help_text=_("ISO code of the amounts, e.g. USD, EUR, KES."),
    )
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    entry_point = forms.ChoiceField(
        label=_("Entry point"),
        required=False,
        help_text=_(
            "The regional office that receives the request; by default the office "
            "of your country's UNEP region."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("themes", [(t.code, f"{t.code} {t.name}") for t in Theme.objects.all()])
        self._choices("meas", [(m.code, m.name) for m in MEA.objects.all()])
        offices = [(r.code, r.office_name or r.name) for r in Region.objects.all()]
        self._choices("entry_point", [("", _("The office of my region")), *offices])
        for slot in range(1, CONTACT_SLOTS + 1):
            for key, label in CONTACT_FIELDS:
                field_class = forms.EmailField if key == "email" else forms.CharField
                self.fields[f"contact_{slot}_{key}"] = field_class(
                    label=label, required=False, max_length=200
                )

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def contact_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"contact_{slot}_{key}"] for key, _label in CONTACT_FIELDS]
            for slot in range(1, CONTACT_SLOTS + 1)
        ]

    def to_data(self, *, changed_only: bool = False) -> dict[str, Any]:
        """The service's input: plain values, contacts as a list. With `changed_only` (an edit),
        only the fields the person changed: a title or description the form shows in another
        language than it is stored in is then kept as it is, with its other languages."""
        names = [n for n in SERVICE_FIELDS if not changed_only or n in self.changed_data]
        data = {name: self.cleaned_data.get(name) for name in names}
        contact_names = [f"contact_{slot}_{key}" for slot, key in CONTACT_KEYS]
        if not changed_only or set(contact_names) & set(self.changed_data):
            data["contacts"] = [
                {
                    key: self.cleaned_data.get(f"contact_{slot}_{key}") or ""
                    for key, _l in CONTACT_FIELDS
                }
                for slot in range(1, CONTACT_SLOTS + 1)
            ]
        return data

    @classmethod
    def initial_for(cls, request: Request) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": localized(request.title, request.language),
            "description": localized(request.description, request.language),
            "language": request.language,
            "themes": list(request.themes.values_list("code", flat=True)),
            "meas": list(request.meas.values_list("code", flat=True)),
            "entry_point": request.entry_region_id,
            "version": request.version,
        }
        for name in SERVICE_FIELDS:
            initial.setdefault(name, getattr(request, name, None))
        for slot, contact in enumerate(request.contacts[:CONTACT_SLOTS], start=1):
            for key, _label in CONTACT_FIELDS:
                initial[f"contact_{slot}_{key}"] = contact.get(key, "")
        return initial


CONTACT_FIELDS = (
    ("name", _("Name")),
    ("role", _("Function")),
    ("email", _("E-mail")),
    ("phone", _("Telephone")),
)
SERVICE_FIELDS = tuple(name for name in EDITABLE_FIELDS if name != "contacts")
CONTACT_KEYS = [(slot, key) for slot in range(1, CONTACT_SLOTS + 1) for key, _l in CONTACT_FIELDS]


class TransitionForm(forms.Form):
    """One step of the workflow as sent by a page's button or form."""

    action = forms.CharField(max_length=32)
    version = forms.IntegerField(required=False)
    note = forms.CharField(required=False, max_length=5000)
    public = forms.BooleanField(required=False)
    assignee = forms.CharField(required=False, max_length=170)
    assignee_other = forms.CharField(required=False, max_length=170)
    partner = forms.CharField(required=False, max_length=200)
    summary = forms.CharField(required=False, max_length=5000)
    activities = forms.CharField(required=False, max_length=2000)

    def transition_input(self) -> TransitionInput:
        """The service's input; a typed identifier wins over the list of assignees."""
        data = self.cleaned_data
        text = data["activities"] or ""
        return TransitionInput(
            note=data["note"],
            public=data["public"],
            assignee=data["assignee_other"] or data["assignee"],
            partner=data["partner"],
            summary=data["summary"],
            activities=[
                part.strip() for part in text.replace("\n", ",").split(",") if part.strip()
            ],
            version=data["version"],
        )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Document"))
