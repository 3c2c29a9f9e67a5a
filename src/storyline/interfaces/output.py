"""Listing output in the four formats every listing command takes.

``table`` is for people (the default on a terminal); ``json``, ``jsonl`` and ``csv`` are the
machine interface, with the field names documented in the README.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "json", "jsonl", "csv")


def default_format(stream: TextIO | None = None) -> str:
    return "table" if (stream or sys.stdout).isatty() else "jsonl"


def emit(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    fmt: str,
    *,
    title: str | None = None,
    stream: TextIO | None = None,
) -> None:
    """Write rows; ``columns`` picks and orders the table/CSV columns (JSON keeps all keys)."""
    out = stream or sys.stdout
    if fmt == "json":
        json.dump(list(rows), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _cell(row.get(c)) for c in columns})
    else:
        table = Table(title=title, show_lines=False, header_style="bold")
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(_table_cell(row.get(c)) for c in columns))
        width = None if out.isatty() else 160  # piped tables: don't squeeze to 80 columns
        Console(file=out, soft_wrap=False, width=width).print(table)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text for a terminal: control characters shown, not obeyed. A file name or title may
    hold a newline (one reject would read as two lines) or an escape sequence."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _table_cell(value: Any) -> Text:
    """Stored text is never Rich markup: "[bold]" in a title is shown as written."""
    return Text(printable(_cell(value)))
