"""The text a PDF shows, read back for tests: each page's content stream (pyHanko's
reader decompresses it) decoded through its fonts' ToUnicode maps. Enough for
what tenant_apps/forms/pdf.py writes (Type0 fonts, literal strings)."""

from __future__ import annotations

import io
import re

from pyhanko.pdf_utils.reader import PdfFileReader

_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_TOKEN = re.compile(
    rb"/(\w+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj|<([0-9A-Fa-f]*)>\s*Tj|\[(.*?)\]\s*TJ", re.S
)
_ARRAY_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)", re.S)


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        char = raw[i : i + 1]
        if char != b"\\":
            out += char
            i += 1
            continue
        following = raw[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8) & 0xFF)
            i += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(following, following)
            i += 2
    return bytes(out)


def _cmap(stream: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for source, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(source, 16)] = bytes.fromhex(target.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for start, end, target in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            first = ord(bytes.fromhex(target.decode()).decode("utf-16-be"))
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


def pdf_text(data: bytes) -> str:
    """Every string the pages show, one line per text operation."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    lines = []
    for page_number in range(len(reader.root["/Pages"]["/Kids"])):
        page = reader.root["/Pages"]["/Kids"][page_number]
        fonts = {
            name.lstrip("/"): _cmap(font.get_object()["/ToUnicode"].get_object().data)
            for name, font in page["/Resources"]["/Font"].items()
        }
        contents = page["/Contents"]
        streams = contents if isinstance(contents, list) else [contents]
        current: dict[int, str] = {}
        for stream in streams:
            for font, literal, hexa, array in _TOKEN.findall(stream.data):
                if font:
                    current = fonts[font.decode()]
                    continue
                if array:
                    raw = b"".join(_unescape(part) for part in _ARRAY_STRING.findall(array))
                else:
                    raw = _unescape(literal) if not hexa else bytes.fromhex(hexa.decode())
                codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
                lines.append("".join(current.get(code, "\ufffd") for code in codes))
    return "\n".join(lines)
