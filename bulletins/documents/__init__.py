"""The bulletin as documents: Word (GB/T 9704-2012), PDF, xlsx and the
charts in them. Pure functions of a figures snapshot and the text dict:
no database, so an issued version renders the same whenever it is asked.
"""


class DocumentError(Exception):
    """A document could not be made; the message says why, in Chinese."""


# The package's API, importable as bulletins.documents.render_docx etc.
from .charts import render_charts  # noqa: E402
from .pdf import docx_to_pdf  # noqa: E402
from .word import render_docx  # noqa: E402
from .xlsx import render_xlsx  # noqa: E402

__all__ = [
    "DocumentError",
    "docx_to_pdf",
    "render_charts",
    "render_docx",
    "render_xlsx",
]
