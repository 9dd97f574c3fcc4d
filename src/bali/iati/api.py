"""IATI exchange endpoints (export, import status): built by the IATI exchange issue."""

from ninja import Router

router = Router(tags=["iati"])
