"""Who the caller is: role and scope, as the API names them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from bali.accounts.models import User
from bali.api.auth import token_auth

router = Router(tags=["accounts"])


@router.get("/me", auth=token_auth, summary="The user the token belongs to, with role and scope")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)  # token_auth lets only signed-in users through
    return {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "country": user.country_id,
        "region": user.region_id,
        "division": user.division_id,
        "org": user.organisation.ref if user.organisation else None,
    }
