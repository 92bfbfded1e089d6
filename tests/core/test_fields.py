from decimal import Decimal

import pytest
from django.db import IntegrityError

from funding.models import FundingSource


def test_kronor_field_refuses_ore_instead_of_rounding(regional_source: FundingSource) -> None:
    regional_source.amount = Decimal("39000000.50")
    with pytest.raises(ValueError, match="whole kronor"):
        regional_source.save()


def test_kronor_field_refuses_float(regional_source: FundingSource) -> None:
    regional_source.amount = 39000000.0  # type: ignore[assignment]  # a float on purpose
    with pytest.raises(TypeError, match="never float"):
        regional_source.save()


def test_database_refuses_negative_amount(regional_source: FundingSource) -> None:
    with pytest.raises(IntegrityError):
        FundingSource.objects.filter(pk=regional_source.pk).update(amount=Decimal("-1"))
