"""Demonstration organisations: UN agencies, funders and institutions of the South."""

from __future__ import annotations

import random
from collections.abc import Callable

from bali.organisations.models import Organisation

DEMO_ORGANISATIONS = (
    (
        "XM-DAC-41116",
        "UNEP",
        "40",
        None,
        True,
        {
            "en": "United Nations Environment Programme",
            "fr": "Programme des Nations Unies pour l'environnement",
            "es": "Programa de las Naciones Unidas para el Medio Ambiente",
            "ru": "Программа Организации Объединенных Наций по окружающей среде",
            "zh": "联合国环境规划署",
            "ar": "برنامج الأمم المتحدة للبيئة",
        },
    ),
    (
        "XM-DAC-41114",
        "UNDP",
        "40",
        None,
        True,
        {
            "en": "United Nations Development Programme",
            "fr": "Programme des Nations Unies pour le développement",
            "es": "Programa de las Naciones Unidas para el Desarrollo",
            "ru": "Программа развития Организации Объединенных Наций",
            "zh": "联合国开发计划署",
            "ar": "برنامج الأمم المتحدة الإنمائي",
        },
    ),
    ("XM-BALI-DEMO-AIT", "AIT", "80", "TH", True, {"en": "Asian Institute of Technology"}),
    ("XM-BALI-DEMO-GEF", "GEF", "40", None, False, {"en": "Global Environment Facility"}),
    ("XM-DAC-7", "", "10", "NL", False, {"en": "Ministry of Foreign Affairs of the Netherlands"}),
    ("XM-DAC-3-1", "Danida", "10", "DK", False, {"en": "Danish International Development Agency"}),
    ("XM-DAC-8", "", "10", "NO", False, {"en": "Ministry of Foreign Affairs of Norway"}),
)


def build(rng: random.Random, log: Callable[[str], None]) -> int:
    created = 0
    for ref, acronym, org_type, country, publisher, names in DEMO_ORGANISATIONS:
        _org, was_created = Organisation.objects.get_or_create(
            ref=ref,
            defaults={
                "acronym": acronym,
                "type": org_type,
                "country_id": country,
                "is_publisher": publisher,
                "names": names,
            },
        )
        created += int(was_created)
    return created
