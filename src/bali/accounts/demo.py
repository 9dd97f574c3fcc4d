"""Demonstration people: one or more of each role, with a shared demo password.

The password comes from BALI_DEMO_PASSWORD (default `bali-demo-2025`); demo data is for trying
the system on a laptop, never for a public server.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable

from bali.accounts.actions import UserScope, do_create_user
from bali.accounts.models import User

DEMO_DOMAIN = "demo.bali.example.org"
DEMO_USERS: tuple[tuple[str, str, UserScope, str, str], ...] = (
    ("admin", "admin", UserScope(), "Amina Diallo", "en"),
    ("hq", "hq_coordinator", UserScope(), "Henrik Larsen", "en"),
    ("officer.afr", "regional_officer", UserScope(region="AFR"), "Grace Wanjiru", "en"),
    ("officer.asp", "regional_officer", UserScope(region="ASP"), "Somchai Prasert", "en"),
    ("officer.eur", "regional_officer", UserScope(region="EUR"), "Irina Volkova", "ru"),
    ("officer.lac", "regional_officer", UserScope(region="LAC"), "Lucía Fernández", "es"),
    ("officer.was", "regional_officer", UserScope(region="WAS"), "Omar Haddad", "ar"),
    ("focal.ke", "national_focal_point", UserScope(country="KE"), "Joseph Otieno", "en"),
    ("focal.sn", "national_focal_point", UserScope(country="SN"), "Fatou Ndiaye", "fr"),
    ("focal.pe", "national_focal_point", UserScope(country="PE"), "Carmen Quispe", "es"),
    ("focal.vn", "national_focal_point", UserScope(country="VN"), "Nguyen Thi Lan", "en"),
    ("focal.jo", "national_focal_point", UserScope(country="JO"), "Rania Khalil", "ar"),
    ("focal.md", "national_focal_point", UserScope(country="MD"), "Ion Rusu", "ru"),
    ("focal.cn", "national_focal_point", UserScope(country="CN"), "Wang Fang", "zh"),
    ("dtie", "division_focal_point", UserScope(division="DTIE"), "Marc Dubois", "fr"),
    ("dewa", "division_focal_point", UserScope(division="DEWA"), "Priya Raman", "en"),
    ("delc", "division_focal_point", UserScope(division="DELC"), "Elena Moreno", "es"),
    ("partner.undp", "partner_editor", UserScope(org="XM-DAC-41114"), "Daniel Mensah", "en"),
    ("partner.ait", "partner_editor", UserScope(org="XM-BALI-DEMO-AIT"), "Kanya Siriwan", "en"),
)


def demo_password() -> str:
    return os.environ.get("BALI_DEMO_PASSWORD", "bali-demo-2025")


def build(rng: random.Random, log: Callable[[str], None]) -> int:
    created = 0
    for local, role, scope, name, language in DEMO_USERS:
        email = f"{local}@{DEMO_DOMAIN}"
        if User.objects.filter(email=email).exists():
            continue
        do_create_user(
            email, role, scope, password=demo_password(), full_name=name, language=language
        )
        created += 1
    if created:
        log(f"  demo users: password {demo_password()!r}, e.g. hq@{DEMO_DOMAIN}")
    return created
