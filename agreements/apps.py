from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "Överenskommelser"

    def ready(self) -> None:
        from agreements.downloads import connect_invalidation

        connect_invalidation()
