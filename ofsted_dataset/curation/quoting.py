"""Quotes for the places a draft read its facts from, as a curator would write them.

The drafter knows where in the article each fact is; a mapping names a place by its words, plus
`occurrence` when those words appear more than once. The quote matcher of the build decides which
occurrence is which, so the drafter asks it rather than counting itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from ofsted_dataset.curation.sentences import Sentence
from ofsted_dataset.curation.signals import Match
from ofsted_dataset.facts.quotes import QuoteNotFound, find_quote

# A place in the article: a sentence, a match, a span of offsets, or words (their first occurrence).
Place = Sentence | Match | tuple[int, int] | str
# A quote as the mapping format writes it: the words, or the words with their occurrence.
QuoteValue = str | dict[str, str | int]


class Quoter:
    """Quotes of one article's raw text, placed by the build's own quote matcher so they resolve as drafted."""

    def __init__(self, text: str) -> None:
        self.text = text

    def quote(self, place: Place) -> QuoteValue:
        """A quote of the raw text at this place: the text, with `occurrence` when it is not unique."""
        start, words = self._locate(place)
        n = 1
        while True:
            try:
                span = find_quote(self.text, words, n)
            except QuoteNotFound:
                return words
            if span.start >= start:
                break
            n += 1
        try:
            find_quote(self.text, words)
        except QuoteNotFound:
            return {"text": words, "occurrence": n}
        return words

    def quotes(self, places: Sequence[Place]) -> QuoteValue | list[QuoteValue]:
        """One quote, or a list of the distinct quotes of several places."""
        unique: list[QuoteValue] = []
        for place in places:
            q = self.quote(place)
            if q not in unique:
                unique.append(q)
        return unique[0] if len(unique) == 1 else unique

    def _locate(self, place: Place) -> tuple[int, str]:
        if isinstance(place, str):
            return self.text.find(place), place
        if isinstance(place, tuple):
            return place[0], self.text[place[0]:place[1]]
        if isinstance(place, Sentence):
            return place.start, place.text
        return place.start, self.text[place.start:place.end]
