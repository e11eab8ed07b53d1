"""The one CSV writer of the project: cells a spreadsheet would run as a formula are defused.

A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is opened by
Excel or LibreOffice as a formula (``=HYPERLINK(…)``, ``@SUM(…)``): such a text cell gets a
leading apostrophe, which spreadsheets show as nothing and read as "this is text". Numbers
(``int``, ``Decimal``, and strings that are just a signed number such as ``-3.5``) stay as
they are. The stocktake report and every report table write through ``csv_writer``.
"""

from __future__ import annotations

import csv
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def csv_cell(value):
    """``value`` as written to a CSV cell: formula-looking text is neutralised."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.match(value):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, out, **kwargs) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kwargs) -> _SafeWriter:
    """A ``csv.writer`` on ``out`` whose every cell goes through ``csv_cell``."""
    return _SafeWriter(out, **kwargs)
