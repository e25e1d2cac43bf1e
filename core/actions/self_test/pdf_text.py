"""Read back a PDF that ``core.pdf`` wrote: its structure, pages, fonts and text.

The self-test must prove on the workstation that a report is written *and* readable, and
pypdf is a test dependency only, not shipped: this reads what reportlab writes, with the
standard library alone — PDF 1.4 with a cross-reference table, objects one after another,
Flate and ASCII85 filters, TrueType subsets with a ToUnicode map (ISO 32000-1 §7.5,
§7.4, §9.10.3). It is not a reader for any PDF; anything else is refused as unreadable.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

_REF = rb"(\d+)\s+0\s+R"
_NAME = rb"/([^\s/<>\[\]()]+)"


class PdfReadError(ValueError):
    """The PDF is damaged, or not the kind ``core.pdf`` writes."""


@dataclass(frozen=True, slots=True)
class PdfFont:
    """A font the text is shown in."""

    name: str  # BaseFont, e.g. "AAAAAA+DejaVuSans" for a subset
    embedded: bool


@dataclass(frozen=True, slots=True)
class PdfContent:
    """What a reader of the file sees: the pages, each page's text, its fonts."""

    page_count: int
    page_text: tuple[str, ...]  # lines of text per page, in drawing order
    fonts: tuple[PdfFont, ...]  # those the text uses


@dataclass(frozen=True, slots=True)
class _Object:
    header: bytes  # the dictionary (or value) before any stream
    stream: bytes | None


def read_pdf(data: bytes) -> PdfContent:
    """Check the file's structure and read its pages, text and fonts.

    Raises
    ------
    PdfReadError
        Naming what is wrong: no header or end marker, a cross-reference entry pointing
        nowhere, a stream that does not decode, a page without content.
    """
    if not data.startswith(b"%PDF-1."):
        raise PdfReadError("no PDF header")
    if not data.rstrip().endswith(b"%%EOF"):
        raise PdfReadError("no %%EOF end marker: the file is cut short")
    objects = {number: _object_at(data, number, offset) for number, offset in _xref(data)}
    pages = [o for o in objects.values() if re.search(rb"/Type\s*/Page(?![A-Za-z])", o.header)]
    counts = [int(m.group(1)) for o in objects.values()
              if re.search(rb"/Type\s*/Pages\b", o.header)
              for m in [re.search(rb"/Count\s+(\d+)", o.header)] if m]
    if not pages or counts != [len(pages)]:
        raise PdfReadError(f"{len(pages)} page objects, the page tree counts {counts}")
    texts: list[str] = []
    used: dict[str, PdfFont] = {}
    for page in pages:
        fonts = _page_fonts(objects, page)
        lines = []
        for ref in _contents(page):
            shown, names = _text(_decoded(_get(objects, ref)), fonts)
            lines.extend(shown)
            used.update({name: fonts[name][1] for name in names})
        texts.append("\n".join(lines))
    return PdfContent(len(pages), tuple(texts), tuple(used.values()))


def _xref(data: bytes) -> Iterator[tuple[int, int]]:
    """(object number, offset) of every object in use, from the cross-reference table."""
    found = re.findall(rb"startxref\s+(\d+)", data[-1024:])
    if not found:
        raise PdfReadError("no startxref")
    at = int(found[-1])
    section = re.compile(rb"xref\s+(\d+)\s+(\d+)\s+").match(data, at)
    if section is None:
        raise PdfReadError(f"startxref points at offset {at}, where no xref table starts")
    first, count = int(section.group(1)), int(section.group(2))
    entries = data[section.end():section.end() + 20 * count]
    for index in range(count):
        entry = entries[20 * index:20 * index + 20]
        if len(entry) < 18 or entry[17:18] not in (b"n", b"f"):
            raise PdfReadError(f"cross-reference entry {first + index} is damaged")
        if entry[17:18] == b"n":
            yield first + index, int(entry[:10])


def _object_at(data: bytes, number: int, offset: int) -> _Object:
    start = re.compile(rb"%d\s+0\s+obj\b" % number).match(data, offset)
    if start is None:
        raise PdfReadError(f"the cross-reference table puts object {number} at offset "
                           f"{offset}, where it is not")
    end = data.find(b"endobj", start.end())
    stream_at = data.find(b"stream", start.end(), end if end >= 0 else None)
    if stream_at < 0:
        if end < 0:
            raise PdfReadError(f"object {number} has no end")
        return _Object(data[start.end():end], None)
    header = data[start.end():stream_at]
    length = re.search(rb"/Length\s+(\d+)", header)
    if length is None:
        raise PdfReadError(f"stream of object {number} has no length")
    begin = stream_at + len(b"stream")
    begin += 2 if data[begin:begin + 2] == b"\r\n" else 1
    body = data[begin:begin + int(length.group(1))]
    if not data[begin + len(body):begin + len(body) + 20].lstrip().startswith(b"endstream"):
        raise PdfReadError(f"stream of object {number} is not as long as its /Length says")
    return _Object(header, body)


def _get(objects: dict[int, _Object], ref: int) -> _Object:
    if ref not in objects:
        raise PdfReadError(f"object {ref} is referred to but not in the file")
    return objects[ref]


def _decoded(obj: _Object) -> bytes:
    if obj.stream is None:
        raise PdfReadError("a stream was expected")
    data = obj.stream
    filters = re.search(rb"/Filter\s*(\[[^\]]*\]|/\w+)", obj.header)
    for name in re.findall(_NAME, filters.group(1)) if filters else []:
        try:
            if name == b"ASCII85Decode":
                data = base64.a85decode(re.sub(rb"\s", b"", data).removesuffix(b"~>"))
            elif name == b"FlateDecode":
                data = zlib.decompress(data)
            else:
                raise PdfReadError(f"filter {name.decode()} is not one core.pdf writes")
        except (ValueError, zlib.error) as error:
            if isinstance(error, PdfReadError):
                raise
            raise PdfReadError(f"a {name.decode()} stream does not decode: {error}") from None
    return data


def _contents(page: _Object) -> list[int]:
    found = re.search(rb"/Contents\s*(\[[^\]]*\]|" + _REF + rb")", page.header)
    if found is None:
        raise PdfReadError("a page has no content")
    return [int(n) for n in re.findall(_REF, found.group(1))]


def _page_fonts(objects: dict[int, _Object], page: _Object
                ) -> dict[str, tuple[dict[int, str] | None, PdfFont]]:
    """The page's font resources: name → (the code → text map, the font)."""
    direct = re.search(rb"/Font\s*(<<.*?>>)", page.header, re.S)
    indirect = re.search(rb"/Font\s+" + _REF, page.header)
    if direct is not None:
        table = direct.group(1)
    elif indirect is not None:
        table = _get(objects, int(indirect.group(1))).header
    else:
        return {}
    fonts = {}
    for name, ref in re.findall(_NAME + rb"\s+" + _REF, table):
        font = _get(objects, int(ref)).header
        base = re.search(rb"/BaseFont\s*" + _NAME, font)
        descriptor = re.search(rb"/FontDescriptor\s+" + _REF, font)
        embedded = descriptor is not None and re.search(
            rb"/FontFile[23]?\s+" + _REF, _get(objects, int(descriptor.group(1))).header
        ) is not None
        to_unicode = re.search(rb"/ToUnicode\s+" + _REF, font)
        codes = _cmap(_decoded(_get(objects, int(to_unicode.group(1))))) if to_unicode else None
        fonts[name.decode()] = (codes, PdfFont(base.group(1).decode() if base else "?",
                                               embedded))
    return fonts


def _cmap(data: bytes) -> dict[int, str]:
    """A ToUnicode CMap's one-byte codes and the text each stands for."""
    codes: dict[int, str] = {}

    def text(hex_digits: bytes) -> str:
        return bytes.fromhex(hex_digits.decode()).decode("utf-16-be")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, value in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            codes[int(code, 16)] = text(value)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, value in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = int(value, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                codes[code] = chr(first + offset)
    return codes


_TOKEN = re.compile(rb"\s*(?:(\()|(<[0-9A-Fa-f\s]*>)|(/[^\s/<>\[\]()]*)|(\[)|(\])|"
                    rb"([-+.\d]+)|([A-Za-z'\"*]+)|(<<|>>)|(%[^\n]*))")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _string(data: bytes, at: int) -> tuple[bytes, int]:
    """The literal string starting after the "(" at *at*, and where it ends."""
    out, depth, i = bytearray(), 1, at
    while i < len(data):
        char = data[i:i + 1]
        if char == b"\\":
            following = data[i + 1:i + 2]
            octal = re.compile(rb"[0-7]{1,3}").match(data, i + 1)
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i = octal.end()
                continue
            out += _ESCAPES.get(following, following)
            i += 2
            continue
        if char == b"(":
            depth += 1
        elif char == b")":
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out += char
        i += 1
    raise PdfReadError("a text string in the page content has no end")


def _text(content: bytes, fonts: dict[str, tuple[dict[int, str] | None, PdfFont]]
          ) -> tuple[list[str], set[str]]:
    """The lines the content stream shows, and the names of the fonts it shows them in."""
    lines: list[str] = []
    line: list[str] = []
    operands: list[bytes | list[bytes]] = []
    array: list[bytes] | None = None
    font: str | None = None
    used: set[str] = set()
    at = 0
    while at < len(content):
        token = _TOKEN.match(content, at)
        if token is None or token.end() == at:
            if content[at:].strip():
                raise PdfReadError(f"page content unreadable at byte {at}")
            break
        at = token.end()
        literal, hexa, name, opening, closing, _number, operator = token.groups()[:7]
        if literal:
            value, at = _string(content, at)
        elif hexa:
            value = bytes.fromhex(re.sub(rb"[\s<>]", b"", hexa).decode())
        elif opening:
            array = []
            continue
        elif closing:
            operands.append(array or [])
            array = None
            continue
        elif operator:
            if operator == b"Tf" and operands and isinstance(operands[0], bytes):
                font = operands[0].decode().lstrip("/")
            elif operator in (b"Tj", b"TJ", b"'", b'"'):
                if font is None or font not in fonts:
                    raise PdfReadError(f"text shown in font {font}, which the page lacks")
                used.add(font)
                codes = fonts[font][0]
                for shown in operands[-1:]:
                    for part in shown if isinstance(shown, list) else [shown]:
                        line.append(part.decode("cp1252", "replace") if codes is None
                                    else "".join(codes.get(byte, "\ufffd") for byte in part))
            if operator in (b"ET", b"T*", b"Td", b"TD", b"Tm", b"'", b'"') and line:
                lines.append("".join(line))
                line = []
            operands = []
            continue
        elif name:
            value = name
        else:
            continue  # a number, a dictionary bracket or a comment: no text
        if array is not None:
            if literal or hexa:
                array.append(value)
        else:
            operands.append(value)
    if line:
        lines.append("".join(line))
    return lines, used
