"""The Usage window, opened from the status bar's balance, against the stand-in gateway."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCharts import QChartView
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QLabel,
    QStackedWidget,
    QTableWidget,
)

from app.storage.usage_store import UsageRecord
from tests.fake_api import Fault
from tests.ui.conftest import use_server

KEY = "usage-key-0123456789"


@pytest.fixture
def keyed(monkeypatch, fake_api):
    monkeypatch.setenv("AIML_API_KEY", KEY)
    use_server(fake_api.url)


def _at(day: date, hour: int = 12) -> float:
    return (datetime.combine(day, datetime.min.time()) + timedelta(hours=hour)).timestamp()


def _seed(window) -> None:
    today = date.today()
    store = window.services.usage.store
    for record in (
        UsageRecord("chat", "gpt-4o", cost_usd=0.012, total_tokens=1200, created=_at(today)),
        UsageRecord("images", "flux/schnell", cost_usd=0.03, images=3, created=_at(today)),
        UsageRecord("tts", "tts-1", cost_usd=0.004, characters=260, created=_at(today, 9)),
        UsageRecord(
            "stt", "#g1_nova-2-general", seconds=150.0, created=_at(today - timedelta(days=2))
        ),
        UsageRecord(
            "chat", "o1", cost_usd=0.5, total_tokens=800, created=_at(today - timedelta(days=40))
        ),
    ):
        store.add(record)


def _open_usage(qtbot, window):
    qtbot.mouseClick(window.status.balance_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _usage(window) is not None and _usage(window).isVisible(), timeout=3000)
    usage = _usage(window)
    qtbot.waitUntil(lambda: usage.findChild(QLabel, "usageTotalCost").text() != "—", timeout=5000)
    return usage


def _visible_chart(usage):
    return next(
        (view for view in usage.findChildren(QChartView, "usageChart") if view.isVisible()), None
    )


def _usage(window):
    from app.ui.usage.window import UsageWindow

    return window.findChild(UsageWindow, "usageWindow")


def test_balance_opens_usage_with_totals_chart_and_models(qtbot, open_window, keyed, fake_api):
    window = open_window()
    _seed(window)
    usage = _open_usage(qtbot, window)
    assert usage.findChild(QLabel, "usageTotalCost").text() == "$0.0460"  # the last 30 days
    assert usage.findChild(QLabel, "usageRequests").text() == "4"
    assert usage.findChild(QLabel, "usageTokens").text() == "1,200"
    assert usage.findChild(QLabel, "usageImages").text() == "3"
    assert usage.findChild(QLabel, "usageCharacters").text() == "260"
    assert usage.findChild(QLabel, "usageMinutes").text() == "2.5"
    assert (
        "1 request(s) came back without a cost figure"
        in usage.findChild(QLabel, "usageNote").text()
    )
    # A chart added to a window on screen is shown on the next turn of the event loop.
    qtbot.waitUntil(lambda: _visible_chart(usage) is not None, timeout=3000)
    chart = _visible_chart(usage)
    series = chart.chart().series()[0]
    assert [bar.label() for bar in series.barSets()] == ["Chat", "Images", "Text to speech"]
    table = usage.findChild(QTableWidget, "usageModels")
    models = {
        table.item(row, 0).text(): table.item(row, 3).text() for row in range(table.rowCount())
    }
    assert models == {
        "flux/schnell": "$0.0300",
        "gpt-4o": "$0.0120",
        "tts-1": "$0.0040",
        "#g1_nova-2-general": "$0.00",
    }
    # The stand-in booked none of these, so the gateway's side differs.
    gateway = usage.findChild(QLabel, "usageGateway")
    qtbot.waitUntil(lambda: gateway.text().startswith("Gateway:"), timeout=5000)
    assert "less than the local records" in gateway.text()


def test_filters_narrow_the_figures_and_an_empty_range_says_so(qtbot, open_window, keyed):
    window = open_window()
    _seed(window)
    usage = _open_usage(qtbot, window)
    total = usage.findChild(QLabel, "usageTotalCost")
    tab = usage.findChild(QComboBox, "usageTab")
    tab.setCurrentIndex(tab.findData("images"))
    qtbot.waitUntil(lambda: total.text() == "$0.0300", timeout=3000)
    tab.setCurrentIndex(0)
    model = usage.findChild(QComboBox, "usageModel")
    qtbot.waitUntil(lambda: model.findData("o1") >= 0, timeout=3000)
    since = usage.findChild(QDateEdit, "usageSince")
    since.setDate(QDate.currentDate().addDays(-60))
    qtbot.waitUntil(lambda: total.text() == "$0.5460", timeout=3000)
    model.setCurrentIndex(model.findData("o1"))
    qtbot.waitUntil(lambda: total.text() == "$0.5000", timeout=3000)
    since.setDate(QDate.currentDate().addDays(1))
    usage.findChild(QDateEdit, "usageUntil").setDate(QDate.currentDate().addDays(2))
    pages = usage.findChild(QStackedWidget)
    empty = usage.findChild(QLabel, "usageEmpty")
    qtbot.waitUntil(lambda: pages.currentWidget() is empty, timeout=3000)
    assert "No paid requests in this range" in empty.text()


def test_requests_made_in_the_window_appear_and_export_as_csv(
    qtbot, open_window, keyed, fake_api, tmp_path
):
    window = open_window()
    chat = window.tab_pages["chat"]
    chat.findChild(object, "chatInput").setPlainText("What did this cost?")
    qtbot.mouseClick(chat.findChild(object, "chatSend"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.services.usage.records()) == 1, timeout=5000)
    usage = _open_usage(qtbot, window)
    charged = fake_api.state.ledger[0]["amount"]["usd"]
    assert usage.findChild(QLabel, "usageTotalCost").text() == f"${charged:.4f}"
    gateway = usage.findChild(QLabel, "usageGateway")
    qtbot.waitUntil(lambda: "They match the local records" in gateway.text(), timeout=5000)

    usage.findChild(object, "usageExport").click()
    dialog = usage.findChild(QFileDialog, "usageExportDialog")
    target = tmp_path / "spend.csv"
    dialog.fileSelected.emit(str(target))
    qtbot.waitUntil(target.exists, timeout=3000)
    (row,) = list(csv.DictReader(target.open()))
    assert row["tab"] == "chat" and row["origin"] == "window" and float(row["usd"]) == charged
    dialog.reject()


def test_a_key_that_may_not_read_transactions_is_told_so(qtbot, open_window, keyed, fake_api):
    fake_api.script("/v2/billing/transactions", Fault.error(403))
    window = open_window()
    _seed(window)
    usage = _open_usage(qtbot, window)
    gateway = usage.findChild(QLabel, "usageGateway")
    qtbot.waitUntil(lambda: "not available" in gateway.text(), timeout=5000)
