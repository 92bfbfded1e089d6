"""Model fields shared by the business apps."""

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Combinable

from core.money import is_whole_kronor


class KronorField(models.DecimalField[Decimal | int | str | Combinable, Decimal]):
    """Whole kronor as `Decimal` (numeric(15, 0) in the database).

    Django's DecimalField would silently round 1,50 kr to 2 kr on save; this field refuses to
    store öre instead, so an amount never changes on its way to the database. Forms and services
    validate first and say so in Swedish; this is the last line.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 15)
        kwargs.setdefault("decimal_places", 0)
        kwargs.setdefault("validators", [MinValueValidator(Decimal(0))])
        super().__init__(*args, **kwargs)

    def get_db_prep_save(self, value: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is not None:
            if isinstance(value, float):
                raise TypeError(f"{self.name}: money is never float ({value!r})")
            if not isinstance(value, Combinable):
                decimal = self.to_python(value)
                if decimal is not None and not is_whole_kronor(decimal):
                    raise ValueError(f"{self.name}: {decimal} is not whole kronor")
        return super().get_db_prep_save(value, connection)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_digits", 15), ("decimal_places", 0)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        kwargs.pop("validators", None)
        return name, path, args, kwargs
