"""The downloadable import template: Chinese headers, one example row, dropdowns where values
are fixed, and the notes on filling it in."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.spreadsheets import new_workbook, workbook_bytes
from people.registry_import.rows import EXAMPLE_ID_NUMBER, RELATION_CHOICES
from people.registry_import.xlsx import COLUMNS, FLAG_KEYS

FLAG_CHOICES = ("是", "否")
EXAMPLE_PHONE = "13800000000"


def build_template(building_names: Iterable[str] = ()) -> bytes:
    """The import template: Chinese headers, one example row, dropdowns where values are fixed.

    With the community's building names, the 楼栋 column offers them as a dropdown too.
    """
    buildings = list(dict.fromkeys(building_names))
    wb = new_workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "居民信息"
    ws.append([c.header for c in COLUMNS])
    example = {
        "building": buildings[0] if buildings else "1栋",
        "room": "1单元101",
        "name": "张三",
        "id_number": EXAMPLE_ID_NUMBER,
        "phone": EXAMPLE_PHONE,
        "relation": RELATION_CHOICES[0],
        "care_note": "示例行，填写前请删除",
    }
    ws.append([example.get(c.key, "否" if c.key in FLAG_KEYS else "") for c in COLUMNS])
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="C8102E")
    example_font = Font(italic=True, color="808080")
    for index, column in enumerate(COLUMNS, 1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index)
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if column.required:
            cell.comment = Comment("必填", "邻里")
        ws.cell(row=2, column=index).font = example_font
        ws.column_dimensions[letter].width = column.width
        if column.key in ("id_number", "phone", "room"):
            # Text cells: Excel keeps all 18 characters and leading zeros (0 27-…).
            ws.column_dimensions[letter].number_format = "@"
            ws.cell(row=2, column=index).number_format = "@"
    ws.freeze_panes = "A2"

    def letter_of(key: str) -> str:
        return get_column_letter(next(i for i, c in enumerate(COLUMNS, 1) if c.key == key))

    last = 20000
    relation = DataValidation(
        type="list",
        formula1='"' + ",".join(RELATION_CHOICES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="与户主关系",
        error="请从下拉列表中选择：" + "、".join(RELATION_CHOICES),
    )
    relation.add(f"{letter_of('relation')}2:{letter_of('relation')}{last}")
    ws.add_data_validation(relation)
    flags = DataValidation(
        type="list",
        formula1='"' + ",".join(FLAG_CHOICES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="是/否",
        error="请填写“是”或“否”",
    )
    flags.add(f"{letter_of(FLAG_KEYS[0])}2:{letter_of(FLAG_KEYS[-1])}{last}")
    ws.add_data_validation(flags)
    if buildings:
        sheet = wb.create_sheet("楼栋列表")
        for name in buildings:
            sheet.append([name])
        sheet.sheet_state = "hidden"
        building = DataValidation(
            type="list",
            formula1=f"'楼栋列表'!$A$1:$A${len(buildings)}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="楼栋",
            error="这个楼栋不在本社区的楼栋列表中。",
        )
        building.add(f"{letter_of('building')}2:{letter_of('building')}{last}")
        ws.add_data_validation(building)

    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 100
    for line in (
        "填写说明",
        "1. 每行一位居民；第2行是示例，填写前请删除。",
        "2. 楼栋、房号、姓名必填。楼栋须是本社区已有的楼栋；同一楼栋的新房号会新建一户。",
        "3. 身份证号须为18位，请保持单元格为“文本”格式，否则Excel会把它变成 4.20106E+17 "
        "并丢失末几位。",
        "4. 联系电话填11位手机号，或带区号的固定电话，如 027-85551234。",
        "5. 与户主关系从下拉列表选择：" + "、".join(RELATION_CHOICES) + "。",
        "6. 独居老人、残疾等标记填“是”或“否”；留空表示不修改已登记的值。",
        "7. 同一个身份证号已在本社区登记的，按本表更新；已在其他社区登记的，不会导入。",
        "8. 表格上方可以有标题行；表头须在前10行内。",
    ):
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=14)
    return workbook_bytes(wb)
