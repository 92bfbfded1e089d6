from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Gemensamt"

    def ready(self) -> None:
        from core.converters import IdConverter, ReferenceConverter, YearConverter

        register_converter(IdConverter, "id")
        register_converter(YearConverter, "year")
        register_converter(ReferenceConverter, "reference")
