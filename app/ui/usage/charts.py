"""The usage view's charts on QtCharts (imported when the view first opens, not at start-up).

Series colours come from the scheme's tokens: one colour per tab, the same in every chart.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDateTime, QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from app.services.usage_report import UsageReport
from app.storage.usage_store import TAB_LABELS, TABS, BalanceSample
from app.ui.style import tokens

MAX_DAY_LABELS = 8


def current_scheme() -> tokens.Scheme:
    window = QApplication.palette().color(QPalette.ColorRole.Window)
    return tokens.scheme("dark" if window.lightness() < 128 else "light")


def tab_colours(s: tokens.Scheme) -> dict[str, str]:
    return {"chat": s.accent, "images": s.success, "stt": s.warning, "tts": s.danger}


def _style_chart(chart: object, s: tokens.Scheme) -> None:
    chart.setBackgroundBrush(QColor(s.surface))  # type: ignore[attr-defined]
    chart.setBackgroundRoundness(tokens.RADIUS["l"])  # type: ignore[attr-defined]
    chart.setPlotAreaBackgroundVisible(False)  # type: ignore[attr-defined]
    chart.setMargins(QMargins(*(tokens.SPACE["m"],) * 4))  # type: ignore[attr-defined]
    legend = chart.legend()  # type: ignore[attr-defined]
    legend.setLabelColor(QColor(s.text))
    legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setTitleBrush(QColor(s.text))  # type: ignore[attr-defined]


def _style_axis(axis: object, s: tokens.Scheme) -> None:
    axis.setLabelsColor(QColor(s.muted))  # type: ignore[attr-defined]
    axis.setLinePenColor(QColor(s.border_strong))  # type: ignore[attr-defined]
    axis.setGridLineColor(QColor(s.border))  # type: ignore[attr-defined]


def _day_label(day: date, count: int) -> str:
    """ "06 Dec" for a few days, "06" for many."""
    return day.strftime("%d %b") if count <= MAX_DAY_LABELS else day.strftime("%d")


def spend_chart_view(report: UsageReport, parent: QWidget | None = None) -> QWidget:
    """Spend per day as bars stacked by tab (USD)."""
    from PySide6.QtCharts import (
        QBarCategoryAxis,
        QBarSet,
        QChart,
        QStackedBarSeries,
        QValueAxis,
    )

    s = current_scheme()
    colours = tab_colours(s)
    series = QStackedBarSeries()
    days = list(report.days)
    highest = 0.0
    for tab in TABS:
        values = [report.days[day][tab] for day in days]
        if not any(values):
            continue
        bar = QBarSet(TAB_LABELS[tab])
        bar.setColor(QColor(colours[tab]))
        bar.setBorderColor(QColor(colours[tab]))
        bar.append(values)
        series.append(bar)
    for day in days:
        highest = max(highest, sum(report.days[day].values()))
    chart = QChart()
    chart.setTitle("Spend per day (USD)")
    chart.addSeries(series)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    x_axis = QBarCategoryAxis()
    x_axis.append([_day_label(day, len(days)) for day in days])
    y_axis = QValueAxis()
    y_axis.setRange(0, highest * 1.15 if highest > 0 else 1)
    y_axis.setLabelFormat("$%.4g")
    y_axis.applyNiceNumbers()
    axes = (x_axis, y_axis)
    return _chart_view(chart, series, axes, s, "usageChart", "Spend per day by tab", parent)


def balance_chart_view(samples: list[BalanceSample], parent: QWidget | None = None) -> QWidget:
    """The balance readings over time as a line."""
    from PySide6.QtCharts import QChart, QDateTimeAxis, QLineSeries, QValueAxis

    s = current_scheme()
    line = QLineSeries()
    line.setName("Balance")
    pen = line.pen()
    pen.setColor(QColor(s.accent))
    pen.setWidthF(2.0)
    line.setPen(pen)
    for sample in samples:
        line.append(sample.created * 1000, sample.amount)
    chart = QChart()
    chart.setTitle("Balance over time (USD)")
    chart.addSeries(line)
    chart.legend().setVisible(False)
    x_axis = QDateTimeAxis()
    x_axis.setFormat("dd MMM")
    first, last = samples[0].created, samples[-1].created
    if last - first < 3600:
        first, last = first - 43200, last + 43200
    x_axis.setRange(
        QDateTime.fromMSecsSinceEpoch(int(first * 1000)),
        QDateTime.fromMSecsSinceEpoch(int(last * 1000)),
    )
    amounts = [sample.amount for sample in samples]
    y_axis = QValueAxis()
    low, high = min(amounts), max(amounts)
    pad = max((high - low) * 0.1, 0.01)
    y_axis.setRange(max(low - pad, 0), high + pad)
    y_axis.setLabelFormat("$%.2f")
    axes = (x_axis, y_axis)
    return _chart_view(chart, line, axes, s, "usageBalanceChart", "Balance over time", parent)


def _chart_view(
    chart: Any,
    series: Any,
    axes: tuple[Any, Any],
    s: tokens.Scheme,
    name: str,
    accessible: str,
    parent: QWidget | None,
) -> QWidget:
    """``chart`` with its x axis at the bottom and its y axis at the left, styled, in a view."""
    from PySide6.QtCharts import QChartView

    sides = (Qt.AlignmentFlag.AlignBottom, Qt.AlignmentFlag.AlignLeft)
    for axis, side in zip(axes, sides, strict=True):
        chart.addAxis(axis, side)
        series.attachAxis(axis)
        _style_axis(axis, s)
    _style_chart(chart, s)
    view = QChartView(chart, parent)
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    return view
