"""The one exception every permission rule raises.

Services raise `PermissionDenied`; web views turn it into a 403 page, the API into a 403 JSON
error. Rules live next to the services of each domain (`<app>/permissions.py`).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied


class PermissionDenied(DjangoPermissionDenied):
    """The actor may not do this action on this object."""
