"""Statements (对账单) shared with a partner by signed link, and the partner's answer: confirmed or disputed."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_record
from jxc.core.db import retrying_atomic
from jxc.core.errors import ValidationFailed
from jxc.finance.choices import ReplyStatus
from jxc.finance.errors import StatementAnswered, StatementLinkInvalid
from jxc.finance.models import StatementShare
from jxc.finance.selectors.statements import MAX_VALID_DAYS, share_expired, statement
from jxc.partners.models import Account, Partner

DEFAULT_VALID_DAYS = 30
NAME_MAX = 60
COMMENT_MAX = 2000


@retrying_atomic
def statement_share_create(
    *,
    actor: User,
    partner: Partner,
    account: str,
    start: dt.date,
    end: dt.date,
    valid_days: int = DEFAULT_VALID_DAYS,
) -> StatementShare:
    """Share a partner's statement of a period: its opening and closing balance as of now, a link valid N days."""
    errors: dict[str, list[str | Promise]] = {}
    if account not in Account.values:
        errors["account"] = [_("Choose receivable or payable.")]
    if start > end:
        errors["end"] = [_("The end date is before the start date.")]
    if not 1 <= valid_days <= MAX_VALID_DAYS - 1:
        errors["valid_days"] = [_("A link is valid for 1 to %(max)s days.") % {"max": MAX_VALID_DAYS - 1}]
    if errors:
        raise ValidationFailed(errors)
    figures = statement(partner=partner, account=account, start=start, end=end)
    share = StatementShare.objects.create(
        partner=partner,
        account=account,
        start=start,
        end=end,
        opening=figures.opening,
        closing=figures.closing,
        expires_at=timezone.now() + dt.timedelta(days=valid_days),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="statement.shared",
        target=share,
        after={
            "partner": partner.name,
            "account": account,
            "start": start,
            "end": end,
            "opening": share.opening,
            "closing": share.closing,
            "expires_at": share.expires_at,
        },
    )
    return share


@retrying_atomic
def statement_share_answer(
    *, share: StatementShare, status: str, comment: str = "", name: str, ip: str | None = None
) -> StatementShare:
    """The partner's answer to a shared statement, once: confirmed, or disputed with a comment saying why."""
    share = StatementShare.objects.select_for_update(of=("self",)).get(pk=share.pk)
    if share.status != ReplyStatus.PENDING:
        raise StatementAnswered(status=share.get_status_display())
    if share_expired(share):
        raise StatementLinkInvalid()
    comment, name = comment.strip(), name.strip()
    errors: dict[str, list[str | Promise]] = {}
    if status not in (ReplyStatus.CONFIRMED, ReplyStatus.DISPUTED):
        errors["status"] = [_("Confirm the statement or dispute it.")]
    if not name:
        errors["name"] = [_("Enter your name.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("At most %(n)s characters.") % {"n": NAME_MAX}]
    if status == ReplyStatus.DISPUTED and not comment:
        errors["comment"] = [_("Say what does not match, so that we can check it.")]
    elif len(comment) > COMMENT_MAX:
        errors["comment"] = [_("At most %(n)s characters.") % {"n": COMMENT_MAX}]
    if errors:
        raise ValidationFailed(errors)
    share.status = status
    share.comment = comment
    share.answered_by = name
    share.answered_at = timezone.now()
    share.save(update_fields=["status", "comment", "answered_by", "answered_at"])
    audit_record(
        actor=None,
        action=f"statement.{status}",
        target=share,
        after={"status": status, "comment": comment, "answered_by": name},
        ip=ip,
    )
    return share
