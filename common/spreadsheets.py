"""Writing text into spreadsheet cells safely: every export of the portal
(the offline sheet, targets, the audit trail, the admin's) goes through
these, so a cell is never read as a formula and never holds what xlsx
cannot."""

import re

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet reads a cell beginning with one of these as a formula
# (CSV injection); such text is written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
# Control characters, which no xlsx cell can hold (openpyxl's
# ILLEGAL_CHARACTERS_RE).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def escape_formula(text: str) -> str:
    """Text as a cell value that no spreadsheet runs as a formula. A text
    that itself begins with the apostrophe gets one too, so that reading
    takes exactly one off."""
    if text.startswith((*FORMULA_STARTS, ESCAPE)):
        return ESCAPE + text
    return text


def normalise_text(text: str) -> str:
    """Text as it is stored, and as a cell holds it: no control
    characters, one kind of line break, no surrounding space. A report's
    web form and the offline sheet both save through this, so a round trip
    through the sheet leaves the text as it was."""
    text = _CONTROL.sub("", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()
