"""The briefing pack as PDF: typst (from PyPI) compiles brief.typ with the pack as JSON."""

import json
import tempfile
from pathlib import Path

import typst

from ddm.briefing.pack import Pack

TEMPLATE = Path(__file__).resolve().parent / "brief.typ"


def render(pack: Pack) -> bytes:
    with tempfile.TemporaryDirectory(prefix="ddm-brief-") as folder:
        root = Path(folder)
        (root / "brief.typ").write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
        data = {**{k: v for k, v in pack.items() if k != "map_svg"}, "sections": [s.as_dict() for s in pack["sections"]]}
        (root / "map.svg").write_text(pack["map_svg"], encoding="utf-8")
        (root / "brief.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return typst.compile(str(root / "brief.typ"), root=str(root), ignore_system_fonts=True)
