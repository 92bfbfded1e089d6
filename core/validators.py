"""Validators every free-text field shares.

Control characters (U+0000–U+001F, U+007F–U+009F) have no place in a name or a title, and some
break what reads the text later: a partner name with a vertical tab made the year's XLSX export
fail for everyone (issue 13, finding 6), NUL cannot be stored in PostgreSQL. Multi-line text may
keep tab and line breaks.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@deconstructible
class NoControlCharacters:
    def __init__(self, *, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: str) -> None:
        pattern = _CONTROL_EXCEPT_LINES if self.multiline else _CONTROL
        if pattern.search(str(value)):
            raise ValidationError(
                _("Texten innehåller otillåtna styrtecken. Skriv in den igen utan dem."),
                code="control_characters",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash(self.multiline)


single_line = NoControlCharacters()
multi_line = NoControlCharacters(multiline=True)
