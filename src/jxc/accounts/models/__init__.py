from jxc.accounts.models.audit import AuditEntry, AuditHead
from jxc.accounts.models.company import Company
from jxc.accounts.models.security import ApiToken, LoginFailure
from jxc.accounts.models.users import User

__all__ = ["ApiToken", "AuditEntry", "AuditHead", "Company", "LoginFailure", "User"]
