"""Every URL, as every role, with every method, against one table of expected answers.

Design §5 and issue 6: the table below is the permission policy as HTTP sees it. It is checked
against the URL configuration itself, so a new URL without an entry here fails
`test_every_url_is_in_the_table`. Each request runs in a transaction that is rolled back, so
the answers do not depend on each other. 404 is also the answer for another partner's objects:
the same as for objects that do not exist.
"""

from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.tokens import invitation_token_generator
from agreements import services as agreements
from agreements.models import Agreement, AgreementAmendment, ReportStatus
from api.models import ApiToken
from api.services import create_token, token_digest
from archive.models import ArchiveBundle
from archive.services import build_bundle
from funding import services as funding
from funding.models import Allocation, BudgetYear, Decision, Programme
from partners.models import Partner
from partners.services import invite_partner_user
from tests.helpers import login

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "owner", "other_partner", "official", "secretary", "admin")
USERS = {
    "owner": "coompanion",  # the partner whose agreement GF-2024-COOMPANION is
    "other_partner": "matgille",
    "official": "handlaggare",
    "secretary": "sekreterare",
    "admin": "admin",
}


def codes(*values: int) -> dict[str, int]:
    return dict(zip(ROLES, values, strict=True))


def same(value: int) -> dict[str, int]:
    return codes(*[value] * len(ROLES))


NOT_ALLOWED = codes(302, 405, 405, 405, 405, 405)  # login first, then "method not allowed"
STAFF_PAGE = codes(302, 404, 404, 200, 200, 200)
SECRETARY_ACTION = codes(302, 404, 404, 403, 302, 403)
OFFICIAL_ACTION = codes(302, 403, 404, 302, 403, 403)

# route name → {"GET": {role: status}, "POST": {role: status}}
EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    # Everyone's start page (what to do next); an administrator is sent to the budget year.
    "home": {"GET": codes(302, 200, 200, 200, 200, 302), "POST": NOT_ALLOWED},
    "login": {"GET": same(200), "POST": same(200)},
    "logout": {"GET": same(405), "POST": same(302)},
    "password_change": {
        "GET": codes(302, 200, 200, 200, 200, 200),
        "POST": codes(302, 200, 200, 200, 200, 200),
    },
    # Everyone here is past the second step already (or does not need it): back to "next".
    "two_factor": {"GET": same(302), "POST": same(302)},
    # Enrolling an app answers only staff with no device; everyone here has one (or needs
    # none) and is sent to the second step, which sends them on (tests/twofactor/).
    "two_factor_setup": {"GET": same(302), "POST": same(302)},
    "password_change_done": {"GET": codes(302, 200, 200, 200, 200, 200), "POST": NOT_ALLOWED},
    # Each user's own e-mail settings; an empty POST lacks the language (issue 16).
    "notice_settings": {
        "GET": codes(302, 200, 200, 200, 200, 200),
        "POST": codes(302, 400, 400, 400, 400, 400),
    },
    # The admin's password change, throttled (config.urls): staff of the admin only.
    "admin_password_change": {
        "GET": codes(302, 302, 302, 302, 302, 200),
        "POST": codes(302, 302, 302, 302, 302, 200),
    },
    "funding:index": {"GET": STAFF_PAGE, "POST": NOT_ALLOWED},
    "funding:overview": {"GET": STAFF_PAGE, "POST": NOT_ALLOWED},
    "funding:start_next": {"GET": NOT_ALLOWED, "POST": codes(302, 404, 404, 302, 403, 302)},
    "funding:allocations": {"GET": STAFF_PAGE, "POST": codes(302, 404, 404, 400, 403, 403)},
    "funding:allocation_totals": {"GET": NOT_ALLOWED, "POST": STAFF_PAGE},
    # The year's split from a file (issue 19): officials who may edit; an empty POST lacks the
    # file (400), and an empty confirmation is sent back to the upload (302), saving nothing.
    "funding:allocation_upload": {
        "GET": codes(302, 404, 404, 200, 403, 403),
        "POST": codes(302, 404, 404, 400, 403, 403),
    },
    "funding:allocation_upload_confirm": {
        "GET": NOT_ALLOWED,
        "POST": codes(302, 404, 404, 302, 403, 403),
    },
    "funding:history": {"GET": STAFF_PAGE, "POST": NOT_ALLOWED},
    # An official proposes a new amount for decided money (issue 17); an empty POST lacks it.
    "funding:propose_amendment": {
        "GET": codes(302, 404, 404, 200, 403, 403),
        "POST": codes(302, 404, 404, 400, 403, 403),
    },
    "decisions:index": {"GET": STAFF_PAGE, "POST": NOT_ALLOWED},
    "decisions:new": {
        "GET": codes(302, 404, 404, 403, 200, 403),
        "POST": codes(302, 404, 404, 403, 400, 403),
    },
    "decisions:detail": {"GET": STAFF_PAGE, "POST": NOT_ALLOWED},
    "decisions:edit": {"GET": SECRETARY_ACTION, "POST": SECRETARY_ACTION},
    "decisions:add": {"GET": NOT_ALLOWED, "POST": SECRETARY_ACTION},
    "decisions:remove": {"GET": NOT_ALLOWED, "POST": SECRETARY_ACTION},
    "decisions:refresh": {"GET": NOT_ALLOWED, "POST": SECRETARY_ACTION},
    "decisions:list_amendment": {"GET": NOT_ALLOWED, "POST": SECRETARY_ACTION},
    # Both are confirmation pages before what cannot be undone (issue 19); the demo's
    # decision is approved already, so the secretary is sent back to it.
    "decisions:decide": {"GET": SECRETARY_ACTION, "POST": SECRETARY_ACTION},
    "decisions:approve": {"GET": SECRETARY_ACTION, "POST": SECRETARY_ACTION},
    "decisions:pdf": {"GET": STAFF_PAGE, "POST": NOT_ALLOWED},
    "agreements:index": {"GET": codes(302, 200, 200, 200, 200, 200), "POST": NOT_ALLOWED},
    "agreements:new": {
        "GET": codes(302, 404, 404, 200, 404, 404),
        "POST": codes(302, 404, 404, 400, 404, 404),
    },
    "agreements:detail": {"GET": codes(302, 200, 404, 200, 200, 200), "POST": NOT_ALLOWED},
    "agreements:edit": {"GET": OFFICIAL_ACTION, "POST": OFFICIAL_ACTION},
    "agreements:send": {"GET": NOT_ALLOWED, "POST": OFFICIAL_ACTION},
    "agreements:withdraw": {"GET": NOT_ALLOWED, "POST": OFFICIAL_ACTION},
    "agreements:complete": {"GET": NOT_ALLOWED, "POST": OFFICIAL_ACTION},
    # GF-2024-COOMPANION is signed: officials get the terminate page (an empty POST is a 400
    # with the errors on the form) and are sent back from discarding it.
    "agreements:terminate": {
        "GET": codes(302, 403, 404, 200, 403, 403),
        "POST": codes(302, 403, 404, 400, 403, 403),
    },
    "agreements:discard": {"GET": OFFICIAL_ACTION, "POST": OFFICIAL_ACTION},
    # Signed already: whoever may see it is sent back with "you cannot sign this now".
    "agreements:sign": {
        "GET": codes(302, 302, 404, 302, 302, 302),
        "POST": codes(302, 302, 404, 302, 302, 302),
    },
    "agreements:pdf": {"GET": codes(302, 200, 404, 200, 200, 200), "POST": NOT_ALLOWED},
    "agreements:preview": {"GET": codes(302, 404, 404, 200, 404, 404), "POST": NOT_ALLOWED},
    # Amendments (issue 17), on Coompanion's version 3, sent to the partner for signing: every
    # signed version's PDF goes to whoever may see the agreement; the partner reads and signs
    # the amendment, officials handle it (an empty POST lacks the reason: 400).
    "agreements:pdf_version": {"GET": codes(302, 200, 404, 200, 200, 200), "POST": NOT_ALLOWED},
    "agreements:amendment": {"GET": codes(302, 200, 404, 200, 200, 200), "POST": NOT_ALLOWED},
    "agreements:amendment_preview": {
        "GET": codes(302, 200, 404, 200, 200, 200),
        "POST": NOT_ALLOWED,
    },
    # One amendment is open already: the official is told so on the form.
    "agreements:amendment_new": {
        "GET": codes(302, 403, 404, 200, 403, 403),
        "POST": codes(302, 403, 404, 400, 403, 403),
    },
    # Sent: not a draft any more, so the official is sent back to the amendment.
    "agreements:amendment_edit": {"GET": OFFICIAL_ACTION, "POST": OFFICIAL_ACTION},
    "agreements:amendment_send": {"GET": NOT_ALLOWED, "POST": OFFICIAL_ACTION},
    "agreements:amendment_withdraw": {"GET": NOT_ALLOWED, "POST": OFFICIAL_ACTION},
    "agreements:amendment_discard": {
        "GET": codes(302, 403, 404, 200, 403, 403),
        "POST": codes(302, 403, 404, 400, 403, 403),
    },
    # The partner's signatory signs now (an empty POST: 400); the others are sent back.
    "agreements:amendment_sign": {
        "GET": codes(302, 200, 404, 302, 302, 302),
        "POST": codes(302, 400, 404, 302, 302, 302),
    },
    # Reports (issue 15), on Coompanion's returned final report: the partner's users write it
    # (an empty POST saves an empty draft), officials review it, staff read it; the files go to
    # the same people. Another partner gets the 404 of a report that does not exist.
    "agreements:report": {
        "GET": codes(302, 200, 404, 200, 200, 200),
        "POST": codes(302, 302, 404, 403, 403, 403),
    },
    # A returned report cannot be approved or returned again: the official is told so.
    "agreements:report_approve": {"GET": NOT_ALLOWED, "POST": codes(302, 403, 404, 302, 403, 403)},
    "agreements:report_return": {"GET": NOT_ALLOWED, "POST": codes(302, 403, 404, 400, 403, 403)},
    # The approved report's sealed PDF: this report is not approved, so there is none
    # (tests/agreements/test_report_views.py downloads an approved one).
    "agreements:report_pdf": {"GET": codes(302, 404, 404, 404, 404, 404), "POST": NOT_ALLOWED},
    "agreements:attachment": {"GET": codes(302, 200, 404, 200, 200, 200), "POST": NOT_ALLOWED},
    "agreements:attachment_remove": {
        "GET": NOT_ALLOWED,
        "POST": codes(302, 302, 404, 403, 403, 403),
    },
    # Payments: officials only; a release of an instalment already released, or booking one not
    # yet released, is refused with a message and a redirect back to the list.
    "payments:index": {"GET": codes(302, 404, 404, 200, 404, 404), "POST": NOT_ALLOWED},
    "payments:release": {"GET": NOT_ALLOWED, "POST": codes(302, 404, 404, 302, 404, 404)},
    "payments:book": {"GET": NOT_ALLOWED, "POST": codes(302, 404, 404, 302, 404, 404)},
    # The finance system's file of paid rows (an empty POST: the form says what is missing),
    # and the payment list for it: officials only.
    "payments:import": {
        "GET": codes(302, 404, 404, 200, 404, 404),
        "POST": codes(302, 404, 404, 400, 404, 404),
    },
    "exports:payment_list_csv": {"GET": codes(302, 404, 404, 200, 404, 404), "POST": NOT_ALLOWED},
    "exports:payment_list_xlsx": {"GET": codes(302, 404, 404, 200, 404, 404), "POST": NOT_ALLOWED},
    "exports:recovery_list_csv": {"GET": codes(302, 404, 404, 200, 404, 404), "POST": NOT_ALLOWED},
    # Partners (issue 15): staff see every partner, a partner user their own (another's is a
    # 404); officials edit (an empty POST: the form says what is missing).
    "partners:index": {"GET": codes(302, 200, 200, 200, 200, 200), "POST": NOT_ALLOWED},
    "partners:detail": {"GET": codes(302, 200, 404, 200, 200, 200), "POST": NOT_ALLOWED},
    "partners:edit": {
        "GET": codes(302, 403, 404, 200, 403, 403),
        "POST": codes(302, 403, 404, 400, 403, 403),
    },
    "partners:contacts": {
        "GET": codes(302, 403, 404, 200, 403, 403),
        "POST": codes(302, 403, 404, 400, 403, 403),
    },
    # A partner's users (issue 16), on a user Coompanion invited: officials and administrators
    # for any partner, the partner's own signatory for theirs; the deactivation asks first
    # (GET) and acts on POST; a new invitation is a POST. Another partner: 404.
    "partners:invite_user": {
        "GET": codes(302, 200, 404, 200, 403, 200),
        "POST": codes(302, 400, 404, 400, 403, 400),
    },
    "partners:reinvite_user": {"GET": NOT_ALLOWED, "POST": codes(302, 302, 404, 302, 403, 302)},
    "partners:deactivate_user": {
        "GET": codes(302, 200, 404, 200, 403, 200),
        "POST": codes(302, 302, 404, 302, 403, 302),
    },
    # Inviting the region's staff: administrators only; partners do not learn the page exists.
    "staff_invite": {
        "GET": codes(302, 404, 404, 403, 403, 200),
        "POST": codes(302, 404, 404, 403, 403, 400),
    },
    # The one-time links and the reset request work for everyone, logged in or not. A link
    # that works moves its token into the session (302); a broken one says so (200).
    "accept_invitation": {"GET": same(302), "POST": same(302)},
    "password_reset_confirm": {"GET": same(200), "POST": same(200)},
    "password_reset": {"GET": same(200), "POST": same(400)},
    "password_reset_done": {"GET": same(200), "POST": same(405)},
    "password_reset_complete": {"GET": same(200), "POST": same(405)},
    "archive:index": {
        "GET": codes(302, 404, 404, 404, 200, 404),
        "POST": codes(302, 404, 404, 404, 200, 404),
    },
    "archive:detail": {"GET": codes(302, 404, 404, 404, 200, 404), "POST": NOT_ALLOWED},
    "archive:download": {"GET": codes(302, 404, 404, 404, 200, 404), "POST": NOT_ALLOWED},
    "verify": {"GET": same(200), "POST": same(400)},
    # Choosing a language (open to all) sends the browser back, to / without a "next".
    "set_language": {"GET": same(302), "POST": same(302)},
    "healthz": {"GET": same(200), "POST": same(405)},
    "readyz": {"GET": same(200), "POST": same(405)},
    # For the monitoring network only (METRICS_ALLOWED_IPS, empty here): 404 for every visitor.
    "metrics": {"GET": same(404), "POST": same(404)},
    # The JSON API ignores sessions: without a token every role gets 401 (with tokens: below).
    # The OpenAPI document is public. The API root is both ninja's root and our index.
    "api:api-root": {"GET": same(401), "POST": same(405)},
    "api:openapi-json": {"GET": same(200), "POST": same(405)},
    "api:index": {"GET": same(401), "POST": same(405)},
    "api:budget_years": {"GET": same(401), "POST": same(405)},
    "api:budget_year": {"GET": same(401), "POST": same(405)},
    "api:programmes": {"GET": same(401), "POST": same(405)},
    "api:allocations": {"GET": same(401), "POST": same(405)},
    "api:agreements": {"GET": same(401), "POST": same(405)},
    "api:agreement": {"GET": same(401), "POST": same(405)},
    "api:signed_pdf": {"GET": same(401), "POST": same(405)},
    "accessibility": {"GET": same(200), "POST": same(405)},
    # Spreadsheets of a year hold drafts and payment plans: staff only. The year's decided
    # grants as open data (360Giving) are public.
    "exports:xlsx": {"GET": STAFF_PAGE, "POST": NOT_ALLOWED},
    "exports:csv": {"GET": STAFF_PAGE, "POST": NOT_ALLOWED},
    "exports:open_data": {"GET": same(200), "POST": same(405)},
}


# The API as each role's bearer token sees it (GET; anonymous has no token). Partner users get
# empty lists of budget data, 404 for a budget year and for another partner's agreement.
# Administrators cannot hold tokens: one made behind the services' back is refused.
API_WITH_TOKEN: dict[str, dict[str, int]] = {
    "api:api-root": codes(401, 200, 200, 200, 200, 401),
    "api:openapi-json": same(200),
    "api:index": codes(401, 200, 200, 200, 200, 401),
    "api:budget_years": codes(401, 200, 200, 200, 200, 401),
    "api:budget_year": codes(401, 404, 404, 200, 200, 401),
    "api:programmes": codes(401, 200, 200, 200, 200, 401),
    "api:allocations": codes(401, 200, 200, 200, 200, 401),
    "api:agreements": codes(401, 200, 200, 200, 200, 401),
    "api:agreement": codes(401, 200, 404, 200, 200, 401),
    "api:signed_pdf": codes(401, 200, 404, 200, 200, 401),
}


def test_every_url_is_in_the_table() -> None:
    assert {name for name, _pattern in _patterns()} == set(EXPECTED)
    assert {name for name in EXPECTED if name.startswith("api:")} == set(API_WITH_TOKEN)


@pytest.fixture
def objects(demo: None, settings: Any) -> dict[str, Any]:
    """Real ids from the demo data, plus a decided allocation awaiting its agreement, a
    finished archive bundle and an invited partner user, so every URL has an object to point
    at."""
    # Six roles post the reset form from one address; its limit has tests of its own.
    settings.PASSWORD_RESET_RATE_LIMIT = 100
    secretary = User.objects.get(username="sekreterare")
    awaiting = Programme.objects.get(budget_year__year=2025).allocations.get(
        partner__slug="highfive"
    )
    decision = funding.create_decision(
        meeting_date=date(2024, 10, 22),
        paragraph=77,
        registration_number="RS240077",
        title="Matris",
        text="Matris",
        by=secretary,
    )
    funding.add_to_decision(decision=decision, allocation=awaiting, by=secretary)
    funding.decide(decision=decision, by=secretary)
    bundle = ArchiveBundle.objects.create(
        budget_year=BudgetYear.objects.get(year=2024), requested_by=secretary
    )
    build_bundle(bundle.pk)
    invited = invite_partner_user(
        partner=Partner.objects.get(slug="coompanion"),
        email="ny@coompanion.example",
        first_name="Ny",
        last_name="Användare",
        is_signatory=False,
        by=None,
    )
    proposal = funding.propose_amendment(
        allocation=Allocation.objects.get(pk=awaiting.pk),
        amount=awaiting.amount + 1000,
        reason="Matris",
        by=User.objects.get(username="handlaggare"),
    )
    demo_decision = Decision.objects.get(paragraph=101)
    agreement = Agreement.objects.get(reference="GF-2024-COOMPANION")
    amendment = agreements.draft_amendment(agreement=agreement, reason="Matris", by=None)
    AgreementAmendment.objects.filter(pk=amendment.pk).update(conditions="Matris")
    agreements.send_amendment(amendment=amendment, by=None)
    returned = agreement.reporting_requirements.get(report__status=ReportStatus.RETURNED)
    return {
        # 2025 is the open year (drafts to edit); 2024 has decided grants to publish.
        "year": {"funding": 2025, "exports": 2024, "api": 2025},
        "table": "allocations",
        "slug": {"funding": "grundfinansiering", "partners": "coompanion"},
        "pk": {
            "decisions": demo_decision.pk,
            "archive": bundle.pk,
            "payments": agreement.instalments.order_by("number")[0].pk,
            "agreements": returned.pk,
        },
        "attachment_id": returned.report.attachments.get().pk,
        "allocation_id": {
            "decisions": agreement.allocation_id,
            "agreements": awaiting.pk,
            "funding": awaiting.pk,
        },
        "proposal_id": proposal.pk,
        "reference": agreement.reference,
        "version": 1,  # replaced by version 2 (the demo's amendment), still downloadable
        "user_id": invited.pk,
        # The invited user's one-time link, and a reset token that was never issued.
        "uidb64": urlsafe_base64_encode(force_bytes(invited.pk)),
        "token": invitation_token_generator.make_token(invited),
    }


def _url(name: str, objects: dict[str, Any]) -> str:
    namespace = name.split(":")[0] if ":" in name else ""
    pattern = next(p for p in _patterns() if p[0] == name)[1]
    kwargs = {}
    for key in pattern.converters:
        value = objects[key]
        kwargs[key] = value[namespace] if isinstance(value, dict) else value
    return reverse(name, kwargs=kwargs)


def _patterns() -> list[tuple[str, Any]]:
    """(route name, pattern) for every URL outside the Django admin, which has its own
    staff-only permission system."""
    found: list[tuple[str, Any]] = []

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name != "admin":
                    walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                found.append((name, pattern.pattern))

    walk(get_resolver().url_patterns)
    return found


@pytest.mark.parametrize("name", sorted(API_WITH_TOKEN))
def test_api_with_tokens(name: str, objects: dict[str, Any]) -> None:
    url = _url(name, objects)
    tokens = {}
    for role, username in USERS.items():
        user = User.objects.get(username=username)
        if role == "admin":
            plaintext = "gf_" + "a" * 43  # made behind the services' back: they refuse admins
            ApiToken.objects.create(
                user=user, name="matrix", prefix=plaintext[:8], digest=token_digest(plaintext)
            )
        else:
            plaintext = create_token(user=user, name="matrix", by=None)[1]
        tokens[role] = plaintext
    mismatches = []
    for role in ROLES:
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
        response = Client().get(url, headers=headers)
        if response.status_code != API_WITH_TOKEN[name][role]:
            mismatches.append(
                f"GET {url} with {role}'s token: {response.status_code}, "
                f"expected {API_WITH_TOKEN[name][role]}"
            )
    assert mismatches == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_permission_matrix(name: str, objects: dict[str, Any]) -> None:
    url = _url(name, objects)
    users = {role: User.objects.get(username=username) for role, username in USERS.items()}
    mismatches = []
    for method, expected in EXPECTED[name].items():
        for role in ROLES:
            client = Client()
            if role != "anonymous":
                login(client, users[role].username)
            with transaction.atomic():
                response = client.get(url) if method == "GET" else client.post(url, {})
                transaction.set_rollback(True)
            if response.status_code != expected[role]:
                mismatches.append(
                    f"{method} {url} as {role}: {response.status_code}, expected {expected[role]}"
                )
    assert mismatches == []
