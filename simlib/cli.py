"""Command line interface: ``simlib <command>``.

Every error on bad input is printed as one line on stderr with exit code 2; results go to stdout or to files
written atomically (temporary file, then rename).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from simlib.errors import InputError, SimlibError
from simlib.io import write_text_atomic


def _read_json(path: str):
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        name = "stdin" if path == "-" else path
        raise InputError(f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None


def cmd_household(args) -> int:
    from simlib.household import calculate_household

    data = _read_json(args.file)
    result = calculate_household(data, explain=not args.brief)
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    if args.out:
        write_text_atomic(Path(args.out), text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_parameters(args) -> int:
    from simlib.parameters.docs import render_markdown

    text = render_markdown()
    if args.out:
        write_text_atomic(Path(args.out), text)
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="simlib", description="The toeslagen policy simulator.")
    sub = parser.add_subparsers(dest="command", required=True)

    h = sub.add_parser("household", help="allowances of one household (JSON file or - for stdin), with the explanation")
    h.add_argument("file", help="household JSON file, or - to read stdin")
    h.add_argument("--brief", action="store_true", help="only the annual and monthly amounts")
    h.add_argument("--out", help="write the result to this file instead of stdout")
    h.set_defaults(func=cmd_household)

    pa = sub.add_parser("parameters", help="the parameter reference (Markdown, generated from the YAML files)")
    pa.add_argument("--out", help="write to this file (e.g. docs/parameters.md)")
    pa.set_defaults(func=cmd_parameters)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SimlibError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
