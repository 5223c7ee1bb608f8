"""Demo incentives for a new user's first look: 26 applications of 贵溪市,
余江区, 月湖区 and 市本级 in every state, a 公示 closed (one objection
upheld) and one in progress on the demo's day (one objection waiting), a
settled payment batch with a failed line waiting to be paid again, a
second settled batch and an exported one waiting for the bank's results,
budgets per finance, a few key industry-chain enterprises and the holiday
calendar; every application, move, 公示 and batch written through the
services of ``incentives.services`` as the pages write them.

The story is placed on working days (``incentives.workdays``, with the
calendar loaded here) counted back from ``today``: the closed 公示 began
45 working days before it, the batches were paid 30 and 28 working days
before it, the 公示 in progress began 3 working days before it and ends
after it. The rules stay in force after the policy's last year (2025)
until changed, so the demo reads the same on a day after it; the holiday
calendar holds the years whose official 放假调休 arrangements are known
(2025, 2026): a later year counts weekends only.

The moves the clerks and the reviewer take carry the story's times (the
service's ``now``); the 公示's, the objection's and the payments' own
services stamp the time the demo is made, so those moves and the
publicity's and batches' times are set back to the story's days
afterwards, as ``portal.demo`` does for its reports.

Personal data is fake but valid: ID numbers with the region codes of the
three areas, birth dates from 1990-01-01 on and their GB 11643 check
digit; phones 1380000xxxx; card numbers 6217 0000 …. A database that
already has applications is left alone (``demo_load`` returns None).
"""

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count
from openpyxl import Workbook

from accounts.roles import RoleName
from accounts.services import user_create
from incentives import crypto, workdays
from incentives.defaults import POLICY_START, defaults_ensure
from incentives.models import (
    Application,
    ApplicationState,
    ApplicationTransition,
    Budget,
    Finance,
    Holiday,
    IndustryChain,
    KeyEnterprise,
    Objection,
    PaymentBatch,
    Publicity,
)
from incentives.selectors.payments import ledger, ledger_totals, money
from incentives.services.applications import (
    application_assess,
    application_create,
    application_move,
    fact_check_record,
)
from incentives.services.payments import batch_create, batch_export, batch_settle
from incentives.services.publicity import (
    objection_record,
    objection_resolve,
    publicity_close,
    publicity_open,
)
from tasks.models import Department

SHANGHAI = ZoneInfo("Asia/Shanghai")
S = ApplicationState

# The sign-in accounts setup_portal adds to its own demo accounts, in its
# format (username, role, department, full name).
DEMO_USERS = [
    (
        "clerk-guixi",
        RoleName.INCENTIVE_CLERK,
        "贵溪市人民政府",
        "贵溪市激励经办员(演示)",
    ),
]
GUIXI, YUJIANG, YUEHU, CITY = "guixi", "yujiang", "yuehu", "city"
AREAS = {
    GUIXI: "贵溪市人民政府",
    YUJIANG: "余江区人民政府",
    YUEHU: "月湖区人民政府",
    CITY: None,  # 市本级, entered by the 市人社局's clerk
}
# ``actor_map`` keys of the clerks, and the accounts made (with an unusable
# password: nobody signs in with them) for the clerks it does not give.
CLERK_KEYS = {GUIXI: "clerk_guixi", YUJIANG: "clerk_yujiang", YUEHU: "clerk_yuehu"}
CLERK_KEYS[CITY] = "clerk_city"
AUTHORS = {
    GUIXI: ("jl-guixi", "贵溪市人民政府", "贵溪市激励经办员(演示)"),
    YUJIANG: ("jl-yujiang", "余江区人民政府", "余江区激励经办员(演示)"),
    YUEHU: ("jl-yuehu", "月湖区人民政府", "月湖区激励经办员(演示)"),
    CITY: ("jl-city", "市人社局", "市人社局激励经办员(演示)"),
}
# 行政区划代码 of the ID numbers: 贵溪市, 余江区, 月湖区 (市本级: 月湖区).
REGION_CODES = {GUIXI: "360681", YUJIANG: "360603", YUEHU: "360602", CITY: "360602"}
FIRST_BIRTHDAY = datetime.date(1990, 1, 1)

# China's official holidays (国务院办公厅's notices: 国办发明电〔2024〕12号
# for 2025, the notice of 4 November 2025 for 2026): days off, and the
# weekend days worked (调休上班).
HOLIDAYS = {
    2025: [
        ("元旦", "2025-01-01", "2025-01-01", []),
        ("春节", "2025-01-28", "2025-02-04", ["2025-01-26", "2025-02-08"]),
        ("清明节", "2025-04-04", "2025-04-06", []),
        ("劳动节", "2025-05-01", "2025-05-05", ["2025-04-27"]),
        ("端午节", "2025-05-31", "2025-06-02", []),
        ("国庆节、中秋节", "2025-10-01", "2025-10-08", ["2025-09-28", "2025-10-11"]),
    ],
    2026: [
        ("元旦", "2026-01-01", "2026-01-03", ["2026-01-04"]),
        ("春节", "2026-02-15", "2026-02-23", ["2026-02-14", "2026-02-28"]),
        ("清明节", "2026-04-04", "2026-04-06", []),
        ("劳动节", "2026-05-01", "2026-05-05", ["2026-05-09"]),
        ("端午节", "2026-06-19", "2026-06-21", []),
        ("中秋节", "2026-09-25", "2026-09-27", []),
        ("国庆节", "2026-10-01", "2026-10-07", ["2026-09-20", "2026-10-10"]),
    ],
}

# Each finance's budget for each year the demo pays in (元).
BUDGETS = {
    "市本级财政": 500_000,
    "月湖区财政": 200_000,
    "余江区财政": 300_000,
    "贵溪市财政": 400_000,
    "信江新区财政": 100_000,
    "高新区财政": 150_000,
    "龙虎山景区财政": 50_000,
    "省就业补助资金": 2_000_000,
}


@dataclass(frozen=True)
class Enterprise:
    name: str
    credit_code: str
    area: str
    chain: str | None = None  # a key industry chain's, or None


COPPER = Enterprise(
    "江西铜业股份有限公司贵溪冶炼厂", "91360681MADEMO0001", GUIXI, "铜基新材料"
)
IOT = Enterprise(
    "鹰潭智联物联网科技有限公司", "91360602MADEMO0002", YUEHU, "电子信息(物联网)"
)
OPTICS = Enterprise(
    "江西鹰潭明视光学眼镜有限公司", "91360603MADEMO0003", YUJIANG, "智能光电"
)
MACHINERY = Enterprise("贵溪市华丰机械制造有限公司", "91360681MADEMO0004", GUIXI)
BUILDING = Enterprise("鹰潭市信江建设工程有限公司", "91360602MADEMO0005", YUEHU)
CARVING = Enterprise("余江区木艺雕刻家居有限公司", "91360603MADEMO0006", YUJIANG)
KEY_ENTERPRISES = [COPPER, IOT, OPTICS]


@dataclass(frozen=True)
class Story:
    """One demo application and where it ends (``end``)."""

    area: str
    name: str
    kind: str = "employment"
    level: str = "2"
    employer: Enterprise | None = None
    occupation: str = "电工"
    end: str = "draft"
    reason: str = ""
    fresh_graduate: bool = False


# The ends: a state, or how it got there.
DRAFT, FIRST, SECOND, READY = "draft", "first_review", "second_review", "ready"
PUBLICITY, HELD = "publicity", "held"  # in the open 公示; held by an objection
FIRST_RETURN, SECOND_RETURN = "first_return", "second_return"
FIRST_REFUSE, UPHELD = "first_refuse", "upheld"
PAID_GUIXI, FAILED, PAID_YUEHU = "paid_guixi", "failed", "paid_yuehu"
EXPORTED, WAITING = "exported", "waiting"
CLOSED_PUBLICITY = {PAID_GUIXI, FAILED, PAID_YUEHU, EXPORTED, WAITING, UPHELD}
OPEN_PUBLICITY = {PUBLICITY, HELD}

STORIES = [
    # 贵溪市: the settled batch (four paid, one failed), the closed 公示's
    # objection upheld, the open 公示's objection waiting.
    Story(GUIXI, "张建华", level="1", employer=COPPER, end=PAID_GUIXI),
    Story(GUIXI, "李明亮", employer=COPPER, occupation="铜冶炼工", end=PAID_GUIXI),
    Story(GUIXI, "王秀英", level="3", employer=MACHINERY, end=PAID_GUIXI),
    Story(
        GUIXI,
        "刘志强",
        kind="startup",
        employer=None,
        occupation="汽车维修工",
        end=PAID_GUIXI,
    ),
    Story(
        GUIXI,
        "陈小兵",
        employer=MACHINERY,
        occupation="焊工",
        end=FAILED,
        reason="收款账户已销户",
    ),
    Story(
        GUIXI,
        "杨丽萍",
        level="3",
        employer=MACHINERY,
        occupation="车工",
        end=UPHELD,
        reason="经核查,申请人劳动合同系补签,实际入职不满1年,异议成立。",
    ),
    Story(
        GUIXI,
        "赵海军",
        employer=COPPER,
        occupation="钳工",
        end=HELD,
        reason="反映申请人已离职,实际未在该单位工作。",
    ),
    Story(GUIXI, "黄晓东", level="1", employer=COPPER, occupation="电工", end=READY),
    Story(
        GUIXI,
        "江西铜业股份有限公司贵溪冶炼厂",
        kind="joint_schooling",
        level="",
        employer=COPPER,
        end=SECOND,
    ),
    Story(
        GUIXI,
        "周文斌",
        employer=MACHINERY,
        occupation="数控车工",
        end=FIRST_RETURN,
        reason="社保缴费证明不全,请补充首次参保月份的缴费记录。",
    ),
    Story(
        GUIXI, "吴桂芳", level="3", employer=MACHINERY, occupation="保育师", end=DRAFT
    ),
    # 余江区: two approved in the exported batch, one in the open 公示.
    Story(YUJIANG, "徐国平", employer=OPTICS, occupation="眼镜验光员", end=EXPORTED),
    Story(
        YUJIANG,
        "孙美玲",
        level="3",
        employer=OPTICS,
        occupation="眼镜定配工",
        end=EXPORTED,
    ),
    Story(
        YUJIANG, "胡建军", kind="startup", level="3", occupation="木雕工", end=PUBLICITY
    ),
    Story(
        YUJIANG,
        "朱晓燕",
        kind="upskill",
        employer=CARVING,
        occupation="木雕工",
        end=SECOND,
    ),
    Story(
        YUJIANG,
        "高志伟",
        employer=OPTICS,
        occupation="眼镜验光员",
        end=SECOND_RETURN,
        reason="证书核验结果与申报的证书等级不一致,请核实后重新提交。",
    ),
    Story(
        YUJIANG,
        "林小红",
        level="3",
        employer=CARVING,
        occupation="家具制作工",
        end=FIRST,
    ),
    # 月湖区: the second settled batch, one in the open 公示.
    Story(
        YUEHU,
        "何俊杰",
        kind="upskill",
        employer=IOT,
        occupation="物联网安装调试员",
        end=PAID_YUEHU,
    ),
    Story(
        YUEHU,
        "郭婷婷",
        employer=IOT,
        occupation="网络与信息安全管理员",
        end=PAID_YUEHU,
        fresh_graduate=True,
    ),
    Story(
        YUEHU,
        "马宏伟",
        level="1",
        employer=BUILDING,
        occupation="建筑电工",
        end=PUBLICITY,
    ),
    Story(YUEHU, "罗佳佳", employer=BUILDING, occupation="砌筑工", end=SECOND),
    Story(
        YUEHU,
        "梁志刚",
        level="3",
        employer=BUILDING,
        occupation="钢筋工",
        end=FIRST_REFUSE,
        reason="劳动合同期限不满1年,不符合就业奖励条件。",
    ),
    Story(
        YUEHU,
        "宋雨欣",
        kind="upskill",
        level="3",
        employer=IOT,
        occupation="电子产品制版工",
        end=DRAFT,
    ),
    # 市本级: approved waiting for a batch, a medallist ready for the 公示,
    # one waiting for the 初审.
    Story(CITY, "郑学文", employer=BUILDING, occupation="电工", end=WAITING),
    Story(
        CITY,
        "谢雅琴",
        kind="competition",
        level="gold",
        employer=IOT,
        occupation="物联网安装调试员",
        end=READY,
    ),
    Story(CITY, "韩立新", level="3", employer=BUILDING, occupation="架子工", end=FIRST),
]

# How many working days before the demo's day each step is taken.
CLOSED_START = 45  # the closed 公示 begins; it lasts 5 working days
OPEN_START = 3  # the 公示 in progress begins (it ends after the demo's day)
GUIXI_BATCH, GUIXI_PAID = 35, 31
YUEHU_BATCH, YUEHU_PAID = 33, 28
YUJIANG_BATCH = 10
# When each end's application was filed.
FILED = {
    **dict.fromkeys(CLOSED_PUBLICITY, 70),
    PUBLICITY: 28,
    HELD: 28,
    READY: 22,
    SECOND_RETURN: 20,
    FIRST_REFUSE: 18,
    FIRST_RETURN: 14,
    SECOND: 12,
    FIRST: 6,
    DRAFT: 2,
}
CERTIFICATE_SOURCE = "全国职业资格证书查询系统"
INSURANCE_SOURCE = "江西省社会保险信息系统"
PUBLICITY_CONTACT = "鹰潭市人力资源和社会保障局职业能力建设科 0701-6200000"
BANK = "中国建设银行鹰潭分行"


@dataclass
class DemoResult:
    states: dict[str, int] = field(default_factory=dict)
    publicities: list[Publicity] = field(default_factory=list)
    batches: list[PaymentBatch] = field(default_factory=list)
    objections: int = 0
    ledger: list = field(default_factory=list)

    def lines(self) -> list[str]:
        """What setup_portal prints, in Chinese."""
        labels = dict(ApplicationState.choices)
        states = "、".join(
            f"{labels[state]}{count}件" for state, count in self.states.items()
        )
        text = [
            f"演示数据:已建立奖励申请 {sum(self.states.values())} 件({states}),"
            f"公示 {len(self.publicities)} 期,公示异议 {self.objections} 条,"
            f"发放批次 {len(self.batches)} 个。"
        ]
        for row in self.ledger:
            text.append(
                f"  奖励资金台账 {row.year}年合计:预算{money(row.budget or 0)}元,"
                f"已承诺{money(row.committed)}元,已发放{money(row.paid)}元,"
                f"剩余{money(row.remaining or 0)}元。"
            )
        return text


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), SHANGHAI)


def _back(today: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day before ``today`` (0: today, or the last
    working day before it)."""
    start = today - datetime.timedelta(days=days * 2 + 30)
    calendar = workdays.working_calendar(start, today)
    day, counted = today, 0
    while True:
        if workdays.is_working_day(day, calendar):
            if counted == days:
                return day
            counted += 1
        day -= datetime.timedelta(days=1)


def _after(day: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``day``."""
    return workdays.working_days_end(day + datetime.timedelta(days=1), days)


def _months_before(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def fake_id_number(area: str, index: int) -> str:
    """A valid ID number (GB 11643) of the area's region code, born
    ``index`` days after 1990-01-01."""
    born = FIRST_BIRTHDAY + datetime.timedelta(days=index)
    first17 = f"{REGION_CODES[area]}{born:%Y%m%d}{index % 1000:03d}"
    return first17 + crypto.id_check_digit(first17)


# -- the settings the admin keeps ---------------------------------------------------


def holidays_ensure() -> int:
    """The known years' 放假 and 调休上班 days; rows an administrator
    already keeps are left as they are. Returns the rows made."""
    made = 0
    for entries in HOLIDAYS.values():
        for name, first, last, worked in entries:
            day = datetime.date.fromisoformat(first)
            while day <= datetime.date.fromisoformat(last):
                made += Holiday.objects.get_or_create(
                    date=day, defaults={"name": name, "is_workday": False}
                )[1]
                day += datetime.timedelta(days=1)
            for text in worked:
                made += Holiday.objects.get_or_create(
                    date=datetime.date.fromisoformat(text),
                    defaults={"name": f"{name}调休上班", "is_workday": True},
                )[1]
    return made


def _enterprises_ensure(departments: dict) -> None:
    for enterprise in KEY_ENTERPRISES:
        KeyEnterprise.objects.get_or_create(
            credit_code=enterprise.credit_code,
            defaults={
                "name": enterprise.name,
                "chain": IndustryChain.objects.get(name=enterprise.chain),
                "area": departments[AREAS[enterprise.area]],
                "listed_from": POLICY_START,
            },
        )


def _budgets_ensure(years: set[int]) -> None:
    finances = {f.name: f for f in Finance.objects.all()}
    for year in sorted(years):
        for name, amount in BUDGETS.items():
            if name in finances:
                Budget.objects.get_or_create(
                    finance=finances[name],
                    year=year,
                    defaults={"amount": Decimal(amount)},
                )


def _clerks(actor_map) -> dict:
    clerks = {}
    for area, key in CLERK_KEYS.items():
        user = actor_map.get(key)
        if user is None:
            username, department, full_name = AUTHORS[area]
            user = user_create(
                username=username,
                password="",  # replaced by an unusable one below
                role=RoleName.INCENTIVE_CLERK,
                department=Department.objects.get(name=department),
                full_name=full_name,
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
        clerks[area] = user
    return clerks


# -- the applications ----------------------------------------------------------------


def _data(story: Story, index: int, filed_on: datetime.date) -> dict:
    """The facts of one application, eligible unless its story says not
    (a contract short of a year for the 初审's refusal)."""
    started = _months_before(filed_on, 8)
    data = {
        "kind": story.kind,
        "level": story.level,
        "name": story.name,
        "card_number": f"621700000000{index:07d}",
        "card_bank": BANK,
        "filed_on": filed_on,
        "note": "演示数据",
    }
    if story.kind == "joint_schooling":
        data["employer_name"] = story.name
        data["employer_credit_code"] = story.employer.credit_code
        return data
    data.update(
        id_number=fake_id_number(story.area, index),
        phone=f"1380000{index:04d}",
    )
    employer = story.employer
    if employer is not None:
        data["employer_name"] = employer.name
        data["employer_credit_code"] = employer.credit_code
    if story.kind == "competition":
        data.update(
            competition="江西省第二届职业技能大赛",
            competition_grade="省级一类",
            prize_amount=Decimal(10_000),
        )
        return data
    data.update(
        certificate_number=f"S0000360{index:08d}",
        certificate_kind="skill_level",
        occupation=story.occupation,
        insurance_first_month=started,
        insurance_months=7,
        fresh_graduate=story.fresh_graduate,
    )
    if story.kind == "startup":
        data.update(
            licence_number=f"92{REGION_CODES[story.area]}MA{index:08d}X",
            licence_date=_months_before(filed_on, 10),
            certificate_date=_months_before(filed_on, 12),
        )
        return data
    data.update(contract_start=started)
    if story.end == FIRST_REFUSE:
        data["contract_end"] = started + datetime.timedelta(days=200)
    else:
        data["contract_end"] = datetime.date(started.year + 3, started.month, 1)
    # 技能提升: the certificate obtained while employed.
    data["certificate_date"] = (
        started + datetime.timedelta(days=60)
        if story.kind == "upskill"
        else _months_before(filed_on, 14)
    )
    return data


class _Demo:
    def __init__(self, *, today: datetime.date, reviewer, clerks: dict):
        self.today = today
        self.reviewer = reviewer
        self.clerks = clerks
        self.departments = {d.name: d for d in Department.objects.all()}

    def day(self, working_days_before: int) -> datetime.date:
        return _back(self.today, working_days_before)

    def create(self, story: Story, index: int) -> Application:
        filed_on = self.day(FILED[story.end])
        area = self.departments[AREAS[story.area]] if AREAS[story.area] else None
        return application_create(
            data=_data(story, index, filed_on),
            area=area,
            actor=self.clerks[story.area],
            today=filed_on,
        )

    def move(self, application, action, actor, day, reason=""):
        return application_move(
            application=application,
            action=action,
            actor=actor,
            reason=reason,
            now=_at(day, 10, 30 if actor == self.reviewer else 0),
        )

    def check(self, application, day, *, mismatch: bool = False):
        clerk = self.clerks[_area_key(application)]
        if application.certificate_number:
            fact_check_record(
                application=application,
                fact="certificate",
                result="mismatch" if mismatch else "confirmed",
                source=CERTIFICATE_SOURCE,
                checked_on=day,
                actor=clerk,
                detail="系统中证书等级为高级工(三级)。" if mismatch else "",
            )
        if application.insurance_first_month:
            fact_check_record(
                application=application,
                fact="insurance",
                result="confirmed",
                source=INSURANCE_SOURCE,
                checked_on=day,
                actor=clerk,
                insurance_first_month=application.insurance_first_month,
                insurance_months=application.insurance_months,
            )

    def walk(self, story: Story, application: Application) -> Application:
        """Take the application along its story up to the 公示."""
        clerk = self.clerks[story.area]
        filed = application.filed_on
        if story.end == DRAFT:
            return application
        self.move(application, "submit", clerk, filed)
        if story.end == FIRST:
            return application
        checked = _after(filed, 1)
        if story.end == FIRST_RETURN:
            return self.move(application, "first_return", clerk, checked, story.reason)
        if story.end == FIRST_REFUSE:
            return self.move(application, "first_refuse", clerk, checked, story.reason)
        self.check(application, checked, mismatch=story.end == SECOND_RETURN)
        self.move(application, "first_pass", clerk, _after(filed, 2))
        if story.end == SECOND:
            return application
        reviewed = _after(filed, 4)
        if story.end == SECOND_RETURN:
            return self.move(
                application, "second_return", self.reviewer, reviewed, story.reason
            )
        return self.move(application, "second_pass", self.reviewer, reviewed)

    def publicise(self, applications, start: int, title: str) -> Publicity:
        starts_on = self.day(start)
        publicity = publicity_open(
            applications=applications,
            title=title,
            starts_on=starts_on,
            contact=PUBLICITY_CONTACT,
            actor=self.reviewer,
        )
        ApplicationTransition.objects.filter(
            application__in=applications, action="publicise"
        ).update(at=_at(starts_on, 9))
        return publicity

    def pay(self, finance_name: str, created: int, paid: int | None, failures=None):
        """A batch of the finance's approved shares: created and exported
        ``created`` working days before today, and settled ``paid`` days
        before it (None: left with the bank), failing ``failures`` (the
        application numbers with the bank's reason)."""
        made_on = self.day(created)
        finance = Finance.objects.get(name=finance_name)
        batch = batch_create(
            finance=finance, month=made_on, actor=self.reviewer, today=made_on
        )
        batch_export(
            batch=batch, actor=self.reviewer, reveal_reason="演示:交银行办理转账"
        )
        PaymentBatch.objects.filter(pk=batch.pk).update(exported_at=_at(made_on, 15))
        if paid is None:
            return batch
        paid_on = self.day(paid)
        results = _results_file(batch, paid_on, failures or {})
        batch_settle(
            batch=batch,
            data=results,
            file_name=f"回盘-{finance_name}-{paid_on:%Y%m%d}.xlsx",
            actor=self.reviewer,
            today=paid_on,
        )
        ApplicationTransition.objects.filter(
            application__shares__lines__batch=batch, action="pay"
        ).update(at=_at(paid_on, 16))
        PaymentBatch.objects.filter(pk=batch.pk).update(settled_at=_at(paid_on, 16))
        return batch


def _area_key(application: Application) -> str:
    for key, name in AREAS.items():
        if application.area is None and name is None:
            return key
        if application.area is not None and application.area.name == name:
            return key
    raise LookupError(application.area)


def _results_file(batch: PaymentBatch, paid_on, failures: dict) -> bytes:
    """The bank's results: each line 成功 on ``paid_on``, or 失败 with the
    reason of its application in ``failures``."""
    book = Workbook()
    sheet = book.active
    sheet.append(["申请编号", "金额", "结果", "失败原因", "日期"])
    for line in batch.lines.select_related("share__application").order_by("pk"):
        number = line.share.application.number
        reason = failures.get(number, "")
        sheet.append(
            [number, line.amount, "失败" if reason else "成功", reason, paid_on]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _title(start: datetime.date, count: int) -> str:
    return f"{start.year}年第{count}批技能人才激励奖励拟发放人员名单公示"


@transaction.atomic
def demo_load(*, today: datetime.date, actor_map) -> DemoResult | None:
    """The demo as of ``today``; ``actor_map`` gives the users who act:
    ``reviewer`` (required: the 人社局审核员) and the clerks
    ``clerk_guixi``, ``clerk_yujiang``, ``clerk_yuehu``, ``clerk_city``
    (each made as an author account when not given). None, and nothing
    written, when applications exist already or when ``today`` is too
    early for the story (its first filing before the policy's rules)."""
    if Application.objects.exists():
        return None
    if _back(today, max(FILED.values())) < POLICY_START:
        # Its story needs the awards in force for its whole length: before
        # that no award could have been applied for.
        return None
    defaults_ensure()
    holidays_ensure()
    demo = _Demo(today=today, reviewer=actor_map["reviewer"], clerks=_clerks(actor_map))
    _enterprises_ensure(demo.departments)
    batch_days = [GUIXI_BATCH, YUEHU_BATCH, YUJIANG_BATCH]
    _budgets_ensure({today.year, *(demo.day(d).year for d in batch_days)})

    made: dict[str, list[Application]] = {}
    for index, story in enumerate(STORIES, start=1):
        application = demo.walk(story, demo.create(story, index))
        made.setdefault(story.end, []).append(application)
    [joint] = [a for a in made[SECOND] if a.kind == "joint_schooling"]
    application_assess(
        application=joint,
        assessed_amount=Decimal(60_000),
        special_funds=Decimal(10_000),
        actor=demo.reviewer,
    )

    # The closed 公示: one objection upheld (refused), the rest approved.
    closed = [a for end in CLOSED_PUBLICITY for a in made[end]]
    first = demo.publicise(closed, CLOSED_START, _title(demo.day(CLOSED_START), 1))
    [doubted] = made[UPHELD]
    story = next(s for s in STORIES if s.end == UPHELD)
    objection = objection_record(
        application=doubted,
        received_on=_after(first.starts_on, 1),
        content="来电反映该申请人劳动合同为补签,实际入职时间较短。",
        raised_by="匿名来电",
        actor=demo.reviewer,
    )
    resolved_on = _after(first.ends_on, 1)
    objection_resolve(
        objection=objection,
        outcome=Objection.Outcome.UPHELD,
        resolution=story.reason,
        today=resolved_on,
        actor=demo.reviewer,
    )
    publicity_close(publicity=first, today=resolved_on, actor=demo.reviewer)
    ApplicationTransition.objects.filter(
        application__in=closed, action__in=["approve", "second_refuse"]
    ).update(at=_at(resolved_on, 9, 30))
    Publicity.objects.filter(pk=first.pk).update(closed_at=_at(resolved_on, 9, 30))
    Objection.objects.filter(pk=objection.pk).update(resolved_at=_at(resolved_on, 9))

    # The payments: 贵溪市's settled with one failure (approved, to be paid
    # again), 月湖区's settled, 余江区's with the bank.
    [failed] = made[FAILED]
    reason = next(s.reason for s in STORIES if s.end == FAILED)
    batches = [
        demo.pay("贵溪市财政", GUIXI_BATCH, GUIXI_PAID, {failed.number: reason}),
        demo.pay("月湖区财政", YUEHU_BATCH, YUEHU_PAID),
        demo.pay("余江区财政", YUJIANG_BATCH, None),
    ]

    # The 公示 in progress, one objection waiting.
    listed = made[PUBLICITY] + made[HELD]
    opens_on = demo.day(OPEN_START)
    number = 2 if opens_on.year == first.starts_on.year else 1
    second = demo.publicise(listed, OPEN_START, _title(opens_on, number))
    [held] = made[HELD]
    objection_record(
        application=held,
        received_on=min(_after(second.starts_on, 1), today),
        content=next(s.reason for s in STORIES if s.end == HELD),
        raised_by="群众来信",
        actor=demo.reviewer,
    )

    states = dict(
        Application.objects.values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    years = sorted({b.month.year for b in batches} | {today.year})
    rows = [
        row for year in years for row in ledger_totals(ledger(year=year, today=today))
    ]
    return DemoResult(
        states={s: states.get(s, 0) for s in ApplicationState.values},
        publicities=[first, second],
        batches=batches,
        objections=Objection.objects.count(),
        ledger=rows,
    )
