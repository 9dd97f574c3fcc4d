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


EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
SHOWN_VALUES = 10


def shown(values: list[str]) -> str:
    """Bad values as a message may repeat them: printable, short, and not too many."""
    texts = ["".join(ch for ch in value if ch.isprintable())[:40] for value in values]
    more = len(texts) - SHOWN_VALUES
    listed = ", ".join(texts[:SHOWN_VALUES])
    return listed if more <= 0 else listed + " " + _("(and %(count)d more)") % {"count": more}


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


# Control characters other than tab and line breaks: PostgreSQL refuses NUL in text, and none of
# them belongs in a request; they are dropped from every text a request or a step takes.
_CONTROL = {code: None for code in (*range(32), 127) if chr(code) not in "\t\n\r"}


def clean_text(value: str) -> str:
    """The text without control characters and surrounding spaces."""
    return value.translate(_CONTROL).strip()


def _texts(value: Any, language: str, field: str, limit: int, errors: _Errors) -> dict[str, str]:
    """`{language: text}` from a text in `language` or from a dict of the six UN languages."""
    if value is None or isinstance(value, str):
        value = {language: value}
    if not isinstance(value, dict) or not all(
        v is None or isinstance(v, str) for v in value.values()
    ):
        errors.add(field, _("Give a text."))
        return {}
    if any(iso_language(str(key)) not in UN_LANGUAGES for key in value):
        errors.add(
            field, _("Give each text in one of the six UN languages: ar, zh, en, fr, ru, es.")
        )
        return {}
    texts = clean_texts({str(key): clean_text(text or "") for key, text in value.items()})
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
        text = clean_text(value or "")
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
            errors.add(field, _("Unknown codes: %(codes)s.") % {"codes": shown(unknown)})
        return codes

    return clean


def _desired_start(value: Any, errors: _Errors, language: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        start = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        start = None
    if start is None or not EARLIEST <= start <= LATEST:
        errors.add("desired_start", _("Give a date as YYYY-MM-DD, from 2000 to 2100."))
    return start


def _duration(value: Any, errors: _Errors, language: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        months = -1 if isinstance(value, bool) else int(value)
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
    if any(
        not isinstance(item.get(key), str | int | None) for item in value for key in CONTACT_KEYS
    ):
        errors.add("contacts", _("Give the name, function, e-mail and telephone as texts."))
        return []
    contacts = []
    for item in value:
        contact = {key: clean_text(str(item.get(key) or ""))[:200] for key in CONTACT_KEYS}
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
