"""``aiml-desktop usage``: what the requests of every tab cost, from the local records."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.api.errors import ApiError, describe

if TYPE_CHECKING:
    from app.services.context import Services
    from app.services.usage_report import UsageReport, UsageTotals

TAB_CHOICES = ("chat", "images", "stt", "tts")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2026-01-31") from None


def add_usage_command(commands: Any, subparser: Any) -> None:
    from app.services.usage_report import GROUPINGS

    usage = subparser(commands, "usage", cmd_usage, "Show what the requests of every tab cost.")
    usage.add_argument("--since", type=_date, metavar="DATE", help="first day (YYYY-MM-DD)")
    usage.add_argument("--until", type=_date, metavar="DATE", help="last day (YYYY-MM-DD)")
    usage.add_argument("--by", choices=GROUPINGS, default="day", help="group rows (default day)")
    usage.add_argument("--tab", action="append", choices=TAB_CHOICES, help="only this tab")
    usage.add_argument("--model", action="append", help="only this model (repeatable)")
    usage.add_argument("--json", action="store_true", help="print JSON with every record")
    usage.add_argument("--csv", metavar="FILE", help="write every record to a CSV file")
    usage.add_argument(
        "--gateway", action="store_true", help="also ask the gateway for its transactions"
    )


def _money(value: float) -> str:
    return f"${value:.6f}" if value < 1 else f"${value:.2f}"


def _table_line(key: str, totals: UsageTotals) -> str:
    return (
        f"{key:<28} {totals.requests:>8} {_money(totals.usd):>12} {totals.tokens:>9} "
        f"{totals.images:>7} {totals.characters:>10} {totals.minutes:>8.2f}"
    )


def _print_table(report: UsageReport, by: str) -> None:
    print(
        f"{by:<28} {'requests':>8} {'cost':>12} {'tokens':>9} {'images':>7} "
        f"{'characters':>10} {'minutes':>8}"
    )
    for key, totals in report.groups(by):
        print(_table_line(key[:28], totals))
    print(_table_line("total", report.totals))
    if report.totals.unpriced:
        print(f"{report.totals.unpriced} request(s) had no cost figure from the server.")
    if report.totals.estimated_usd:
        print(f"{_money(report.totals.estimated_usd)} of the total is estimated.")


async def _gateway(services: Services, since: date | None, report: UsageReport) -> dict[str, Any]:
    from app.services.usage_report import compare_days, describe_differences

    try:
        transactions = await services.usage.transactions(since)
    except ApiError as exc:
        return {"available": False, "error": describe(exc)}
    days = compare_days(report, transactions)
    return {
        "available": True,
        "transactions": len(transactions),
        "days": [day.as_dict() for day in days],
        "differences": describe_differences(days),
    }


async def cmd_usage(services: Services, args: argparse.Namespace) -> int:
    from app.services.usage import UsageFilter
    from app.services.usage_report import build_report, usage_csv
    from app.storage.atomic import write_text_atomic

    query = UsageFilter(
        since=args.since,
        until=args.until,
        tabs=tuple(args.tab) if args.tab else None,
        models=tuple(args.model) if args.model else None,
    )
    records = await services.runner.run(services.usage.records, query)
    report = build_report(records)
    gateway = await _gateway(services, args.since, report) if args.gateway else None
    if args.csv:
        path = await services.runner.run(
            write_text_atomic, Path(args.csv).expanduser(), usage_csv(records)
        )
        print(path, file=sys.stderr)
    if args.json:
        payload: dict[str, Any] = {
            "since": args.since.isoformat() if args.since else None,
            "until": args.until.isoformat() if args.until else None,
            "by": args.by,
            "totals": report.totals.as_dict(),
            "groups": [{"key": key, **t.as_dict()} for key, t in report.groups(args.by)],
            "records": [record.as_dict() for record in records],
        }
        if gateway is not None:
            payload["gateway"] = gateway
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    if report.empty:
        print("No paid requests are recorded for this choice.")
    else:
        _print_table(report, args.by)
    if gateway is not None:
        if not gateway["available"]:
            print(f"Gateway transactions: not available ({gateway['error']})")
        else:
            print(f"Gateway transactions: {gateway['transactions']} read.")
            print(gateway["differences"] or "The gateway's charges match the local records.")
    return 0
