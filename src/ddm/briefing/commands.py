"""`ddm brief DC15 --pdf briefing.pdf`: the zone briefing pack as PDF (or its sections as text)."""

from pathlib import Path

import click

from ddm import commands_support as support
from ddm.briefing import pack, pdf
from ddm.places.models import Place


def register(cli: click.Group, import_group: click.Group, report_group: click.Group) -> None:
    @cli.command()
    @click.argument("zone_code")
    @click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path),
                  help="Write the briefing pack as PDF to this file.")
    def brief(zone_code: str, pdf_path: Path | None) -> None:
        """The briefing pack of a zone: key figures, profile, investment, projects, One Plan, hub, skills, commitments."""
        zone = Place.objects.zones().without_geometry().select_related("province").filter(code=zone_code.upper()).first()
        if zone is None:
            support.fail(f"no zone {zone_code!r}: give an MDB code such as DC15 or ETH")
        built = pack.build(zone)
        if pdf_path:
            pdf_path.write_bytes(pdf.render(built))
            support.echo_err(f"briefing pack of {zone.code} written to {pdf_path}")
            return
        for number, section in enumerate(built["sections"], start=1):
            click.echo(f"{number}. {section.title}")
            for paragraph in section.paragraphs:
                click.echo(f"   {paragraph}")
            for table in section.tables:
                for row in table.rows:
                    click.echo("   " + " | ".join(row))
