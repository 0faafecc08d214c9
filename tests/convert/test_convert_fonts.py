"""fonts/fonts.conf: Times New Roman comes from fonts/, and a real Times New Roman there wins."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont

from service.config import ROOT, PoolSettings, Settings

FONTS = ROOT / "fonts"
FACES = {"": "Regular", ":bold": "Bold", ":italic": "Italic", ":bold:italic": "BoldItalic"}

needs_fontconfig = pytest.mark.skipif(shutil.which("fc-match") is None,
                                      reason="fontconfig tools are not installed")


def fc_match(fonts_dir: Path, pattern: str) -> Path:
    """The file fontconfig picks for `pattern` under the project's fonts.conf in `fonts_dir`."""
    env = {**os.environ, "FONTCONFIG_FILE": str(fonts_dir / "fonts.conf")}
    if fonts_dir != FONTS:
        # A throwaway font directory gets a throwaway cache, not one more entry in ~/.cache.
        env["XDG_CACHE_HOME"] = str(fonts_dir.parent / "cache")
    done = subprocess.run(["fc-match", "--format=%{file}", pattern], check=True, timeout=30,
                          capture_output=True, text=True, env=env)
    return Path(done.stdout)


def fonts_copy(target: Path, *, with_times: bool) -> Path:
    """fonts/ copied to `target`, optionally with a "Times New Roman" (Liberation Serif renamed:
    a stand-in for the licensed font a deployment may drop in)."""
    shutil.copytree(FONTS, target)
    if with_times:
        font = TTFont(FONTS / "LiberationSerif-Regular.ttf")
        for record in font["name"].names:
            if record.nameID in (1, 4, 16):
                record.string = "Times New Roman"
            elif record.nameID == 6:
                record.string = "TimesNewRomanPSMT"
        font.save(target / "times.ttf")
    return target


@needs_fontconfig
@pytest.mark.parametrize("style", list(FACES), ids=list(FACES.values()))
def test_times_new_roman_is_liberation_serif_from_fonts(style: str) -> None:
    chosen = fc_match(FONTS, f"Times New Roman{style}:lang=vi")
    assert chosen == FONTS / f"LiberationSerif-{FACES[style]}.ttf"


@needs_fontconfig
def test_liberation_serif_without_vietnamese_is_never_chosen() -> None:
    done = subprocess.run(["fc-list", "--format=%{file}\n", "Liberation Serif"], check=True,
                          capture_output=True, text=True, timeout=30,
                          env={**os.environ, "FONTCONFIG_FILE": str(FONTS / "fonts.conf")})
    files = [Path(line) for line in done.stdout.splitlines() if line]
    assert {f for f in files if f.parent == FONTS} == set(FONTS.glob("LiberationSerif-*.ttf"))
    for file in files:
        langs = subprocess.run(["fc-query", "--format=%{lang}", str(file)], check=True,
                               capture_output=True, text=True, timeout=30).stdout
        assert "vi" in langs.split("|"), f"{file} lacks Vietnamese yet is visible"


@needs_fontconfig
def test_a_real_times_new_roman_in_fonts_takes_precedence(tmp_path: Path) -> None:
    fonts = fonts_copy(tmp_path / "fonts", with_times=True)
    assert fc_match(fonts, "Times New Roman:lang=vi") == fonts / "times.ttf"
    assert fc_match(fonts, "Liberation Serif") == fonts / "LiberationSerif-Regular.ttf"


@pytest.mark.soffice
def test_libreoffice_embeds_the_real_times_new_roman_when_present(
        tmp_path: Path, kit: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    from service.convert import create_converter

    fonts = fonts_copy(tmp_path / "fonts", with_times=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))     # soffice inherits it
    pool = create_converter(Settings(fonts_dir=fonts, pool=PoolSettings(size=1)))
    try:
        pdf = kit.assert_good_pdf(pool.to_pdf(kit.make_docx()))
    finally:
        pool.close()
    assert {name for name, _ in pdf.fonts} == {"TimesNewRomanPSMT"}
