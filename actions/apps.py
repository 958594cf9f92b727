from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_delete

        from participants.models import Forum, Organization, Person
        from pimtracker import lookups

        from .services import refuse_deletion_that_changes_items
        from .sign_in import remember_fresh_sign_in

        # Request limits: out-of-range ids in ``__in`` filters are no 500 (pimtracker/lookups.py).
        lookups.register()
        user_logged_in.connect(remember_fresh_sign_in, dispatch_uid="pimtracker_land_by_role")
        for model in (Organization, Forum, Person):
            pre_delete.connect(
                refuse_deletion_that_changes_items,
                sender=model,
                dispatch_uid=f"pimtracker_journal_guard_{model.__name__}",
            )
