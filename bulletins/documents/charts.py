"""The bulletin's charts, drawn on the server from the snapshot's own
numbers (figures["months"] is the dashboard's monthly_rates, so the chart
and the dashboard cannot disagree)."""

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from . import fonts  # noqa: E402

LIGHT_COLOURS = {
    "completed": "#4472c4",
    "green": "#2e9e44",
    "yellow": "#e0a800",
    "red": "#c00000",
}
LIGHT_NAMES = {
    "completed": "已完成",
    "green": "按序时推进",
    "yellow": "滞后",
    "red": "严重滞后",
}
# 150 mm wide in the document: 6 in at 200 dpi prints sharp and keeps the
# .docx small.
WIDTH_IN, DPI = 6.0, 200


def rate_series(figures: dict) -> list[tuple[str, float]]:
    """(label, rate %) per month, a month with nothing due as 0."""
    return [(m["label"], float(m["rate"] or 0)) for m in figures["months"]]


def lights_series(figures: dict) -> list[dict]:
    return figures["charts"]["lights_by_department"]


def _font() -> font_manager.FontProperties:
    # A CJK face by file, not by name: matplotlib's own font list does not
    # know fontconfig's aliases.
    name = fonts.substitute(fonts.HEADING)
    try:
        path = font_manager.findfont(
            font_manager.FontProperties(family=name), fallback_to_default=False
        )
    except ValueError:
        return font_manager.FontProperties()
    return font_manager.FontProperties(fname=path)


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def submission_rate_chart(figures: dict) -> bytes:
    font = _font()
    series = rate_series(figures)
    figure = Figure(figsize=(WIDTH_IN, 2.6), layout="constrained")
    axes = figure.subplots()
    labels = [label for label, _ in series]
    rates = [rate for _, rate in series]
    bars = axes.bar(labels, rates, color="#4472c4", width=0.5)
    for bar, rate in zip(bars, rates, strict=True):
        axes.annotate(
            f"{rate:g}%",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontproperties=font,
        )
    axes.set_ylim(0, 110)
    axes.set_ylabel("报送率(%)", fontproperties=font)
    axes.set_title("各月报告报送率", fontproperties=font)
    for tick in axes.get_xticklabels():
        tick.set_fontproperties(font)
    return _png(figure)


def lights_chart(figures: dict) -> bytes:
    font = _font()
    rows = lights_series(figures)
    height = max(2.4, 0.32 * len(rows) + 1.2)
    figure = Figure(figsize=(WIDTH_IN, height), layout="constrained")
    axes = figure.subplots()
    names = [row["name"] for row in rows][::-1]
    left = [0] * len(rows)
    for key in ("completed", "green", "yellow", "red"):
        values = [row[key] for row in rows][::-1]
        axes.barh(
            names,
            values,
            left=left,
            color=LIGHT_COLOURS[key],
            label=LIGHT_NAMES[key],
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_xlabel("任务数(项)", fontproperties=font)
    axes.set_title("各责任单位任务亮灯情况", fontproperties=font)
    for tick in axes.get_yticklabels():
        tick.set_fontproperties(font)
    axes.xaxis.get_major_locator().set_params(integer=True)
    figure.legend(prop=font, loc="outside lower center", ncols=4)
    return _png(figure)


def render_charts(figures: dict) -> dict[str, bytes]:
    """PNG images by name: "submission_rate" and "lights_by_department"."""
    return {
        "submission_rate": submission_rate_chart(figures),
        "lights_by_department": lights_chart(figures),
    }
