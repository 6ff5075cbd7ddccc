"""The page frame (ui/frame.py): the only markup the app sends is fixed; its two values are checked and escaped."""

from __future__ import annotations

import re

import pytest

from helpers import ROOT
from ui import frame


def test_the_markup_carries_the_language_and_an_escaped_label():
    html = frame.markup("bg", 'Към "съдържанието" <b>&</b>')
    assert html.startswith('<span hidden data-si-frame data-lang="bg" ')
    assert 'data-skip="Към &quot;съдържанието&quot; &lt;b&gt;&amp;&lt;/b&gt;"' in html
    assert html.count("<script>") == 1 and html.endswith("</script>")


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match=r"unknown language 'de'; expected one of en, bg"):
        frame.markup("de", "Skip")
    with pytest.raises(ValueError, match="unknown language"):
        frame.markup('en" onload="x', "Skip")  # the code is checked, never escaped into place


def test_the_script_has_no_markup_the_sanitiser_would_drop_it_for():
    # Streamlit's DOMPurify removes a script element whose text matches a tag opening such as "<html"
    script = (ROOT / "assets" / "frame.js").read_text(encoding="utf-8")
    assert "<" not in script
    assert re.search(r"documentElement\.lang = settings\.dataset\.lang", script)


def test_the_stylesheet_sets_caption_contrast_and_the_phone_layout():
    css = frame.STYLESHEET.read_text(encoding="utf-8")
    assert re.search(r'\[data-testid="stCaptionContainer"\] \{\s+opacity: 1;\s+color: #57606a;', css)
    assert "@media (max-width: 640px)" in css and "st-key-si_maplist_" in css
    assert "http" not in css  # nothing loaded from elsewhere
