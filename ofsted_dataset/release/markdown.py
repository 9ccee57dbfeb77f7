"""A small, safe Markdown subset, rendered here rather than by a library.

The release page shows CHANGES.md and data-dictionary.md, which this project writes itself; a
renderer of our own keeps the page's bytes fixed for a given release (no library upgrade can move
them) and lets nothing in the source become a tag, an attribute or a link: every character is escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from ofsted_dataset.text import slug

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_FENCE = "```"


def render_markdown(text: str, heading_offset: int = 0, id_prefix: str = "") -> str:
    """HTML for the Markdown this project writes (CHANGES.md, data-dictionary.md): ATX headings,
    paragraphs, bullet and numbered lists, pipe tables, fenced code and `code` spans. Every character of
    the source is escaped; raw HTML in the source is shown as text, never interpreted.

    `heading_offset` pushes headings down (a `#` inside a page section becomes an h3 with offset 2) and
    `id_prefix` keeps heading ids unique when two documents share a heading ("official_checks").
    """
    lines = text.splitlines()
    headings = _Headings(heading_offset, id_prefix)
    out: list[str] = []
    i = 0
    while i < len(lines):
        if lines[i].strip():
            html, i = _block(lines, i, headings)
            out.append(html)
        else:
            i += 1
    return "\n".join(out)


def _block(lines: list[str], i: int, headings: _Headings) -> tuple[str, int]:
    """The HTML of the block that starts at line `i`, and the line after it. The kinds are tried in this
    order because a line can look like several (a `|` line that heads no table is a paragraph)."""
    line = lines[i]
    if line.lstrip().startswith(_FENCE):
        return _fenced_code(lines, i)
    if match := _HEADING.match(line):
        return headings.render(match), i + 1
    if line.lstrip().startswith("|") and i + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[i + 1]):
        return _table(lines, i)
    if _BULLET.match(line):
        return _list(lines, i, _BULLET, "ul")
    if _NUMBERED.match(line):
        return _list(lines, i, _NUMBERED, "ol")
    return _paragraph(lines, i)


@dataclass
class _Headings:
    """Heading levels and ids across one document: an id repeated in it gets a numbered suffix, so
    every link to a heading lands on that heading."""

    offset: int
    id_prefix: str
    used: set[str] = field(default_factory=set)

    def render(self, match: re.Match[str]) -> str:
        level = min(len(match.group(1)) + self.offset, 6)
        # A heading of punctuation only has no slug, and an id must not be empty.
        anchor = base = self.id_prefix + (slug(match.group(2)) or "section")
        n = 1
        while anchor in self.used:
            n += 1
            anchor = f"{base}-{n}"
        self.used.add(anchor)
        return f'<h{level} id="{escape(anchor)}">{_inline(match.group(2))}</h{level}>'


def _fenced_code(lines: list[str], i: int) -> tuple[str, int]:
    """Code up to the closing fence, or to the end of the text when the fence is never closed."""
    end = i + 1
    while end < len(lines) and not lines[end].lstrip().startswith(_FENCE):
        end += 1
    return "<pre><code>" + escape("\n".join(lines[i + 1:end])) + "</code></pre>", end + 1


def _table(lines: list[str], i: int) -> tuple[str, int]:
    """A pipe table: the header line, the separator line, then every following line starting with `|`.
    A short row is padded and a long one cut, so every row has the header's columns."""
    header = _cells(lines[i])
    end = i + 2
    while end < len(lines) and lines[end].lstrip().startswith("|"):
        end += 1
    html = ["<table>", "<thead><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in header) + "</tr></thead>",
            "<tbody>"]
    for row in (_cells(line) for line in lines[i + 2:end]):
        padded = (row + [""] * len(header))[: len(header)]
        html.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in padded) + "</tr>")
    return "\n".join([*html, "</tbody>", "</table>"]), end


def _list(lines: list[str], i: int, pattern: re.Pattern[str], tag: str) -> tuple[str, int]:
    """Items of one kind up to a blank line or a line of another kind; an indented line continues the
    item before it (a wrapped item)."""
    items: list[str] = []
    while i < len(lines) and lines[i].strip():
        if item := pattern.match(lines[i]):
            items.append(item.group(1))
        elif lines[i].startswith((" ", "\t")) and items:
            items[-1] += " " + lines[i].strip()
        else:
            break
        i += 1
    return f"<{tag}>\n" + "\n".join(f"<li>{_inline(item)}</li>" for item in items) + f"\n</{tag}>", i


def _paragraph(lines: list[str], i: int) -> tuple[str, int]:
    """Lines joined up to a blank line or the start of another block."""
    end = i
    while end < len(lines) and _continues_paragraph(lines[end]):
        end += 1
    if end == i:  # a lone "|" line that is not a table: show it as text
        end += 1
    return f"<p>{_inline(' '.join(line.strip() for line in lines[i:end]))}</p>", end


def _continues_paragraph(line: str) -> bool:
    return bool(line.strip()) and not (_HEADING.match(line) or _BULLET.match(line) or _NUMBERED.match(line)
                                       or line.lstrip().startswith((_FENCE, "|")))


def _inline(text: str) -> str:
    """Escape a line of text, turning `code` spans into <code>; no other inline markup, so nothing in the
    source can become a tag, an attribute or a link.

    The text is escaped once, whole, then split: escaping neither adds nor removes a backtick, so the
    parts are the escaped parts, and a changelog paragraph of a million `ids` costs one escape, not one
    per id."""
    parts = escape(text).split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick stays literal
        tail = parts.pop()
        parts[-1] += "`" + tail
    spliced = [""] * (2 * len(parts) - 1)  # the parts, with the tags of the code spans between them
    spliced[0::2] = parts
    spliced[1::2] = ["<code>", "</code>"] * (len(parts) // 2)
    return "".join(spliced)


def _cells(row: str) -> list[str]:
    """Cells of a pipe-table row; `\\|` is a literal pipe inside a cell (as the data dictionary writes it)."""
    row = row.strip()
    row = row.removeprefix("|")
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [cell.strip().replace("\\|", "|") for cell in _UNESCAPED_PIPE.split(row)]
