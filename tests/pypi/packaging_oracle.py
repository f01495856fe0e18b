#!/usr/bin/python3
"""Answers questions about names, versions and filenames with Debian's packaging library.

The differential tests in tests/pypi/ run it once per test case with /usr/bin/python3 and feed it
one JSON object per line on stdin; it prints one JSON object per line on stdout, in order:

  {"op": "name", "s": ...}     -> {"normalized": canonicalize_name(s), "valid": bool, "stdlib": bool}
  {"op": "version", "s": ...}  -> {"ok": false} or {"ok": true, "str": str(v), "pre": bool}
  {"op": "compare", "a", "b"}  -> {"cmp": -1 | 0 | 1}, or {"cmp": null} when one is invalid
  {"op": "wheel", "s": ...}    -> {"ok": false} or {"ok": true, "name", "version", "build", "tags"}
  {"op": "sdist", "s": ...}    -> {"ok": false} or {"ok": true, "name", "version"}

"valid" is PyPI's project name rule applied to the whole string; "stdlib" is PyPI's own
standard-library check (warehouse's STDLIB_PROHIBITED, plus sys.stdlib_module_names).
"""

import json
import re
import sys
from itertools import chain

import stdlib_list
from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename
from packaging.version import Version

_VALID_NAME = re.compile(r"([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])", re.IGNORECASE | re.ASCII)


def _prefixes(module):
    parts = module.split(".")
    return (".".join(parts[: i + 1]) for i in range(len(parts)))


_STDLIB = {
    canonicalize_name(prefix.strip("-_."))
    for module in chain(
        chain.from_iterable(stdlib_list.stdlib_list(v) for v in stdlib_list.short_versions),
        getattr(sys, "stdlib_module_names", ()),
    )
    for prefix in _prefixes(module)
}


def answer(question):
    op = question["op"]
    if op == "name":
        s = question["s"]
        return {
            "normalized": canonicalize_name(s),
            "valid": _VALID_NAME.fullmatch(s) is not None,
            "stdlib": canonicalize_name(s) in _STDLIB,
        }
    if op == "version":
        try:
            v = Version(question["s"])
            return {"ok": True, "str": str(v), "pre": v.is_prerelease}
        except ValueError:  # InvalidVersion, or int() past Python's 4300-digit limit
            return {"ok": False}
    if op == "compare":
        try:
            a, b = Version(question["a"]), Version(question["b"])
        except ValueError:
            return {"cmp": None}
        return {"cmp": (a > b) - (a < b)}
    if op == "wheel":
        try:
            name, version, build, tags = parse_wheel_filename(question["s"])
        except ValueError:
            return {"ok": False}
        return {
            "ok": True,
            "name": name,
            "version": str(version),
            "build": [str(build[0]), build[1]] if build else None,
            "tags": sorted(str(t) for t in tags),
        }
    if op == "sdist":
        try:
            name, version = parse_sdist_filename(question["s"])
        except ValueError:
            return {"ok": False}
        return {"ok": True, "name": name, "version": str(version)}
    raise SystemExit(f"unknown op {op!r}")


def main():
    out = []
    # split("\n"), not splitlines(): the latter also splits at U+0085, U+2028 and U+001C-U+001E.
    for line in sys.stdin.buffer.read().decode("utf-8").split("\n"):
        if line:
            out.append(json.dumps(answer(json.loads(line))))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
