"""The Dutch catalogues are complete: no untranslated and no fuzzy entry (fuzzy entries are
skipped by compilemessages, so the page would show English), the placeholders of every
translation are those of its msgid, and the compiled .mo holds what the .po says.

The .po files are parsed here with plain Python, so that the test needs no gettext tools.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "kansrijk"
CATALOGUES = sorted(ROOT.glob("**/locale/nl/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> dict[str, str]:
        return {k: v for k, v in self.fields.items() if k.startswith("msgstr")}

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and "msgctxt" not in self.fields


def parse(path: Path) -> list[Entry]:
    """Entries of a .po file; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    key: str | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, key = None, None
            continue
        if line.startswith("#~"):
            key = None
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert key is not None, f"{path}:{number}: continuation line without a keyword"
            current.fields[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current.fields[key] = ast.literal_eval(value)
    return [entry for entry in entries if "msgid" in entry.fields]


def names(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated(path: Path):
    problems = []
    for entry in parse(path):
        if entry.is_header:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"line {entry.line}: fuzzy: {entry.msgid!r}")
        if not entry.translations:
            problems.append(f"line {entry.line}: no msgstr: {entry.msgid!r}")
        for key, translation in entry.translations.items():
            if translation == "":
                problems.append(f"line {entry.line}: untranslated {key}: {entry.msgid!r}")
    assert problems == [], "\n".join(problems)


def _msgids(path: Path) -> set[tuple[str | None, str]]:
    return {(e.fields.get("msgctxt"), e.msgid) for e in parse(path) if not e.is_header}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext")
def test_the_catalogues_are_what_make_messages_makes(tmp_path, monkeypatch, settings):
    """`make messages` on a copy of the code neither adds a string to translate nor drops
    one. Added: a string written since the catalogue was made shows in English on a Dutch
    page (25 did: the pupil search's "Find", the 0–4 route's step fields, the break-the-glass
    notice). Dropped: a string makemessages cannot see (a gettext inside an f-string, an
    alias of gettext) loses its Dutch at the next `make messages` (the agenda's buttons did)."""
    from django.core.management import call_command

    copy = tmp_path / "kansrijk"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    monkeypatch.chdir(copy)
    settings.LOCALE_PATHS = [copy / "locale"]
    call_command("makemessages", locale=["nl"], no_obsolete=True, no_location=True, verbosity=0)
    problems = []
    for path in sorted(copy.glob("**/locale/nl/LC_MESSAGES/django.po")):
        name = path.relative_to(copy)
        for entry in parse(path):
            new = "fuzzy" in entry.flags or not all(entry.translations.values())
            if new and not entry.is_header:
                problems.append(f"{name}: to translate: {entry.msgid!r}")
        committed = ROOT / name
        dropped = _msgids(committed) - _msgids(path) if committed.exists() else set()
        problems += [f"{name}: dropped: {msgid!r}" for _context, msgid in sorted(dropped)]
    assert problems == [], "run `make messages`, translate, keep gettext visible:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_translations_keep_the_placeholders(path: Path):
    problems = []
    for entry in parse(path):
        if entry.is_header:
            continue
        wanted = names(entry.msgid) | names(entry.fields.get("msgid_plural", ""))
        plural = "msgid_plural" in entry.fields
        for key, translation in entry.translations.items():
            got = names(translation)
            # A singular plural form may leave the count out ("Every week" for 1 week);
            # an unknown name would raise KeyError when the string is formatted.
            if got - wanted or (not plural and got != wanted):
                found = f"{key} has {sorted(got)}, msgid {sorted(wanted)}"
                problems.append(f"line {entry.line}: {found}: {entry.msgid!r}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_matches_the_po(path: Path):
    """compilemessages was run after the last change to the .po."""
    with path.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    problems = []
    for entry in parse(path):
        if entry.is_header or "fuzzy" in entry.flags:
            continue
        msgid = entry.msgid
        if "msgctxt" in entry.fields:
            msgid = f"{entry.fields['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry.fields:
            expected = {(msgid, int(key[7:-1])): text for key, text in entry.translations.items()}
        else:
            expected = {msgid: entry.fields["msgstr"]}
        for key, text in expected.items():
            if compiled.get(key) != text:
                found = compiled.get(key)
                problems.append(f"line {entry.line}: {entry.msgid!r}: .mo has {found!r}")
    assert problems == [], "run manage.py compilemessages:\n" + "\n".join(problems)


# --- values shown on Dutch pages that come from code, not from templates ----------------------


def dutch_catalogue() -> set[str]:
    """Every msgid that has a Dutch translation, across all apps' catalogues."""
    msgids: set[str] = set()
    for path in CATALOGUES:
        msgids |= {entry.msgid for entry in parse(path) if entry.translations}
    return msgids


def msgid_of(label: object) -> str | None:
    """The msgid behind a lazy translation, None for a plain string (nothing to translate)."""
    args = getattr(label, "_args", None) or getattr(label, "_proxy____args", None)
    return args[0] if args else None


@pytest.mark.django_db
def test_every_model_choice_has_a_dutch_label():
    """Choice labels (roles, states, events, purposes, …) reach the pages through
    get_FOO_display and the forms' radio buttons and selects."""
    from django.apps import apps

    known = dutch_catalogue()
    missing = set()
    for model in apps.get_models():
        if not model.__module__.startswith("kansrijk."):
            continue
        for model_field in model._meta.get_fields():
            for _value, label in getattr(model_field, "flatchoices", None) or ():
                msgid = msgid_of(label)
                if msgid is not None and msgid not in known:
                    missing.add(f"{model.__name__}.{model_field.name}: {msgid!r}")
    assert sorted(missing) == []


def written_purposes() -> set[str]:
    """The fixed purposes the code writes to the access log: literal `purpose=` arguments and
    constants named *PURPOSE*, f-strings by their fixed prefix ("break the glass: …")."""
    found: set[str] = set()

    def literal(node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and ": " in str(first.value):
                return str(first.value).split(": ")[0] + ": …"
        return None

    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts or "demo" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values: list[ast.AST] = []
            if isinstance(node, ast.Call):
                values += [k.value for k in node.keywords if k.arg == "purpose"]
                if getattr(node.func, "id", "") == "_log" and len(node.args) >= 3:
                    values.append(node.args[2])
            if isinstance(node, ast.Assign) and any(
                "PURPOSE" in getattr(target, "id", "") for target in node.targets
            ):
                values += node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
            found |= {text for text in map(literal, values) if text}
    return found


def test_every_logged_purpose_and_role_has_a_dutch_label():
    """The access log keeps what the code wrote (hash-chained); the officer's page and the
    inzage show it through kansrijk.audit.labels, which must know every value."""
    from kansrijk.audit import labels

    known = dutch_catalogue()
    unlabelled = set()
    for purpose in written_purposes():
        prefix = purpose.split(": ")[0]
        if purpose not in labels.PURPOSES | labels.DETAILS and (
            ": " not in purpose or prefix not in labels.PURPOSE_PREFIXES
        ):
            unlabelled.add(purpose)
    assert sorted(unlabelled) == []
    tables = [labels.PURPOSES, labels.PURPOSE_PREFIXES, labels.DETAILS, labels.OTHER_ROLES]
    untranslated = {msgid_of(label) for table in tables for label in table.values()} - known
    assert sorted(m for m in untranslated if m) == []
