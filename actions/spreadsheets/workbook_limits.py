"""What an uploaded workbook may hold, checked before openpyxl parses a byte of it.

An .xlsx is a zip of XML files, and a tiny one can stand for a great deal of work: a 4.7 KB
workbook whose one row is numbered 10,000,000 has openpyxl walk ten million empty rows, and
191 KB of empty cells unpack to some 90 MB of XML. Each kept a server's worker busy past
its timeout. So, before parsing:

- the unpacked size, from the zip's own directory: at most ``MAX_UNPACKED_BYTES``, and at
  most ``MAX_COMPRESSION_RATIO`` times the file (real sheets compress some 5 to 20 times;
  empty cells, hundreds of times);
- each sheet's declared dimension (``<dimension ref="A1:C10000000"/>``) and the number of
  every row it holds, read from the raw XML as it unpacks, without parsing it: no row
  beyond ``MAX_ROW_NUMBER``;

and while reading, ``ReadingClock`` stops after ``READ_SECONDS``. Every refusal is a
``SpreadsheetError`` that says what to do.
"""

import re
import time
import zipfile

from django.utils.translation import gettext as _

# A plan's rows (reading.MAX_ROWS) with room for blank rows between them.
MAX_ROW_NUMBER = 50_000
# A full 20,000-row sheet of 60 columns of text is some 40 MB of XML.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Well inside the server's 60-second timeout (deploy/gunicorn.conf.py).
READ_SECONDS = 20.0
_CHUNK = 1024 * 1024

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s[^>]*?ref=\"[A-Z]*\d*:?[A-Z]*(\d+)\"")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"(\d+)\"")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


class WorkbookTooLarge(Exception):
    """The workbook asks for more work than a plan needs; ``message`` says what to do."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def check_workbook(archive: zipfile.ZipFile, packed_size: int) -> None:
    """Refuse a workbook that unpacks to too much, or whose rows go too far down."""
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_COMPRESSION_RATIO * max(packed_size, 1):
        raise WorkbookTooLarge(
            _(
                "The workbook unpacks to %(size)d MB, far more than a plan's rows need: it "
                "may hold formatting over whole empty rows or columns. Copy the table into "
                "a new workbook and import that."
            )
            % {"size": max(1, unpacked // 2**20)}
        )
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            last = _last_row_number(archive, name)
            if last > MAX_ROW_NUMBER:
                raise WorkbookTooLarge(
                    _(
                        "The sheet goes down to row %(row)s, but a plan has at most "
                        "%(max)s rows: delete the empty rows below the table (or what was "
                        "typed far below it) and save again."
                    )
                    % {"row": f"{last:,}", "max": f"{MAX_ROW_NUMBER:,}"}
                )


def _last_row_number(archive: zipfile.ZipFile, name: str) -> int:
    """The largest row number the sheet declares or holds, from its raw XML (rows need
    not carry their number: then their count is the last number)."""
    last = counted = 0
    tail = b""
    with archive.open(name) as stream:
        while chunk := stream.read(_CHUNK):
            text = tail + chunk
            for pattern in (_DIMENSION, _ROW_NUMBER):
                for match in pattern.finditer(text):
                    last = max(last, int(match.group(1)))
            counted += len(_ROW.findall(text)) - len(_ROW.findall(tail))
            if max(last, counted) > MAX_ROW_NUMBER:
                break
            # A tag cut in two by the chunk boundary is found whole in the next round.
            tail = text[-256:]
    return max(last, counted)


class ReadingClock:
    """Stops a reading that takes longer than ``READ_SECONDS``."""

    def __init__(self, seconds: float | None = None) -> None:
        self.deadline = time.monotonic() + (READ_SECONDS if seconds is None else seconds)

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise WorkbookTooLarge(
                _(
                    "Reading the workbook took too long, so it was stopped. Save it again "
                    "with only the table of action points (no other sheets, no formatting "
                    "over empty rows) and import that."
                )
            )
