"""Checking the fields of a request, shared by the API and the pages.

`clean_request_data` turns untrusted input (JSON or form data) into values the model can hold,
or raises one `ValidationError` naming every bad field, in the active language. Only the keys
present in the input are returned, so a partial edit (PATCH) changes only what it names.
`check_complete` holds the stricter rule for submission: a draft may be incomplete, a
submitted request may not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from bali.core.i18n import UN_LANGUAGES, clean_texts, iso_language
from bali.reference import lookups
from bali.requests.models import Request, SupportType

MAX_TITLE = 300
MAX_TEXT = 10000
MAX_CONTACTS = 5
MAX_MONTHS = 120
TEXT_FIELDS = ("priority", "expected_results")
MONEY_FIELDS = ("estimated_cost", "co_financing")
EDITABLE_FIELDS = (
    "language",
    "title",
    "description",
    "support_type",
    "themes",
    "priority",
    "meas",
    "expected_results",
    "desired_start",
    "duration_months",
    "estimated_cost",
    "co_financing",
    "currency",
    "contacts",
    "entry_point",
)


class _Errors(dict[str, list[str]]):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


def clean_request_data(data: dict[str, Any], *, default_language: str) -> dict[str, Any]:
    """Validate the editable fields present in `data`; unknown keys are refused."""
    errors = _Errors()
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    for key in unknown:
        errors.add(key, _("This field cannot be set here."))
    language = _clean_language(data.get("language") or default_language, errors)
    cleaned: dict[str, Any] = {"language": language} if "language" in data else {}
    for field, cleaner in _CLEANERS.items():
        if field in data:
            value = cleaner(data[field], errors, language)
            if field not in errors:
                cleaned[field] = value
    if errors:
        raise ValidationError(dict(errors))
    return cleaned


def _clean_language(value: Any, errors: _Errors) -> str:
    code = iso_language(str(value or ""))
    if code not in UN_LANGUAGES:
        errors.add("language", _("Choose one of the six UN languages: ar, zh, en, fr, ru, es."))
        return "en"
    return code


def _texts(value: Any, language: str, field: str, limit: int, errors: _Errors) -> dict[str, str]:
    if isinstance(value, dict):
        texts = clean_texts({str(k): str(v or "") for k, v in value.items()})
    elif value is None or isinstance(value, str):
        texts = clean_texts({language: value or ""})
    else:
        errors.add(field, _("Give a text."))
        return {}
    if any(len(text) > limit for text in texts.values()):
        errors.add(field, _("Keep this under %(limit)d characters.") % {"limit": limit})
    return texts


def _title(value: Any, errors: _Errors, language: str) -> dict[str, str]:
    texts = _texts(value, language, "title", MAX_TITLE, errors)
    if not texts and "title" not in errors:
        errors.add("title", _("Give the request a title."))
    return texts


def _description(value: Any, errors: _Errors, language: str) -> dict[str, str]:
    return _texts(value, language, "description", MAX_TEXT, errors)


def _plain_text(field: str) -> Callable[[Any, _Errors, str], str]:
    def clean(value: Any, errors: _Errors, language: str) -> str:
        if value is not None and not isinstance(value, str):
            errors.add(field, _("Give a text."))
            return ""
        text = (value or "").strip()
        if len(text) > MAX_TEXT:
            errors.add(field, _("Keep this under %(limit)d characters.") % {"limit": MAX_TEXT})
        return text

    return clean


def _support_type(value: Any, errors: _Errors, language: str) -> str:
    text = (str(value) if value is not None else "").strip()
    if text and text not in SupportType.values:
        errors.add(
            "support_type",
            _("Unknown type of support %(value)s; choose one of %(choices)s.")
            % {"value": text, "choices": ", ".join(SupportType.values)},
        )
    return text


def _codes(field: str, model_label: str) -> Callable[[Any, _Errors, str], list[str]]:
    def clean(value: Any, errors: _Errors, language: str) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = [part for part in value.replace(";", ",").split(",")]
        if not isinstance(value, list | tuple):
            errors.add(field, _("Give a list of codes."))
            return []
        codes = sorted({str(code).strip().upper() for code in value if str(code).strip()})
        unknown = [code for code in codes if code not in lookups.reference_codes(model_label)]
        if unknown:
            errors.add(field, _("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)})
        return codes

    return clean


def _desired_start(value: Any, errors: _Errors, language: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.add("desired_start", _("Give a date as YYYY-MM-DD."))
        return None


def _duration(value: Any, errors: _Errors, language: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        months = int(value)
    except (TypeError, ValueError):
        months = -1
    if not 1 <= months <= MAX_MONTHS:
        errors.add(
            "duration_months",
            _("Give a number of months from 1 to %(limit)d.") % {"limit": MAX_MONTHS},
        )
        return None
    return months


def _money(field: str) -> Callable[[Any, _Errors, str], Decimal | None]:
    def clean(value: Any, errors: _Errors, language: str) -> Decimal | None:
        if value in (None, ""):
            return None
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            amount = Decimal(-1)
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e14"):
            errors.add(field, _("Give an amount of zero or more, e.g. 25000 or 25000.50."))
            return None
        return amount.quantize(Decimal("0.01"))

    return clean


def _currency(value: Any, errors: _Errors, language: str) -> str:
    code = (str(value) if value is not None else "").strip().upper()
    if code and code not in lookups.codelist_codes("Currency"):
        errors.add(
            "currency",
            _("Unknown currency %(code)s; give an ISO 4217 code such as USD.") % {"code": code},
        )
    return code


def _contacts(value: Any, errors: _Errors, language: str) -> list[dict[str, str]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        errors.add("contacts", _("Give a list of contact persons with name, e-mail and phone."))
        return []
    contacts = []
    for item in value:
        contact = {key: str(item.get(key) or "").strip()[:200] for key in CONTACT_KEYS}
        if not any(contact.values()):
            continue
        if not contact["name"]:
            errors.add("contacts", _("Give the name of each contact person."))
        if contact["email"]:
            try:
                validate_email(contact["email"])
            except ValidationError:
                errors.add(
                    "contacts",
                    _("%(email)s is not an e-mail address.") % {"email": contact["email"]},
                )
        contacts.append(contact)
    if len(contacts) > MAX_CONTACTS:
        errors.add(
            "contacts", _("Give at most %(count)d contact persons.") % {"count": MAX_CONTACTS}
        )
    return contacts


def _entry_point(value: Any, errors: _Errors, language: str) -> str:
    code = (str(value) if value is not None else "").strip().upper()
    if code.startswith("OFFICE:"):
        code = code.partition(":")[2]
    if code and code not in lookups.reference_codes("Region"):
        errors.add("entry_point", _("Unknown UNEP region %(code)s.") % {"code": code})
    return code


CONTACT_KEYS = ("name", "role", "email", "phone")
_CLEANERS: dict[str, Callable[[Any, _Errors, str], Any]] = {
    "title": _title,
    "description": _description,
    "support_type": _support_type,
    "themes": _codes("themes", "Theme"),
    "priority": _plain_text("priority"),
    "meas": _codes("meas", "MEA"),
    "expected_results": _plain_text("expected_results"),
    "desired_start": _desired_start,
    "duration_months": _duration,
    "estimated_cost": _money("estimated_cost"),
    "co_financing": _money("co_financing"),
    "currency": _currency,
    "contacts": _contacts,
    "entry_point": _entry_point,
}


def check_complete(request: Request) -> None:
    """A request may be submitted once the office can act on it; names every missing field."""
    errors = _Errors()
    if not request.title:
        errors.add("title", _("Give the request a title."))
    if not request.description:
        errors.add("description", _("Describe the support the country needs."))
    if not request.support_type:
        errors.add("support_type", _("Choose the type of support."))
    if not request.themes.exists():
        errors.add("themes", _("Choose at least one BSP theme."))
    if (request.estimated_cost is not None or request.co_financing is not None) and not (
        request.currency
    ):
        errors.add("currency", _("Give the currency of the amounts."))
    if errors:
        raise ValidationError(dict(errors))
