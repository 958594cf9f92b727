from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Organisations and people")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .language import keep_language_chosen_before_sign_in
        from .roles import grant_coordinator_permissions

        # For every app, not only this one: the actions app's permissions are created after
        # ours, and a test flush (which empties the groups) sends the signal again.
        post_migrate.connect(grant_coordinator_permissions, dispatch_uid="grant_coordinator")
        user_logged_in.connect(
            keep_language_chosen_before_sign_in, dispatch_uid="pimtracker_keep_language"
        )
