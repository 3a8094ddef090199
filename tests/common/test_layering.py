"""Apps depend one way: a module of `ddm` imports only from its own unit and the layers below it.

LAYERS below is THE dependency order (docs/architecture.md shows it and this test keeps the two equal).
A new app or shared module goes into LAYERS here, in the place its imports allow, and into the
"Layers" line of docs/architecture.md. Imports inside functions count the same as module-level ones:
hiding an import in a function does not hide the dependency.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "ddm"

# Bottom first. A unit is an app (a package under src/ddm) or a top-level module of ddm. Units in the
# same layer are peers: they may not import each other either.
LAYERS = [
    ["ddm", "numbers", "web", "commands_support", "caching", "operations", "server", "busy", "once",
     "replica", "key_figures"],  # shared; `ddm` is __init__, and the top-level templates
    ["exports", "charts", "backup", "documents"],
    ["tabular"],
    ["jobs"],
    ["places"],
    ["accounts"],
    ["facilities"],
    ["investment"],
    ["profiles"],
    ["alignment"],
    ["oneplan"],
    ["capacity", "engagement"],
    ["desk", "briefing"],
    ["api"],
    ["urls", "bootstrap", "settings"],  # wiring: imports every app, imported by none
    ["cli", "wsgi"],
]
LEVEL = {unit: level for level, units in enumerate(LAYERS) for unit in units}


def unit_of(path):
    """The layering unit a source file belongs to."""
    parts = path.relative_to(PACKAGE).parts
    if len(parts) == 1:
        return "ddm" if parts[0] == "__init__.py" else parts[0].removesuffix(".py")
    return parts[0]


def imported_units(tree):
    """(line, unit) for every `ddm.<unit>` import in a module, wherever it is written."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "ddm":  # `from ddm import places` names the unit in the alias
                names = [f"ddm.{alias.name}" for alias in node.names]
            else:
                names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "ddm":
                yield node.lineno, parts[1] if len(parts) > 1 else "ddm"


def source_files():
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def violations(files):
    found = []
    for path in files:
        unit = unit_of(path)
        if unit not in LEVEL:
            continue  # reported by test_every_unit_has_a_layer
        for line, target in imported_units(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if target == unit or target == "__version__":
                continue
            if target not in LEVEL:
                found.append(f"{path.relative_to(ROOT)}:{line}: imports ddm.{target}, which has no layer")
            elif LEVEL[target] >= LEVEL[unit]:
                found.append(f"{path.relative_to(ROOT)}:{line}: {unit} imports {target} "
                             f"({'a peer' if LEVEL[target] == LEVEL[unit] else 'a layer above it'})")
    return found


def test_every_unit_has_a_layer():
    units = {unit_of(p) for p in source_files()}
    missing = sorted(units - set(LEVEL))
    assert not missing, f"add {missing} to LAYERS in tests/common/test_layering.py and to docs/architecture.md"


def test_no_module_imports_a_layer_above_its_own():
    found = violations(source_files())
    assert not found, "imports against the dependency order of docs/architecture.md:\n" + "\n".join(found)


def test_architecture_doc_states_the_same_order():
    apps = LAYERS[LEVEL["places"]:LEVEL["api"] + 1]
    stated = " < ".join(", ".join(f"`{u}`" for u in layer) for layer in apps)
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    line = re.search(r"^Layers \(bottom first\): (.*)$", text, re.M)
    assert line, "docs/architecture.md lost its 'Layers (bottom first): ...' line"
    assert line.group(1).rstrip(".") == stated, f"docs/architecture.md should say:\nLayers (bottom first): {stated}."


@pytest.mark.parametrize(("source", "expected"), [
    ("from ddm.profiles.services import population_by_code", ["investment imports profiles (a layer above it)"]),
    ("def f():\n    from ddm.alignment import needs\n", ["investment imports alignment (a layer above it)"]),
    ("from ddm import oneplan", ["investment imports oneplan (a layer above it)"]),
    ("import ddm.newapp.models", ["imports ddm.newapp, which has no layer"]),
    ("from ddm.places.models import Place\nfrom ddm.investment import calendar", []),
])
def test_the_check_catches_upward_imports_even_inside_functions(tmp_path, monkeypatch, source, expected):
    fake = tmp_path / "src" / "ddm" / "investment" / "fake.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(source)
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    monkeypatch.setitem(globals(), "PACKAGE", tmp_path / "src" / "ddm")
    found = violations([fake])
    assert len(found) == len(expected)
    for message, wanted in zip(found, expected, strict=True):
        assert wanted in message


# -- templates: {% load %}, {% include %} and {% extends %} follow the same order ---------------------

TEMPLATES = PACKAGE / "templates"
TEMPLATE_FOLDER_UNITS = {"registration": "accounts"}  # django.contrib.auth's sign-in pages
LOAD = re.compile(r"{%\s*load\s+([^%]*?)\s*%}")
USE = re.compile(r"{%\s*(?:include|extends)\s+[\"']([^\"']+)[\"']")


def template_unit(name):
    """The unit a template (a path under src/ddm/templates) belongs to: its app folder, else shared."""
    parts = Path(name).parts
    folder = parts[0] if len(parts) > 1 else "ddm"
    return TEMPLATE_FOLDER_UNITS.get(folder, folder)


def tag_library_units():
    """{library name: unit} for every ddm tag library: apps' templatetags/ and settings' OPTIONS libraries."""
    found = {path.stem: path.relative_to(PACKAGE).parts[0] for path in PACKAGE.glob("*/templatetags/*.py")
             if path.stem != "__init__"}
    for options in (engine.get("OPTIONS", {}) for engine in settings.TEMPLATES):
        for name, module in options.get("libraries", {}).items():
            if module.startswith("ddm."):
                found[name] = module.split(".")[1]
    return found


def template_violations(templates, libraries):
    """templates: {name under templates/: text}."""
    found = []
    for name, text in sorted(templates.items()):
        unit = template_unit(name)
        if unit not in LEVEL:
            found.append(f"templates/{name}: folder {unit} is no unit of LAYERS")
            continue
        used = [(library, libraries[library]) for match in LOAD.finditer(text)
                for library in match.group(1).split() if library in libraries]
        used += [(other, template_unit(other)) for other in USE.findall(text)]
        for what, target in used:
            if target != unit and LEVEL.get(target, len(LAYERS)) >= LEVEL[unit]:
                found.append(f"templates/{name}: {unit} uses {what} of {target}, which is not below it")
    return found


def test_templates_load_and_include_only_their_layer_and_below():
    templates = {str(p.relative_to(TEMPLATES)): p.read_text(encoding="utf-8") for p in TEMPLATES.rglob("*.html")}
    found = template_violations(templates, tag_library_units())
    assert not found, "templates against the dependency order of docs/architecture.md:\n" + "\n".join(found)


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("investment/zone.html", "{% load static briefing_tags %}", ["investment uses briefing_tags of briefing"]),
    ("investment/zone.html", '{% include "oneplan/_part.html" %}', ["investment uses oneplan/_part.html of oneplan"]),
    ("desk/home.html", '{% extends "places/home.html" %}{% load key_figures investment_tags %}', []),
    ("base.html", "{% load investment_tags %}", ["ddm uses investment_tags of investment"]),
    ("nowhere/page.html", "", ["folder nowhere is no unit of LAYERS"]),
])
def test_the_template_check_catches_loads_and_includes_from_above(name, text, expected):
    libraries = {"briefing_tags": "briefing", "investment_tags": "investment", "key_figures": "key_figures"}
    found = template_violations({name: text}, libraries)
    assert len(found) == len(expected)
    for message, wanted in zip(found, expected, strict=True):
        assert wanted in message
