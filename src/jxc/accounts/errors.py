"""Errors of users, roles, tokens and logins."""

from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError, Forbidden, NotAuthenticated


class LoginThrottled(DomainError):
    """Too many failed logins; try again later."""

    code = "login_throttled"
    status = 429
    message = _("Too many failed attempts. Please try again in %(minutes)s minutes.")


class LoginFailed(NotAuthenticated):
    """Wrong user name or password (or the account is deactivated)."""

    code = "login_failed"
    message = _("The user name or password is wrong.")


class TokenReadOnly(Forbidden):
    """A read-only API token was used for a write."""

    code = "token_read_only"
    message = _("This API token may only read.")


class OwnerOnly(Forbidden):
    """Only an owner may grant the owner role or change an owner's account."""

    code = "owner_only"
    message = _("Only an owner may do this to an owner account.")


class LastOwner(DomainError):
    """The last active owner cannot be deactivated or lose the owner role."""

    code = "last_owner"
    message = _("At least one active owner must remain.")


class SelfDeactivation(DomainError):
    """A user cannot deactivate their own account."""

    code = "self_deactivation"
    message = _("You cannot deactivate your own account.")


class ApprovalRoleRequired(Forbidden):
    """The document waits for approval by a role the user does not hold."""

    code = "approval_role_required"
    message = _("This document waits for approval by: %(roles)s.")


class ApprovalNotPending(DomainError):
    """Nothing of the document is waiting for approval."""

    code = "approval_not_pending"
    message = _("%(number)s is not waiting for approval.")
