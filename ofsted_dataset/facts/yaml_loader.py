"""Safe YAML for hand-written mappings: plain data only, with the line of every key kept.

PyYAML's safe loaders already refuse object tags; on top of them this loader refuses anchors and
aliases (no alias bombs, and mappings stay readable line by line), keeps dates as the strings the
curator typed (so "2017-02" and "2017-02-01" keep their precision), and records line numbers so
that every message can point at the line to fix.

Parsing runs on libyaml (CSafeLoader, ~10x faster: it matters with thousands of mappings). A
document that is not clean YAML, or that uses an anchor, is parsed again by the pure-Python loader,
whose messages (and anchor check) are the ones users see, so messages do not depend on libyaml.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml

# Anchors, aliases and tags: a document that may hold one is parsed by the loader that refuses them.
_NOT_PLAIN = re.compile(r"(?:^|[\s\[{,:-])[&*!][^\s\]},]*", re.MULTILINE)
# Quoted scalars on one line, blanked before that search: a quote holding "Redcar & Cleveland" is text, not
# an anchor, and sent one mapping in seven of a national archive to the ten-times slower loader. A quoted
# scalar cannot hold a node's start, so no anchor or tag is hidden (libyaml still refuses an alias, and an
# unknown tag fails there and is parsed again by the pure-Python loader).
_QUOTED = re.compile(r"""(?<=[\s\[{,:-])(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*')""")
_ALIASES = "anchors and aliases (&name, *name) are not allowed in mappings"
_STANDARD = "tag:yaml.org,2002:"


class LineDict(dict):
    """A mapping that remembers the 1-based line of each key and of itself."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


def _check_key(key: Any, mapping: LineDict, node: yaml.Node) -> None:
    """Keys are text, each once in a mapping."""
    if not isinstance(key, str):
        raise yaml.constructor.ConstructorError(None, None, f"keys must be text, found {key!r}", node.start_mark)
    if key in mapping:
        raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", node.start_mark)


class _Constructing(yaml.constructor.SafeConstructor):
    """Building LineDicts with key lines, refusing non-text and duplicate keys (both loaders)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            _check_key(key, result, key_node)
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    # SafeConstructor's constructors, except that every mapping is built by the method above.
    yaml_constructors: ClassVar[dict[str | None, Any]] = {
        **yaml.constructor.SafeConstructor.yaml_constructors, "tag:yaml.org,2002:map": construct_mapping,
    }


class _Loader(_Constructing, yaml.SafeLoader):
    """Pure Python: sees anchors as events, so it can refuse them where they stand."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.constructor.ConstructorError(None, None, _ALIASES, event.start_mark)
        tag = getattr(event, "tag", None)
        if tag and tag != "!":  # "!" is what a quoted scalar carries, not a tag anyone wrote
            key = f" (on key {index.value!r})" if isinstance(index, yaml.ScalarNode) else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"tags such as {_short(tag)!r}{key} are not allowed in mappings: write plain values",
                event.start_mark)
        return super().compose_node(parent, index)


def _short(tag: str) -> str:
    """A tag as it is written in YAML (`!!python/name`), not in its resolved long form."""
    return "!!" + tag.removeprefix(_STANDARD) if tag.startswith(_STANDARD) else tag


_MAP, _SEQ, _STR = (_STANDARD + kind for kind in ("map", "seq", "str"))
# The tags of plain scalars (keys, mostly) already resolved: texts this short, this many at most.
_PLAIN_TAGS: dict[str, str] = {}
_REMEMBERED_LENGTH, _REMEMBERED = 64, 10_000


class _CLoader(_Constructing, yaml.CSafeLoader):
    """libyaml: an alias shows only as a node constructed twice, which is refused.

    The document is built by walking its nodes directly (`_built`): texts, lists and LineDicts, which are
    nearly every node of a mapping, without PyYAML's generic construction (its per-node bookkeeping and
    generator-based lists and mappings took a third of loading a mapping); any other node goes through the
    constructors above, as before."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(None, None, _ALIASES, node.start_mark)
        return super().construct_object(node, deep)

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        """The tag of a node without one, as the resolver gives it (there are no path resolvers), a plain
        scalar's remembered by its text: libyaml asks for every node, and the regular expressions for the
        same few dozen keys took a sixth of loading a mapping."""
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        if not implicit[0]:  # quoted
            return self.DEFAULT_SCALAR_TAG
        tag = _PLAIN_TAGS.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(value) <= _REMEMBERED_LENGTH and len(_PLAIN_TAGS) < _REMEMBERED:
                _PLAIN_TAGS[value] = tag
        return tag

    def construct_document(self, node: yaml.Node) -> Any:
        try:
            return self._built(node, set())
        finally:
            self.constructed_objects, self.recursive_objects, self.deep_construct = {}, {}, False

    def _built(self, node: yaml.Node, seen: set[int]) -> Any:
        if id(node) in seen:  # a node reached twice: an alias
            raise yaml.constructor.ConstructorError(None, None, _ALIASES, node.start_mark)
        seen.add(id(node))
        if node.tag == _STR and isinstance(node, yaml.ScalarNode):
            return node.value
        if node.tag == _SEQ and isinstance(node, yaml.SequenceNode):
            return [self._built(item, seen) for item in node.value]
        if node.tag != _MAP or not isinstance(node, yaml.MappingNode):
            return self.construct_object(node, deep=True)
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self._built(key_node, seen)
            _check_key(key, result, key_node)
            result[key] = self._built(value_node, seen)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result


# Timestamps stay strings: the curator's "2017-02" vs "2017-02-01" carries the precision.
_RESOLVERS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _cls in (_Loader, _CLoader):
    _cls.yaml_implicit_resolvers = _RESOLVERS


def _may_not_be_plain(text: str) -> bool:
    return ("&" in text or "*" in text or "!" in text) and _NOT_PLAIN.search(text) is not None


class YamlError(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _load_python(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        raise YamlError(line, f"not valid YAML: {exc.context + ': ' if exc.context else ''}{problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(None, f"not valid YAML: {exc}") from None


def load_yaml(text: str) -> Any:
    """Parse one YAML document; raise YamlError with the line of the problem."""
    try:
        # Blanking quoted scalars only removes characters, so a text with no match holds none once blanked:
        # the blanking, and the search itself (each most of a millisecond for a mapping), are done only for
        # texts that can match.
        if _may_not_be_plain(text) and _NOT_PLAIN.search(_QUOTED.sub('""', text)):
            return _load_python(text)
        try:
            return yaml.load(text, Loader=_CLoader)
        except yaml.YAMLError:
            return _load_python(text)  # the same document again, for the message users see
    except ValueError:
        # Python refuses to read an integer of more than 4,300 digits (int_max_str_digits); no field
        # holds such a number, so it is a pasted or mangled value, not something to read.
        raise YamlError(None, "not valid YAML: a number of more than 4,300 digits; no field holds such a "
                              "number (is a value missing its quotes?)") from None
