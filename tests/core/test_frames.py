"""`{% frame %}`: the page's header and footer rendered once, served per request (issue 18).

What must hold: the cached frame is the one rendered for this user, roles, language and page;
each response carries its own CSRF token (a browser's POST from a frame another session filled
passes the check); the language form returns to this request's full path, escaped; and a
change of name shows at once.
"""

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.test import Client

from accounts.models import User
from core.templatetags import frames
from core.views import CSRF_SLOT
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    cache.clear()


def test_the_frame_is_rendered_once_for_the_same_key_values() -> None:
    counted = Template(
        '{% load frames %}{% frame "test-frame" who %}{{ who }} {{ calls.pop }}{% endframe %}'
    )
    calls = ["second render", "first render"]
    assert counted.render(Context({"who": "a", "calls": calls})) == "a first render"
    assert counted.render(Context({"who": "a", "calls": calls})) == "a first render"  # cached
    assert counted.render(Context({"who": "b", "calls": calls})) == "b second render"


def test_a_process_keeps_the_frames_it_served_last_and_asks_the_cache_for_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Served again by this process: no round trip to the shared cache. Another process (its
    memory empty) finds the frame in the shared cache, not rendering it again. The memory
    holds LOCAL_ENTRIES fragments at the most."""
    counted = Template(
        '{% load frames %}{% frame "test-local" who %}{{ who }} {{ calls.pop }}{% endframe %}'
    )
    calls = ["second render", "first render"]
    assert counted.render(Context({"who": "a", "calls": calls})) == "a first render"
    asked: list[str] = []
    real_get = cache.get

    def get(key: str, *args: Any) -> Any:
        asked.append(key)
        return real_get(key, *args)

    monkeypatch.setattr(cache, "get", get)
    assert counted.render(Context({"who": "a", "calls": calls})) == "a first render"
    assert asked == []
    frames.forget_kept()  # as in another process
    assert counted.render(Context({"who": "a", "calls": calls})) == "a first render"
    assert len(asked) == 1
    monkeypatch.setattr(frames, "LOCAL_ENTRIES", 5)
    for who in range(20):
        counted.render(Context({"who": who, "calls": [""]}))
    assert len(frames._local) == 5


def test_a_named_value_is_filled_and_escaped_per_render() -> None:
    page = Template(
        '{% load frames %}{% frame "test-slot" next=path %}<a href="{{ next }}">{% endframe %}'
    )
    assert page.render(Context({"path": "/a/?x=1"})) == '<a href="/a/?x=1">'
    assert page.render(Context({"path": '/b/?q="><script>'})) == (
        '<a href="/b/?q=&quot;&gt;&lt;script&gt;">'
    )


def test_the_page_goes_into_the_key_as_its_pattern_never_as_a_free_path(rf: Any) -> None:
    """Paths of one URL pattern share one entry; a path that resolves to nothing is rendered
    without the cache, so a client asking for many made-up paths adds no entries."""
    page = Template(
        '{% load frames %}{% frame "test-pattern" request|page_pattern %}'
        "{{ request.path }}{% endframe %}"
    )
    first, second = "/agreements/GF-2024-COOMPANION/", "/agreements/GF-2024-HIGHFIVE/"
    assert page.render(Context({"request": rf.get(first)})) == first
    assert page.render(Context({"request": rf.get(second)})) == first  # one entry per pattern
    entries = len(cache._cache)  # type: ignore[attr-defined]  # the tests' per-process cache
    for made_up in ("/no-such-page/1/", "/no-such-page/2/"):
        assert page.render(Context({"request": rf.get(made_up)})) == made_up
    assert len(cache._cache) == entries  # type: ignore[attr-defined]


def test_each_response_has_its_own_token_and_the_post_passes(client: Client) -> None:
    login(client, "handlaggare")
    assert client.get("/agreements/").status_code == 200  # fills the frame
    browser = Client(enforce_csrf_checks=True)
    login(browser, "handlaggare")  # the same user, another browser: another CSRF secret
    body = browser.get("/agreements/").content.decode()
    assert CSRF_SLOT not in body
    language_form = re.search(
        r'action="/i18n/setlang/">\s*<input type="hidden" name="csrfmiddlewaretoken" '
        r'value="([^"]+)">\s*<input type="hidden" name="next" value="([^"]+)"',
        body,
    )
    assert language_form is not None
    assert language_form[2] == "/agreements/"
    answer = browser.post(
        "/i18n/setlang/", {"csrfmiddlewaretoken": language_form[1], "language": "en", "next": "/"}
    )
    assert answer.status_code == 302  # a refused token would be a 403


def test_the_footer_returns_to_this_requests_path(client: Client) -> None:
    login(client, "handlaggare")
    client.get("/agreements/?status=signed")
    body = client.get("/agreements/?status=draft").content.decode()
    assert 'name="next" value="/agreements/?status=draft"' in body


def test_a_new_name_and_a_new_language_show_at_once(client: Client) -> None:
    login(client, "handlaggare")
    assert "Demo Handläggare" in client.get("/").content.decode()
    User.objects.filter(username="handlaggare").update(first_name="Hedda")
    user = User.objects.get(username="handlaggare")
    user.save()  # as the admin saves it: the session's cached user is forgotten
    assert "Hedda Handläggare" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Log out" in client.get("/").content.decode()


def test_each_user_sees_their_own_menu(client: Client) -> None:
    login(client, "handlaggare")
    assert "/payments/" in client.get("/agreements/").content.decode()
    client.logout()
    login(client, "coompanion")
    body = client.get("/agreements/").content.decode()
    assert "/payments/" not in body
    assert "/budget/" not in body


def test_the_current_section_is_the_one_the_path_lies_under(client: Client) -> None:
    """A partner whose slug is a section's name (`/partners/budget/`) is a partner page, not a
    budget page, whichever page of that pattern filled the header first."""
    from partners.models import Partner

    Partner.objects.filter(slug="coompanion").update(slug="budget")
    login(client, "handlaggare")
    for path in ("/partners/budget/", "/partners/connect-vast/"):
        body = client.get(path).content.decode()
        current = re.findall(
            r'<a class="govuk-service-navigation__link" href="([^"]+)" aria-current', body
        )
        assert current == ["/partners/"], (path, current)
