"""PDFs (contract copies now; letters and briefs later), rendered by WeasyPrint from a template.

WeasyPrint fetches stylesheets and images by URL. Its fetcher here answers only for Frame's own
static files, read from disk through the staticfiles finders; everything else (file://, http,
data: and any other address) is refused, so text in a document can never make the renderer read
a local file or reach the network.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string

# WeasyPrint reports each rendering step at INFO (even while loading); only problems matter here.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # type: ignore[import-untyped]  # noqa: E402
from weasyprint.urls import (  # type: ignore[import-untyped]  # noqa: E402
    URLFetcher,
    URLFetcherResponse,
)

# A made-up origin that can never resolve: relative URLs in the HTML are resolved against it.
BASE_URL = "https://frame-pdf.invalid/"


class RefusedURL(ValueError):
    """The renderer asked for something other than one of Frame's static files."""


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Serves `{STATIC_URL}...` from Frame's static files; refuses every other URL."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"Refused to fetch {url[:200]!r} while making a PDF.")
        self.fetched.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    @staticmethod
    def _static_path(url: str) -> Path | None:
        prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
        if not url.startswith(prefix):
            return None
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            return None
        relative = unquote(url[len(prefix) :])
        if not relative or ".." in relative.split("/") or relative.startswith("/"):
            return None
        found = finders.find(relative)
        if isinstance(found, str):
            return Path(found)
        # Collected files (with their hashed names, in production) live in STATIC_ROOT.
        if staticfiles_storage.exists(relative):
            return Path(staticfiles_storage.path(relative))
        return None


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    html = render_to_string(template, context)
    fetcher = StaticOnlyFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    return pdf
