"""The table writers every export shares: a drop-down only where the caller names one."""

import openpyxl

from actions.tables import Column, write_xlsx

COLUMNS = [Column("term", "Term", "#meta", 20), Column("status", "Status", "#status", 12)]


def validations(workbook_file) -> list[tuple[str, str]]:
    sheet = openpyxl.load_workbook(workbook_file).worksheets[0]
    return [(str(v.sqref), v.formula1) for v in sheet.data_validations.dataValidation]


def test_a_status_column_gets_no_list_unless_one_is_given():
    rows = [["IDPs", "Proposed"], ["Returnees", "Agreed"]]
    plain = write_xlsx(iter(rows), COLUMNS, about=[], sheet_title="Glossary")
    assert validations(plain) == []
    listed = write_xlsx(
        iter(rows), COLUMNS, about=[], sheet_title="Glossary", choices={"status": ["Proposed"]}
    )
    assert validations(listed) == [("B2:B1003", '"Proposed"')]
