"""The REST API at /api/v1/: routers of every app and the one error format {"code","message","data"}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from jxc.accounts.api import router as accounts_router
from jxc.accounts.auth import SessionAuth, TokenAuth
from jxc.catalog.api import router as catalog_router
from jxc.core.errors import DomainError
from jxc.finance.api import router as finance_router
from jxc.inventory.api import router as inventory_router
from jxc.partners.api import router as partners_router
from jxc.purchasing.api import router as purchasing_router
from jxc.reports.api import router as reports_router
from jxc.sales.api import router as sales_router
from jxc.web.api import router as web_router

api = NinjaAPI(
    title="JXC 进销存 API",
    version="1",
    description=(
        "Purchase, sales and inventory. Authenticate with `Authorization: Bearer <token>` "
        "(create tokens under 设置 → API 令牌) or the browser session. Errors are "
        '`{"code", "message", "data"}`: 422 invalid input, 409 business rule, 404 missing, 403 forbidden, '
        "401 not logged in. Writes accept an `Idempotency-Key` header."
    ),
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, data: dict[str, Any] | None = None
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "data": data or {}}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    body = error.as_dict()
    return _error(request, error.status, body["code"], body["message"], body["data"])


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    # The same shape as a service's ValidationFailed: {"errors": {"field.path": ["message", …]}}
    errors: dict[str, list[str]] = {}
    for item in error.errors:
        location = [str(part) for part in item.get("loc", ())]
        if location and location[0] in {"body", "query", "path", "form", "file"}:
            location = location[1:]
        if location and location[0] == "payload":
            location = location[1:]
        errors.setdefault(".".join(location), []).append(str(item.get("msg", "")))
    return _error(request, 422, "validation_error", _("The request data is invalid."), {"errors": errors})


@api.exception_handler(AuthenticationError)
def _not_authenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "not_authenticated", _("Please log in or send a valid API token."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    if error.status_code == 403 and "CSRF" in str(error):
        return _error(request, 403, "csrf_failed", _("The CSRF token is missing or wrong; reload the page."))
    return _error(request, error.status_code, "http_error", str(error))


@api.exception_handler(Http404)
def _http404(request: HttpRequest, error: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(ObjectDoesNotExist)
def _does_not_exist(request: HttpRequest, error: ObjectDoesNotExist) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(DjangoPermissionDenied)
def _forbidden(request: HttpRequest, error: DjangoPermissionDenied) -> HttpResponse:
    return _error(request, 403, "permission_denied", _("You do not have permission to do this."))


api.add_router("/", web_router)
api.add_router("/", accounts_router)
api.add_router("/", catalog_router)
api.add_router("/", partners_router)
api.add_router("/", inventory_router)
api.add_router("/", purchasing_router)
api.add_router("/", sales_router)
api.add_router("/", finance_router)
api.add_router("/", reports_router)
