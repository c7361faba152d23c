"""The request schemas' text patterns accept exactly what the domain accepts."""

import re
import sys

import pytest

from {{ cookiecutter.package_name }}.shared_kernel.api.text_patterns import (
    NOT_BLANK_TEXT,
    STORABLE_TEXT,
    WHITESPACE,
)


def test_whitespace_is_what_strip_removes() -> None:
    every_character = "".join(map(chr, range(sys.maxunicode + 1)))

    matched = re.findall(f"[{WHITESPACE}]", every_character)

    assert matched == [character for character in every_character if character.isspace()]


@pytest.mark.parametrize(
    "text", ["Write docs", "  padded\t", "\u3000x", "x\n", "", " ", "\t\x0b\x1c\u2003", "a\x00b"]
)
def test_a_text_matches_only_when_the_domain_takes_it(text: str) -> None:
    storable = "\x00" not in text

    assert (re.search(STORABLE_TEXT, text) is not None) == storable
    assert (re.search(NOT_BLANK_TEXT, text) is not None) == (storable and bool(text.strip()))
