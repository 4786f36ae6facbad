"""Text helpers: pinyin-initials mnemonics (助记码) and search terms."""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_KEEP = re.compile(r"[A-Z0-9]")


@lru_cache(maxsize=4096)
def mnemonic_of(text: str) -> str:
    """Pinyin initials of the Chinese characters, letters and digits kept: 康师傅红烧牛肉面 → KSFHSNRM."""
    letters = []
    for part in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default"):
        letters.extend(_KEEP.findall(part.upper()))
    return "".join(letters)[:120]


def split_serials(text: str | None) -> list[str]:
    """Serial numbers typed one per line or separated by spaces or (Chinese) commas."""
    return (text or "").replace(",", "\n").replace("，", "\n").split()
