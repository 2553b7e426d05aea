"""Sums of cost records: totals, spend per day and tab, per model and per tab; CSV; and where
the local records and the gateway's own transactions disagree. Pure functions, no I/O."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from app.storage.usage_store import TABS, UsageRecord

if TYPE_CHECKING:
    from app.api.billing_types import Transaction

USD_PER_CREDIT = 1 / 2_000_000
GROUPINGS = ("day", "tab", "model")
# Local and gateway figures of a day "differ" above this many dollars, or this fraction.
DIFFERENCE_USD = 0.0001
DIFFERENCE_SHARE = 0.01


def record_usd(record: UsageRecord) -> float | None:
    """The dollars of one record: its USD figure, else its credits converted, else None."""
    if record.cost_usd is not None:
        return record.cost_usd
    if record.cost_credits is not None:
        return record.cost_credits * USD_PER_CREDIT
    return None


def record_day(record: UsageRecord) -> date:
    """The local calendar day of a record."""
    return datetime.fromtimestamp(record.created).date()


def day_bounds(since: date | None, until: date | None) -> tuple[float | None, float | None]:
    """Unix times from the start of ``since`` to the end of ``until`` (both local, inclusive)."""
    start = datetime.combine(since, time.min).timestamp() if since else None
    end = datetime.combine(until + timedelta(days=1), time.min).timestamp() if until else None
    return start, end


@dataclass
class UsageTotals:
    """What a set of records adds up to; ``unpriced`` counts records with no known cost."""

    requests: int = 0
    usd: float = 0.0
    estimated_usd: float = 0.0
    unpriced: int = 0
    tokens: int = 0
    images: int = 0
    characters: int = 0
    seconds: float = 0.0

    @property
    def minutes(self) -> float:
        return self.seconds / 60

    def add(self, record: UsageRecord) -> None:
        self.requests += 1
        usd = record_usd(record)
        if usd is None:
            self.unpriced += 1
        else:
            self.usd += usd
            if record.estimated:
                self.estimated_usd += usd
        self.tokens += record.total_tokens or 0
        self.images += record.images or 0
        self.characters += record.characters or 0
        self.seconds += record.seconds or 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "usd": round(self.usd, 9),
            "estimated_usd": round(self.estimated_usd, 9),
            "unpriced": self.unpriced,
            "tokens": self.tokens,
            "images": self.images,
            "characters": self.characters,
            "minutes": round(self.minutes, 3),
        }


@dataclass
class UsageReport:
    """Totals overall, per day and tab (``days[day][tab]`` in USD), per model and per tab."""

    totals: UsageTotals = field(default_factory=UsageTotals)
    days: dict[date, dict[str, float]] = field(default_factory=dict)
    by_day: dict[date, UsageTotals] = field(default_factory=dict)
    by_model: dict[str, UsageTotals] = field(default_factory=dict)
    by_tab: dict[str, UsageTotals] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.totals.requests == 0

    def groups(self, by: str) -> list[tuple[str, UsageTotals]]:
        """(key, totals) rows for ``by`` in "day" | "tab" | "model": days in order, the
        others by spend, largest first."""
        if by == "day":
            return [(day.isoformat(), totals) for day, totals in sorted(self.by_day.items())]
        table = self.by_tab if by == "tab" else self.by_model
        return sorted(table.items(), key=lambda item: (-item[1].usd, item[0]))


def build_report(records: Iterable[UsageRecord]) -> UsageReport:
    report = UsageReport()
    by_day: dict[date, UsageTotals] = defaultdict(UsageTotals)
    by_model: dict[str, UsageTotals] = defaultdict(UsageTotals)
    by_tab: dict[str, UsageTotals] = defaultdict(UsageTotals)
    days: dict[date, dict[str, float]] = defaultdict(lambda: dict.fromkeys(TABS, 0.0))
    for record in records:
        day = record_day(record)
        report.totals.add(record)
        by_day[day].add(record)
        by_model[record.model or "(unknown model)"].add(record)
        by_tab[record.tab].add(record)
        days[day][record.tab] += record_usd(record) or 0.0
    report.by_day, report.by_model, report.by_tab = dict(by_day), dict(by_model), dict(by_tab)
    report.days = dict(sorted(days.items()))
    return report


CSV_COLUMNS = (
    "time",
    "tab",
    "model",
    "origin",
    "status",
    "usd",
    "estimated",
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "images",
    "characters",
    "seconds",
    "request_id",
)


def usage_csv(records: Iterable[UsageRecord]) -> str:
    """One line per record, local ISO times, empty cells for unknown figures."""
    import csv  # loaded for a first export, not with the window

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        usd = record_usd(r)
        writer.writerow(
            [
                datetime.fromtimestamp(r.created).isoformat(timespec="seconds"),
                r.tab,
                r.model,
                r.origin,
                r.status,
                "" if usd is None else f"{usd:.9f}",
                "yes" if r.estimated else "",
                *("" if v is None else v for v in _counts(r)),
                r.request_id or "",
            ]
        )
    return out.getvalue()


def _counts(r: UsageRecord) -> Sequence[Any]:
    return (r.prompt_tokens, r.completion_tokens, r.total_tokens, r.images, r.characters, r.seconds)


# -- the gateway's own figures ---------------------------------------------------------------


def transaction_time(transaction: Transaction) -> datetime | None:
    text = transaction.created_at.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def transaction_usd(transaction: Transaction) -> float:
    if transaction.usd is not None:
        return abs(transaction.usd)
    return abs(transaction.credits or 0.0) * USD_PER_CREDIT


@dataclass(frozen=True, slots=True)
class DayComparison:
    """One day's spend as recorded here and as charged by the gateway."""

    day: date
    local_usd: float
    gateway_usd: float

    @property
    def difference(self) -> float:
        return self.gateway_usd - self.local_usd

    @property
    def differs(self) -> bool:
        gap = abs(self.difference)
        return gap > DIFFERENCE_USD and gap > DIFFERENCE_SHARE * max(self.gateway_usd, 1e-12)

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "local_usd": round(self.local_usd, 9),
            "gateway_usd": round(self.gateway_usd, 9),
            "differs": self.differs,
        }


def gateway_charges_by_day(transactions: Iterable[Transaction]) -> dict[date, float]:
    """USD of ``CHARGE`` transactions per local day."""
    days: dict[date, float] = defaultdict(float)
    for transaction in transactions:
        if transaction.direction != "CHARGE":
            continue
        moment = transaction_time(transaction)
        if moment is not None:
            days[moment.astimezone().date()] += transaction_usd(transaction)
    return dict(days)


def compare_days(report: UsageReport, transactions: Iterable[Transaction]) -> list[DayComparison]:
    """Every day either side has a figure for, oldest first."""
    gateway = gateway_charges_by_day(transactions)
    local = {day: totals.usd for day, totals in report.by_day.items()}
    return [
        DayComparison(day, local.get(day, 0.0), gateway.get(day, 0.0))
        for day in sorted(set(local) | set(gateway))
    ]


def describe_differences(comparisons: Sequence[DayComparison]) -> str:
    """One sentence on where the local records and the gateway disagree ("" when they agree)."""
    differing = [c for c in comparisons if c.differs]
    if not differing:
        return ""
    gap = sum(c.difference for c in differing)
    days = ", ".join(c.day.isoformat() for c in differing[:3])
    more = f" and {len(differing) - 3} more" if len(differing) > 3 else ""
    side = "more" if gap > 0 else "less"
    return (
        f"The gateway charged ${abs(gap):.4f} {side} than the local records on {days}{more} "
        "(requests made elsewhere with this key, stopped replies, or costs the gateway "
        "did not report here)."
    )
