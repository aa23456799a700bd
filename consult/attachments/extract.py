"""Text of an attachment, for search and reports: bounded by pages, characters and time.

Extraction runs in the request that stores a new file (each distinct content once); the caps
keep the worst case bounded: ATTACHMENT_MAX_PAGES pages (default 300), ATTACHMENT_MAX_CHARS
characters (default 500,000) and ATTACHMENT_EXTRACT_SECONDS seconds (default 10) of work.
What was cut is marked (Blob.text_complete False), never an error.
"""

from __future__ import annotations

import logging
import re
import time
import zipfile
from pathlib import Path

from flask import current_app
from lxml import etree

from consult.attachments.models import EXTRACTED_TEXT_MAX

logger = logging.getLogger(__name__)

# An ODP's text is in content.xml as paragraphs too; a PPTX's is in one XML file per slide
# (ppt/slides/slide<n>.xml, its paragraphs <a:p>), read in slide-number order.
XML_MEMBERS = {"odt": "content.xml", "odp": "content.xml", "docx": "word/document.xml"}
PPTX_SLIDE = re.compile(r"ppt/slides/slide(\d+)\.xml")
MAX_XML_BYTES = 50 * 1024 * 1024  # a zip bomb is read no further than this
PARAGRAPH_TAGS = {"p", "h"}


def _limits() -> tuple[int, int, float]:
    config = current_app.config
    return (
        int(config.get("ATTACHMENT_MAX_PAGES", 300)),
        min(int(config.get("ATTACHMENT_MAX_CHARS", 500_000)), EXTRACTED_TEXT_MAX),
        float(config.get("ATTACHMENT_EXTRACT_SECONDS", 10)),
    )


def extract_text(path: Path, file_type: str) -> tuple[str, bool]:
    """(text, complete): complete is False when a cap stopped the extraction."""
    max_pages, max_chars, seconds = _limits()
    try:
        if file_type == "pdf":
            return _pdf(path, max_pages, max_chars, seconds)
        if file_type == "pptx":
            return _xml(path, _slides(path), max_chars)
        if file_type not in XML_MEMBERS:
            return "", True
        return _xml(path, [XML_MEMBERS[file_type]], max_chars)
    except Exception:  # a damaged file still stores; only its text is missing
        logger.warning("no text extracted from %s (%s)", path.name, file_type, exc_info=True)
        return "", False


def _pdf(path: Path, max_pages: int, max_chars: int, seconds: float) -> tuple[str, bool]:
    from pypdf import PdfReader

    deadline = time.monotonic() + seconds
    # An open file, not a path: given a path, pypdf reads the whole file into memory first.
    with open(path, "rb") as handle:
        reader = PdfReader(handle)
        parts: list[str] = []
        length = 0
        pages = len(reader.pages)
        for number, page in enumerate(reader.pages):
            if number >= max_pages or length >= max_chars or time.monotonic() > deadline:
                return "\n".join(parts)[:max_chars], False
            text = page.extract_text() or ""
            parts.append(text)
            length += len(text)
    text = "\n".join(parts)
    return text[:max_chars], len(text) <= max_chars and pages <= max_pages


def _slides(path: Path) -> list[str]:
    """A PPTX's slide files, in slide-number order (slide10 after slide9)."""
    with zipfile.ZipFile(path) as archive:
        numbered = [
            (int(match.group(1)), name)
            for name in archive.namelist()
            if (match := PPTX_SLIDE.fullmatch(name))
        ]
    return [name for _, name in sorted(numbered)]


def _xml(path: Path, members: list[str], max_chars: int) -> tuple[str, bool]:
    """The paragraphs of XML members of a zip; at most MAX_XML_BYTES read in all, so a zip
    bomb is read no further."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    paragraphs: list[str] = []
    length, left, complete = 0, MAX_XML_BYTES, True
    with zipfile.ZipFile(path) as archive:
        for member in members:
            if left <= 0 or length >= max_chars:
                complete = False
                break
            with archive.open(member) as handle:
                data = handle.read(left + 1)
            if len(data) > left:
                complete, data = False, data[:left]
            left -= len(data)
            root = etree.fromstring(data, parser)
            if root is None:
                complete = False
                continue
            for element in root.iter():
                if not isinstance(element.tag, str):
                    continue
                if etree.QName(element).localname in PARAGRAPH_TAGS:
                    text = "".join(element.itertext()).strip()
                    if text:
                        paragraphs.append(text)
                        length += len(text)
                        if length >= max_chars:
                            complete = False
                            break
    return "\n".join(paragraphs)[:max_chars], complete
