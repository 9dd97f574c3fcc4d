"""What the demonstration requests are about: titles in English and in the submitter's
language, the type of support, BSP themes and agreements. Data only; `demo.py` builds them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    titles: dict[str, str]
    description: str
    support_type: str
    themes: tuple[str, ...]
    meas: tuple[str, ...] = ()
    results: str = ""


TOPICS: tuple[Topic, ...] = (
    Topic(
        {
            "en": "Inventory of mercury use in artisanal gold mining",
            "fr": "Inventaire de l'utilisation du mercure dans l'orpaillage artisanal",
            "es": "Inventario del uso de mercurio en la minería aurífera artesanal",
            "ru": "Инвентаризация использования ртути в кустарной золотодобыче",
            "zh": "手工和小规模金矿开采中汞使用情况清单",
            "ar": "جرد استخدام الزئبق في التعدين الحرفي للذهب",
        },
        "The ministry needs help to estimate mercury use and releases in artisanal and small-scale gold mining, as the first step of a national action plan.",
        "technical_advice",
        ("TH07", "CC08"),
        ("MINAMATA",),
        "A national inventory and a draft action plan validated by the mining communities.",
    ),
    Topic(
        {
            "en": "Training of customs officers on ozone-depleting substances",
            "fr": "Formation des agents des douanes aux substances qui appauvrissent la couche d'ozone",
            "es": "Capacitación de funcionarios de aduanas sobre sustancias que agotan la capa de ozono",
            "ru": "Обучение сотрудников таможни по озоноразрушающим веществам",
            "zh": "海关官员消耗臭氧层物质培训",
            "ar": "تدريب موظفي الجمارك على المواد المستنفدة للأوزون",
        },
        "Customs officers at the main ports need to identify refrigerants and stop illegal trade in controlled substances.",
        "training",
        ("TH07", "CC04"),
        ("MONTREAL", "VIENNA"),
        "Sixty officers trained; refrigerant identifiers in use at three border posts.",
    ),
    Topic(
        {
            "en": "National adaptation plan for coastal zones",
            "fr": "Plan national d'adaptation pour les zones côtières",
            "es": "Plan nacional de adaptación para las zonas costeras",
            "ru": "Национальный план адаптации для прибрежных зон",
            "zh": "沿海地区国家适应计划",
            "ar": "خطة وطنية للتكيف في المناطق الساحلية",
        },
        "Sea-level rise threatens coastal towns and farmland; the country asks for support to prepare the coastal chapter of its national adaptation plan.",
        "policy_legal_support",
        ("TH02", "TH06"),
        ("UNFCCC", "PARIS"),
        "A coastal adaptation chapter adopted by the inter-ministerial committee.",
    ),
    Topic(
        {
            "en": "Drafting a law on environmental impact assessment",
            "fr": "Rédaction d'une loi sur l'évaluation de l'impact sur l'environnement",
            "es": "Redacción de una ley de evaluación del impacto ambiental",
            "ru": "Разработка закона об оценке воздействия на окружающую среду",
            "zh": "起草环境影响评价法",
            "ar": "صياغة قانون بشأن تقييم الأثر البيئي",
        },
        "The current decree on impact assessment is outdated; legal advice is needed for a new law and its regulations.",
        "policy_legal_support",
        ("CC02", "CC01"),
        (),
        "A draft law submitted to parliament, with regulations for public participation.",
    ),
    Topic(
        {
            "en": "Early-warning system for drought",
            "fr": "Système d'alerte précoce en cas de sécheresse",
            "es": "Sistema de alerta temprana para la sequía",
            "ru": "Система раннего предупреждения о засухе",
            "zh": "干旱预警系统",
            "ar": "نظام للإنذار المبكر بالجفاف",
        },
        "Farmers and herders lose livestock and harvests every dry season; the meteorological service needs tools and training to issue drought warnings.",
        "technology_transfer",
        ("TH03", "CC07"),
        ("UNCCD",),
        "Monthly drought bulletins issued and reaching district offices by text message.",
    ),
    Topic(
        {
            "en": "Wetland inventory and management plan",
            "fr": "Inventaire des zones humides et plan de gestion",
            "es": "Inventario de humedales y plan de manejo",
            "ru": "Инвентаризация водно-болотных угодий и план управления",
            "zh": "湿地清单和管理计划",
            "ar": "جرد الأراضي الرطبة وخطة لإدارتها",
        },
        "Wetlands of international importance lack a current inventory; the country asks for an assessment and a management plan.",
        "assessment",
        ("TH05", "TH01"),
        ("RAMSAR", "CBD"),
        "An inventory of wetlands and a management plan for two Ramsar sites.",
    ),
    Topic(
        {
            "en": "Solar mini-grids for rural health centres",
            "fr": "Mini-réseaux solaires pour les centres de santé ruraux",
            "es": "Minirredes solares para centros de salud rurales",
            "ru": "Солнечные мини-сети для сельских медицинских центров",
            "zh": "农村卫生中心太阳能微电网",
            "ar": "شبكات شمسية صغيرة للمراكز الصحية الريفية",
        },
        "Rural health centres run on diesel or have no power; the ministry asks for technology transfer and training of local technicians.",
        "technology_transfer",
        ("TH12", "TH10"),
        (),
        "Twenty health centres powered by solar mini-grids maintained by trained technicians.",
    ),
    Topic(
        {
            "en": "National strategy for hazardous waste",
            "fr": "Stratégie nationale pour les déchets dangereux",
            "es": "Estrategia nacional para los desechos peligrosos",
            "ru": "Национальная стратегия по опасным отходам",
            "zh": "国家危险废物战略",
            "ar": "استراتيجية وطنية للنفايات الخطرة",
        },
        "Hospital, industrial and electronic waste is mixed with household waste; the environment agency needs a strategy and institutional support.",
        "institutional_support",
        ("TH08", "TH07"),
        ("BASEL", "STOCKHOLM"),
        "A national strategy adopted and a unit for hazardous waste set up in the agency.",
    ),
    Topic(
        {
            "en": "South-South exchange on cleaner production centres",
            "fr": "Échange Sud-Sud sur les centres de production plus propre",
            "es": "Intercambio Sur-Sur sobre centros de producción más limpia",
            "ru": "Обмен опытом Юг–Юг по центрам более чистого производства",
            "zh": "关于清洁生产中心的南南交流",
            "ar": "تبادل بين بلدان الجنوب بشأن مراكز الإنتاج الأنظف",
        },
        "The national cleaner production centre wishes to learn from established centres in other developing countries.",
        "south_south_exchange",
        ("CC12",),
        (),
        "Study visits completed and a twinning agreement signed with a peer centre.",
    ),
    Topic(
        {
            "en": "Biodiversity data platform and national reporting",
            "fr": "Plateforme de données sur la biodiversité et rapports nationaux",
            "es": "Plataforma de datos sobre biodiversidad e informes nacionales",
            "ru": "Платформа данных о биоразнообразии и национальная отчетность",
            "zh": "生物多样性数据平台和国家报告",
            "ar": "منصة بيانات التنوع البيولوجي والتقارير الوطنية",
        },
        "Biodiversity data are spread across institutions; technical advice is needed to build a shared platform that feeds national reports.",
        "technical_advice",
        ("TH01", "CC08", "CC09"),
        ("CBD",),
        "A shared data platform used for the next national report.",
    ),
    Topic(
        {
            "en": "Environmental education in secondary schools",
            "fr": "Éducation à l'environnement dans les écoles secondaires",
            "es": "Educación ambiental en las escuelas secundarias",
            "ru": "Экологическое образование в средних школах",
            "zh": "中学环境教育",
            "ar": "التربية البيئية في المدارس الثانوية",
        },
        "The ministry of education wants to bring environmental topics into the secondary curriculum and train teachers.",
        "training",
        ("CC11",),
        (),
        "A curriculum module adopted and four hundred teachers trained.",
    ),
    Topic(
        {
            "en": "Gender mainstreaming in the environment ministry",
            "fr": "Intégration du genre au ministère de l'environnement",
            "es": "Integración de la perspectiva de género en el ministerio de ambiente",
            "ru": "Учет гендерной проблематики в министерстве окружающей среды",
            "zh": "环境部的性别主流化",
            "ar": "تعميم مراعاة المنظور الجنساني في وزارة البيئة",
        },
        "The ministry asks for institutional support to include gender in its policies, budgets and monitoring.",
        "institutional_support",
        ("CC13", "CC01"),
        (),
        "A gender action plan adopted and sex-disaggregated indicators in the monitoring system.",
    ),
)
