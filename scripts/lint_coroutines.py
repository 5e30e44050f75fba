#!/usr/bin/env python3
"""Flags co_await expressions that GCC 12 miscompiles (see docs/coroutines.md):
braced aggregate temporaries and lambdas capturing by value.  Exit 1 on findings."""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BY_VALUE_CAPTURE = re.compile(r"\[\s*(=|[A-Za-z_][\w]*\s*(=|,|\])|&?[A-Za-z_]\w*\s*=)")
SAFE_CAPTURE = re.compile(r"^\[\s*(&|this|&\s*[A-Za-z_]\w*|\s)*\s*(,\s*(&|this|&\s*[A-Za-z_]\w*))*\s*\]")


def strip_comments_and_strings(src):
    """Blanks out // and /* */ comments and string literals, keeping offsets."""
    out = list(src)
    i, n = 0, len(src)
    while i < n:
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out[i:j] = " " * (j - i)
            i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out[i:j] = [c if c == "\n" else " " for c in src[i:j]]
            i = j
        elif src[i] == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            out[i + 1:j] = " " * (j - i - 1)
            i = j + 1
        else:
            i += 1
    return "".join(out)


def statements(src):
    for m in re.finditer(r"\bco_await\b", src):
        i, depth, j = m.end(), 0, m.end()
        while j < len(src):
            c = src[j]
            if c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
                if depth < 0:
                    break
            elif c == ";" and depth == 0:
                break
            j += 1
        yield m.start(), src[i:j]


def strip_lambda_bodies(stmt):
    """Removes `{ ... }` that follow `)` or `->...` (function/lambda bodies)."""
    out, i = "", 0
    while i < len(stmt):
        if stmt[i] == "{" and re.search(r"(\)|\]|->\s*[\w:<>, ]+|mutable)\s*$", out):
            depth = 0
            while i < len(stmt):
                depth += stmt[i] == "{"
                depth -= stmt[i] == "}"
                i += 1
                if depth == 0:
                    break
            out += "{BODY}"
            continue
        out += stmt[i]
        i += 1
    return out


def check(path):
    original = path.read_text()
    src = strip_comments_and_strings(original)
    problems = []
    for pos, stmt in statements(src):
        line_no = src.count("\n", 0, pos) + 1
        line = original.splitlines()[line_no - 1]
        if "coawait-ok" in line:
            continue
        for lam in re.finditer(r"\[[^\[\]]*\]\s*(\([^)]*\))?\s*(mutable\s*)?(->|\{)", stmt):
            capture = lam.group(0)[: lam.group(0).index("]") + 1]
            if capture != "[]" and not SAFE_CAPTURE.match(capture):
                problems.append((line_no, f"lambda capturing by value {capture} inside co_await"))
        body = strip_lambda_bodies(stmt)
        for brace in re.finditer(r"(\b[A-Z]\w*(::\w+)*\s*)?\{(?!BODY)([^{}]*)\}", body):
            inner = brace.group(3).strip()
            if inner == "" and brace.group(1):  # T{} of a value-initialised type: flagged, could be an aggregate
                problems.append((line_no, f"braced temporary {brace.group(0)} inside co_await"))
            elif inner:
                problems.append((line_no, f"braced temporary {brace.group(0).strip()} inside co_await"))
    return problems


def main():
    failed = False
    for pattern in ("src/**/*.cc", "src/**/*.h", "include/**/*.h", "tools/**/*.cc", "tools/**/*.h"):
        for path in sorted(ROOT.glob(pattern)):
            for line, what in check(path):
                print(f"{path.relative_to(ROOT)}:{line}: {what} (GCC 12 destroys it twice; see docs/coroutines.md)")
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
