"""Hostile path segments in every URL with a converter, and ids that were tampered with.

A segment no stored object can match is refused by the converter (core/converters.py) or not
found by the view: 404 for everyone logged in, whatever their role, never a server error and
never a change. Anonymous visitors are sent to the login first where the path resolves.
"""

from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from funding.models import Allocation, AllocationStatus
from tests.bad_input.common import HUGE, HUGER, enter, snapshot
from tests.helpers import text

pytestmark = pytest.mark.django_db

ROLES = ("handlaggare", "sekreterare", "coompanion")

# Each route with one converter replaced by {}; the others hold a real value.
ID_ROUTES = [
    ("/agreements/new/<id:allocation_id>/", "/agreements/new/{}/"),
    ("/decisions/<id:pk>/", "/decisions/{}/"),
    ("/decisions/<id:pk>/edit/", "/decisions/{}/edit/"),
    ("/decisions/<id:pk>/add/", "/decisions/{}/add/"),
    ("/decisions/<id:pk>/remove/<id:allocation_id>/ pk", "/decisions/{}/remove/1/"),
    ("/decisions/<id:pk>/remove/<id:allocation_id>/ allocation_id", "/decisions/1/remove/{}/"),
    ("/decisions/<id:pk>/decide/", "/decisions/{}/decide/"),
    ("/decisions/<id:pk>/approve/", "/decisions/{}/approve/"),
    ("/decisions/<id:pk>/pdf/", "/decisions/{}/pdf/"),
    ("/archive/<id:pk>/", "/archive/{}/"),
    ("/archive/<id:pk>/download/", "/archive/{}/download/"),
]
PROGRAMME = "/budget/<year:year>/<slug:slug>"
YEAR_ROUTES = [
    ("/budget/<year:year>/", "/budget/{}/"),
    ("/budget/<year:year>/start-next/", "/budget/{}/start-next/"),
    (f"{PROGRAMME}/allocations/ year", "/budget/{}/grundfinansiering/allocations/"),
    (f"{PROGRAMME}/allocations/totals/ year", "/budget/{}/grundfinansiering/allocations/totals/"),
    (f"{PROGRAMME}/history/ year", "/budget/{}/grundfinansiering/history/"),
    ("/budget/<year:year>/export.xlsx", "/budget/{}/export.xlsx"),
    ("/budget/<year:year>/export/<slug:table>.csv year", "/budget/{}/export/allocations.csv"),
    ("/open-data/<year:year>/360giving.json", "/open-data/{}/360giving.json"),
]
SLUG_ROUTES = [
    (f"{PROGRAMME}/allocations/ slug", "/budget/2024/{}/allocations/"),
    (f"{PROGRAMME}/allocations/totals/ slug", "/budget/2024/{}/allocations/totals/"),
    (f"{PROGRAMME}/history/ slug", "/budget/2024/{}/history/"),
    ("/budget/<year:year>/export/<slug:table>.csv table", "/budget/2024/export/{}.csv"),
]
REFERENCE_ROUTES = [
    (f"/agreements/<reference:reference>/{action}", f"/agreements/{{}}/{action}")
    for action in (
        "",
        "edit/",
        "send/",
        "withdraw/",
        "sign/",
        "complete/",
        "terminate/",
        "discard/",
        "pdf/",
        "preview/",
    )
]

COMMON = [
    ("NUL", "%00"),
    ("VT", "%0B"),
    ("2^63", HUGE),
    ("40 digits", HUGER),
    ("minus one", "-1"),
    ("dot dot", ".."),
    ("å", "%C3%A5"),
    ("encoded slash", "1%2F2"),
    ("space", "%201"),
    ("RTL override", "%E2%80%AE1"),
]
ID_SEGMENTS = [
    *COMMON,
    ("zero", "0"),
    ("18 nines", "9" * 18),
    ("exponent", "1e3"),
    ("plus", "+1"),
    ("fullwidth one", "%EF%BC%91"),
]
YEAR_SEGMENTS = [
    *COMMON,
    ("year 0000", "0000"),
    ("five digits", "20245"),
    ("three digits", "999"),
    ("superscript", "%C2%B2%E2%81%B0%C2%B2%E2%81%B4"),
    ("year NUL", "2024%00"),
]
SLUG_SEGMENTS = [
    *COMMON,
    ("dash", "-"),
    ("upper case", "GRUNDFINANSIERING"),
    ("very long", "a" * 500),
    ("slug NUL", "grundfinansiering%00"),
    ("script", "%3Cscript%3E"),
]
REFERENCE_SEGMENTS = [
    *COMMON,
    ("lower case", "gf-2024-coompanion"),
    ("61 characters", "A" * 61),
    ("60 characters", "A" * 60),
    ("trailing NUL", "GF-2024-COOMPANION%00"),
    ("trailing VT", "GF-2024-COOMPANION%0B"),
    ("leading dash", "-GF-2024-COOMPANION"),
    ("double dash", "GF--2024-COOMPANION"),
    ("Å", "GF-2024-%C3%85"),
    ("script", "%3Cscript%3E"),
    ("SQL", "GF'%20OR%20'1'='1"),
]
ROUTES = [
    *((pattern, url, name, seg) for pattern, url in ID_ROUTES for name, seg in ID_SEGMENTS),
    *((pattern, url, name, seg) for pattern, url in YEAR_ROUTES for name, seg in YEAR_SEGMENTS),
    *((pattern, url, name, seg) for pattern, url in SLUG_ROUTES for name, seg in SLUG_SEGMENTS),
    *(
        (pattern, url, name, seg)
        for pattern, url in REFERENCE_ROUTES
        for name, seg in REFERENCE_SEGMENTS
    ),
]
FORBIDDEN_FIRST = {"/decisions/<id:pk>/remove/<id:allocation_id>/ allocation_id": ("handlaggare",)}
PATH_KEYS = [(pattern, "<path>", seg) for pattern, _url, _name, seg in ROUTES]


def _resolves(path: str) -> bool:
    try:
        resolve(unquote(path))  # the path_info Django routes
    except Resolver404:
        return False
    return True


@pytest.mark.parametrize(
    ("pattern", "url", "name", "segment"),
    ROUTES,
    ids=[f"{pattern} {name}" for pattern, _url, name, _seg in ROUTES],
)
def test_hostile_path_segment_is_not_found(
    client: Client, pattern: str, url: str, name: str, segment: str
) -> None:
    path = url.format(segment)
    before = snapshot()
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code in (404, 405) or (
            response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        ), f"anonymous {method.__name__}: {response.status_code}"
    # A path no route matches is the resolver's 404 whoever asks: one role shows it. A path a
    # route matches reaches the views, and every role asks.
    for username in ROLES if _resolves(path) else ROLES[:1]:
        enter(client, username)
        # An official may see decision § 101 but not change it: refused before the
        # allocation is looked up.
        forbidden = (403,) if username in FORBIDDEN_FIRST.get(pattern, ()) else ()
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code in (404, 405, *forbidden), (
                f"{username} {method.__name__}: {response.status_code}"
            )
    assert snapshot() == before


# --------------------------------------------------------------------------- tampered ids
# Real ids of objects the user may not use here: a partner user asking for another partner's
# agreement gets the same 404 as for a missing one; staff asking for what is not there, too.

REF = "/agreements/<reference:reference>"
TAMPERED = [
    ("coompanion", f"{REF}/", "/agreements/GF-2024-MATGILLE/"),
    ("coompanion", f"{REF}/pdf/", "/agreements/GF-2024-MATGILLE/pdf/"),
    ("coompanion", f"{REF}/sign/", "/agreements/GF-2024-HIGHFIVE/sign/"),
    ("coompanion", f"{REF}/preview/", "/agreements/GF-2024-MATGILLE/preview/"),
    ("coompanion", "/decisions/<id:pk>/", "/decisions/{decided}/"),
    ("coompanion", "/budget/<year:year>/", "/budget/2024/"),
    ("coompanion", "/budget/<year:year>/export.xlsx", "/budget/2024/export.xlsx"),
    ("handlaggare", "/agreements/new/<id:allocation_id>/", "/agreements/new/{agreed}/"),  # has one
    ("handlaggare", "/agreements/new/<id:allocation_id>/", "/agreements/new/{draft}/"),
    (
        "sekreterare",
        "/decisions/<id:pk>/remove/<id:allocation_id>/",
        "/decisions/{decided}/remove/{draft}/",
    ),
    ("sekreterare", "/archive/<id:pk>/", "/archive/1/"),
    ("sekreterare", "/archive/<id:pk>/download/", "/archive/1/download/"),
    ("handlaggare", "/budget/<year:year>/export/<slug:table>.csv", "/budget/2024/export/users.csv"),
]  # fmt: skip
FOREIGN_KEYS = [(pattern, "<path>", f"tampered: {url}") for _u, pattern, url in TAMPERED]


def demo_ids() -> dict[str, int]:
    """The demo's rows TAMPERED names, found rather than assumed: their ids depend on what ran
    before the test session first loaded the demo. Coompanion's 2024 allocation has its
    agreement and its decision, decided; a draft allocation has neither."""
    agreed = Allocation.objects.get(agreement__reference="GF-2024-COOMPANION")
    draft = Allocation.objects.filter(status=AllocationStatus.DRAFT).order_by("pk").first()
    assert agreed.decision_id is not None
    assert draft is not None
    return {"agreed": agreed.pk, "decided": agreed.decision_id, "draft": draft.pk}


@pytest.mark.parametrize(("username", "pattern", "path"), TAMPERED, ids=[t[2] for t in TAMPERED])
def test_a_tampered_id_is_not_found(client: Client, username: str, pattern: str, path: str) -> None:
    path = path.format(**demo_ids())
    enter(client, username)
    before = snapshot()
    assert client.get(path).status_code in (404, 405)
    assert client.post(path).status_code in (404, 405)
    assert snapshot() == before


# --------------------------------------------------------------------------- the admin's ids

ADMIN_IDS = [
    ("text", "abc"),
    ("2^63", HUGE),
    ("40 digits", HUGER),
    ("minus one", "-1"),
    ("NUL", "%00"),
    ("float", "1.5"),
    ("dot dot", ".."),
    ("script", "%3Cscript%3E"),
]
ADMIN_ROUTES = [
    "/admin/partners/partner/<path:object_id>/change/",
    "/admin/partners/partner/<path:object_id>/history/",
    "/admin/agreements/agreement/<path:object_id>/change/",
]
ADMIN_KEYS = [(route, "<path>", seg) for route in ADMIN_ROUTES for _, seg in ADMIN_IDS]


@pytest.mark.parametrize("route", ADMIN_ROUTES)
@pytest.mark.parametrize(("name", "segment"), ADMIN_IDS, ids=[n for n, _ in ADMIN_IDS])
def test_the_admin_says_an_unknown_id_does_not_exist(
    client: Client, route: str, name: str, segment: str
) -> None:
    enter(client, "admin")
    path = route.replace("<path:object_id>", segment)
    before = snapshot()
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "finns inte" in text(response)
    assert client.post(path).status_code == 302
    assert snapshot() == before
