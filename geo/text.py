"""The one input rule for text from outside: no control characters.

PostgreSQL cannot store NUL in text (the insert fails), and the other C0 controls (and DEL)
have no business in a case, an address or a code. Tab, line feed and carriage return are
text. Every way in applies this rule: the JSON API's schemas, query strings, forms and paths
(webmap/inputs.py), and each cell of a batch file (data/load/case_batch.py).
"""

from __future__ import annotations

import re

from geo.errors import BadInput

CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # escapes, not the characters: RE2 reads it too
_CONTROL = re.compile(CONTROL)
MESSAGE = "不允许含控制字符（如 NUL）"


def has_control(value: str) -> bool:
    return _CONTROL.search(value) is not None


def require_clean(value: str, where: str) -> str:
    """value unchanged, or BadInput naming where the control character was."""
    if has_control(value):
        raise BadInput(f"{where}: {MESSAGE}")
    return value


# A spreadsheet runs a cell that begins like a formula (=, +, -, @; tab and CR start one in
# some): a reporter's =HYPERLINK(…) would reach staff's Excel live (CSV/XLSX injection).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def sheet_cell(value: object) -> object:
    """The value as a spreadsheet cell that runs nothing: text that begins like a formula gets a
    leading apostrophe, which spreadsheets show as text; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value
