"""The Usage window: spend per day by tab, per model, the totals, and the gateway's figures.

Opened from the status bar's balance, View ▸ Usage… or Ctrl+Shift+U. Everything shown comes
from ``UsageService``; the window only displays it and chooses the filter.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.api.errors import ApiError, describe
from app.services.context import Services
from app.services.usage import UsageFilter
from app.services.usage_report import UsageReport, UsageTotals, compare_days, describe_differences
from app.storage.usage_store import TAB_LABELS, TABS, BalanceSample, UsageRecord
from app.ui.asyncutils import async_slot
from app.ui.message_bar import MessageBar
from app.ui.style.controls import decorate
from app.ui.style.icons import icon
from app.ui.style.tokens import SPACE

log = logging.getLogger(__name__)

DEFAULT_DAYS = 30
CHART_MIN_HEIGHT = 280
MODEL_COLUMNS = ("Model", "Tab", "Requests", "Cost", "Tokens", "Images", "Characters", "Minutes")
EMPTY_TEXT = (
    "No paid requests in this range yet.\n\nEvery chat, image, transcription and speech "
    "request, from the window or the command line, is counted here with what it cost."
)


def money(value: float) -> str:
    if value == 0:
        return "$0.00"
    return f"${value:.4f}" if value < 1 else f"${value:,.2f}"


def _blank_zero(text: str, value: float) -> str:
    """Nothing where a figure does not apply (no tokens for an image model, say)."""
    return text if value else ""


def _count(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


class _Figure(QFrame):
    """One total in a card: a caption over a large figure."""

    def __init__(self, caption: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("surface", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE["l"], SPACE["m"], SPACE["l"], SPACE["m"])
        layout.setSpacing(SPACE["xs"])
        self.caption = QLabel(caption, self)
        self.caption.setProperty("role", "hint")
        self.value = QLabel("—", self)
        self.value.setObjectName(name)
        self.value.setProperty("role", "heading")
        self.value.setAccessibleName(caption)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)


class UsageWindow(QWidget):
    """A top-level window over the main window's services."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.services = services
        self.setObjectName("usageWindow")
        self.setWindowTitle("Usage")
        self.setAccessibleName("Usage")
        self.resize(980, 720)
        self.records: list[UsageRecord] = []
        self.report = UsageReport()
        self.balances: list[BalanceSample] = []
        self.message_bar = MessageBar(self)
        self._chart: QWidget | None = None
        self._balance_chart: QWidget | None = None
        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(120)
        self._reload.timeout.connect(self.refresh)

        root = QVBoxLayout(self)
        root.setContentsMargins(SPACE["xl"], SPACE["l"], SPACE["xl"], SPACE["l"])
        root.setSpacing(SPACE["l"])
        root.addWidget(self.message_bar)
        root.addLayout(self._build_filters())
        root.addLayout(self._build_totals())
        self.pages = QStackedWidget(self)
        self.empty = QLabel(EMPTY_TEXT, self)
        self.empty.setObjectName("usageEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setProperty("role", "hint")
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self._build_details())
        root.addWidget(self.pages, 1)
        self.gateway = QLabel("", self)
        self.gateway.setObjectName("usageGateway")
        self.gateway.setWordWrap(True)
        self.gateway.setProperty("role", "hint")
        root.addWidget(self.gateway)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)
        QShortcut(QKeySequence("Ctrl+E"), self, self.export_csv)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

    # -- building ------------------------------------------------------------------------

    def _build_filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(SPACE["m"])
        today = QDate.currentDate()
        self.since = self._date_edit("usageSince", "From", today.addDays(-(DEFAULT_DAYS - 1)))
        self.until = self._date_edit("usageUntil", "To", today)
        self.tab_filter = QComboBox(self)
        self.tab_filter.setObjectName("usageTab")
        self.tab_filter.setAccessibleName("Tab")
        self.tab_filter.addItem("All tabs", None)
        for tab in TABS:
            self.tab_filter.addItem(TAB_LABELS[tab], tab)
        self.model_filter = QComboBox(self)
        self.model_filter.setObjectName("usageModel")
        self.model_filter.setAccessibleName("Model")
        self.model_filter.setMinimumContentsLength(18)
        self.model_filter.addItem("All models", None)
        for label, widget in (("From", self.since), ("To", self.until)):
            row.addWidget(QLabel(label, self))
            row.addWidget(widget)
        row.addWidget(self.tab_filter)
        row.addWidget(self.model_filter)
        row.addStretch(1)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setObjectName("usageRefresh")
        decorate(self.refresh_button, "regenerate", flat=True)
        self.export_button = QPushButton("Export CSV…", self)
        self.export_button.setObjectName("usageExport")
        self.export_button.setIcon(icon("save"))
        self.export_button.setToolTip("Save every record shown as a CSV file (Ctrl+E)")
        row.addWidget(self.refresh_button)
        row.addWidget(self.export_button)
        for combo in (self.tab_filter, self.model_filter):
            combo.currentIndexChanged.connect(self._reload.start)
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export_csv)
        return row

    def _date_edit(self, name: str, label: str, value: QDate) -> QDateEdit:
        edit = QDateEdit(value, self)
        edit.setObjectName(name)
        edit.setAccessibleName(label)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.dateChanged.connect(self._reload.start)
        return edit

    def _build_totals(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(SPACE["m"])
        self.figures = {
            "usd": _Figure("Spent", "usageTotalCost", self),
            "requests": _Figure("Requests", "usageRequests", self),
            "tokens": _Figure("Tokens", "usageTokens", self),
            "images": _Figure("Images", "usageImages", self),
            "characters": _Figure("Characters spoken", "usageCharacters", self),
            "minutes": _Figure("Minutes transcribed", "usageMinutes", self),
        }
        for column, figure in enumerate(self.figures.values()):
            grid.addWidget(figure, 0, column)
        self.note = QLabel("", self)
        self.note.setObjectName("usageNote")
        self.note.setProperty("role", "hint")
        self.note.setWordWrap(True)
        grid.addWidget(self.note, 1, 0, 1, len(self.figures))
        return grid

    def _build_details(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.charts = QWidget(splitter)
        self.charts.setMinimumHeight(CHART_MIN_HEIGHT)
        self.charts_layout = QHBoxLayout(self.charts)
        self.charts_layout.setContentsMargins(0, 0, 0, 0)
        self.charts_layout.setSpacing(SPACE["m"])
        self.models = QTableWidget(0, len(MODEL_COLUMNS), splitter)
        self.models.setObjectName("usageModels")
        self.models.setAccessibleName("Spend per model")
        self.models.setHorizontalHeaderLabels(MODEL_COLUMNS)
        self.models.verticalHeader().setVisible(False)
        self.models.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.models.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.models.setAlternatingRowColors(True)
        self.models.setSortingEnabled(True)
        header = self.models.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(MODEL_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        splitter.addWidget(self.charts)
        splitter.addWidget(self.models)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        return splitter

    # -- the filter ----------------------------------------------------------------------

    def query(self) -> UsageFilter:
        tab = self.tab_filter.currentData()
        model = self.model_filter.currentData()
        return UsageFilter(
            since=_day(self.since),
            until=_day(self.until),
            tabs=(tab,) if tab else None,
            models=(model,) if model else None,
        )

    def set_range(self, since: date, until: date) -> None:
        self.since.setDate(QDate(since.year, since.month, since.day))
        self.until.setDate(QDate(until.year, until.month, until.day))

    # -- loading -------------------------------------------------------------------------

    @async_slot
    async def refresh(self) -> None:
        """Read the records of the filter, then ask the gateway for its side."""
        self._reload.stop()
        query = self.query()
        usage = self.services.usage
        runner = self.services.runner
        self.records = await runner.run(usage.records, query)
        models = await runner.run(usage.store.models)
        self.balances = await runner.run(usage.balances, query.since)
        self.report = await runner.run(_report_of, self.records)
        self._fill_models_filter(models)
        self.show_report()
        await self._compare_with_gateway(query.since)

    async def _compare_with_gateway(self, since: date | None) -> None:
        if self.services.settings.dialect == "openai" or self.services.keystore.source == "none":
            self.gateway.setText("The gateway's own figures need an AI/ML API key.")
            return
        self.gateway.setText("Asking the gateway for its transactions…")
        try:
            transactions = await self.services.usage.transactions(since)
        except ApiError as exc:
            self.gateway.setText(f"The gateway's transactions are not available: {describe(exc)}")
            return
        until = _day(self.until)
        days = [d for d in compare_days(self.report, transactions) if d.day <= until]
        charged = sum(d.gateway_usd for d in days)
        sentence = describe_differences(days) or "They match the local records."
        count = len(transactions)
        self.gateway.setText(
            f"Gateway: {count} transaction{'' if count == 1 else 's'}, {money(charged)} charged "
            f"in this range. {sentence}"
        )

    def _fill_models_filter(self, models: list[str]) -> None:
        chosen = self.model_filter.currentData()
        self.model_filter.blockSignals(True)
        try:
            self.model_filter.clear()
            self.model_filter.addItem("All models", None)
            for model in models:
                self.model_filter.addItem(model, model)
            index = self.model_filter.findData(chosen) if chosen else 0
            self.model_filter.setCurrentIndex(max(index, 0))
        finally:
            self.model_filter.blockSignals(False)

    # -- showing -------------------------------------------------------------------------

    def show_report(self) -> None:
        report = self.report
        self._show_totals(report.totals)
        self.pages.setCurrentIndex(0 if report.empty else 1)
        self.export_button.setEnabled(not report.empty)
        if report.empty:
            return
        self._show_charts()
        self._show_models()

    def _show_totals(self, totals: UsageTotals) -> None:
        values = {
            "usd": money(totals.usd),
            "requests": _count(totals.requests),
            "tokens": _count(totals.tokens),
            "images": _count(totals.images),
            "characters": _count(totals.characters),
            "minutes": f"{totals.minutes:,.1f}",
        }
        for key, figure in self.figures.items():
            figure.value.setText(values[key])
        notes = []
        if totals.estimated_usd:
            notes.append(f"{money(totals.estimated_usd)} of it is estimated from list prices.")
        if totals.unpriced:
            notes.append(f"{totals.unpriced} request(s) came back without a cost figure.")
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))

    def _show_charts(self) -> None:
        from app.ui.usage.charts import balance_chart_view, spend_chart_view

        for old in (self._chart, self._balance_chart):
            if old is not None:
                self.charts_layout.removeWidget(old)
                old.deleteLater()
        self._chart = spend_chart_view(self.report, self.charts)
        self.charts_layout.addWidget(self._chart, 3)
        self._balance_chart = None
        if len(self.balances) >= 2:
            self._balance_chart = balance_chart_view(self.balances, self.charts)
            self.charts_layout.addWidget(self._balance_chart, 2)

    def _show_models(self) -> None:
        rows = self.report.groups("model")
        tabs_of: dict[str, set[str]] = {}
        for record in self.records:
            tabs_of.setdefault(record.model or "(unknown model)", set()).add(record.tab)
        self.models.setSortingEnabled(False)
        self.models.setRowCount(len(rows))
        for row, (model, totals) in enumerate(rows):
            tabs = ", ".join(TAB_LABELS[t] for t in TABS if t in tabs_of.get(model, ()))
            cells: list[tuple[str, float | None]] = [
                (model, None),
                (tabs, None),
                (_count(totals.requests), totals.requests),
                (money(totals.usd), totals.usd),
                (_blank_zero(_count(totals.tokens), totals.tokens), totals.tokens),
                (_blank_zero(_count(totals.images), totals.images), totals.images),
                (_blank_zero(_count(totals.characters), totals.characters), totals.characters),
                (_blank_zero(f"{totals.minutes:,.1f}", totals.minutes), totals.minutes),
            ]
            for column, (text, number) in enumerate(cells):
                item = _SortableItem(text, number)
                if number is not None:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.models.setItem(row, column, item)
        self.models.setSortingEnabled(True)
        self.models.sortItems(3, Qt.SortOrder.DescendingOrder)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and not self.report.empty:
            self._show_charts()  # the charts take their colours from the scheme

    # -- export --------------------------------------------------------------------------

    def export_csv(self) -> None:
        if self.report.empty:
            return
        query = self.query()
        name = f"aiml-usage-{query.since or 'all'}-to-{query.until or date.today()}.csv"
        dialog = QFileDialog(self, "Export usage as CSV", str(Path.home() / name))
        dialog.setObjectName("usageExportDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("CSV files (*.csv)")
        dialog.setDefaultSuffix("csv")
        dialog.fileSelected.connect(self.write_csv)
        dialog.open()

    @async_slot
    async def write_csv(self, path: str) -> None:
        from app.services.usage_report import usage_csv
        from app.storage.atomic import write_text_atomic

        text = usage_csv(self.records)
        written = await self.services.runner.run(write_text_atomic, Path(path), text)
        self.message_bar.show_info(f"Saved {len(self.records)} records to {written}.")


class _SortableItem(QTableWidgetItem):
    """A cell that sorts by its number when it has one."""

    def __init__(self, text: str, number: float | None) -> None:
        super().__init__(text)
        self.number = number

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if (
            isinstance(other, _SortableItem)
            and self.number is not None
            and other.number is not None
        ):
            return self.number < other.number
        return self.text().casefold() < other.text().casefold()


def _report_of(records: list[UsageRecord]) -> UsageReport:
    from app.services.usage_report import build_report

    return build_report(records)


def default_range() -> tuple[date, date]:
    today = date.today()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def _day(edit: QDateEdit) -> date:
    day = edit.date().toPython()
    assert isinstance(day, date)
    return day
