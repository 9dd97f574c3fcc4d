"""Who is reading: the person signed in (page session or API token), or None for the public.

The read services (`Activity.objects.visible_to`, the search service) take a `User` or None;
`request.user` may also be Django's AnonymousUser, which this turns into None.
"""

from __future__ import annotations

from django.http import HttpRequest

from bali.accounts.models import User


def viewer(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None
