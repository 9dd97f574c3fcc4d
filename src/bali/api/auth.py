"""Bearer-token authentication for the API (`Authorization: Bearer bali_...`).

Reading endpoints accept anonymous callers (public data) and use the token when one is sent;
a token that is unknown or revoked is refused with 401 rather than silently ignored.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer

from bali.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """Requires a valid token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class OptionalTokenAuth(TokenAuth):
    """A valid token, or no Authorization header at all (anonymous)."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get(self.header):
            request.user = AnonymousUser()
            return request.user
        return super().__call__(request)


token_auth = TokenAuth()
optional_auth = OptionalTokenAuth()
