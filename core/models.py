"""What the business apps' models share."""

from collections.abc import Mapping
from typing import ClassVar, Protocol

# A SHA-256 digest as the models store it (documents, attachments, token digests): 64 lowercase
# hex digits. Their check constraints match it.
SHA256_HEX = r"^[0-9a-f]{64}$"


class _WithLifecycle(Protocol):
    @property
    def transitions(self) -> Mapping[str, frozenset[str]]: ...

    @property
    def status(self) -> str: ...


class Lifecycle:
    """A model whose status moves only along its table of transitions (lifecycles as data):
    the class names the table, services refuse any other move, pages ask `can_become`."""

    transitions: ClassVar[Mapping[str, frozenset[str]]]

    def can_become(self: _WithLifecycle, status: str) -> bool:
        return status in self.transitions[self.status]
