"""Vitals trend charts (QtCharts): blood pressure, glucose, weight over the visits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCharts import (
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QDateTime, QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

Point = tuple[datetime, float]


def vitals_series(events: list[dict[str, Any]]) -> dict[str, list[Point]]:
    """Points per measure from effective visit events (mean BP of the readings, glucose, weight)."""
    out: dict[str, list[Point]] = {"systolic": [], "diastolic": [], "glucose": [], "weight": []}
    for e in events:
        if e.get("type") != "visit" or not e.get("effective", True) or e.get("redacted"):
            continue
        payload = e.get("payload") or {}
        vit = payload.get("vitals") or {}
        when = e.get("original_device_time") or e.get("device_time")
        moment = when if isinstance(when, datetime) else datetime.fromisoformat(str(when))
        readings = [r for r in vit.get("bp") or [] if r.get("systolic") and r.get("diastolic")]
        if readings:
            out["systolic"].append((moment, sum(r["systolic"] for r in readings) / len(readings)))
            out["diastolic"].append((moment, sum(r["diastolic"] for r in readings) / len(readings)))
        glucose = (vit.get("glucose") or {}).get("value")
        if glucose is not None:
            out["glucose"].append((moment, float(glucose)))
        if vit.get("weight_kg") is not None:
            out["weight"].append((moment, float(vit["weight_kg"])))
    for points in out.values():
        points.sort(key=lambda p: p[0])
    return out


def _ms(moment: datetime) -> float:
    return moment.timestamp() * 1000


def trend_chart(
    title: str,
    lines: list[tuple[str, list[Point], str]],
    *,
    limits: list[tuple[str, float, str]] = (),  # type: ignore[assignment]
    unit: str = "",
    parent: QWidget | None = None,
) -> QChartView:
    """A line chart of *lines* (name, points, colour) with dashed reference *limits*."""
    chart = QChart()
    chart.setTitle(title)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    axis_x = QDateTimeAxis()
    axis_x.setFormat("yy.MM")
    axis_x.setTickCount(5)
    axis_y = QValueAxis()
    axis_y.setTitleText(unit)
    axis_y.setLabelFormat("%d")
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    values: list[float] = []
    times: list[float] = []
    for name, points, colour in lines:
        series = QLineSeries()
        series.setName(name)
        series.setPen(QPen(QColor(colour), 2))
        dots = QScatterSeries()
        dots.setMarkerSize(7)
        dots.setColor(QColor(colour))
        dots.setBorderColor(QColor(colour))
        for moment, value in points:
            t = _ms(moment)
            series.append(t, value)
            dots.append(t, value)
            values.append(value)
            times.append(t)
        for s in (series, dots):
            chart.addSeries(s)
            s.attachAxis(axis_x)
            s.attachAxis(axis_y)
        chart.legend().markers(dots)[0].setVisible(False)
    if times:
        for name, level, colour in limits:
            ref = QLineSeries()
            ref.setName(name)
            pen = QPen(QColor(colour), 1, Qt.PenStyle.DashLine)
            ref.setPen(pen)
            ref.append(min(times), level)
            ref.append(max(times), level)
            chart.addSeries(ref)
            ref.attachAxis(axis_x)
            ref.attachAxis(axis_y)
            values.append(level)
        span = max(times) - min(times) or 86_400_000.0
        axis_x.setRange(
            QDateTime.fromMSecsSinceEpoch(int(min(times) - span * 0.05)),
            QDateTime.fromMSecsSinceEpoch(int(max(times) + span * 0.05)),
        )
        lo, hi = min(values), max(values)
        pad = max(5.0, (hi - lo) * 0.1)
        axis_y.setRange(lo - pad, hi + pad)
        axis_y.applyNiceNumbers()  # round ticks (120, 140) instead of 106, 133
    else:
        chart.setTitle(title + " — " + QCoreApplication.translate("charts", "기록 없음"))
    view = QChartView(chart, parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(220)
    return view
