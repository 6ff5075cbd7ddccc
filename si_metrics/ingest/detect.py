"""Detect how an uploaded file is written: container, encoding, delimiter, quote character and decimal mark.

Encodings come from the byte-order mark, else strict UTF-8, else charset-normalizer; delimiters from DuckDB's
CSV sniffer (the standard library's csv.Sniffer when DuckDB cannot tell). Nothing here guesses by hand except
the decimal mark, which no sniffer reports: see ``detect_decimal``.
"""

from __future__ import annotations

import codecs
import csv
import re
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
from charset_normalizer import from_bytes

from .problems import ROW, file_problem

SNIFF_CHARS = 64 * 1024  # DuckDB's sniffer needs a few hundred lines; a larger sample only costs time
# UTF-32 first: its little-endian mark begins with UTF-16's.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Files that are not text, by their first bytes ("magic numbers"), and what to tell the person uploading.
MAGIC = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another ZIP archive, not a CSV; save it as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls), not a CSV; save it as CSV"),
    (b"%PDF", "a PDF document, not a CSV"),
    (b"\x89PNG", "a PNG image, not a CSV"),
    (b"\xff\xd8\xff", "a JPEG image, not a CSV"),
)
ZIP_MAGIC = b"PK\x03\x04"  # a .zip: an NSI table's three files, or one CSV (an .xlsx is one too, and refused)
GZIP_MAGIC = b"\x1f\x8b"  # Eurostat's bulk download serves .tsv.gz
MARKUP = re.compile(r"\s*<(?:!doctype|html|head|body|table|\?xml|!--|[a-z]+:[a-z])", re.IGNORECASE)
DELIMITERS = {
    "tab": "\t",
    "\\t": "\t",
    "comma": ",",
    "semicolon": ";",
    "pipe": "|",
    ",": ",",
    ";": ";",
    "\t": "\t",
    "|": "|",
}
DECIMALS = {".": ".", ",": ",", "point": ".", "comma": ","}
_COMMA_DECIMAL = re.compile(r"^\s*[-+]?\d[\d \u00a0\u202f]*,\d+\s*$")
_POINT_DECIMAL = re.compile(r"^\s*[-+]?\d*\.\d+\s*$")
_NEWLINES = re.compile(r"\r\n|\r|\n")
# Limits that hold before anything is built per column or per line (docs/security.md lists them all).
# The widest real source has 23 columns (datasets/sources/estat_tgs00010_…csv, SDMX-CSV 2.0 with labels, and
# datasets/projects.csv); a Eurostat bulk TSV with every year since 1960 has under 70. 500 leaves a wide margin and
# refuses a header that would make a column object per field (5 million of them took more than 16 GB).
MAX_COLUMNS = 500
MAX_LINE_CHARS = 16 * 2**20  # as the csv module's field limit (table.py): no real cell, hence no line, is longer
SEPARATORS = ",;\t|"  # every delimiter detection can give
LINE_CHUNK = 2**20  # lines are split a chunk at a time, so a big file is never held as a list of all its lines
_LEADING_BLANK = re.compile(r"\s*")
SCAN_BLOCK = 4 * 2**20  # bytes looked at at once for UTF-8 lines in a file of another encoding
GUESS_SAMPLE = 2**20  # bytes charset-normalizer guesses from: on the whole of a 150 MB file it took 16 s
_NON_ASCII = re.compile(rb"[\x80-\xff]")
ENCODING_LABELS = {
    "cp1251": "Windows-1251",
    "mac_cyrillic": "Mac Cyrillic",
    "koi8_r": "KOI8-R",
    "cp1252": "Windows-1252",
}


@dataclass(frozen=True)
class Decoded:
    """The text of an upload and how it was decoded."""

    text: str
    encoding: str
    bom: bool
    gzip: bool = False


def line_at(text: str, index: int) -> int:
    """The 1-based line of a character position, counting \\r\\n, \\r and \\n as one line break each."""
    return len(_NEWLINES.findall(text, 0, index)) + 1


def split_lines(text: str) -> list[str]:
    """The physical lines of a text, as a spreadsheet user counts them."""
    return _NEWLINES.split(text)


def _too_wide(fields: int, line: int, value: str, header: bool) -> ValueError:
    what = "the header has" if header else "this line has"
    return file_problem(
        "too_wide",
        f"{what} {fields:,} fields; at most {MAX_COLUMNS:,} columns are read (the widest format, a Eurostat bulk "
        "TSV with every year, has under 70): is this the right file, and is the delimiter right?",
        line=line,
        column=ROW,
        value=value[:60],
    )


def _too_long(length: int, line: int, value: str) -> ValueError:
    return file_problem(
        "line_too_long",
        f"the line is {length:,} characters long; the longest line (and field) read is {MAX_LINE_CHARS:,} "
        "characters: a cell that long is not data; is this a CSV?",
        line=line,
        column=ROW,
        value=value[:60],
    )


def refuse_wide_header(text: str, separators: str = SEPARATORS) -> None:
    """Refuse a first non-blank line with more than MAX_COLUMNS fields by any separator, counted on the raw line
    before it is split, sniffed or parsed (so nothing is built per column)."""
    start = _LEADING_BLANK.match(text).end()  # type: ignore[union-attr]  # \s* always matches
    start = text.rfind("\n", 0, start) + 1 if start < len(text) else start
    ends = [i for i in (text.find("\n", start), text.find("\r", start)) if i >= 0]
    end = min(ends) if ends else len(text)
    fields = max(text.count(s, start, end) for s in separators) + 1
    if fields > MAX_COLUMNS:
        raise _too_wide(fields, line_at(text, start), text[start : min(end, start + 60)], header=True)
    if end - start > MAX_LINE_CHARS:
        raise _too_long(end - start, line_at(text, start), text[start : start + 60])


def chunks(text: str, size: int) -> Iterator[str]:
    """The text in pieces of about ``size`` characters, each ending after a line break (the last one may not), with
    \\r\\n and \\r turned into \\n."""
    pos, length = 0, len(text)
    while pos < length:
        cut = pos + size
        newline = text.find("\n", cut) if cut < length else -1
        end = length if newline < 0 else newline + 1  # after a \n, so a \r\n is never cut in two
        yield text[pos:end].replace("\r\n", "\n").replace("\r", "\n")
        pos = end


def lines(text: str, separators: str) -> Iterator[str]:
    """The physical lines of a text, each ending in \\n (\\r\\n and \\r become \\n, as with universal newlines), split a
    chunk at a time; a line longer than MAX_LINE_CHARS or with more than MAX_COLUMNS fields by one of
    ``separators`` is refused at its number before anything is built from it."""
    number = 0
    for chunk in chunks(text, LINE_CHUNK):
        parts = chunk.split("\n")
        if chunk.endswith("\n"):
            parts.pop()
        for part in parts:
            number += 1
            if len(part) > MAX_LINE_CHARS:
                raise _too_long(len(part), number, part)
            for s in separators:
                if part.count(s) >= MAX_COLUMNS:
                    raise _too_wide(part.count(s) + 1, number, part, header=number == 1)
            yield part + "\n"


def physical_lines(text: str) -> int:
    """How many lines the text has, counting \\r\\n, \\r and \\n as one line break each (no list is built)."""
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    return breaks + (bool(text) and not text.endswith(("\n", "\r")))


def unpack(raw: bytes, max_bytes: int) -> tuple[bytes, bool]:
    """The bytes to read: gunzipped when the upload is gzip, never more than ``max_bytes``."""
    if not raw.startswith(GZIP_MAGIC):
        return raw, False
    try:
        out = zlib.decompressobj(wbits=31).decompress(raw, max_bytes + 1)
    except zlib.error as exc:
        raise file_problem("binary", f"a damaged gzip file ({exc})") from None
    if len(out) > max_bytes:
        raise file_problem(
            "too_large",
            f"uncompressed, the file is larger than the limit of {max_bytes / 2**20:g} MB (SI_MAX_UPLOAD_MB)",
        )
    return out, True


def reject_non_text(raw: bytes) -> None:
    """Refuse spreadsheets, PDFs and images renamed .csv, with what they are and what to do."""
    for magic, what in MAGIC:
        if raw.startswith(magic):
            raise file_problem("binary", f"this is {what}", value=repr(raw[:8])[2:-1])


def _codec(name: str) -> str:
    """A codec name Python knows, or a FileRejected naming the unknown one."""
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        raise file_problem("encoding", f"unknown encoding {name!r}; try utf-8 or windows-1251", value=name) from None


def _decode_as(raw: bytes, codec: str, bom: bool) -> Decoded:
    """Decode strictly; an undecodable byte is reported at its line."""
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode(codec, errors="replace")
        line = line_at(before, len(before))
        byte = raw[exc.start : exc.start + 1].hex()
        raise file_problem(
            "encoding",
            f"byte 0x{byte} cannot be read as {codec}; choose the file's encoding "
            "(utf-8, windows-1251, …) or save it as CSV UTF-8",
            line=line,
            value=f"0x{byte}",
        ) from None
    return Decoded(text.removeprefix("\ufeff"), codec, bom)


def decode(raw: bytes, encoding: str | None = None) -> Decoded:
    """Decode an upload: the named encoding, else its byte-order mark, else UTF-8, else charset-normalizer's guess.

    UTF-16 and UTF-32 are accepted with a byte-order mark (Excel's "Unicode text" has one); without one their
    NUL bytes make the file look binary, and it is refused with a clear message.
    """
    reject_non_text(raw)
    if encoding:
        codec = _codec(encoding)
        if not codec.startswith("utf"):
            refuse_mixed(raw, codec)
        return _decode_as(raw, codec, raw.startswith(codecs.BOM_UTF8) and codec == "utf-8")
    for mark, codec in BOMS:
        if raw.startswith(mark):
            return _decode_as(raw, codec, True)
    if b"\x00" in raw:
        nul = raw.index(b"\x00")
        raise file_problem(
            "binary",
            "NUL bytes: a binary file, or UTF-16 without a byte-order mark; save it as CSV UTF-8",
            line=raw[:nul].count(b"\n") + 1,
            value="0x00",
        )
    try:
        return Decoded(raw.decode("utf-8").removeprefix("\ufeff"), "utf-8", False)
    except UnicodeDecodeError as exc:
        not_utf8 = exc.start
    # the guess is for the whole file: lines that are UTF-8 in it (pasted from elsewhere) would be published as
    # mojibake (РџСЂРѕРµРєС‚ for Проект), so a mixture is refused at its odd line first
    cut = raw.rfind(b"\n", 0, GUESS_SAMPLE) if len(raw) > GUESS_SAMPLE else len(raw)
    best = from_bytes(raw[: cut if cut > 0 else GUESS_SAMPLE]).best()
    codec = _codec(best.encoding) if best else "cp1251"
    refuse_mixed(raw, codec, not_utf8=not_utf8)
    if best is None:
        line = raw_line(raw, not_utf8)
        byte = raw[not_utf8 : not_utf8 + 1].hex()
        raise file_problem(
            "encoding",
            f"not text in any encoding charset-normalizer knows (byte 0x{byte} on this line is not UTF-8); "
            "save it as CSV UTF-8",
            line=line,
            value=_line_text(raw, not_utf8, "utf-8"),
        )
    return _decode_as(raw, codec, False)


def raw_line(raw: bytes, index: int) -> int:
    """The 1-based line of a byte position, counting \\r\\n, \\r and \\n as one line break each."""
    return raw.count(b"\n", 0, index) + raw.count(b"\r", 0, index) - raw.count(b"\r\n", 0, index) + 1


def _bounds(raw: bytes, index: int) -> tuple[int, int]:
    """Where the line holding a byte position starts and ends."""
    start = max(raw.rfind(b"\n", 0, index), raw.rfind(b"\r", 0, index)) + 1
    ends = [i for i in (raw.find(b"\n", index), raw.find(b"\r", index)) if i >= 0]
    return start, min(ends) if ends else len(raw)


def _line_text(raw: bytes, index: int, codec: str) -> str:
    """The line holding a byte position, as it decodes (undecodable bytes shown as \ufffd), at most 60 characters."""
    start, end = _bounds(raw, index)
    return raw[start : min(end, start + 240)].decode(codec, errors="replace")[:60]


def _utf8_candidates(raw: bytes) -> Iterator[int]:
    """Positions where a multi-byte UTF-8 sequence (a lead byte, then one or two continuation bytes) starts, found a
    block at a time by NumPy: a regular expression over 150 MB of Windows-1251 took 5 s."""
    for start in range(0, len(raw), SCAN_BLOCK):
        a = np.frombuffer(raw, np.uint8, count=min(SCAN_BLOCK + 2, len(raw) - start), offset=start)
        if len(a) < 2:
            return
        follows = (a[1:] & 0xC0) == 0x80  # a continuation byte
        lead2 = (a[:-1] >= 0xC2) & (a[:-1] <= 0xDF) & follows
        lead3 = (a[:-2] >= 0xE0) & (a[:-2] <= 0xF4) & follows[:-1] & follows[1:]
        hits = np.flatnonzero(lead2[: min(SCAN_BLOCK, len(lead2))])
        hits3 = np.flatnonzero(lead3[: min(SCAN_BLOCK, len(lead3))])
        for index in np.union1d(hits, hits3):
            yield start + int(index)


def first_utf8_line(raw: bytes) -> int | None:
    """The byte position of the first line that holds non-ASCII text and is valid UTF-8, else None."""
    checked = -1  # lines up to here were tried and are not UTF-8
    for index in _utf8_candidates(raw):
        if index <= checked:
            continue
        start, end = _bounds(raw, index)
        try:
            raw[start:end].decode("utf-8")
        except UnicodeDecodeError:
            checked = end  # a Windows-1251 line whose bytes happen to look like UTF-8 in one place
            continue
        return index
    return None


def refuse_mixed(raw: bytes, codec: str, name: str = "", not_utf8: int | None = None) -> None:
    """Refuse a file to be read as the 8-bit ``codec`` that has UTF-8 lines in it, at its odd line: the first UTF-8
    line when the file starts in another encoding, else (a UTF-8 file with some other line) the first line that is
    not UTF-8. ``not_utf8``: where strict UTF-8 decoding failed, when the caller knows."""
    utf8 = first_utf8_line(raw)
    if utf8 is None:
        return
    if not_utf8 is None:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            not_utf8 = exc.start
    label = ENCODING_LABELS.get(codec, codec)
    prefix = f"{name}: " if name else ""
    utf8_line = raw_line(raw, utf8)
    if not_utf8 is None:  # all of it is UTF-8, and another encoding was chosen
        raise file_problem(
            "encoding",
            f"{prefix}the file is UTF-8 (line {utf8_line} reads as shown), not {label} as chosen; "
            "expected the file's own encoding: choose utf-8, or let it be detected",
            line=utf8_line,
            value=_line_text(raw, utf8, "utf-8"),
        )
    first = _NON_ASCII.search(raw)
    first_line = raw_line(raw, first.start() if first else utf8)
    if first_line == utf8_line:  # it starts in UTF-8: the odd line is the first that is not
        bad = raw_line(raw, not_utf8)
        byte = raw[not_utf8 : not_utf8 + 1].hex()
        raise file_problem(
            "encoding",
            f"{prefix}line {bad} is not UTF-8 (byte 0x{byte}; shown as {label}) while line {utf8_line} and the "
            "rest of the file are UTF-8; expected one encoding throughout: save the whole file as CSV UTF-8",
            line=bad,
            value=_line_text(raw, not_utf8, codec),
        )
    raise file_problem(
        "encoding",
        f"{prefix}line {utf8_line} is UTF-8 while the rest of the file is {label} (from line {first_line}); "
        "expected one encoding throughout: save the whole file in one encoding (CSV UTF-8)",
        line=utf8_line,
        value=_line_text(raw, utf8, "utf-8"),
    )


def reject_markup(text: str) -> None:
    """Refuse a web page or XML document saved under a .csv name."""
    if MARKUP.match(text[:4096]):
        start = len(text) - len(text.lstrip())
        first = text.lstrip().split("\n", 1)[0][:40]
        raise file_problem(
            "html",
            "an HTML or XML page, not a CSV (saved from a browser?); download the data as CSV or TSV",
            line=line_at(text, start),
            value=first,
        )


def _sample(text: str) -> str:
    """The first complete lines of the text, up to SNIFF_CHARS characters."""
    if len(text) <= SNIFF_CHARS:
        return text
    cut = text.rfind("\n", 0, SNIFF_CHARS)
    return text[: cut + 1] if cut > 0 else text[:SNIFF_CHARS]


def _stdlib_sniff(sample: str) -> tuple[str, str]:
    """The standard library's guess, or comma and double quote when it has none."""
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        return dialect.delimiter, dialect.quotechar or '"'
    except csv.Error:
        return ",", '"'


def sniff_dialect(text: str) -> tuple[str, str]:
    """Delimiter and quote character by DuckDB's CSV sniffer (csv.Sniffer when DuckDB cannot tell)."""
    sample = _sample(text)
    with tempfile.TemporaryDirectory(prefix="si_sniff_") as tmp:
        path = Path(tmp) / "sample.csv"
        path.write_text(sample, encoding="utf-8")
        con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
        try:
            delimiter, quote = con.execute(  # type: ignore[misc]  # sniff_csv returns one row
                "select Delimiter, Quote from sniff_csv(?, sample_size = -1, ignore_errors = true)", [str(path)]
            ).fetchone()
        except duckdb.Error:
            delimiter, quote = _stdlib_sniff(sample)
        finally:
            con.close()
    if len(delimiter) != 1:
        delimiter = _stdlib_sniff(sample)[0]
    return delimiter, quote if len(quote) == 1 else '"'


def delimiter_option(name: str) -> str:
    """A delimiter given by staff (``;``, ``tab``, ``\\t``, ``comma``, …) as the character itself."""
    try:
        return DELIMITERS[name if name in DELIMITERS else name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown delimiter {name!r}; use one of , ; tab |") from None


def decimal_option(name: str) -> str:
    """A decimal mark given by staff (``.``, ``,``, ``point``, ``comma``)."""
    try:
        return DECIMALS[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown decimal mark {name!r}; use . or ,") from None


def detect_decimal(cells: list[str], delimiter: str) -> str:
    """',' when most number cells use a decimal comma, else '.'.

    No sniffer reports the decimal mark. With a comma delimiter it is always '.', because "1,234" there is
    Excel's quoted thousands separator, not 1.234; with ';' or tab (Bulgarian Excel) the majority decides.
    """
    if delimiter == ",":
        return "."
    commas = sum(1 for c in cells if c and _COMMA_DECIMAL.match(c))
    points = sum(1 for c in cells if c and _POINT_DECIMAL.match(c))
    return "," if commas > points else "."
