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
from dataclasses import dataclass
from pathlib import Path

import duckdb
from charset_normalizer import from_bytes

from .problems import file_problem

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
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw).best()
    if best is None:
        raise file_problem("binary", "not text in any encoding charset-normalizer knows; save it as CSV")
    return _decode_as(raw, _codec(best.encoding), False)


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
