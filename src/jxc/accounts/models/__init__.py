from jxc.accounts.models.approvals import ApprovalRule, ApprovalStatus, ApprovalStep
from jxc.accounts.models.audit import AuditEntry, AuditHead
from jxc.accounts.models.company import Company
from jxc.accounts.models.security import ApiToken, LoginFailure
from jxc.accounts.models.users import User

__all__ = [
    "ApiToken",
    "ApprovalRule",
    "ApprovalStatus",
    "ApprovalStep",
    "AuditEntry",
    "AuditHead",
    "Company",
    "LoginFailure",
    "User",
]
