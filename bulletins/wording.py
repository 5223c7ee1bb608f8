"""How a bulletin writes its figures in words: dates, percentages and the
总体情况 sentences. One place for the page, the Word document and the
drafted narrative, so that none of them words a number differently."""

import datetime

from policytext.numerals import chinese_numeral

__all__ = ["chinese_date", "chinese_numeral", "percent", "summary_lines"]


def chinese_date(value: datetime.date | str | None) -> str:
    """2025-10-10 (a date or its ISO text) as 2025年10月10日: GB/T
    9704-2012 writes dates in Arabic digits without leading zeros."""
    if not value:
        return ""
    day = (
        value
        if isinstance(value, datetime.date)
        else datetime.date.fromisoformat(value)
    )
    return f"{day.year}年{day.month}月{day.day}日"


def percent(value) -> str:
    """91.3 as 91.3%, 90.0 as 90%, nothing as —."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.1f}".removesuffix(".0") + "%"


def summary_lines(figures: dict) -> list[str]:
    """The 总体情况 in three sentences: the tasks' lights, the reporting
    discipline of the range and the targets, every number from the
    snapshot."""
    lights = figures["lights"]
    total = sum(lights.values())
    discipline = figures["discipline"]
    targets = figures["targets_summary"]
    as_of = chinese_date(figures["as_of"])
    label = figures["range"]["label"]
    return [
        f"截至{as_of},{total}项工作任务中,已完成{lights['completed']}项,"
        f"按序时推进{lights['on_pace']}项,滞后{lights['lagging']}项,"
        f"严重滞后{lights['seriously_lagging']}项"
        f"(序时进度{percent(figures['elapsed_percent'])})。",
        f"{label}应报月度报告{discipline['due']}份,按时报送{discipline['on_time']}份,"
        f"逾期报送{discipline['late']}份,未报送{discipline['missing']}份,"
        f"退回修改{discipline['returned']}份;报送率{percent(discipline['rate'])},"
        f"按时报送率{percent(discipline['on_time_rate'])}。",
        f"{targets['total']}项目标任务中,按序时推进{targets['green']}项,"
        f"滞后{targets['yellow']}项,严重滞后{targets['red']}项,"
        f"暂无数据{targets['none']}项;已完成{targets['achieved']}项,"
        f"逾期未完成{targets['missed']}项。",
    ]
