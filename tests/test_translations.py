"""The core's message catalogues: up to date with the sources, complete, and used.

French is the territories' default language and English the other one: both
catalogues must hold every message of the code, translated. After adding or
changing a message, run ``make messages`` and translate what it added to
``translations/fr/LC_MESSAGES/messages.po`` (and copy the msgid into the ``en`` one).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
LOCALES = ("fr", "en")

#: The extraction of the Makefile's ``messages`` target (output aside).
EXTRACT_ARGS = ["extract", "-F", "translations/babel.cfg", "-k", "_l", "-k", "lazy_gettext",
                "-k", "ngettext:1,2", "--no-location", "--sort-output", "--project", "PTCC"]

#: ``%(name)s``, ``%(n)d``…, a literal ``%%``, and ``{name}`` placeholders.
PYTHON_FORMAT = re.compile(r"%\((\w+)\)([-#0 +]*\d*(?:\.\d+)?[sdifr])|%%")
BRACES = re.compile(r"\{[^{}\s]*\}")


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def read_catalogue(path: Path, locale: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain="messages")


def message_ids(catalogue) -> set:
    return {message.id for message in catalogue if message.id}


def describe(ids) -> str:
    return "\n".join(f"  {message_id!r}" for message_id in sorted(ids, key=str))


@pytest.fixture(scope="module")
def extracted_ids(tmp_path_factory) -> set:
    """Message ids of the sources as they are now, extracted like ``make messages`` does."""
    output = tmp_path_factory.mktemp("extract") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    command = [str(pybabel)] if pybabel.exists() else [sys.executable, "-c",
                                                        "from babel.messages.frontend import main; main()"]
    result = subprocess.run([*command, *EXTRACT_ARGS, "-o", str(output), "."], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    ids = message_ids(read_catalogue(output))
    assert len(ids) > 100, f"the extraction found only {len(ids)} messages: is translations/babel.cfg right?"
    return ids


@pytest.fixture(scope="module", params=LOCALES)
def catalogue(request):
    path = po_path(request.param)
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: run `make messages`"
    return read_catalogue(path, request.param)


# --- (a) up to date with the sources ---------------------------------------------------------


@pytest.mark.parametrize("name", ["messages.pot", *LOCALES])
def test_catalogue_holds_exactly_the_messages_of_the_sources(name, extracted_ids):
    path = POT if name == "messages.pot" else po_path(name)
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: run `make messages`"
    committed = message_ids(read_catalogue(path))
    missing, stale = extracted_ids - committed, committed - extracted_ids
    problems = []
    if missing:
        problems.append(f"{len(missing)} message(s) of the code are missing from {path.relative_to(ROOT)}; "
                        f"run `make messages` then translate them:\n{describe(missing)}")
    if stale:
        problems.append(f"{len(stale)} message(s) of {path.relative_to(ROOT)} are no longer in the code; "
                        f"run `make messages`:\n{describe(stale)}")
    assert not problems, "\n".join(problems)


# --- (b) complete: no empty or fuzzy translation -------------------------------------------


def test_every_message_is_translated(catalogue):
    assert not catalogue.fuzzy, "the catalogue's header is marked fuzzy: `pybabel compile` would skip it"
    untranslated, fuzzy, wrong_forms = [], [], []
    for message in catalogue:
        if not message.id:
            continue
        if message.fuzzy:
            fuzzy.append(message.id)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if not all(s and s.strip() for s in strings):
            untranslated.append(message.id)
        if message.pluralizable and len(strings) != catalogue.num_plurals:
            wrong_forms.append(message.id)
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} message(s) without a translation:\n{describe(untranslated)}")
    if fuzzy:
        problems.append(f"{len(fuzzy)} fuzzy translation(s) to review (then remove the flag):\n{describe(fuzzy)}")
    if wrong_forms:
        problems.append(f"{len(wrong_forms)} message(s) without the {catalogue.num_plurals} plural forms "
                        f"of {catalogue.locale}:\n{describe(wrong_forms)}")
    assert not problems, f"{catalogue.locale}: " + "\n".join(problems)


def test_english_catalogue_repeats_the_source_text():
    english = read_catalogue(po_path("en"), "en")
    differing = [m.id for m in english if m.id and m.string and
                 (tuple(m.string) if m.pluralizable else m.string) != (tuple(m.id) if m.pluralizable else m.id)]
    assert not differing, f"en msgstr should equal the msgid (the code is written in English):\n{describe(differing)}"


# --- (c) placeholders kept -----------------------------------------------------------------


def placeholders(text: str) -> tuple[list, list]:
    named = sorted(m.group(1) or "%%" for m in PYTHON_FORMAT.finditer(text))
    return named, sorted(BRACES.findall(text))


def sample_values(text: str) -> dict:
    return {m.group(1): (1 if m.group(2)[-1] in "di" else 1.5 if m.group(2)[-1] == "f" else "x")
            for m in PYTHON_FORMAT.finditer(text) if m.group(1)}


def test_translations_keep_the_placeholders(catalogue):
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if message.pluralizable else (message.id,)
        strings = message.string if message.pluralizable else (message.string,)
        expected_named, expected_braces = placeholders(ids[-1])
        for index, string in enumerate(strings):
            if not string:
                continue  # reported by test_every_message_is_translated
            named, braces = placeholders(string)
            if message.pluralizable and "num" not in named and "num" in expected_named:
                named = sorted([*named, "num"])  # a plural form may spell the number out ("une")
            if (named, braces) != (expected_named, expected_braces):
                problems.append(f"{message.id!r}\n    [{index}] {string!r}: has {named + braces}, "
                                f"the msgid has {expected_named + expected_braces}")
                continue
            if message.python_format:
                try:
                    string % sample_values(ids[-1])
                except (KeyError, ValueError, TypeError) as error:  # e.g. "50 %" instead of "50 %%"
                    problems.append(f"{message.id!r}\n    [{index}] {string!r}: cannot be formatted ({error})")
    problems += [f"{message.id!r}: {error}" for message, errors in catalogue.check() for error in errors]
    assert not problems, f"{catalogue.locale}: placeholders differ from the msgid:\n" + "\n".join(problems)


def test_french_typography():
    """A narrow no-break space (U+202F) before ; : ! ? » and after «, as French writes them."""
    french = read_catalogue(po_path("fr"), "fr")
    wrong = re.compile(r"[^\u202f][;!?»]|«[^\u202f]|:(?:\s|$)")  # once every " :" is removed
    problems = []
    for message in french:
        strings = message.string if message.pluralizable else (message.string,)
        problems += [f"{message.id!r}: {string!r}" for string in strings
                     if message.id and string and wrong.search(string.replace("\u202f:", ""))]
    assert not problems, "fr: put U+202F (narrow no-break space) before ; : ! ? » and after «:\n" + \
        "\n".join(problems)


# --- (d) the compiled catalogues are what the pages show -----------------------------------


@pytest.fixture
def compiled(app):
    """The .mo files are not in git: compile them as ``make translations`` does, then make
    Flask-Babel forget the catalogues it may have loaded before they existed."""
    from flask_babel import get_babel

    from ptcc.i18n import compile_catalogues

    compile_catalogues(TRANSLATIONS, "messages")
    for locale in LOCALES:
        mo = po_path(locale).with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po_path(locale).stat().st_mtime, f"{mo} was not compiled"
    with app.app_context():
        get_babel(app).instance.domain_instance.cache.clear()
    return app


def test_a_french_browser_gets_french_pages(compiled, alpha):
    response = alpha.get("/account/login", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "<h1>Se connecter</h1>" in html
    assert "Mot de passe oublié\u202f?" in html
    assert "Forgotten password?" not in html
    assert ">Accueil</a>" in html  # the main menu, given by a plugin hook


def test_an_english_browser_gets_english_pages(compiled, alpha):
    html = alpha.get("/account/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "<h1>Sign in</h1>" in html and "Se connecter" not in html


def test_a_person_who_chose_english_reads_english_even_from_a_french_browser(compiled, alpha, make_user):
    from ptcc.testing.factories import DEFAULT_PASSWORD

    person = make_user("alpha", locale="en")
    alpha.login(person.email, DEFAULT_PASSWORD)
    html = alpha.get("/account/", headers={"Accept-Language": "fr"}, follow_redirects=True).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Sign out" in html and "Se déconnecter" not in html


def test_a_person_who_chose_french_reads_french_even_from_an_english_browser(compiled, alpha, make_user):
    from ptcc.testing.factories import DEFAULT_PASSWORD

    person = make_user("alpha", locale="fr")
    alpha.login(person.email, DEFAULT_PASSWORD)
    html = alpha.get("/account/", headers={"Accept-Language": "en"}, follow_redirects=True).get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Se déconnecter" in html and "Sign out" not in html
