"""Profile PDFs print each section once and in order; the first page is not a title alone (#12)."""

import io
import re

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.django_db

HEADINGS = ["1. Development situation", "6. Projects and spending situation",
            "7. Institutional and local governance situation", "Sources"]


@pytest.mark.parametrize("code", ["DC15", "DC36", "ETH"])
def test_sections_once_and_in_order(client, code):
    reader = PdfReader(io.BytesIO(client.get(f"/profiles/zones/{code}/profile.pdf").content))
    pages = [page.extract_text() for page in reader.pages]
    text = re.sub(r"\s+", " ", "\n".join(pages))
    numbered = [int(n) for n in re.findall(r"(?:^|\s)([1-7])\. [A-Z][a-z]+", text)]
    assert numbered == sorted(numbered) and len(numbered) == len(set(numbered)), numbered
    assert [text.count(h) for h in HEADINGS[:3]] == [1, 1, 1]
    positions = [text.index(h) for h in HEADINGS[:3]] + [text.rindex("Sources")]
    assert positions == sorted(positions)
    assert "Key figures" in pages[0] and len(pages[0].split()) > 30
