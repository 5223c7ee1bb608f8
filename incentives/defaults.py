"""The incentives' starting data, taken from the policy text: the amounts
table (items 8, 9, 15, 18, 19 and 20), the bearing finances (市本级, each
区(市), the provincial employment subsidy fund) and the key industry chains.

``defaults_ensure`` is idempotent: the data migration calls it, and so do
tests whose database was emptied by a transactional test's flush. Rows an
administrator changed are left as they are.
"""

import datetime
from decimal import Decimal

# The policy took effect when it was issued (成文日期 2023-02-13); it runs
# to the end of 2025, and its rules stay in force until changed.
POLICY_START = datetime.date(2023, 2, 13)

ITEM19_EMPLOYMENT = (
    "对取得职业资格证书(含职业技能等级证书、专项职业能力证书、特种作业操作证书,下同)"
    "并与企业等用人单位签订1年以上劳动合同、首次在鹰连续缴纳3个月以上社保费用的技能人才"
    "(含职业院校应届毕业生),分别按高级技师(一级)3000元/人、技师(二级)2000元/人、"
    "高级工(三级)1000元/人标准,给予个人一次性就业奖励。"
)
ITEM19_STARTUP = (
    "对取得职业资格证书,办理了营业执照稳定经营6个月以上并首次在鹰连续缴纳3个月以上社保费用的"
    "技能人才,分别按高级技师(一级)7000元/人、技师(二级)6000元/人、高级工(三级)5000元/人"
    "标准,给予个人一次性创业奖励"
)
ITEM19_UPSKILL = (
    "对技能劳动者与用人单位签订劳动合同、连续缴纳社保费用的入职期间取得职业资格证书的,"
    "分别按高级技师(一级)5000元/人、技师(二级)4000元/人、高级工(三级)2000元/人标准,"
    "给予个人一次性技能提升奖励。"
)
ITEM19_SPECIAL = "按上述要求取得特级技师、首席技师的,奖励标准另按有关规定执行。"
ITEM19_UPLIFT = "重点产业链企业技能劳动者其就业奖励、技能提升奖励可按上述标准上浮10%。"
ITEM15 = (
    "对省级一类及以上技能大赛中获得金银铜牌的选手及专家教练团队,比照赛事奖金标准等额配套"
    "一次性奖励,对于参赛选手,奖励资金由选手所在企业或单位属地财政负担;对于专家教练团队,"
    "奖励资金由专家教练团队所在单位、企业或者专家教练团队聘用单位或企业属地财政负担,"
    "市本级财政应负担资金在人才发展专项经费中列支。"
)
ITEM20 = (
    "对市内获得中华技能大奖的人员给予100万元奖励,奖励资金由省就业补助资金统筹解决。"
)
ITEM8 = (
    "按标准建设企业职工培训中心的,经核准后按规定给予一定经费的建设补助,"
    "补助资金由受益财政筹措负担。"
)
ITEM9 = (
    "经核准认定的培训机构,根据培养技能劳动者数量、开发的培训标准、设备规模和师资力量等,"
    "按规定给予一定经费的建设补助,补助资金由受益财政筹措负担。"
)
ITEM18 = (
    "对开展联合办学的本地企业提供学生实训并吸纳就业的,按一定标准给予企业奖励,"
    "奖励资金除由省、市专项资金负担的部分外,其他部分由市本级和受益财政按2:8比例负担。"
)

# (kind, level, basis, amount, uplift %, funding, city share %, item, text,
#  manual review)
RULES = [
    ("employment", "1", "fixed", 3000, 10, "beneficiary", 0, 19, ITEM19_EMPLOYMENT),
    ("employment", "2", "fixed", 2000, 10, "beneficiary", 0, 19, ITEM19_EMPLOYMENT),
    ("employment", "3", "fixed", 1000, 10, "beneficiary", 0, 19, ITEM19_EMPLOYMENT),
    ("startup", "1", "fixed", 7000, 0, "beneficiary", 0, 19, ITEM19_STARTUP),
    ("startup", "2", "fixed", 6000, 0, "beneficiary", 0, 19, ITEM19_STARTUP),
    ("startup", "3", "fixed", 5000, 0, "beneficiary", 0, 19, ITEM19_STARTUP),
    ("upskill", "1", "fixed", 5000, 10, "beneficiary", 0, 19, ITEM19_UPSKILL),
    ("upskill", "2", "fixed", 4000, 10, "beneficiary", 0, 19, ITEM19_UPSKILL),
    ("upskill", "3", "fixed", 2000, 10, "beneficiary", 0, 19, ITEM19_UPSKILL),
    ("competition", "gold", "prize_match", None, 0, "beneficiary", 0, 15, ITEM15),
    ("competition", "silver", "prize_match", None, 0, "beneficiary", 0, 15, ITEM15),
    ("competition", "bronze", "prize_match", None, 0, "beneficiary", 0, 15, ITEM15),
    ("coach", "gold", "prize_match", None, 0, "beneficiary", 0, 15, ITEM15),
    ("coach", "silver", "prize_match", None, 0, "beneficiary", 0, 15, ITEM15),
    ("coach", "bronze", "prize_match", None, 0, "beneficiary", 0, 15, ITEM15),
    ("grand", "", "fixed", 1_000_000, 0, "province_fund", 0, 20, ITEM20),
    ("training_centre", "", "office", None, 0, "beneficiary", 0, 8, ITEM8),
    ("training_institution", "", "office", None, 0, "beneficiary", 0, 9, ITEM9),
    ("joint_schooling", "", "office", None, 0, "split", 20, 18, ITEM18),
]
# 特级技师 and 首席技师: the rule exists, its amount is the office's to set.
for _kind, _uplift, _text in (
    ("employment", 10, ITEM19_EMPLOYMENT),
    ("startup", 0, ITEM19_STARTUP),
    ("upskill", 10, ITEM19_UPSKILL),
):
    for _level in ("special", "chief"):
        RULES.append(
            (
                _kind,
                _level,
                "fixed",
                None,
                _uplift,
                "beneficiary",
                0,
                19,
                ITEM19_SPECIAL,
            )  # noqa: E501
        )

# (name, kind, area department name, sort order)
FINANCES = [
    ("市本级财政", "city", None, 10),
    ("月湖区财政", "area", "月湖区人民政府", 20),
    ("余江区财政", "area", "余江区人民政府", 30),
    ("贵溪市财政", "area", "贵溪市人民政府", 40),
    ("信江新区财政", "area", "信江新区管委会", 50),
    ("高新区财政", "area", "高新区管委会", 60),
    ("龙虎山景区财政", "area", "龙虎山景区管委会", 70),
    ("省就业补助资金", "province", None, 80),
]
PROVINCE_FUND = "省就业补助资金"
CITY_FINANCE = "市本级财政"

# The city's key industry chains (the policy names the first three).
CHAINS = [
    "铜基新材料",
    "电子信息(物联网)",
    "智能光电",
    "绿色水工",
    "节能环保",
    "精密制造",
    "生物医药",
    "绿色食品",
    "纺织服装",
    "眼镜",
    "文化旅游",
    "现代物流",
]


def defaults_ensure(apps=None) -> None:
    """Create what is missing; ``apps`` is the migration's app registry."""
    if apps is None:
        from django.apps import apps as registry

        apps = registry
    AwardRule = apps.get_model("incentives", "AwardRule")
    Finance = apps.get_model("incentives", "Finance")
    IndustryChain = apps.get_model("incentives", "IndustryChain")
    Department = apps.get_model("tasks", "Department")

    for kind, level, basis, amount, uplift, funding, city, item, text in RULES:
        AwardRule.objects.get_or_create(
            kind=kind,
            level=level,
            effective_from=POLICY_START,
            defaults={
                "basis": basis,
                "amount": None if amount is None else Decimal(amount),
                "uplift_percent": Decimal(uplift),
                "funding": funding,
                "city_share_percent": Decimal(city),
                "source_item": item,
                "source_text": text,
                "manual_review": level in ("special", "chief") or basis == "office",
            },
        )
    areas = {d.name: d for d in Department.objects.filter(kind__in=["county", "park"])}
    for name, kind, area, order in FINANCES:
        if area is not None and area not in areas:
            continue  # the departments are not loaded yet: setup_portal
        Finance.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "area": areas.get(area) if area else None,
                "sort_order": order,
            },
        )
    for order, name in enumerate(CHAINS, start=1):
        IndustryChain.objects.get_or_create(name=name, defaults={"sort_order": order})
