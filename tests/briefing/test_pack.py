"""The zone briefing pack: page, PDF and CLI; 4-8 pages, every section once and in order, none empty (#12)."""

import io
import re

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from ddm.briefing import pack

pytestmark = pytest.mark.django_db
TITLES = ["Key figures", "Profile highlights", "Investment by sphere and year", "Top projects",
          "Duplicates and unmapped projects", "One Plan status", "Hub vacancies", "Skills gaps", "Overdue commitments"]


def _check_pdf(data):
    reader = PdfReader(io.BytesIO(data))
    text = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))
    assert 4 <= len(reader.pages) <= 8, len(reader.pages)
    positions = []
    for number, title in enumerate(TITLES, start=1):
        heading = f"{number}. {title}"
        assert text.count(heading) == 1, heading
        positions.append(text.index(heading))
    assert positions == sorted(positions)
    return text


@pytest.mark.parametrize("code", ["DC15", "ETH"])
def test_pdf_sections_once_in_order_and_4_to_8_pages(client, code):
    response = client.get(f"/briefing/zones/{code}/briefing.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    _check_pdf(response.content)


def test_no_section_is_empty(zone):
    for section in pack.build(zone("DC36"))["sections"]:
        assert section.paragraphs or any(t.rows for t in section.tables), section.key


def test_page_and_cli(client, zone, tmp_path):
    html = client.get("/briefing/zones/DC15/").content.decode()
    assert all(f"{n}. {t}" in html for n, t in enumerate(TITLES, start=1))
    assert 'href="/briefing/zones/DC15/briefing.pdf"' in html
    from ddm.cli import cli

    target = tmp_path / "brief.pdf"
    result = CliRunner().invoke(cli, ["brief", "dc15", "--pdf", str(target)])
    assert result.exit_code == 0, result.output
    assert "O.R. Tambo" in _check_pdf(target.read_bytes()) or "Tambo" in _check_pdf(target.read_bytes())
    missing = CliRunner().invoke(cli, ["brief", "XX99"])
    assert missing.exit_code != 0 and "no zone" in missing.output
