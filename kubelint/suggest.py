"""Did-you-mean for names people type: rule ids, categories, configuration keys."""

from __future__ import annotations

from typing import Iterable


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``'; did you mean "latest-tag"?'`` for a near miss, else ``""``."""
    from difflib import get_close_matches

    close = get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""
