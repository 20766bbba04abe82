"""Reading what a user hands us, defensively: households, scenarios, grids, thresholds, flags.

Every reader here refuses with one :class:`~simlib.errors.InputError` line that names the file (or flag) and what
is allowed, before anything can hang, blow up memory or surface as a traceback from deep inside a library:

- only regular files are read (not directories, devices such as ``/dev/zero``, FIFOs or sockets), and at most
  :data:`MAX_BYTES`;
- text is UTF-8, with or without a byte order mark; UTF-16/32 and other encodings are refused by name;
- YAML is parsed with PyYAML's safe loader, with duplicate keys refused and nesting depth, aliases and the size of
  the document after alias expansion bounded (a 'billion laughs' bomb is refused, not expanded);
- JSON likewise: duplicate keys, NaN/Infinity, numbers with more than :data:`MAX_DIGITS` digits and deep nesting
  are refused;
- integers given on the command line have a named range.
"""

from __future__ import annotations

import argparse
import codecs
import json
import math
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

import yaml

from simlib.errors import InputError

MAX_BYTES = 4 * 1024 * 1024  # a household, scenario, grid or thresholds file is a few kilobytes
MAX_DEPTH = 32  # nesting of mappings and lists; the deepest legal input (a scenario's table) has 4
MAX_ALIASES = 100  # YAML aliases (*name) in one document
MAX_NODES = 200_000  # YAML nodes after alias expansion (a 69-row table is about 300)
MAX_DIGITS = 30  # digits of one number in JSON


def show(path: Any) -> str:
    """A path for a one-line message (control characters escaped)."""
    text = str(path)
    return text if text.isprintable() else repr(text)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def read_bytes(path: str | Path, what: str = "file", limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; an InputError naming the file otherwise."""
    where = show(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{where}: {what} not found") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{where}: cannot read the {what} ({getattr(exc, 'strerror', None) or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{where}: is {_kind(st.st_mode)}; a {what} must be a regular file")
    if st.st_size > limit:
        raise InputError(f"{where}: {st.st_size:,} bytes; a {what} may be at most {limit:,} bytes")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{where}: cannot read the {what} ({exc.strerror})") from None
    if len(raw) > limit:
        raise InputError(f"{where}: more than {limit:,} bytes; a {what} may be at most {limit:,} bytes")
    return raw


def read_stdin(limit: int = MAX_BYTES) -> bytes:
    """At most ``limit`` bytes from standard input."""
    raw = sys.stdin.buffer.read(limit + 1)
    if len(raw) > limit:
        raise InputError(f"stdin: more than {limit:,} bytes; a household may be at most {limit:,} bytes")
    return raw


def decode_text(raw: bytes, where: str) -> str:
    """UTF-8 text (a byte order mark is dropped); any other encoding is refused by name."""
    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                      (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if raw.startswith(bom) and not raw.startswith(codecs.BOM_UTF8):
            raise InputError(f"{where}: the file is encoded as {name}; save it as UTF-8")
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        hint = "UTF-16 without a byte order mark?" if b"\x00" in raw[:64] else "Latin-1 or Windows-1252?"
        raise InputError(f"{where}: not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}; {hint}); "
                         "save it as UTF-8") from None
    if "\x00" in text:
        hint = "UTF-16 without a byte order mark?" if text[1:64:2].count("\x00") > 8 else "a binary file?"
        raise InputError(f"{where}: contains NUL characters ({hint}); expected UTF-8 text")
    return text


# --- YAML -----------------------------------------------------------------------------------------------------------

class _Refused(Exception):
    """Raised inside the loader; turned into an InputError naming the file."""


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses duplicate keys, deep nesting and many aliases while composing."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Refused(f"more than {MAX_ALIASES} aliases (*name)")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise _Refused(f"nested deeper than {MAX_DEPTH} levels (line {mark.line + 1})")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self):
        node = super().get_single_node()
        if node is not None:
            _check_expansion(node)
        return node

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    raise _Refused(f"line {key_node.start_mark.line + 1}: a key must be a plain value, not a list or mapping") from None
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise _Refused(f"line {line}: duplicate key {key!r} (first on line {seen[key]})")
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


# YAML 1.1 (PyYAML) reads 1e12 or 5e-05 as text; YAML 1.2 and every person read them as numbers. The loader gets its
# own copy of the resolvers (add_implicit_resolver would append to lists shared with yaml.SafeLoader).
_BoundedLoader.yaml_implicit_resolvers = {k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_BoundedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789"))


def _check_expansion(root) -> None:
    """Refuse a document whose nodes, with every alias expanded, exceed MAX_NODES or MAX_DEPTH (or that refers to
    itself). Sizes are counted once per node, so the check costs the size of the document, not of its expansion."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    active: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if done:
            active.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if size[key] > MAX_NODES:
                raise _Refused(f"expands to more than {MAX_NODES:,} values through its aliases")
            if depth[key] > MAX_DEPTH:
                raise _Refused(f"nested deeper than {MAX_DEPTH} levels through its aliases")
            continue
        if key in size:
            continue
        if key in active:
            raise _Refused("an alias refers to the node that contains it")
        active.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)


def parse_yaml(text: str, where: str) -> Any:
    """A YAML document, safely and within bounds; an InputError naming ``where`` otherwise."""
    try:
        return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a subclass of SafeLoader
    except _Refused as exc:
        raise InputError(f"{where}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None)
        raise InputError(f"{where}: not valid YAML{at}{': ' + problem if problem else ''}") from None
    except (RecursionError, MemoryError):
        raise InputError(f"{where}: too deeply nested or too large to read") from None
    except ValueError as exc:  # e.g. a timestamp or integer out of range
        raise InputError(f"{where}: not valid YAML: {exc}") from None


def read_yaml(path: str | Path, what: str = "file") -> tuple[Any, bytes]:
    """A YAML file read within every bound above: the document and its bytes (for a checksum)."""
    raw = read_bytes(path, what)
    where = show(path)
    return parse_yaml(decode_text(raw, where), where), raw


# --- JSON -----------------------------------------------------------------------------------------------------------

def _pairs(where: str):
    def hook(pairs):
        out = {}
        for k, v in pairs:
            if k in out:
                raise _Refused(f"duplicate key {k!r}")
            out[k] = v
        return out
    return hook


def _constant(name: str):
    raise _Refused(f"{name} is not a number JSON allows; give a finite number")


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Refused(f"a number with {len(text.lstrip('-')):,} digits; at most {MAX_DIGITS}")
    return int(text)


def _float(text: str) -> float:
    if len(text) > 64:
        raise _Refused(f"a number written with {len(text):,} characters; at most 64")
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"{text} is too large for a number")
    return value


def parse_json(text: str, where: str) -> Any:
    """A JSON document within bounds: no duplicate keys, NaN or Infinity, huge numbers or deep nesting."""
    try:
        data = json.loads(text, object_pairs_hook=_pairs(where), parse_constant=_constant, parse_int=_int,
                          parse_float=_float)
    except _Refused as exc:
        raise InputError(f"{where}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise InputError(f"{where}: nested deeper than {MAX_DEPTH} levels") from None
    if _depth(data) > MAX_DEPTH:
        raise InputError(f"{where}: nested deeper than {MAX_DEPTH} levels")
    return data


def _depth(data: Any) -> int:
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(node, dict):
            stack.extend((v, d + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, d + 1) for v in node)
    return deepest


def read_json(path: str, what: str = "file") -> Any:
    """A JSON file (or ``-`` for standard input) read within every bound above."""
    if path == "-":
        return parse_json(decode_text(read_stdin(), "stdin"), "stdin")
    return parse_json(decode_text(read_bytes(path, what), show(path)), show(path))


# --- numbers on the command line ------------------------------------------------------------------------------------

def bounded_int(low: int, high: int):
    """An argparse ``type``: a whole number within [low, high]. argparse puts the flag's name before the message."""
    def fmt(v: int) -> str:
        return f"{v:,}" if abs(v) >= 10_000 else str(v)  # 2020, not 2,020

    def convert(text: str) -> int:
        stripped = text.strip().removeprefix("-").removeprefix("+")
        if not stripped.isdigit() or len(stripped) > 19:
            raise argparse.ArgumentTypeError(f"{show(text)} is not a whole number (allowed: {fmt(low)} to {fmt(high)})")
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{fmt(value)} is outside the allowed range {fmt(low)} to {fmt(high)}")
        return value
    return convert
