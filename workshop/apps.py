from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopConfig(AppConfig):
    name = "workshop"
    verbose_name = _("Workshop")

    def ready(self):
        from django.db.models.signals import post_migrate

        from workshop import (
            mail,  # noqa: F401  (the "mail" job)
            tasks,  # noqa: F401  (the workshop's jobs and the schedule)
        )
        from workshop.reference import ensure_reference_data_after_migrate

        post_migrate.connect(
            ensure_reference_data_after_migrate, dispatch_uid="atelier_reference_data"
        )
        self._connect_token_cache()

    @staticmethod
    def _connect_token_cache():
        """Forget the cached API tokens whenever what makes one valid changes
        (``workshop.tokencache``): a token, a workstation, a user or a user's groups."""
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from workshop.models import UserToken, Workstation, WorkstationToken
        from workshop.tokencache import token_cache_invalidate

        def user_saved(sender, update_fields=None, **kwargs):
            if update_fields is not None and set(update_fields) <= {"last_login"}:
                return  # a login changes nothing a token's validity depends on
            token_cache_invalidate()

        User = get_user_model()
        for model in (WorkstationToken, UserToken, Workstation):
            post_save.connect(token_cache_invalidate, sender=model, dispatch_uid=f"tc-{model}")
            post_delete.connect(token_cache_invalidate, sender=model, dispatch_uid=f"tcd-{model}")
        post_save.connect(user_saved, sender=User, dispatch_uid="tc-user", weak=False)
        post_delete.connect(token_cache_invalidate, sender=User, dispatch_uid="tcd-user")
        m2m_changed.connect(
            token_cache_invalidate, sender=User.groups.through, dispatch_uid="tc-user-groups"
        )
