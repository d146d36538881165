"""Registry import from Excel: template, reading real-world files, every rejection reason,
preview → confirm → run, the same file twice, scoping, rejected rows back, progress."""

from __future__ import annotations

import io
import logging
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from core.errors import NotAllowed, field_errors
from core.models import AuditEvent
from core.validators import id_number_sex
from people.models import (
    ChangeAction,
    ImportStatus,
    Person,
    RegistryChange,
    RegistryImport,
    Relation,
    Resident,
)
from people.registry_import import rejects, run, selectors, services
from people.registry_import.rows import EXAMPLE_ID_NUMBER, check_rows
from people.registry_import.template import build_template
from people.registry_import.xlsx import MAX_FILE_BYTES, read_sheet
from people.tests.import_helpers import (
    HEADER,
    admin,
    excel_style,
    new_id,
    new_numeric_id,
    plain_names,
    read_xlsx,
    row,
    with_integer_cells,
    xlsx,
)
from places.models import Household
from testkit import TinyCity

pytestmark = pytest.mark.django_db


SYNTHETIC_EXAMPLE_ID = "420106198503040011"  # made up for this test; valid check digit


def preview(tc: TinyCity, content: bytes, role: str = "community_admin") -> RegistryImport:
    return services.import_preview(
        actor=admin(tc, role), community=tc.inside.community, file_name="名单.xlsx", content=content
    )


def confirm_and_run(tc: TinyCity, ri: RegistryImport, django_capture_on_commit_callbacks) -> Any:  # type: ignore[no-untyped-def]
    # The queue is not running in tests: the job is run here, as the consumer would.
    with django_capture_on_commit_callbacks(execute=False):
        services.import_confirm(actor=admin(tc), registry_import=ri)
    result = run.import_run(ri.pk)
    ri.refresh_from_db()
    return result


def codes(ri: RegistryImport) -> dict[int, list[str]]:
    return {r["row"]: [e["code"] for e in r["errors"]] for r in ri.rejected}


def existing_row(resident: Resident, **changes: Any) -> list[Any]:
    person = resident.person
    values: dict[str, Any] = {
        "building": resident.building.name,
        "room": resident.household.room,
        "name": person.name,
        "id_number": person.id_number,
        "phone": person.phone,
        "relation": {"head": "户主", "spouse": "配偶"}[resident.relation],
    }
    values.update(changes)
    return row(**values)


# --- template -----------------------------------------------------------------------------------


def test_template_has_chinese_headers_text_id_column_dropdowns_and_an_example() -> None:
    content = build_template(["1栋", "2栋"])
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers == HEADER
    id_col = headers.index("身份证号") + 1
    letter = ws.cell(row=1, column=id_col).column_letter
    assert ws.column_dimensions[letter].number_format == "@"
    assert ws.cell(row=2, column=id_col).number_format == "@"
    example = [c.value for c in ws[2]]
    assert example[id_col - 1] == EXAMPLE_ID_NUMBER
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"户主,配偶,子女,父母,孙子女,其他"' in formulas
    assert '"是,否"' in formulas
    assert "'楼栋列表'!$A$1:$A$2" in formulas
    assert [c.value for c in wb["楼栋列表"]["A"]] == ["1栋", "2栋"]


def test_the_template_reads_back_and_its_example_row_is_never_imported(tiny_city: TinyCity) -> None:
    ri = preview(tiny_city, build_template(["1栋"]))
    assert ri.total_rows == 1
    assert ri.new_count == 0
    assert codes(ri) == {2: ["example_row"]}


# --- reading real-world files -------------------------------------------------------------------


def test_title_row_merged_cells_and_trailing_empty_rows(tiny_city: TinyCity) -> None:
    content = xlsx(
        [row(name="王小明", id_number=new_id(), phone="13912345678", relation="户主")],
        title="甲社区实有人口登记表（2020年2月）",
        trailing_empty=5,
    )
    sheet = read_sheet(content)
    assert sheet.header_row == 3
    assert len(sheet.rows) == 1
    ri = preview(tiny_city, content)
    assert (ri.total_rows, ri.new_count, ri.rejected_count) == (1, 1, 0)


def test_numbers_stored_as_numbers_full_width_digits_and_spaces_in_names(
    tiny_city: TinyCity,
) -> None:
    as_int = new_numeric_id()
    full_width = new_id()
    wide = full_width.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    content = with_integer_cells(
        xlsx(
            [
                row(room=502, name="王 小 明", id_number=777, phone=13912345678),
                row(
                    room="1单元102",
                    name="阿依古丽 · 买买提",
                    id_number=wide,
                    phone="１３９１２３４５６７９",
                ),
            ]
        ),
        {777: as_int},
    )
    rows = check_rows(read_sheet(content))
    assert [r.errors for r in rows] == [[], []]
    assert (rows[0].name, rows[0].id_number, rows[0].phone, rows[0].room) == (
        "王小明",
        as_int,
        "13912345678",
        "502",
    )
    assert (rows[1].name, rows[1].id_number, rows[1].phone) == (
        "阿依古丽·买买提",
        full_width,
        "13912345679",
    )
    assert preview(tiny_city, content).new_count == 2


def test_a_workbook_saved_by_excel_shared_strings_rich_text_notes_sheet_first(
    tiny_city: TinyCity,
) -> None:
    wb = Workbook()
    notes = wb.active
    assert notes is not None
    notes.title = "说明"
    notes.append(["本表由社区网格员填写"])
    data = wb.create_sheet("居民")
    data.append(["甲社区居民登记表"])
    data.append(HEADER)
    given = new_id()
    data.append(row(name="张三丰", id_number=given, phone="13912345678", relation="户主"))
    data.append(row(room="1单元102", name="李四", id_number=new_id()))
    out = io.BytesIO()
    wb.save(out)
    rich = {"张三丰": "<r><t>张</t></r><r><rPr><b/></rPr><t>三丰</t></r><rPh><t>ちょう</t></rPh>"}
    content = excel_style(out.getvalue(), {k: v.encode() for k, v in rich.items()})
    assert b"<is>" not in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet2.xml")
    sheet = read_sheet(content)
    assert (sheet.header_row, [r.number for r in sheet.rows]) == (2, [3, 4])
    rows = check_rows(sheet)
    assert (rows[0].name, rows[0].id_number, rows[0].errors) == ("张三丰", given, [])
    assert preview(tiny_city, content).new_count == 2


def test_english_headers_are_read_too(tiny_city: TinyCity) -> None:
    header = ["Building", "Room", "Name", "ID number", "Phone", "Relation to head"]
    content = xlsx([["1栋", "9-901", "Li Ming", new_id(), "027-85551234", "head"]], header=header)
    ri = preview(tiny_city, content)
    assert (ri.new_count, ri.rejected_count) == (1, 0)


def test_mangled_float_id_is_rejected_with_the_explanation(tiny_city: TinyCity) -> None:
    content = xlsx(
        [
            row(name="甲", id_number=4.2010619900307e17),
            row(name="乙", id_number=float(new_numeric_id())),
            row(name="丙", id_number="4.20106E+17"),
        ]
    )
    with translation.override("en"):
        ri = preview(tiny_city, content)
    assert codes(ri) == {r: ["id_scientific_notation"] for r in (2, 3, 4)}
    first = ri.rejected[0]
    assert first["column"] == "身份证号"
    assert "Excel has turned this ID number into a number" in first["reason"]
    # What the cell held, to give back; never a made-up "corrected" number.
    assert dict(first["values"])["身份证号"] == "4.2010619900307e+17"


# --- each rejection reason ----------------------------------------------------------------------


def test_each_rejection_reason_names_row_column_and_reason(tiny_city: TinyCity) -> None:
    tc = tiny_city
    good = new_id()
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    tomorrow = timezone.localdate() + timedelta(days=1)
    future = new_id(born=tomorrow)
    elsewhere = tc.other_street.residents[0].person.id_number or ""
    dup = new_id()
    content = xlsx(
        [
            row(name="校验", id_number=bad_check),  # 2
            row(name="未来", id_number=future),  # 3
            row(name="电话", id_number=new_id(), phone="12345"),  # 4
            row(name="座机", id_number=new_id(), phone="85551234"),  # 5
            row(building="【OST】楼", name="外楼", id_number=new_id()),  # 6
            row(building="9栋", name="无楼", id_number=new_id()),  # 7
            row(name="重复", id_number=dup),  # 8
            row(name="重复", room="1单元102", id_number=dup),  # 9
            row(name="别处", id_number=elsewhere),  # 10
            row(name="关系", id_number=new_id(), relation="朋友"),  # 11
            row(name="标记", id_number=new_id(), flags=("也许", "", "", "", "", "")),  # 12
            row(name="", id_number=new_id()),  # 13
            row(room="", name="无房", id_number=new_id()),  # 14
            row(name="好人", id_number=good, phone="027-85551234"),  # 15
        ]
    )
    with translation.override("en"):
        ri = preview(tc, content)
    assert codes(ri) == {
        2: ["id_check_digit"],
        3: ["id_birth_date"],
        4: ["phone_invalid"],
        5: ["phone_area_code_missing"],
        6: ["building_unknown"],
        7: ["building_unknown"],
        9: ["duplicate_in_file"],
        10: ["id_registered_elsewhere"],
        11: ["relation_invalid"],
        12: ["flag_invalid"],
        13: ["name_empty"],
        14: ["room_empty"],
    }
    by_row = {r["row"]: r for r in ri.rejected}
    assert by_row[2]["column"] == "身份证号" and "check digit" in by_row[2]["reason"]
    assert "future" in by_row[3]["reason"]
    assert by_row[4]["column"] == "联系电话"
    assert by_row[6]["column"] == "楼栋" and "甲社区" in by_row[6]["reason"]
    assert "row 8" in by_row[9]["reason"]
    assert "another community" in by_row[10]["reason"]
    assert by_row[12]["column"] == "独居老人"
    assert (ri.new_count, ri.rejected_count, ri.total_rows) == (2, 12, 14)
    # The preview shows personal data masked.
    assert by_row[10]["id_number_masked"] == elsewhere[:6] + "********" + elsewhere[-4:]
    assert by_row[4]["phone_masked"] == "****5"
    assert Person.objects.filter(name="好人").count() == 0  # nothing written by a preview


# --- preview, confirm, run ----------------------------------------------------------------------


def test_preview_counts_then_run_imports_good_rows_only(
    tiny_city: TinyCity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    tc = tiny_city
    head, spouse = plain_names(tc)
    new_in_room = new_id()
    new_room = new_id()
    content = xlsx(
        [
            existing_row(head),  # unchanged
            existing_row(spouse, phone="13700001111"),  # changed
            row(name="李新", id_number=new_in_room, relation="子女", phone="13912340000"),
            row(
                room="2单元201",
                name="赵独",
                id_number=new_room,
                relation="户主",
                flags=("是", "否", "是", "", "", ""),
                note="周二四六透析",
            ),
            row(name="坏号", id_number=new_in_room[:17] + "Y"),
        ]
    )
    ri = preview(tc, content)
    assert (ri.new_count, ri.changed_count, ri.unchanged_count, ri.rejected_count) == (2, 1, 1, 1)
    assert ri.status == ImportStatus.PREVIEWED
    households_before = Household.objects.count()
    changes_before = RegistryChange.objects.count()

    result = confirm_and_run(tc, ri, django_capture_on_commit_callbacks)
    assert result["rows"] == 5
    assert ri.status == ImportStatus.DONE
    assert (ri.new_count, ri.changed_count, ri.unchanged_count, ri.rejected_count) == (2, 1, 1, 1)
    assert ri.processed_rows == ri.total_rows == 5
    assert ri.finished_at is not None

    li = Resident.objects.select_related("person", "household").get(
        person__in=Person.objects.with_id_number(new_in_room)
    )
    assert li.household_id == tc.inside.household.pk and li.relation == Relation.CHILD
    assert li.person.search_key.startswith("lixin")
    assert li.person.birth_date == date(1985, 3, 4) and li.person.phone.endswith("0000")
    assert li.person.sex == id_number_sex(new_in_room)
    assert (li.community_id, li.grid_id, li.building_id) == (
        tc.inside.community.pk,
        tc.inside.grid.pk,
        tc.inside.building.pk,
    )
    zhao = Resident.objects.select_related("household").get(
        person__in=Person.objects.with_id_number(new_room)
    )
    assert (
        zhao.household.room == "2单元201" and zhao.household.community_id == tc.inside.community.pk
    )
    assert (zhao.is_elderly_alone, zhao.is_disabled, zhao.has_chronic_illness) == (
        True,
        False,
        True,
    )
    assert zhao.care_note == "周二四六透析"
    assert Household.objects.count() == households_before + 1

    spouse.person.refresh_from_db()
    assert spouse.person.phone == "13700001111"
    new_changes = RegistryChange.objects.order_by("pk")[changes_before:]
    actions = sorted(c.action for c in new_changes)
    assert actions == sorted(
        [ChangeAction.CREATED, ChangeAction.IMPORTED, ChangeAction.IMPORTED, ChangeAction.IMPORTED]
    )
    spouse_change = RegistryChange.objects.get(resident=spouse, action=ChangeAction.IMPORTED)
    phone_change = next(f for f in spouse_change.fields if f["field"] == "phone")
    assert phone_change["new"] == "137****1111"  # history keeps phones masked
    assert spouse_change.user_id == tc.users["community_admin"].pk
    # Nothing of the rejected row was written.
    assert not Person.objects.filter(name="坏号").exists()


def test_same_file_twice_changes_nothing(
    tiny_city: TinyCity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    tc = tiny_city
    content = xlsx(
        [
            row(name="李新", id_number=new_id(), relation="子女", phone="13912340000"),
            row(room="3-301", name="钱多", id_number=new_id(), flags=("是", "", "", "", "", "")),
            row(room="3-301", name="钱宝", relation="子女"),  # no ID: matched by household + name
            row(name="坏号", id_number="123"),
        ]
    )
    first = preview(tc, content)
    confirm_and_run(tc, first, django_capture_on_commit_callbacks)
    assert (first.new_count, first.rejected_count) == (3, 1)
    residents, changes = Resident.objects.count(), RegistryChange.objects.count()

    second = preview(tc, content)
    assert (second.new_count, second.changed_count, second.unchanged_count) == (0, 0, 3)
    assert second.rejected_count == 1
    assert selectors.earlier_import_of_same_file(second) == first
    with pytest.raises(ValidationError) as caught:
        services.import_confirm(actor=admin(tc), registry_import=second)
    assert field_errors(caught.value)[0]["code"] == "nothing_to_import"
    # Even when run (say, the queue delivers a job twice), nothing is written.
    RegistryImport.objects.filter(pk=second.pk).update(status=ImportStatus.QUEUED)
    run.import_run(second.pk)
    RegistryImport.objects.filter(pk=first.pk).update(status=ImportStatus.QUEUED)
    run.import_run(first.pk)
    assert (Resident.objects.count(), RegistryChange.objects.count()) == (residents, changes)
    first.refresh_from_db()
    assert (first.new_count, first.unchanged_count) == (0, 3)


def test_a_finished_import_does_not_run_again(
    tiny_city: TinyCity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    ri = preview(tiny_city, xlsx([row(id_number=new_id())]))
    confirm_and_run(tiny_city, ri, django_capture_on_commit_callbacks)
    assert run.import_run(ri.pk) == {"import_id": ri.pk, "skipped": True}
    with pytest.raises(ValidationError):
        services.import_confirm(actor=admin(tiny_city), registry_import=ri)


def test_a_changed_room_moves_the_resident_and_a_known_name_gains_its_id(
    tiny_city: TinyCity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    tc = tiny_city
    head = plain_names(tc)[0]
    # First a resident without ID, then the file that knows it.
    seed = preview(tc, xlsx([row(room="5-501", name="孙无号", relation="户主")]))
    confirm_and_run(tc, seed, django_capture_on_commit_callbacks)
    given = new_id()
    ri = preview(
        tc,
        xlsx(
            [
                existing_row(head, room="1单元909"),
                row(room="5-501", name="孙无号", id_number=given),
            ]
        ),
    )
    assert (ri.changed_count, ri.new_count) == (2, 0)
    confirm_and_run(tc, ri, django_capture_on_commit_callbacks)
    head.refresh_from_db()
    assert head.household.room == "1单元909"
    assert Person.objects.get(name="孙无号").id_number == given
    assert RegistryChange.objects.filter(resident=head, action=ChangeAction.MOVED).exists()


def test_blank_cells_keep_what_is_registered(
    tiny_city: TinyCity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    head = plain_names(tiny_city)[0]
    Resident.objects.filter(pk=head.pk).update(is_disabled=True, care_note="轮椅")
    content = xlsx([existing_row(head, phone="", relation="")])
    ri = preview(tiny_city, content)
    assert (ri.unchanged_count, ri.changed_count) == (1, 0)


# --- scoping ------------------------------------------------------------------------------------


def test_community_admin_cannot_import_into_another_communitys_buildings(
    tiny_city: TinyCity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    tc = tiny_city
    content = xlsx(
        [
            row(building="【OST】楼", room="【OST】101", name="外人", id_number=new_id()),
            row(building="【ODI】楼", room="新房", name="外区", id_number=new_id()),
            row(building="【SIB】楼", room="新房", name="同社区", id_number=new_id()),
        ]
    )
    ri = preview(tc, content)
    assert codes(ri) == {2: ["building_unknown"], 3: ["building_unknown"]}
    persons, households = Person.objects.count(), Household.objects.count()
    confirm_and_run(tc, ri, django_capture_on_commit_callbacks)
    assert Person.objects.count() == persons + 1
    assert Household.objects.count() == households + 1
    assert not Household.objects.filter(building=tc.other_street.building, room="新房").exists()

    # Nor may it upload into another community at all: refused before anything is stored.
    imports = RegistryImport.objects.count()
    for community in (tc.other_street.community, tc.other_district.community):
        with pytest.raises(NotAllowed):
            services.import_preview(
                actor=admin(tc), community=community, file_name="x.xlsx", content=content
            )
    # Roles that do not keep a community's registry may not import either.
    for role in ("street_admin", "grid_worker", "city_admin", "volunteer"):
        with pytest.raises(NotAllowed):
            preview(tc, content, role=role)
    assert RegistryImport.objects.count() == imports
    with pytest.raises(ValidationError) as caught:
        services.import_preview(
            actor=admin(tc), community=tc.inside.grid, file_name="x.xlsx", content=content
        )
    assert field_errors(caught.value)[0]["field"] == "community"


def test_imports_are_seen_only_inside_the_actors_area(tiny_city: TinyCity) -> None:
    from accounts.selectors import actor_for_user

    tc = tiny_city
    ri = preview(tc, xlsx([row(id_number=new_id())]))
    assert selectors.access_registry_import(admin(tc, "street_admin"), ri.pk) == ri
    outsiders = [actor_for_user(tc.users["【ODI】_admin"])]
    outsiders += [admin(tc, role) for role in ("grid_worker", "volunteer", "resident")]
    for actor in outsiders:
        with pytest.raises(Http404):
            selectors.access_registry_import(actor, ri.pk)
    assert ri not in selectors.registry_import_list(outsiders[0])


# --- bad files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "file_empty"),
        (b"name,id\n", "file_not_xlsx"),
        (b"PK\x03\x04not really a zip", "file_not_xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "file_xls"),
        (b"x" * (MAX_FILE_BYTES + 1), "file_too_large"),
        ("no_header", "file_no_header"),
        ("missing_columns", "file_missing_columns"),
        ("header_only", "file_no_rows"),
    ],
)
def test_bad_files_are_refused_naming_the_file_field(
    tiny_city: TinyCity, content: Any, code: str
) -> None:
    if content == "no_header":
        content = xlsx([["a", "b", "c"]] * 12, header=["说明", "", ""])
    elif content == "missing_columns":
        content = xlsx([["张三", new_id()]], header=["姓名", "身份证号", "联系电话"])
    elif content == "header_only":
        content = xlsx([], trailing_empty=3)
    imports = RegistryImport.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        preview(tiny_city, content)
    [error] = field_errors(caught.value)
    assert (error["field"], error["code"]) == ("file", code)
    assert error["message"]
    assert RegistryImport.objects.count() == imports


def test_bad_file_messages_are_translated(tiny_city: TinyCity) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        preview(tiny_city, b"")
    assert field_errors(caught.value)[0]["message"] == "The file is empty."


# --- the rejected rows, given back --------------------------------------------------------------


def test_rejected_rows_workbook_has_the_typed_values_and_a_reason_column(
    tiny_city: TinyCity,
) -> None:
    tc = tiny_city
    mangled = 4.2010619900307e17
    content = xlsx(
        [
            row(name="好人", id_number=new_id()),
            row(name="坏号", id_number=mangled, phone="12345", note="三楼"),
            row(building="9栋", name="无楼", id_number=SYNTHETIC_EXAMPLE_ID, phone=13912345678),
        ],
        title="标题",
    )
    ri = preview(tc, content)
    assert ri.rejected_count == 2
    with translation.override("en"):
        data = rejects.import_rejected_export(actor=admin(tc), registry_import=ri)
    sheet = read_xlsx(data)
    assert sheet[0] == ["Row in your file", *HEADER, "Why it was not imported"]
    assert [r[0] for r in sheet[1:]] == [5, 6]
    first = dict(zip(sheet[0], sheet[1], strict=True))
    assert first["姓名"] == "坏号" and first["备注"] == "三楼"
    assert first["身份证号"] == "4.2010619900307e+17"  # as the cell held it
    assert "身份证号：" in first["Why it was not imported"]
    assert "联系电话：" in first["Why it was not imported"]
    wb = load_workbook(io.BytesIO(data))
    id_cell = wb.worksheets[0].cell(row=3, column=HEADER.index("身份证号") + 2)
    assert id_cell.value == SYNTHETIC_EXAMPLE_ID and id_cell.number_format == "@"
    audit = AuditEvent.objects.filter(action="export_rejected").latest("pk")
    assert audit.target_id == str(ri.pk) and audit.detail == {"rows": 2, "masked": False}
    assert "420106" not in str(audit.detail)

    # A supervisor who may see the import but not import gets ID and phone masked.
    masked = read_xlsx(
        rejects.import_rejected_export(actor=admin(tc, "street_admin"), registry_import=ri)
    )
    id_column = masked[0].index("身份证号")
    assert masked[2][id_column] == "420106********0011"
    assert AuditEvent.objects.filter(action="export_rejected").count() == 2


def test_a_masked_copy_of_rejected_rows_carries_no_birth_date(tiny_city: TinyCity) -> None:
    """A file with its own 出生日期 column (and a guardian's phone in another): the supervisor's
    masked copy shows the birth year and masks every number; the uploader's copy is as typed."""
    tc = tiny_city
    number = new_id(born=date(1983, 3, 6))
    header = [*HEADER, "出生日期", "出生年月", "监护人电话"]
    content = xlsx(
        [
            [
                *row(name="坏号1", id_number=number, phone="12345"),
                "1983-03-06",
                "19830306",
                "女儿 13912345678",
            ],
            [*row(name="坏号2", id_number="4201", phone="1"), date(1983, 3, 6), "", ""],
        ],
        header=header,
    )
    ri = preview(tc, content)
    assert ri.rejected_count == 2
    masked = read_xlsx(
        rejects.import_rejected_export(actor=admin(tc, "street_admin"), registry_import=ri)
    )
    head = masked[0]
    first = dict(zip(head, masked[1], strict=True))
    assert first["身份证号"] == f"{number[:6]}********{number[-4:]}"
    assert first["出生日期"] == "1983" and first["出生年月"] == "1983"
    assert first["监护人电话"] == "女儿 139****5678"
    # A date cell reaches the importer as Excel's day number: no year to read, so nothing shown.
    assert dict(zip(head, masked[2], strict=True))["出生日期"] is None
    text = "\n".join(str(c) for r in masked for c in r if c is not None)
    assert "03-06" not in text and "0306" not in text and number not in text
    # The uploader gets their own file back as they typed it.
    full = read_xlsx(rejects.import_rejected_export(actor=admin(tc), registry_import=ri))
    first = dict(zip(full[0], full[1], strict=True))
    assert first["出生日期"] == "1983-03-06" and first["身份证号"] == number
    assert first["监护人电话"] == "女儿 13912345678"


# --- progress -----------------------------------------------------------------------------------


def test_progress_counts_reach_the_total(
    tiny_city: TinyCity, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(selectors, "BATCH_SIZE", 2)
    content = xlsx([row(room=f"7-{i}", name="周", id_number=new_id()) for i in range(5)])
    ri = preview(tiny_city, content)
    seen: list[tuple[str, int]] = []
    classify = run.classify

    def spy(rows, registry, sheet):  # type: ignore[no-untyped-def]
        current = RegistryImport.objects.get(pk=ri.pk)
        seen.append((current.status, current.processed_rows))
        return classify(rows, registry, sheet)

    monkeypatch.setattr(run, "classify", spy)
    confirm_and_run(tiny_city, ri, django_capture_on_commit_callbacks)
    assert seen == [("running", 0), ("running", 2), ("running", 4)]
    assert (ri.processed_rows, ri.total_rows, ri.status) == (5, 5, ImportStatus.DONE)
    assert Resident.objects.filter(household__room__startswith="7-").count() == 5


def test_a_row_registered_meanwhile_is_rejected_and_the_rest_imported(
    tiny_city: TinyCity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """Between preview and run someone registers one of the IDs elsewhere."""
    tc = tiny_city
    taken = new_id()
    ri = preview(tc, xlsx([row(name="甲", id_number=taken), row(name="乙", id_number=new_id())]))
    Person.objects.create(name="别人", id_number=taken)
    confirm_and_run(tc, ri, django_capture_on_commit_callbacks)
    assert (ri.new_count, ri.rejected_count) == (1, 1)
    assert codes(ri) == {2: ["id_registered"]}
    assert Person.objects.filter(name="乙").exists()


def test_the_run_falls_back_to_the_services_when_a_bulk_insert_collides(
    tiny_city: TinyCity, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """An ID registered after the batch was classified: only that row is lost, with a reason."""
    tc = tiny_city
    taken = new_id()
    ri = preview(tc, xlsx([row(name="甲", id_number=taken), row(name="乙", id_number=new_id())]))
    classify = run.classify

    def late_writer(rows, registry, sheet):  # type: ignore[no-untyped-def]
        decisions = classify(rows, registry, sheet)
        Person.objects.create(name="别人", id_number=taken)
        return decisions

    monkeypatch.setattr(run, "classify", late_writer)
    confirm_and_run(tc, ri, django_capture_on_commit_callbacks)
    assert (ri.status, ri.new_count, ri.rejected_count) == (ImportStatus.DONE, 1, 1)
    assert codes(ri) == {2: ["id_registered"]}
    assert Resident.objects.filter(person__name="乙").exists()
    assert not Resident.objects.filter(person__name="甲").exists()


def test_a_run_whose_uploader_lost_the_role_fails_without_writing(
    tiny_city: TinyCity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from accounts.models import Grant

    tc = tiny_city
    ri = preview(tc, xlsx([row(id_number=new_id())]))
    with django_capture_on_commit_callbacks(execute=False):
        services.import_confirm(actor=admin(tc), registry_import=ri)
    Grant.objects.filter(user=tc.users["community_admin"]).delete()
    persons = Person.objects.count()
    run.import_run(ri.pk)
    ri.refresh_from_db()
    assert ri.status == ImportStatus.FAILED and ri.error
    assert Person.objects.count() == persons


def test_a_failing_run_logs_no_personal_data(
    tiny_city: TinyCity, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    number, phone = new_id(), "139" + "12345678"
    ri = preview(tiny_city, xlsx([row(name="甲", id_number=number, phone=phone)]))

    def broken(job, new):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"duplicate key {number} phone {phone}")

    monkeypatch.setattr(run, "write_new", broken)
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign,assignment]
    run.logger.addHandler(handler)
    try:
        confirm_and_run(tiny_city, ri, django_capture_on_commit_callbacks)
    finally:
        run.logger.removeHandler(handler)
    assert ri.status == ImportStatus.FAILED
    assert number not in ri.error and phone not in ri.error
    logged = "\n".join(r.getMessage() + str(r.exc_info or "") for r in records)
    assert "RuntimeError" in logged and "in broken" in logged  # where it failed
    assert number not in logged and phone not in logged
