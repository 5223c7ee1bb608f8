"""An employer's quarterly sheet imported as draft applications: every row
checked by the entry service, every error named by row and column, and
nothing written unless all rows are valid."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook
from openpyxl.utils.datetime import to_excel

from audit.models import AuditEvent
from incentives.models import Application, ApplicationState, Source
from incentives.services.imports import (
    SheetError,
    application_template,
    applications_import,
)
from tasks.models import Department
from tests.incentives.apps_support import enter
from tests.incentives.conftest import ID_ZHANG
from tests.incentives.sheets import (
    APPLICATION_HEADER,
    second_worker,
    with_check_digit,
    workbook,
    worker,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 1, 10)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
GUIXI = "贵溪市人民政府"


@pytest.fixture
def users(incentive_defaults, incentive_users):
    return incentive_users


def run(users, data, actor="clerk", area=GUIXI, file_name="申报表.xlsx"):
    return applications_import(
        data=data,
        file_name=file_name,
        area=Department.objects.get(name=area) if area else None,
        actor=users[actor],
        today=TODAY,
    )


def errors_of(users, data, **kwargs) -> list[str]:
    with pytest.raises(SheetError) as caught:
        run(users, data, **kwargs)
    return caught.value.errors


def test_good_sheet_imports_every_row_as_a_batch_draft(users):
    third = worker(
        **{
            "姓名": "王五",
            "身份证号": with_check_digit("36060219850512003"),
            "证书编号": "S000036060000789",
            "奖励类别": "技能提升奖励",
            "证书等级": "高级技师(一级)",
        }
    )
    created = run(users, workbook([worker(), second_worker(), third]))

    assert len(created) == 3
    assert Application.objects.count() == 3
    zhang, li, wang = sorted(created, key=lambda a: a.pk)
    assert (zhang.kind, zhang.level, zhang.amount) == ("employment", "2", 2000)
    assert (li.kind, li.level, li.amount) == ("employment", "3", 1000)
    assert (wang.kind, wang.level, wang.amount) == ("upskill", "1", 5000)
    for application in created:
        assert application.source == Source.BATCH
        assert application.state == ApplicationState.DRAFT
        assert application.area.name == GUIXI
        assert application.filed_on == TODAY
        assert application.created_by == users["clerk"]
    assert zhang.id_number_masked == "3606**********1233"
    assert zhang.certificate_date == datetime.date(2024, 5, 10)
    assert zhang.insurance_first_month == datetime.date(2024, 6, 1)
    assert zhang.insurance_months == 6
    assert zhang.contract_end == datetime.date(2027, 5, 31)
    imports = AuditEvent.objects.filter(action="application.import")
    assert imports.count() == 1
    record = imports.get()
    assert record.after["created"] == 3
    assert record.after["file_name"] == "申报表.xlsx"
    assert record.after["numbers"] == [a.number for a in created]
    assert ID_ZHANG not in str(record.after)


def test_header_below_title_rows_and_columns_in_any_order(users):
    header = list(reversed(APPLICATION_HEADER))
    data = workbook(
        [worker()],
        header=header,
        title_rows=["2025年第一季度技能人才奖励申报表", ["填报单位:", "某某公司"], ""],
    )
    (application,) = run(users, data)
    assert application.name == "张三"
    assert application.level == "2"


def test_numbers_and_dates_as_text_or_as_excel_keeps_them(users):
    row = worker(
        **{
            "连续缴费月数": "６个月",
            "发证日期": "2024年5月10日",
            "首次在鹰参保月份": "2024年6月",
            "劳动合同起始": datetime.datetime(2024, 6, 1),  # noqa: DTZ001 (a cell)
            # A date cell that lost its format: Excel's day number.
            "劳动合同终止": int(to_excel(datetime.date(2028, 5, 31))),
            "手机号": 13800001234,
            "证书等级": "二级",
        }
    )
    other = second_worker(
        **{
            "连续缴费月数": 7,
            "首次在鹰参保月份": datetime.date(2024, 6, 15),
            "发证日期": "2024/05/10",
            # Full-width digits, as some input methods type them.
            "身份证号": second_worker()["身份证号"].translate(FULL_WIDTH),
            "证书等级": "高级工(三级)",
        }
    )
    zhang, li = run(users, workbook([row, other]))
    assert zhang.insurance_months == 6
    assert zhang.certificate_date == datetime.date(2024, 5, 10)
    assert zhang.insurance_first_month == datetime.date(2024, 6, 1)
    assert zhang.contract_start == datetime.date(2024, 6, 1)
    assert zhang.contract_end == datetime.date(2028, 5, 31)
    assert zhang.phone_masked == "138****1234"
    assert li.insurance_months == 7
    assert li.insurance_first_month == datetime.date(2024, 6, 1)
    assert li.level == "3"
    assert li.id_number_masked == "3606**********0020"


def test_bad_rows_give_every_error_by_row_and_column_and_write_nothing(users):
    enter(
        users,
        certificate_number="S-EXISTING-1",
        id_number=with_check_digit("36060219700101001"),
    )
    before = (Application.objects.count(), AuditEvent.objects.count())
    bad_id = ID_ZHANG[:-1] + ("0" if ID_ZHANG[-1] != "0" else "1")
    rows = [
        worker(),  # row 3: good
        second_worker(**{"身份证号": bad_id}),  # row 4
        worker(  # row 5
            **{
                "姓名": "王五",
                "身份证号": with_check_digit("36060219850512003"),
                "证书编号": "S000036060000789",
                "证书等级": "",
                "发证日期": "2024-13-45",
            }
        ),
        worker(**{"证书编号": "S000036060000999"}),  # row 6: 张三 就业 again
        second_worker(  # row 7: 李四's certificate is row 4's
            **{"身份证号": with_check_digit("36060219920202002")}
        ),
        worker(  # row 8: months not a number, kind unknown
            **{
                "身份证号": with_check_digit("36060219930303003"),
                "证书编号": "S000036060001000",
                "连续缴费月数": "半年",
                "奖励类别": "培训补贴",
            }
        ),
        worker(  # row 9: certificate already used in the portal
            **{
                "身份证号": with_check_digit("36060219940404004"),
                "证书编号": "S-EXISTING-1",
            }
        ),
    ]
    errors = errors_of(users, workbook(rows, title_rows=["申报表"]))

    assert "第4行“身份证号”列:校验码不正确。" in errors
    assert any(e.startswith("第5行“证书等级”列:") for e in errors)
    assert "第5行“发证日期”列:“2024-13-45”不是日期(如 2024-05-10)。" in errors
    assert any(
        e.startswith("第6行“身份证号”列:与第3行是同一人申请就业奖励") for e in errors
    )
    assert "第7行“证书编号”列:与第4行的证书编号相同,同一证书不能重复申请。" in errors
    assert "第8行“连续缴费月数”列:“半年”不是月数(填整数,如 6)。" in errors
    assert any(e.startswith("第8行“奖励类别”列:奖励类别“培训补贴”不是") for e in errors)
    assert any(e.startswith("第9行“证书编号”列:") and "已用于" in e for e in errors)
    assert not any(e.startswith("第3行") for e in errors)
    # In the sheet's order.
    rows_named = [int(e[1 : e.index("行")]) for e in errors]
    assert rows_named == sorted(rows_named)
    assert (Application.objects.count(), AuditEvent.objects.count()) == before


def test_id_number_kept_as_an_excel_number_is_refused_naming_the_cell(users):
    # Excel keeps 15 significant digits: 360602199003071233 becomes
    # 360602199003071000 and is stored as a floating-point number.
    data = workbook([worker(**{"身份证号": float(ID_ZHANG)})])
    (error,) = errors_of(users, data)
    assert error.startswith("第2行“身份证号”列:该单元格是数字格式")
    assert "15位有效数字" in error
    assert Application.objects.count() == 0


def test_missing_required_column_is_named(users):
    header = [label for label in APPLICATION_HEADER if label != "证书等级"]
    errors = errors_of(users, workbook([worker()], header=header))
    assert errors == ["工作表“申报表”第1行的表头缺少“证书等级”列。"]


def test_error_of_a_column_the_sheet_lacks_says_so(users):
    header = [label for label in APPLICATION_HEADER if label != "劳动合同起始"]
    errors = errors_of(users, workbook([worker()], header=header))
    assert any(e.startswith("第2行“劳动合同起始”列(表中没有此列):") for e in errors)


def test_sheet_without_header_or_rows_is_refused(users):
    errors = errors_of(users, workbook([{"甲": 1, "乙": 2}]))
    assert "没有找到表头行" in errors[0]
    errors = errors_of(users, workbook([], header=APPLICATION_HEADER))
    assert errors == ["工作表“申报表”表头以下没有任何申请行。"]


def test_not_a_spreadsheet_is_refused(users):
    errors = errors_of(users, b"not a workbook", file_name="x.xlsx")
    assert errors == ["文件“x.xlsx”不是 Excel 工作簿(.xlsx)。"]


def test_a_clerk_imports_only_for_their_own_area(users):
    with pytest.raises(PermissionDenied):
        run(users, workbook([worker()]), area="余江区人民政府")
    with pytest.raises(PermissionDenied):
        run(users, workbook([worker()]), area=None)
    with pytest.raises(PermissionDenied):
        run(users, workbook([worker()]), actor="reviewer")
    assert Application.objects.count() == 0


def test_city_clerk_imports_for_any_area_or_the_city(users):
    yujiang_sheet = workbook([worker()])
    (yujiang,) = run(users, yujiang_sheet, actor="city_clerk", area="余江区人民政府")
    (city,) = run(users, workbook([second_worker()]), actor="city_clerk", area=None)
    assert yujiang.area.name == "余江区人民政府"
    assert yujiang.finance.name == "余江区财政"
    assert city.area is None
    assert city.finance.name == "市本级财政"


def test_template_has_the_header_an_example_and_notes(users):
    data = application_template()
    book = load_workbook(io.BytesIO(data))
    sheet, notes = book.worksheets
    assert [c.value for c in sheet[1]] == APPLICATION_HEADER
    assert notes.title == "填表说明"
    # Left in, the example row is refused, not imported.
    errors = errors_of(users, data, file_name="模板.xlsx")
    assert errors == ["第2行:这是模板中的示例行,请删除后再导入。"]
    # Filled in place of the example, the template imports.
    sheet["U2"] = "本季度申报"
    sheet["L2"] = "江西铜业股份有限公司贵溪冶炼厂"
    buffer = io.BytesIO()
    book.save(buffer)
    (application,) = run(users, buffer.getvalue())
    assert application.name == "张三"
    assert application.note == "本季度申报"
