"""Official documents as PDF: Jinja2 templates in printing/templates rendered by WeasyPrint.

The only module that imports WeasyPrint. Without libharfbuzz-subset WeasyPrint falls back to a
font subsetter ~50x slower (9 s instead of 0.18 s per slip with Noto CJK) and only warns, so the
import fails loudly instead.
"""
from __future__ import annotations

import ctypes.util
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

HERE = Path(__file__).resolve().parent
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk"


class PrintingUnavailable(ImportError):
    """A system library WeasyPrint needs is missing."""


if ctypes.util.find_library("harfbuzz-subset") is None:
    raise PrintingUnavailable(
        "printing needs libharfbuzz-subset (Debian package libharfbuzz-subset0); without it every PDF "
        f"takes seconds. Install: apt-get install {SYSTEM_PACKAGES} (or run scripts/setup-system.sh)")
try:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
except OSError as exc:  # pango / fontconfig not loadable
    raise PrintingUnavailable(f"WeasyPrint cannot load its libraries ({exc}); install the Debian packages "
                              f"{SYSTEM_PACKAGES}") from exc

_env = Environment(loader=FileSystemLoader(HERE / "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
_fonts = FontConfiguration()


def _document(template: str, context: dict):
    html = _env.get_template(template).render(**context)
    return HTML(string=html, base_url=str(HERE)).render(font_config=_fonts)


def render_pdf(template: str, context: dict) -> bytes:
    """One PDF from one template and its context."""
    return _document(template, context).write_pdf()


def render_many(template: str, contexts: list[dict]) -> bytes:
    """One PDF holding one document per context, each starting on a new page.

    Each document is laid out on its own, so its page numbers ("第 N 页 / 共 M 页") count its own
    pages; fonts are subset once for the whole file.
    """
    if not contexts:
        raise ValueError("nothing to print")
    documents = [_document(template, c) for c in contexts]
    pages = [page for doc in documents for page in doc.pages]
    return documents[0].copy(pages).write_pdf()
