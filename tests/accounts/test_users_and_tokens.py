"""People, roles and scopes; API tokens; the create-user command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from bali.accounts.actions import UserScope, do_create_user, do_issue_token
from bali.accounts.models import ApiToken, User
from bali.accounts.roles import ROLE_SCOPE, Role

pytestmark = pytest.mark.django_db


def test_role_names_are_the_promised_ones() -> None:
    assert set(Role.values) == {
        "national_focal_point",
        "regional_officer",
        "division_focal_point",
        "partner_editor",
        "hq_coordinator",
        "admin",
    }
    assert set(ROLE_SCOPE) == set(Role.values)


@pytest.mark.parametrize(
    ("role", "scope", "field", "value"),
    [
        ("national_focal_point", UserScope(country="ke"), "country_id", "KE"),
        ("regional_officer", UserScope(region="afr"), "region_id", "AFR"),
        ("division_focal_point", UserScope(division="DTIE"), "division_id", "DTIE"),
    ],
)
def test_scoped_roles(role: str, scope: UserScope, field: str, value: str) -> None:
    user = do_create_user(f"{role}@example.org", role, scope)
    assert getattr(user, field) == value
    assert not user.is_global and not user.is_staff


def test_partner_editor_org_is_created_when_unknown() -> None:
    user = do_create_user("p@example.org", "partner_editor", UserScope(org="XM-TEST-1"))
    assert user.organisation.ref == "XM-TEST-1"


@pytest.mark.parametrize(
    ("role", "scope", "field"),
    [
        ("national_focal_point", UserScope(), "country"),
        ("regional_officer", UserScope(), "region"),
        ("division_focal_point", UserScope(), "division"),
        ("partner_editor", UserScope(), "organisation"),
        ("national_focal_point", UserScope(country="XX"), "country"),
        ("regional_officer", UserScope(region="MARS"), "region"),
    ],
)
def test_missing_or_unknown_scope_is_refused(role: str, scope: UserScope, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        do_create_user("x@example.org", role, scope)
    assert field in caught.value.message_dict
    assert not User.objects.exists()


def test_admin_gets_admin_site_access() -> None:
    admin = do_create_user("a@example.org", "admin", UserScope(), password="long-enough-pw")
    hq = do_create_user("h@example.org", "hq_coordinator", UserScope())
    assert admin.is_staff and admin.is_superuser and admin.is_global
    assert hq.is_global and not hq.is_staff


def test_duplicate_email_refused() -> None:
    do_create_user("same@example.org", "hq_coordinator", UserScope())
    with pytest.raises(ValidationError):
        do_create_user("SAME@example.org", "hq_coordinator", UserScope())


def test_tokens_are_hashed_and_revocable() -> None:
    user = do_create_user("t@example.org", "hq_coordinator", UserScope())
    raw = do_issue_token(user)
    token = ApiToken.objects.get(user=user)
    assert raw.startswith("bali_") and raw not in token.key_hash and len(token.key_hash) == 64
    assert ApiToken.authenticate(raw) == user
    assert ApiToken.authenticate(raw + "x") is None
    token.revoke()
    assert ApiToken.authenticate(raw) is None


def test_inactive_user_token_refused() -> None:
    user = do_create_user("i@example.org", "hq_coordinator", UserScope())
    raw = do_issue_token(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert ApiToken.authenticate(raw) is None


def test_create_user_command_prints_token_last(client: Client) -> None:
    out = StringIO()
    call_command(
        "create_user",
        "focal@example.org",
        "--role",
        "national_focal_point",
        "--country",
        "KE",
        "--token",
        stdout=out,
    )
    lines = out.getvalue().strip().splitlines()
    raw = lines[-1]
    assert raw.startswith("bali_")
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json() == {
        "email": "focal@example.org",
        "full_name": "",
        "role": "national_focal_point",
        "country": "KE",
        "region": None,
        "division": None,
        "org": None,
    }


def test_create_user_command_errors_clearly() -> None:
    with pytest.raises(CommandError, match="country"):
        call_command(
            "create_user", "x@example.org", "--role", "national_focal_point", stdout=StringIO()
        )


def test_api_rejects_bad_token(client: Client) -> None:
    assert client.get("/api/v1/accounts/me").status_code == 401
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION="Bearer bali_wrong")
    assert response.status_code == 401
    assert "token" in response.json()["detail"]


def test_login_page_signs_in(client: Client) -> None:
    do_create_user("web@example.org", "hq_coordinator", UserScope(), password="long-enough-pw")
    assert client.get("/en/accounts/login/").status_code == 200
    response = client.post(
        "/en/accounts/login/", {"username": "web@example.org", "password": "long-enough-pw"}
    )
    assert response.status_code == 302
    assert client.get("/en/").context["user"].email == "web@example.org"
