"""Request endpoints: built by the requests issue."""

from ninja import Router

router = Router(tags=["requests"])
