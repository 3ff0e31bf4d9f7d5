"""Machine-readable marks on documents: a Code128 barcode of the case number, a QR code of a URL."""
from __future__ import annotations

import base64
from io import BytesIO

import segno
from barcode import Code128
from barcode.writer import SVGWriter


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def code128_data_uri(value: str) -> str:
    """Code128 of `value` as an SVG data URI (bars only: the document prints the text itself)."""
    out = BytesIO()
    Code128(value, writer=SVGWriter()).write(out, options={
        "module_width": 0.3, "module_height": 12.0, "quiet_zone": 4.0, "write_text": False,
        "background": "white", "foreground": "black"})
    return _data_uri(out.getvalue())


def qr_data_uri(value: str) -> str:
    """QR code (error correction M, quiet zone of 4 modules) of `value` as an SVG data URI."""
    qr = segno.make(value, error="m", micro=False, boost_error=False)
    out = BytesIO()
    qr.save(out, kind="svg", scale=4, border=4, xmldecl=True, svgns=True)
    return _data_uri(out.getvalue())
