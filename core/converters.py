"""Path converters that refuse, at the URL, what no stored object can match.

Django's `int` takes any number of digits, and `str` any character but "/": an id above 2^63
made SQLite raise OverflowError and "/agreements/%00/" made PostgreSQL refuse a string with NUL,
both as server errors (issue 13, finding 6). These match only what can exist, so anything else
is the ordinary 404 before a view or the database sees it. Registered in CoreConfig.ready().
"""


class IdConverter:
    """A primary key: at most 18 digits, always below 2^63 (a bigint)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class YearConverter(IdConverter):
    """A budget year: four digits."""

    regex = "[0-9]{4}"


class ReferenceConverter:
    """An agreement reference (`GF-2024-COOMPANION`): what agreements.models allows, ≤ 60."""

    regex = "[A-Z0-9][A-Z0-9-]{0,59}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
