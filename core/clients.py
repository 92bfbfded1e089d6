"""The client's network address, as the trusted proxy in front of the app saw it.

Behind a load balancer every request comes from the balancer's address, so throttling by
REMOTE_ADDR would lump all clients together: five wrong passwords from anyone would lock the
real user out (issue 13, finding 5). The proxy appends the address it was connected from to
X-Forwarded-For; that last entry (or, behind N proxies, the N-th from the end) is the client.
Everything to its left was sent by the client and never counts. And the header counts only when
the request really comes from one of our proxies (TRUSTED_PROXY_IPS): a client that reaches an
app server directly cannot choose its own address either.

The header is read strictly: split on commas, the entry at the proxies' position must be a bare
IP address, else the request counts as coming from REMOTE_ADDR. A lenient parser (django-ipware
was tried) skips what it cannot read, so a client could make it pick an address of its own
choosing by sending a malformed entry after it (an unclosed quote swallowed the proxy's entry).

With TRUSTED_PROXY_COUNT = 0 (the default, no proxy) the header is ignored altogether.
"""

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest


@cache
def _trusted_networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _from_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXY_IPS))
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address throttling and lockouts count by (also django-axes', see settings)."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    hops: int = settings.TRUSTED_PROXY_COUNT
    if hops <= 0 or not _from_trusted_proxy(remote):
        return remote
    # Several X-Forwarded-For headers arrive joined by commas (WSGI), in the order sent.
    entries = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    if len(entries) < hops:
        return remote
    candidate = entries[-hops].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
