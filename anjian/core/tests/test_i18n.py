"""Three languages: every string a person reads is in both catalogues, really translated."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
CATALOGUES = {"bo": ROOT / "locale/bo/LC_MESSAGES/django.po", "zh_Hans": ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"}


def is_tibetan(text):
    return any("\u0f00" <= ch <= "\u0fff" for ch in text)


def is_chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def translations(entry):
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize(("language", "script"), [("bo", is_tibetan), ("zh_Hans", is_chinese)])
def test_every_entry_is_translated_into_the_script(language, script):
    catalogue = polib.pofile(str(CATALOGUES[language]))
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid}")
        for text in translations(entry):
            if not text.strip():
                problems.append(f"untranslated: {entry.msgid}")
            elif not script(text):
                problems.append(f"not in the script: {entry.msgid} → {text}")
    assert problems == []


def test_catalogues_hold_every_string_of_the_code(tmp_path):
    """makemessages on a copy of the code finds nothing the catalogues lack."""
    for name in ("anjian", "config", "templates", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "makemessages", "-l", "bo", "--no-obsolete", "--no-location"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "ANJIAN_VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(tmp_path)},
    )
    extracted = {e.msgid for e in polib.pofile(str(tmp_path / "locale/bo/LC_MESSAGES/django.po"))}
    for language, path in CATALOGUES.items():
        have = {e.msgid for e in polib.pofile(str(path)) if not e.obsolete}
        assert sorted(extracted - have) == [], f"{language}: run makemessages and translate"
