from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .sign_in import remember_fresh_sign_in

        user_logged_in.connect(remember_fresh_sign_in, dispatch_uid="pimtracker_land_by_role")
