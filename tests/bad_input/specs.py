"""Every form of the site as a valid submission to start from, and its fields.

Each `Form` knows who may use it, its URL pattern (as the URL configuration spells it) and how
to build a valid submission for the demo data; a case changes one field of it. Builders run
before the snapshot, so what they set up (a draft decision, an allocation awaiting its
agreement) is not counted as a change.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.forms.models import model_to_dict
from django.test import Client

from accounts.models import User
from funding import services as funding
from funding.models import Decision, Programme
from partners.models import Partner
from partners.services import PARTNER_FIELDS
from tests.helpers import add_partners_with_decided_2024

Data = dict[str, Any]
Base = Callable[[Client], tuple[str, Data]]


@dataclass(frozen=True)
class Form:
    name: str  # for test ids: "decision new"
    username: str
    pattern: str
    base: Base


@dataclass(frozen=True)
class TextField:
    name: str  # the field's name in the form
    label: str  # for test ids
    max_length: int | None
    required: bool = True
    multiline: bool = False


# --------------------------------------------------------------------------- allocations

EDITOR = "/budget/<year:year>/<slug:slug>/allocations/"
EDITOR_URL = "/budget/2025/grundfinansiering/allocations/"


def editor_data(client: Client, **amounts: str) -> Data:
    page = client.get(EDITOR_URL).content.decode()
    data = dict(re.findall(r'name="((?:amount|version)_\d+)"[^>]*?value="([^"]*)"', page))
    data.update(dict(re.findall(r'type="hidden" name="(version_\d+)" value="(\d+)"', page)))
    for slug, value in amounts.items():
        data[f"amount_{Partner.objects.get(slug=slug).pk}"] = value
    return data


def _allocations(client: Client) -> tuple[str, Data]:
    return EDITOR_URL, editor_data(client, matgille="3 100 000")


ALLOCATIONS = Form("allocations", "handlaggare", EDITOR, _allocations)


def matgille_amount() -> str:
    return f"amount_{Partner.objects.get(slug='matgille').pk}"


def matgille_version() -> str:
    return f"version_{Partner.objects.get(slug='matgille').pk}"


# --------------------------------------------------------------------------- decisions

DECISION = {
    "body": "Regionstyrelsens tillväxtutskott",
    "meeting_date": "2024-10-22",
    "paragraph": "88",
    "registration_number": "RS240088",
    "title": "Grundfinansiering 2025",
    "text": "Beslut.",
    "legal_basis": "",
    "legal_bases": ["kl_2_1"],
}


def draft_decision(*, paragraph: int | None = 88) -> Decision:
    """A draft decision of the 2025 allocations, recorded by the secretary."""
    return funding.create_decision(
        meeting_date=date(2024, 10, 22),
        paragraph=paragraph,
        registration_number="RS240088",
        title="Grundfinansiering 2025",
        text="Beslut.",
        by=User.objects.get(username="sekreterare"),
    )


def approved_decision() -> Decision:
    return Decision.objects.get(paragraph=101)


DECISION_NEW = Form(
    "decision new", "sekreterare", "/decisions/new/", lambda c: ("/decisions/new/", DECISION)
)
DECISION_EDIT = Form(
    "decision edit",
    "sekreterare",
    "/decisions/<id:pk>/edit/",
    lambda c: (f"/decisions/{draft_decision().pk}/edit/", DECISION),
)
DECISION_FIELDS = [
    TextField("body", "body", 200),
    TextField("title", "title", 300),
    TextField("text", "text", 20000, multiline=True),
    TextField("legal_basis", "legal basis", 5000, required=False, multiline=True),
    TextField("distribution", "distribution", 2000, required=False, multiline=True),
]


def decided_decision() -> Decision:
    """A decided decision of the 2025 allocations, waiting for its justering (issue 19)."""
    secretary = User.objects.get(username="sekreterare")
    decision = draft_decision()
    allocations = Programme.objects.get(budget_year__year=2025).allocations.all()
    funding.add_allocations_to_decision(
        decision=decision, allocations=list(allocations), by=secretary
    )
    return funding.decide(decision=decision, by=secretary)


JUSTERING = {
    "approved_on": "2024-10-29",
    "adjusters": "Per Exempelsson",
    "chair": "Anna Exempelsson",
    "posted_on": "2024-10-30",
}
DECISION_APPROVE = Form(
    "decision approve",
    "sekreterare",
    "/decisions/<id:pk>/approve/",
    lambda c: (f"/decisions/{decided_decision().pk}/approve/", JUSTERING),
)
APPROVE_FIELDS = [
    TextField("adjusters", "adjusters", 300),
    TextField("chair", "chair", 200),
]

# --------------------------------------------------------------------------- agreements

TERMS = {
    "period_start": "2024-01-01",
    "period_end": "2024-12-31",
    "purpose": "Syfte",
    "conditions": "",
}
TERMS_FIELDS = [
    TextField("purpose", "purpose", 10000, multiline=True),
    TextField("conditions", "conditions", 20000, required=False, multiline=True),
]


def plan_data(**changes: str) -> Data:
    data = {
        **TERMS,
        "plan-TOTAL_FORMS": "2",
        "plan-INITIAL_FORMS": "0",
        "plan-0-due_date": "2024-01-31",
        "plan-0-amount": "1 050 000",
        "plan-1-due_date": "2024-07-31",
        "plan-1-amount": "1 050 000",
        "reports-TOTAL_FORMS": "1",
        "reports-INITIAL_FORMS": "0",
        "reports-0-description": "Rapport",
        "reports-0-due_date": "2024-12-31",
        "indicators-TOTAL_FORMS": "1",
        "indicators-INITIAL_FORMS": "0",
        "indicators-0-name": "Antal rådgivna företag",
        "indicators-0-unit": "företag",
        "indicators-0-target": "120",
    }
    data.update(changes)
    return data


EDIT_URL = "/agreements/GF-2024-LEAP-FOR-LIFE/edit/"
AGREEMENT_EDIT = Form(
    "agreement edit",
    "handlaggare",
    "/agreements/<reference:reference>/edit/",
    lambda c: (EDIT_URL, plan_data()),
)


def awaiting_allocation_id() -> int:
    """A decided allocation with no agreement yet (the demo has none: one more partner)."""
    return add_partners_with_decided_2024(1)[0].pk


AGREEMENT_NEW = Form(
    "agreement new",
    "handlaggare",
    "/agreements/new/<id:allocation_id>/",
    lambda c: (f"/agreements/new/{awaiting_allocation_id()}/", TERMS),
)

SIGN = {"signer_name": "Demo", "signer_title": "VD", "password": "halland-demo", "confirm": "on"}
AGREEMENT_SIGN = Form(
    "sign",
    "highfive",
    "/agreements/<reference:reference>/sign/",
    lambda c: ("/agreements/GF-2024-HIGHFIVE/sign/", SIGN),
)
SIGN_FIELDS = [
    TextField("signer_name", "name", 200),
    TextField("signer_title", "title", 200, required=False),
]

# Only a signed agreement is terminated; one not yet in force is discarded (issue 17).
AGREEMENT_TERMINATE = Form(
    "terminate",
    "handlaggare",
    "/agreements/<reference:reference>/terminate/",
    lambda c: ("/agreements/GF-2024-MATGILLE/terminate/", {"reason": "Skäl"}),
)

AGREEMENT_DISCARD = Form(
    "discard",
    "handlaggare",
    "/agreements/<reference:reference>/discard/",
    lambda c: ("/agreements/GF-2024-HIGHFIVE/discard/", {"reason": "Skäl"}),
)

# --------------------------------------------------------------------------- the admin


def partner_admin_data(client: Client) -> tuple[str, Data]:
    partner = Partner.objects.get(slug="coompanion")
    values = model_to_dict(partner, fields=PARTNER_FIELDS)
    data = {k: ("on" if v is True else "" if v in (None, False) else v) for k, v in values.items()}
    data = {k: v for k, v in data.items() if not (k.startswith("is_") and v == "")}
    data["_save"] = "Spara"
    return f"/admin/partners/partner/{partner.pk}/change/", data


PARTNER_ADMIN = Form(
    "admin partner",
    "admin",
    "/admin/partners/partner/<path:object_id>/change/",
    partner_admin_data,
)
PARTNER_FIELDS_TEXT = [
    TextField("display_name", "name", 120),
    TextField("legal_name", "legal name", 200),
    TextField("street_address", "street", 200, required=False),
    TextField("postal_code", "postal code", 10, required=False),
    TextField("city", "city", 100, required=False),
    TextField("description", "description", 2000, required=False, multiline=True),
]
