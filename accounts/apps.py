from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Konton"

    def ready(self) -> None:
        from accounts.session_cache import connect_invalidation

        connect_invalidation()
