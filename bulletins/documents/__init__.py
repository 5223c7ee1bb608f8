"""The bulletin as documents: Word (GB/T 9704-2012), PDF, xlsx and the
charts in them. Pure functions of a figures snapshot and the text dict:
no database, so an issued version renders the same whenever it is asked.
"""


class DocumentError(Exception):
    """A document could not be made; the message says why, in Chinese."""
