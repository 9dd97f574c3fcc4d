from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "bali.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from bali.activities.models import Activity
        from bali.activities.signals import activities_changed
        from bali.organisations.models import Organisation
        from bali.search import indexer, receivers

        activities_changed.connect(indexer.on_activities_changed, dispatch_uid="search-index")
        post_delete.connect(receivers.activity_deleted, sender=Activity, dispatch_uid="search")
        pre_save.connect(receivers.organisation_saving, sender=Organisation, dispatch_uid="search")
        post_save.connect(receivers.organisation_saved, sender=Organisation, dispatch_uid="search")
        post_migrate.connect(receivers.after_migrate, sender=self, dispatch_uid="search")
