"""Profile PDFs print each section once and in order; the first page is not a title alone, and no page holds a
section's notes alone (#12)."""

import io
import re

import pytest
from pypdf import PdfReader

from ddm.places.models import Place
from ddm.profiles import sections
from ddm.profiles.facilities_section import facilities_section

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


def _normal(text):
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("code", ["DC15", "DC36", "ETH"])
def test_no_page_carries_notes_alone(client, code):
    """A section's notes stay with its section: no page holds only notes (DC15's page 5 held section 2's)."""
    place = Place.objects.zones().get(code=code)
    profile = sections.get_profile(place)
    notes = [_normal(n) for s in profile["sections"] for n in s["notes"]]
    notes += [_normal(n) for n in facilities_section(place)["notes"]]
    reader = PdfReader(io.BytesIO(client.get(f"/profiles/zones/{code}/profile.pdf").content))
    for number, page in enumerate(reader.pages, 1):
        body = _normal(" ".join(line for line in page.extract_text().splitlines()
                                if "DDM Hub development profile · generated" not in line))
        for note in sorted(notes, key=len, reverse=True):
            body = body.replace(note, " ")
        assert body.strip(), f"page {number} of {code}'s PDF holds only notes"
