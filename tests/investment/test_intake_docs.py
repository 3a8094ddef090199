"""docs/intake.md lists every message the intake's parsers, row rules and place resolution can give,
with what to do about it (issue #10). Messages are found in the source: the longest literal part of
each error/warning text must appear in the docs."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["src/ddm/investment/intake/parsing.py", "src/ddm/investment/intake/rows.py",
           "src/ddm/investment/intake/locating.py", "src/ddm/investment/intake/pipeline.py",
           "src/ddm/tabular/header.py"]
CALLS = {"error", "warn", "warning", "PlaceError", "ParseError", "HeaderError", "TableError"}


def _literal_parts(arg):
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.JoinedStr):
        return [v.value for v in arg.values if isinstance(v, ast.Constant)]
    if isinstance(arg, ast.BinOp):
        return _literal_parts(arg.left) + _literal_parts(arg.right)
    return []


def message_stems(path):
    stems = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name not in CALLS:
            continue
        for arg in node.args:
            best = max((p.strip(" :;,.()'\"") for p in _literal_parts(arg)), key=len, default="")
            if len(best) >= 12:
                stems.add(best)
    return stems


def test_docs_list_every_intake_message():
    docs = (ROOT / "docs" / "intake.md").read_text()
    missing = sorted(stem for source in SOURCES for stem in message_stems(ROOT / source) if stem not in docs)
    assert not missing, "messages not in docs/intake.md:\n" + "\n".join(missing)


def test_docs_show_each_accepted_format():
    docs = (ROOT / "docs" / "intake.md").read_text()
    for heading in ("SA36", "Budget Review", "R million", "template", "--years", "--unit", "mdb_crosswalk.csv"):
        assert heading in docs
