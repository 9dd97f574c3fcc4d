"""Public pages: home, search, activity, country and organisation pages, exports, error pages.

Thin views: they parse the query (`bali.activities.filters`, `bali.activities.paging`), call the
search service or a read-side module of `bali.activities`, and render. Bad input never gives a
500: `common.bad_request` renders a translated 400 page listing what was wrong.
"""

from bali.portal.views.activity import activity_by_iati_id, activity_detail, activity_similar
from bali.portal.views.errors import healthz, page_not_found, permission_denied, server_error
from bali.portal.views.exports import export_csv, export_json
from bali.portal.views.home import home
from bali.portal.views.places import countries, country_detail, organisation_detail, organisations
from bali.portal.views.search import search_page

__all__ = [
    "activity_by_iati_id",
    "activity_detail",
    "activity_similar",
    "countries",
    "country_detail",
    "export_csv",
    "export_json",
    "healthz",
    "home",
    "organisation_detail",
    "organisations",
    "page_not_found",
    "permission_denied",
    "search_page",
    "server_error",
]
