"""Split an article into sentences with their raw offsets, for `draft` and `lint`.

Both tools work sentence by sentence, and both must cut an article the same way: a drafted quote is
a sentence, and lint asks of each sentence whether a quote covers it. Sentences never cross a line
break (the raw articles put one paragraph, heading or list item on a line), and the text of each
sentence is the raw substring itself, so it is always a valid quote of the article.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ofsted_dataset.text import DOUBLE_QUOTES, SINGLE_QUOTES

_QUOTE_MARK = f"[{re.escape(SINGLE_QUOTES + DOUBLE_QUOTES)}]"
# The end of a sentence: . ! or ? (and a closing quote), then space, then what can start a sentence.
_BOUNDARY = re.compile(rf"[.!?]{_QUOTE_MARK}?(?=\s+(?:{_QUOTE_MARK}|[(A-Z0-9]))")


@dataclass(frozen=True)
class Sentence:
    start: int  # code-point offset into the article
    end: int
    text: str
    line: int  # 1-based line of the raw file the sentence starts on
    paragraph: int  # index of its line among the non-blank lines: sentences of a paragraph share it


def split_sentences(text: str) -> list[Sentence]:
    """Every sentence of `text`, in order; blank lines are skipped, surrounding spaces trimmed."""
    sentences: list[Sentence] = []
    offset = 0
    paragraph = -1
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            paragraph += 1
            cuts = [0, *(m.end() for m in _BOUNDARY.finditer(line)), len(line)]
            for begin, finish in itertools.pairwise(cuts):
                piece = line[begin:finish]
                stripped = piece.strip()
                if stripped:
                    start = offset + begin + (len(piece) - len(piece.lstrip()))
                    sentences.append(Sentence(start, start + len(stripped), stripped, number, paragraph))
        offset += len(line) + 1
    return sentences
