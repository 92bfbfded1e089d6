from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Historik"

    def ready(self) -> None:
        from audit.cache import read_revision_with_every_session

        read_revision_with_every_session()
