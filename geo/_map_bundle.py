"""A tiny ES-module bundler: the viewer's ``assets/js/*.mjs`` → one classic inline script.

Why: a map opened from ``file://`` cannot load ES modules (browsers refuse module scripts from
file URLs), and users' builds must not need node. The viewer's modules keep to a small subset of
the syntax, which this bundler checks rather than guesses at:

- ``import { a, b as c } from './x.mjs';`` (relative paths only, one statement per line);
- ``export function f``, ``export const/let x``, ``export class K`` (named exports only).

Each module becomes a function scope returning its exports; imports become destructuring of
those objects, in dependency order. Anything else that looks like module syntax
(``export default``, ``export *``, ``import x from``, ``import(``) is an error, so a module that
works under ``node --test`` but not in the bundle fails the build and the tests, not the page.
"""
from __future__ import annotations

import re
from pathlib import Path

_IMPORT = re.compile(r"^import\s*\{([^}]*)\}\s*from\s*['\"](\.{1,2}/[^'\"]+)['\"]\s*;?\s*$")
_EXPORT = re.compile(r"^export\s+(?:async\s+)?(function\*?|const|let|class)\s+([A-Za-z_$][\w$]*)")
_BAD = re.compile(r"^\s*(export\s+(default|\*|\{)|import\s+[\w*]|import\s*\()|\bimport\s*\(|\bimport\.meta\b",
                  re.M)


class BundleError(ValueError):
    """A module uses syntax the bundler does not support, or imports form a cycle."""


def _parse(path: Path) -> tuple[list[tuple[list[tuple[str, str]], Path]], list[str], str]:
    """(imports [(names [(imported, local)], path)], exported names, body without module syntax)."""
    imports, exports, out = [], [], []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = _IMPORT.match(line.strip()) if line.startswith("import") else None
        if m:
            names = []
            for part in filter(None, (p.strip() for p in m.group(1).split(","))):
                a, _, b = part.partition(" as ")
                names.append((a.strip(), (b or a).strip()))
            imports.append((names, (path.parent / m.group(2)).resolve()))
            out.append("")
            continue
        e = _EXPORT.match(line)
        if e:
            exports.append(e.group(2))
            line = line[len("export "):]
        elif _BAD.search(line):
            raise BundleError(f"{path.name}:{n}: unsupported module syntax: {line.strip()[:80]}")
        out.append(line)
    return imports, exports, "\n".join(out)


def bundle(entries: list[Path], *, expose: dict[str, str] | None = None) -> str:
    """One classic script from *entries* and everything they import.

    *expose* maps a global name to ``"module.mjs:export"``; those become ``window`` properties.
    """
    parsed: dict[Path, tuple] = {}
    order: list[Path] = []
    visiting: set[Path] = set()

    def visit(p: Path, chain: tuple[str, ...]) -> None:
        p = p.resolve()
        if p in parsed:
            return
        if p in visiting:
            raise BundleError("import cycle: " + " -> ".join(chain + (p.name,)))
        if not p.exists():
            raise BundleError(f"{chain[-1] if chain else '?'} imports missing {p.name}")
        visiting.add(p)
        info = _parse(p)
        for _names, dep in info[0]:
            visit(dep, chain + (p.name,))
        visiting.discard(p)
        parsed[p] = info
        order.append(p)

    for e in entries:
        visit(Path(e), ())
    var = {p: f"__m{k}" for k, p in enumerate(order)}
    parts = ["(function () {", "'use strict';"]
    for p in order:
        imports, exports, body = parsed[p]
        parts.append(f"// ---- {p.name}")
        parts.append(f"var {var[p]} = (function () {{")
        for names, dep in imports:
            missing = [a for a, _ in names if a not in parsed[dep][1]]
            if missing:
                raise BundleError(f"{p.name} imports {', '.join(missing)} that {dep.name} does not export")
            parts.append("  var " + ", ".join(f"{b} = {var[dep]}.{a}" for a, b in names) + ";")
        parts.append(body)
        parts.append("  return {" + ", ".join(exports) + "};")
        parts.append("})();")
    by_name = {p.name: p for p in order}
    for glob, target in (expose or {}).items():
        mod, _, name = target.partition(":")
        if mod not in by_name or name not in parsed[by_name[mod]][1]:
            raise BundleError(f"cannot expose {target}: not bundled or not exported")
        head, _, last = glob.rpartition(".")
        if head:
            parts.append(f"window.{head} = window.{head} || {{}};")
        parts.append(f"window.{glob} = {var[by_name[mod]]}.{name};")
    parts.append("})();")
    return "\n".join(parts) + "\n"
