"""The read-only JSON API at /api/v1/ (design §6, issue 9). Views stay thin: authenticate
(TokenAuth), read through api.selectors (scoped to the token's user), shape with api.schemas.

Partner users get empty lists for budget years, programmes and allocations, as the selectors
say, and 404 for a single budget year; agreements only of their own partner, and another
partner's agreement is the same 404 as one that does not exist.
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status
from pydantic import field_validator

from accounts.models import User
from agreements.downloads import current_download
from agreements.models import Agreement, AgreementStatus
from api import selectors
from api.auth import TokenAuth
from api.problems import MEDIA_TYPE, problem
from api.schemas import (
    AgreementOut,
    AllocationOut,
    BudgetYearOut,
    ErrorOut,
    IndexOut,
    ProgrammeOut,
    ValidationErrorOut,
)
from core.documents import stored_file_response
from funding.models import BudgetYear
from partners.permissions import membership_of

MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1
REFERENCE = re.compile(r"[A-Z0-9]+(-[A-Z0-9]+)*")  # as agreements.models.reference_validator
MAX_REFERENCE_LENGTH = Agreement._meta.get_field("reference").max_length or 60


class ProblemApi(NinjaAPI):
    """Declares its error answers as `application/problem+json` (RFC 9457) in the document."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for code, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(code) >= 400 and "application/json" in content:
                        answer["content"] = {MEDIA_TYPE: content["application/json"]}
        return schema


api = ProblemApi(
    title="Grundfinansiering – Region Halland",
    version="1",
    description=(
        "Read-only JSON API: budget years, programmes, allocations and agreements. "
        "Send `Authorization: Bearer <token>`. Amounts are exact decimal strings in kronor. "
        "See docs/api.md."
    ),
    urls_namespace="api",
    # No Swagger UI: it loads from a CDN, which the site's CSP and network do not allow.
    docs_url=None,
    # The OpenAPI document is public (it describes, it holds no data) and read-only.
    docs_decorator=require_GET,
    auth=TokenAuth(),
)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, problem(401, exc.message), status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'  # RFC 6750 §3
    return response


@api.exception_handler(ValidationError)
def unprocessable(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = "The request's parameters are not what the API document says; see errors."
    return api.create_response(request, problem(422, detail, errors=exc.errors), status=422)


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}.")
        # Bounded so that the database never sees a number it cannot hold.
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


UNAUTHORIZED = {401: ErrorOut}
# 422: a parameter that is not what the document says (a year outside 2000–2100, limit 0, …).
LIST_ERRORS = {401: ErrorOut, 422: ValidationErrorOut}
DETAIL_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


def paged_list(
    path: str, schema: type[Schema], *, operation_id: str, tag: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A list endpoint: GET, a page of `schema` (Pagination), or the list's errors."""

    def declare(view: Callable[..., Any]) -> Callable[..., Any]:
        responses = {200: list[schema], **LIST_ERRORS}  # type: ignore[valid-type]
        listed = api.get(path, response=responses, operation_id=operation_id, tags=[tag])
        endpoint: Callable[..., Any] = listed(paginate(Pagination)(view))
        return endpoint

    return declare


Year = Annotated[int, Field(ge=2000, le=2100, description="Budget year, e.g. 2024.")]


class YearFilter(Schema):
    year: Year | None = None


class AllocationFilter(YearFilter):
    programme: str = Field(
        "",
        max_length=80,
        pattern=r"^[-a-zA-Z0-9_]*$",
        description="The programme's slug, e.g. grundfinansiering.",
    )


class AgreementFilter(YearFilter):
    status: AgreementStatus | None = None
    updated_since: datetime | None = Field(
        None,
        description="Only agreements changed at or after this time (ISO 8601 with a time "
        "zone), including changes to their payments and reports: for incremental sync.",
    )

    @field_validator("updated_since")
    @classmethod
    def in_utc(cls, value: datetime | None) -> datetime | None:
        """An aware time, in UTC: PostgreSQL takes offsets only up to ±15:59, ISO 8601 more."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("give a time zone, e.g. 2024-09-01T00:00:00+02:00 or …Z")
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValueError("out of range") from None


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]  # set by TokenAuth
    if not isinstance(user, User):  # TokenAuth never lets one through; say so if it did
        raise AuthenticationError()
    return user


@api.get(
    "/",
    response={200: IndexOut, **UNAUTHORIZED},
    summary="Whose token this is",
    operation_id="getIndex",
    tags=["Token"],
)
def index(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    membership = membership_of(user)
    return {
        "api_version": api.version,
        "openapi": reverse("api:openapi-json"),
        "username": user.username,
        "role": user.role,
        "partner": membership.partner.slug if membership else None,
    }


@paged_list("/budget-years", BudgetYearOut, operation_id="listBudgetYears", tag="Budget")
def budget_years(request: HttpRequest) -> Any:
    return selectors.budget_years(user=_user(request))


@api.get(
    "/budget-years/{year}",
    response={200: BudgetYearOut, **DETAIL_ERRORS},
    operation_id="getBudgetYear",
    tags=["Budget"],
)
def budget_year(request: HttpRequest, year: Path[Year]) -> Status[BudgetYear | dict[str, str]]:
    found = selectors.budget_year(user=_user(request), year=year)
    if found is None:
        return Status(404, problem(404, "No such budget year."))
    return Status(200, found)


@paged_list("/programmes", ProgrammeOut, operation_id="listProgrammes", tag="Budget")
def programmes(request: HttpRequest, filters: Query[YearFilter]) -> Any:
    return selectors.programmes(user=_user(request), year=filters.year)


@paged_list("/allocations", AllocationOut, operation_id="listAllocations", tag="Budget")
def allocations(request: HttpRequest, filters: Query[AllocationFilter]) -> Any:
    return selectors.allocations(
        user=_user(request), year=filters.year, programme=filters.programme
    )


@paged_list("/agreements", AgreementOut, operation_id="listAgreements", tag="Agreements")
def agreements(request: HttpRequest, filters: Query[AgreementFilter]) -> Any:
    return selectors.agreements(
        user=_user(request),
        year=filters.year,
        status=filters.status or "",
        updated_since=filters.updated_since,
    )


def _well_formed(reference: str) -> bool:
    """A reference that cannot exist is not looked up (the database need not see odd bytes)."""
    return len(reference) <= MAX_REFERENCE_LENGTH and bool(REFERENCE.fullmatch(reference))


def _agreement(request: HttpRequest, reference: str) -> Agreement | None:
    if not _well_formed(reference):
        return None
    return selectors.agreement(user=_user(request), reference=reference)


@api.get(
    "/agreements/{reference}",
    response={200: AgreementOut, **DETAIL_ERRORS},
    operation_id="getAgreement",
    tags=["Agreements"],
)
def agreement(request: HttpRequest, reference: str) -> Status[Agreement | dict[str, str]]:
    found = _agreement(request, reference)
    if found is None:
        # The same answer for another partner's agreement as for one that does not exist.
        return Status(404, problem(404, "No such agreement."))
    return Status(200, found)


@api.get(
    "/agreements/{reference}/signed-pdf",
    response={401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    operation_id="getSignedAgreementPdf",
    tags=["Agreements"],
    summary="The sealed PDF of the agreement's current version, byte for byte as stored",
    openapi_extra={
        "responses": {
            200: {
                "description": "The sealed PDF; its SHA-256 in the X-Content-SHA256 header.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def signed_pdf(request: HttpRequest, reference: str) -> Any:
    # Scoped to what the token's user may see (another partner's: none); no query from the cache.
    document = None
    if _well_formed(reference):
        document = current_download(user=_user(request), reference=reference)
    if document is None:
        return Status(404, problem(404, "No signed PDF for such an agreement."))
    return stored_file_response(document, sha256=document.sha256, filename=document.filename)
