"""The money side of `jxc seed-large`'s history: the partner ledger (receivables and payables with their open items),
payments planned when a document is made and made on their day (receipts of payment SK, payments FK), allocated to
the documents they settle, and the cash journal. Rows as `partner_entry_post`, `payment_post` and `cash_entry_post`
write them; balances chained in id order, which is date order."""

from __future__ import annotations

import heapq
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from jxc.finance.choices import PAYMENT_PREFIX, PAYMENT_SOURCE, RECEIPT_PREFIX

if TYPE_CHECKING:
    from jxc.bench.large_history import History, Party


class Ledger:
    """Partner and cash balances as they run, and the payments still to be made (a heap by day)."""

    def __init__(self, history: History) -> None:
        cat = history.cat
        self.history = history
        self.partner_balance = {pid: list(pair) for pid, pair in cat.balances.items()}
        self.cash = dict(cat.cash)
        self.payments: list[tuple[int, int, int, int, str, int]] = []  # (day, n, entry, partner, account, amount)
        self.planned = 0
        self.parties = {party.id: party for party in (*cat.suppliers, *cat.customers)}
        self.dates: dict[int, str] = {}

    def _entry(
        self, party: Party, account: str, amount: int, source: tuple[str, int, str], stamp: str, *,
        memo: str, due: int, open_amount: int,
    ) -> int:  # fmt: skip
        """A partner-ledger entry and its open item (as `partner_entry_post` writes them); returns the entry's id.
        `due`: the due date's ordinal."""
        h = self.history
        entry_id, money = h.ids("entry"), h.fmt.money
        side = 0 if account == "receivable" else 1
        balance = self.partner_balance.setdefault(party.id, [0, 0])
        balance[side] += amount
        due_text = self.dates.get(due) or self.dates.setdefault(due, date.fromordinal(due).isoformat())
        value, day = money(amount), h.day_text
        h.rows["entry"].append(
            (entry_id, party.id, account, day, due_text, value, money(balance[side]), *source, "post", memo,
             h.cat.owner_id, stamp)
        )  # fmt: skip
        h.rows["item"].append((entry_id, party.id, account, day, due_text, value, money(open_amount), False))
        return entry_id

    def document(self, party: Party, account: str, total: int, source: tuple[str, int, str], stamp: str) -> None:
        """The document's receivable or payable; its payments are planned now, so its open item says what they
        will leave open by the last day."""
        h = self.history
        due = h.today + party.terms
        plans = self._plan(due, party, total, supplier=account == "payable")
        paid = sum(amount for _day, amount in plans)
        memo = h.cat.texts[source[0]]
        entry = self._entry(party, account, total, source, stamp, memo=memo, due=due, open_amount=total - paid)
        if paid == 0:
            h.totals.unpaid += 1
        elif paid < total:
            h.totals.part_paid += 1
        for pay_day, amount in plans:
            self.planned += 1
            heapq.heappush(self.payments, (pay_day, self.planned, entry, party.id, account, amount))

    def _plan(self, due: int, party: Party, total: int, *, supplier: bool) -> list[tuple[int, int]]:
        """When (the day's ordinal) the document will be paid and how much, the payments made by the last day.

        Suppliers are paid around the due date. Customers: prompt ones around the due date, slow ones weeks late,
        partial ones pay part and the rest a month or three later, bad ones pay very late or never. Partners settle
        once a week, on their own weekday, what they decided to pay by then: one payment for several documents."""
        h = self.history
        draw = h.rng.random
        if supplier:
            return self._on(due - 3 + int(draw() * 11), party, total)
        behaviour = party.behaviour
        if behaviour == "prompt":
            return self._on(due - 3 + int(draw() * 9), party, total)
        if behaviour == "slow":
            return self._on(due + 10 + int(draw() * 51), party, total)
        if behaviour == "partial":
            share = (0.3, 0.5, 0.5, 0.7, 0.9)[int(draw() * 5)]
            first = min(total, max(100, round(total * share / 100) * 100))
            plans = self._on(due + int(draw() * 31), party, first)
            if plans and first < total:
                plans += self._on(plans[0][0] + 30 + int(draw() * 61), party, total - first)
            return plans
        if draw() < 0.4:  # bad payers pay late, when they pay at all
            return self._on(due + 60 + int(draw() * 91), party, total)
        return []

    def _on(self, day: int, party: Party, amount: int) -> list[tuple[int, int]]:
        """A payment on the partner's next settling weekday from `day` (not before today), if by the last day."""
        h = self.history
        day = max(day, h.today)
        day += (party.weekday - (day - 1) % 7) % 7  # ordinal 1 was a Monday
        return [(day, amount)] if day <= h.last_ordinal else []

    def settle(self) -> None:
        """Make the payments planned for this day: one per partner and account, settling its documents."""
        h = self.history
        due: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
        while self.payments and self.payments[0][0] == h.today:
            _day, _n, debit, partner_id, account, amount = heapq.heappop(self.payments)
            due[(partner_id, account)].append((debit, amount))
        for (partner_id, account), debts in due.items():
            self._pay(self.parties[partner_id], account, debts)

    def _pay(self, party: Party, account: str, debts: list[tuple[int, int]]) -> None:
        """A receipt of payment (SK) or payment (FK) as `payment_post` writes it, allocated to the documents."""
        h = self.history
        cat, money, owner, ds = h.cat, h.fmt.money, h.cat.owner_id, h.day_text
        amount = sum(a for _d, a in debts)
        money_in = account == "receivable"
        payment_id, cash_id = h.ids("payment"), h.ids("cash")
        number = h.number(RECEIPT_PREFIX if money_in else PAYMENT_PREFIX)
        stamp = h.stamp()
        by_cash = money_in and amount < 50_000
        cash_account = cat.cash_id if by_cash else cat.bank_id
        signed = amount if money_in else -amount
        self.cash[cash_account] = self.cash.get(cash_account, 0) + signed
        h.rows["payment"].append(
            (payment_id, number, "in" if money_in else "out", ds, party.id, cash_account,
             "cash" if by_cash else "bank", money(amount), "", "", "posted", "", owner, stamp)
        )  # fmt: skip
        memo = f"{cat.texts['in' if money_in else 'out']} {party.name}"[:200]
        h.rows["cash"].append(
            (cash_id, cash_account, ds, money(signed), money(self.cash[cash_account]), PAYMENT_SOURCE, payment_id,
             number, "post", memo, owner, stamp)
        )  # fmt: skip
        source = (PAYMENT_SOURCE, payment_id, number)
        credit = self._entry(party, account, -amount, source, stamp, memo="", due=h.today, open_amount=0)
        allocations = h.rows["allocation"]
        for debit, part in debts:
            allocations.append((h.ids("allocation"), debit, credit, money(part), ds, *source, owner, stamp))
        totals = h.totals
        if money_in:
            totals.payments_in += 1
            totals.received += amount
        else:
            totals.payments_out += 1
            totals.paid += amount
