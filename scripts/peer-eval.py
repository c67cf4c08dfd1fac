#!/usr/bin/env python3
"""Breadth of leakward against the other scanners' own published examples and tests.

    peer-eval.py extract --mirror NAME=GITDIR [--mirror ...] --out DIR
    peer-eval.py run DIR --leakward BIN [--rules RULES_DIR] [--name NAME]
    peer-eval.py import DIR --tool noseyparker|kingfisher --report FILE [--name NAME]
    peer-eval.py report DIR [--gaps GAPDIR] [--tool NAME]
    peer-eval.py selftest

`extract` reads the example strings that other secret scanners publish with their
rules and tests, from local bare git mirrors given on the command line (nothing is
read by default), and writes them to DIR (which should be outside the repository):

  noseyparker  rules YAML (`*/builtin/rules/*.yml`): `examples` are positives,
               `negative_examples` (and `non_examples`) negatives.
  kingfisher   rules YAML (`*/data/rules/*.yml`): the same two fields.
  gitleaks,    Go rule constructors (`cmd/generate/config/rules/*.go`): the `tps`
  betterleaks  and `fps` slices handed to `utils.Validate`, evaluated statically
               (string literals, `+`, `fmt.Sprintf`, `append`, and the sample
               templates of `GenerateSampleSecret(s)`, which are read from the
               mirror's own `utils/generate.go`). A value built from a random
               generator (`secrets.NewSecret(regex)`) cannot be reproduced and is
               counted as skipped; so are path-dependent cases (`ValidateWithPaths`).
  trufflehog   detector tests (`pkg/detectors/**/*_test.go`): the table of every
               `Test*_Pattern` test; an `input` with a non-empty `want` is a
               positive, one with an empty `want` a negative.

NAME is one of noseyparker, kingfisher, gitleaks, betterleaks, trufflehog. Every
example keeps its peer, rule id, provider guess, leakward category (from the table
in this file), polarity, the secret the peer expects (when it can be known: the
peer's regex group for YAML rules, the generator argument for gitleaks-style
samples, `want` for trufflehog) and placeholder flags. Identical strings are
deduplicated per peer and polarity. Output: DIR/examples.jsonl, one file per example
under DIR/files/<peer>/, and DIR/extract-summary.json.

Placeholder flags. A positive whose secret is a placeholder (`xxxx`, `<token>`,
`${VAR}`, `REDACTED`, `your_…`, a vendor's `…EXAMPLE` key, a run of one character,
fewer than four distinct characters) or is truncated (`...`, `…`) is flagged *hard*
and excluded from recall: no scanner should report it. A secret with an ascending run
of eight (`abcdefgh`, `12345678`) or the word `fake`/`sample` is flagged *soft*: it
stays in recall, and the report shows recall without the soft-flagged too.

`run` scans DIR/files with `leakward scan --format json --no-config --show-secrets`
(one run per peer directory; a finding's path names its example) and writes
DIR/results/<name>.json. `--rules` replaces the built-in rules, to measure another
branch's rule set with one binary.

`import` reads a JSON report of another scanner run over DIR/files (noseyparker's
`report --format json`, kingfisher's `scan --format json`) into DIR/results/<name>.json,
so the same tables can be printed for it.

`report` prints, for every result set: recall on positives per peer and per category,
false alarms on negatives per peer, and the missed positives grouped by provider,
sorted by how many peers cover the provider. With `--gaps GAPDIR` it writes one gap
list per leakward category and generic.txt (the misses of the generic "secret-looking
assignment" shape) for rule authors.

False alarms. A peer's negative is often a negative only for that peer's rule (a
real-looking key of another provider, or of another kind of the same provider). A
finding on a negative counts as a false alarm only when (a) the finding's rule is
generic (category `generic`) or of the same provider as the peer rule, and (b) the
negative is not a positive of any peer and the secret found does not occur in any
peer's positive (then it is a real-looking key that some scanner's own rule asserts).
Other findings on negatives are counted and shown, but not as false alarms.

Standard library only (Python 3.11).
"""

import argparse
import base64
import binascii
import collections
import json
import math
import os
import re
import shutil
import subprocess
import sys

PEERS = ("noseyparker", "kingfisher", "gitleaks", "betterleaks", "trufflehog")
SHORT = {"noseyparker": "np", "kingfisher": "kf", "gitleaks": "gl", "betterleaks": "bl", "trufflehog": "th"}
CATEGORIES = ("ai", "cloud", "forge-ci", "registry", "payment", "chat-mail", "database", "saas",
              "observability", "private-key", "generic")


# ---------------------------------------------------------------------------------------------
# Git mirror access
# ---------------------------------------------------------------------------------------------

class Mirror:
    """Read-only access to HEAD of a bare git repository."""

    def __init__(self, gitdir):
        self.gitdir = gitdir

    def ls(self):
        """Every path of HEAD's tree."""
        out = subprocess.run(["git", "--git-dir", self.gitdir, "ls-tree", "-r", "--name-only", "-z", "HEAD"],
                             capture_output=True, check=True).stdout
        return [p.decode("utf-8", "replace") for p in out.split(b"\0") if p]

    def show(self, path):
        """The text of one file of HEAD (None when its blob is absent from the mirror)."""
        r = subprocess.run(["git", "--git-dir", self.gitdir, "show", "HEAD:" + path], capture_output=True)
        if r.returncode != 0:
            return None
        return r.stdout.decode("utf-8", "replace")

    def head(self):
        """The commit id of HEAD."""
        return subprocess.run(["git", "--git-dir", self.gitdir, "rev-parse", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()


# ---------------------------------------------------------------------------------------------
# A small YAML reader (block style, as the rule files use it)
# ---------------------------------------------------------------------------------------------

class YamlError(Exception):
    """The text uses YAML this reader does not understand."""


_YKEY = re.compile(r"""^(?:'((?:[^']|'')*)'|"((?:[^"\\]|\\.)*)"|([^\s'"\-#?:,\[\]{}&*!|>%@`][^#]*?|-[^\s#][^#]*?))\s*:(?:\s+|$)""")


class YamlLite:
    """Block mappings and sequences, plain/quoted/block scalars and simple flow collections."""

    def __init__(self, text):
        self.lines = text.replace("\r\n", "\n").split("\n")
        self.i = 0

    @staticmethod
    def _indent(line):
        return len(line) - len(line.lstrip(" "))

    def _next(self):
        j = self.i
        while j < len(self.lines):
            s = self.lines[j].strip()
            if s and not s.startswith("#") and s not in ("---", "..."):
                return j
            j += 1
        return None

    def parse(self):
        """The document's value."""
        j = self._next()
        if j is None:
            return None
        self.i = j
        return self._block(self._indent(self.lines[j]))

    def _block(self, indent):
        j = self._next()
        if j is None:
            return None
        line = self.lines[j]
        ind = self._indent(line)
        if ind < indent:
            return None
        self.i = j
        body = line[ind:]
        if body == "-" or body.startswith("- "):
            return self._seq(ind)
        if _YKEY.match(body):
            return self._map(ind)
        self.i = j + 1
        return self._scalar(body, ind - 1)

    def _seq(self, ind):
        out = []
        while True:
            j = self._next()
            if j is None or self._indent(self.lines[j]) != ind:
                break
            body = self.lines[j][ind:]
            if not (body == "-" or body.startswith("- ")):
                break
            rest = body[1:].lstrip(" ")
            if not rest or rest.startswith("#"):
                self.i = j + 1
                out.append(self._block(ind + 1))
                continue
            off = len(body) - len(rest)
            if rest.startswith("- ") or rest == "-" or _YKEY.match(rest):
                # a node that starts on the item's line: read the line again with the dash
                # blanked, as a block at the deeper indentation
                self.lines[j] = " " * (ind + off) + rest
                self.i = j
                out.append(self._block(ind + off))
                continue
            self.i = j + 1
            out.append(self._scalar(rest, ind))
        return out

    def _map(self, ind):
        out = {}
        while True:
            j = self._next()
            if j is None or self._indent(self.lines[j]) != ind:
                break
            body = self.lines[j][ind:]
            m = _YKEY.match(body)
            if not m or body.startswith("- "):
                break
            if m.group(1) is not None:
                key = m.group(1).replace("''", "'")
            elif m.group(2) is not None:
                key = _yaml_unescape(m.group(2))
            else:
                key = m.group(3).strip()
            rest = body[m.end():]
            self.i = j + 1
            if not rest.strip() or rest.lstrip().startswith("#"):
                k = self._next()
                if k is None:
                    out[key] = None
                    continue
                kl = self.lines[k]
                kind = self._indent(kl)
                if kind > ind:
                    out[key] = self._block(kind)
                elif kind == ind and (kl[ind:] == "-" or kl[ind:].startswith("- ")):
                    self.i = k
                    out[key] = self._seq(ind)
                else:
                    out[key] = None
            else:
                out[key] = self._scalar(rest.lstrip(" "), ind)
        return out

    def _scalar(self, text, parent):
        c = text[:1]
        if c in "|>":
            return self._block_scalar(text, parent)
        if c in "'\"":
            return self._quoted(text, c)
        if c in "[{":
            return self._flow(text)
        return self._plain(text, parent)

    def _block_scalar(self, header, parent):
        m = re.match(r"^([|>])([1-9]?)([+-]?)([1-9]?)\s*(?:#.*)?$", header)
        if not m:
            raise YamlError("bad block scalar header %r" % header)
        style, explicit, chomp = m.group(1), m.group(2) or m.group(4), m.group(3)
        raw = []
        j = self.i
        content = max(parent, 0) + int(explicit) if explicit else None
        while j < len(self.lines):
            line = self.lines[j]
            if line.strip() == "":
                raw.append("")
                j += 1
                continue
            ind = self._indent(line)
            if content is None:
                if ind <= parent:
                    break
                content = ind
            if ind < content:
                break
            raw.append(line[content:])
            j += 1
        self.i = j
        trail = 0
        while raw and raw[-1] == "":
            raw.pop()
            trail += 1
        if not raw:
            return ""
        text = "\n".join(raw) if style == "|" else _yaml_fold(raw)
        if chomp == "-" or (trail == 0 and j == len(self.lines)):
            return text
        if chomp == "+":
            return text + "\n" + "\n" * trail
        return text + "\n"

    def _quoted(self, text, q):
        buf = text[1:]
        j = self.i
        parts = []
        while True:
            end = _yaml_close(buf, q)
            if end is not None:
                parts.append(buf[:end])
                self.i = j
                break
            parts.append(buf)
            if j >= len(self.lines):
                raise YamlError("unterminated quoted scalar")
            buf = self.lines[j].strip(" ")
            j += 1
        out = ""
        blanks = 0
        for n, p in enumerate(parts):
            seg = p if n == 0 else p.lstrip(" ")
            if n < len(parts) - 1:
                seg = seg.rstrip(" ")
            if n == 0:
                out = seg
                continue
            if seg == "" and n < len(parts) - 1:
                blanks += 1
                continue
            if q == '"' and out.endswith("\\") and not out.endswith("\\\\"):
                out = out[:-1] + seg
            elif blanks:
                out += "\n" * blanks + seg
            else:
                out += " " + seg
            blanks = 0
        return out.replace("''", "'") if q == "'" else _yaml_unescape(out)

    def _flow(self, text):
        buf = text
        j = self.i
        while _flow_depth(buf) > 0 and j < len(self.lines):
            buf += " " + self.lines[j].strip()
            j += 1
        self.i = j
        return _flow_parse(buf, 0)[0]

    def _plain(self, text, parent):
        parts = [re.sub(r"\s+#.*$", "", text).strip()]
        j = self.i
        while j < len(self.lines):
            line = self.lines[j]
            s = line.strip()
            if s == "":
                k = j
                while k < len(self.lines) and self.lines[k].strip() == "":
                    k += 1
                if (k < len(self.lines) and self._indent(self.lines[k]) > parent
                        and not self.lines[k].strip().startswith("#") and not _YKEY.match(self.lines[k].strip())):
                    parts.append("\n" * (k - j))
                    j = k
                    continue
                break
            if self._indent(line) <= parent or s.startswith("#") or _YKEY.match(s) or s.startswith("- "):
                break
            parts.append(re.sub(r"\s+#.*$", "", s))
            j += 1
        self.i = j
        out = parts[0]
        for p in parts[1:]:
            out += p if (p.startswith("\n") or out.endswith("\n")) else " " + p
        return out


def _yaml_fold(raw):
    out = ""
    prev_more = True
    for n, line in enumerate(raw):
        more = line.startswith(" ") or line == ""
        if n == 0:
            out = line
        elif line == "":
            out += "\n"
        elif more or prev_more:
            out += line if out.endswith("\n") else "\n" + line
        else:
            out += line if out.endswith("\n") else " " + line
        prev_more = more
    return out


def _yaml_close(buf, q):
    k = 0
    while k < len(buf):
        ch = buf[k]
        if q == "'" and ch == "'":
            if k + 1 < len(buf) and buf[k + 1] == "'":
                k += 2
                continue
            return k
        if q == '"':
            if ch == "\\":
                k += 2
                continue
            if ch == '"':
                return k
        k += 1
    return None


_YESC = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "/": "/", " ": " ",
         "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "v": "\v", "N": "\x85", "_": "\xa0"}


def _yaml_unescape(s):
    out = []
    k = 0
    while k < len(s):
        ch = s[k]
        if ch != "\\" or k + 1 >= len(s):
            out.append(ch)
            k += 1
            continue
        e = s[k + 1]
        if e in _YESC:
            out.append(_YESC[e])
            k += 2
        elif e in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[e]
            out.append(chr(int(s[k + 2:k + 2 + n], 16)))
            k += 2 + n
        else:
            out.append(e)
            k += 2
    return "".join(out)


def _flow_depth(s):
    depth, q, k = 0, None, 0
    while k < len(s):
        ch = s[k]
        if q:
            if q == '"' and ch == "\\":
                k += 2
                continue
            if ch == q:
                q = None
        elif ch in "'\"":
            q = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        k += 1
    return depth


def _flow_parse(s, k):
    while k < len(s) and s[k] == " ":
        k += 1
    ch = s[k]
    if ch in "[{":
        close = "]" if ch == "[" else "}"
        items = [] if ch == "[" else {}
        k += 1
        while True:
            while k < len(s) and s[k] in " ,":
                k += 1
            if s[k] == close:
                return items, k + 1
            val, k = _flow_parse(s, k)
            while k < len(s) and s[k] == " ":
                k += 1
            if isinstance(items, dict):
                if s[k] == ":":
                    v2, k = _flow_parse(s, k + 1)
                    items[val] = v2
                else:
                    items[val] = None
            else:
                items.append(val)
    if ch in "'\"":
        end = _yaml_close(s[k + 1:], ch)
        raw = s[k + 1:k + 1 + end]
        return (raw.replace("''", "'") if ch == "'" else _yaml_unescape(raw)), k + 2 + end
    m = re.compile(r"[^,\]\}:]*(?::(?! )[^,\]\}:]*)*").match(s, k)
    return m.group(0).strip(), m.end()


# ---------------------------------------------------------------------------------------------
# A small static evaluator for the Go that builds test strings
# ---------------------------------------------------------------------------------------------

class Unknown:
    """A value that cannot be computed statically (a random generator, a helper function)."""

    def __init__(self, why):
        self.why = why

    def __repr__(self):
        return "Unknown(%s)" % self.why


class GoSyntax(Exception):
    """The token stream is not the Go subset the evaluator reads."""


_GO_PUNCT = ["...", "<<=", ">>=", "&^=", ":=", "==", "!=", "<=", ">=", "&&", "||", "<-", "++", "--", "+=", "-=",
             "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "&^"]
_GO_SEMI_AFTER = {"ident", "int", "str", "rune", "float"}
_GO_KW_SEMI = {"break", "continue", "fallthrough", "return"}
_GO_ESC = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"'}


def go_tokens(src):
    """Go tokens as (kind, value), with the semicolons Go inserts at line ends."""
    toks = []
    i, n = 0, len(src)

    def newline():
        if toks:
            k, v = toks[-1]
            if k in _GO_SEMI_AFTER or (k == "p" and v in (")", "]", "}", "++", "--")) or (k == "ident" and v in _GO_KW_SEMI):
                toks.append(("p", ";"))

    while i < n:
        c = src[i]
        if c == "\n":
            newline()
            i += 1
        elif c in " \t\r":
            i += 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j
            if "\n" in src[i:j]:
                newline()
            i = j + 2
        elif c == "`":
            j = src.find("`", i + 1)
            if j < 0:
                raise GoSyntax("unterminated raw string")
            toks.append(("str", src[i + 1:j].replace("\r", "")))
            i = j + 1
        elif c == '"':
            out = []
            j = i + 1
            while j < n and src[j] != '"':
                if src[j] == "\\":
                    e = src[j + 1]
                    if e in _GO_ESC:
                        out.append(_GO_ESC[e])
                        j += 2
                    elif e == "x":
                        out.append(chr(int(src[j + 2:j + 4], 16)))
                        j += 4
                    elif e == "u":
                        out.append(chr(int(src[j + 2:j + 6], 16)))
                        j += 6
                    elif e == "U":
                        out.append(chr(int(src[j + 2:j + 10], 16)))
                        j += 10
                    elif e in "01234567":
                        out.append(chr(int(src[j + 1:j + 4], 8)))
                        j += 4
                    else:
                        out.append(e)
                        j += 2
                elif src[j] == "\n":
                    raise GoSyntax("newline in string")
                else:
                    out.append(src[j])
                    j += 1
            toks.append(("str", "".join(out)))
            i = j + 1
        elif c == "'":
            j = i + 1
            while j < n and src[j] != "'":
                j += 2 if src[j] == "\\" else 1
            toks.append(("rune", src[i + 1:j]))
            i = j + 1
        elif c.isdigit() or (c == "." and i + 1 < n and src[i + 1].isdigit()):
            m = re.compile(r"0[xX][0-9a-fA-F_]+|[0-9_]*\.?[0-9_]+(?:[eE][+-]?[0-9]+)?").match(src, i)
            v = m.group(0)
            try:
                toks.append(("int", int(v.replace("_", ""), 0)))
            except ValueError:
                toks.append(("float", v))
            i = m.end()
        elif c.isalpha() or c == "_":
            m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(src, i)
            toks.append(("ident", m.group(0)))
            i = m.end()
        else:
            for p in _GO_PUNCT:
                if src.startswith(p, i):
                    toks.append(("p", p))
                    i += len(p)
                    break
            else:
                toks.append(("p", c))
                i += 1
    newline()
    return toks


_GO_OPEN = {"(": ")", "[": "]", "{": "}"}


class GoEval:
    """Evaluates the string-building expressions of one Go file."""

    def __init__(self, toks, env=None, funcs=None):
        self.t = toks
        self.env = env if env is not None else {}
        self.funcs = funcs or {}

    # -- token helpers --
    def peek(self, k=0):
        j = self.pos + k
        return self.t[j] if j < len(self.t) else ("eof", None)

    def isp(self, v, k=0):
        tok = self.peek(k)
        return tok[0] == "p" and tok[1] == v

    def expect(self, v):
        if not self.isp(v):
            raise GoSyntax("expected %r, got %r" % (v, self.peek()))
        self.pos += 1

    def skip_balanced(self):
        """Skip one token, or a whole bracketed group when it opens one."""
        tok = self.peek()
        if tok[0] == "p" and tok[1] in _GO_OPEN:
            depth = 0
            while self.pos < len(self.t):
                k, v = self.t[self.pos]
                if k == "p" and v in _GO_OPEN:
                    depth += 1
                elif k == "p" and v in (")", "]", "}"):
                    depth -= 1
                self.pos += 1
                if depth == 0:
                    return
            return
        self.pos += 1

    def skip_until(self, stops):
        """Skip balanced groups up to (not past) a stop punctuation at depth 0."""
        while self.pos < len(self.t):
            k, v = self.t[self.pos]
            if k == "p" and v in stops:
                return
            if k == "p" and v in (")", "]", "}"):
                return
            self.skip_balanced()

    # -- expressions --
    def expr_or_unknown(self, stops):
        """An expression up to a stop token; Unknown (skipping it) when it cannot be read."""
        start = self.pos
        try:
            v = self.expr()
            if self.pos < len(self.t) and not (self.peek()[0] == "p" and (self.peek()[1] in stops or self.peek()[1] in (")", "]", "}"))):
                raise GoSyntax("trailing tokens")
            return v
        except (GoSyntax, IndexError, KeyError, ValueError, TypeError) as e:
            self.pos = start
            self.skip_until(stops)
            return Unknown("syntax: %s" % e)

    def expr(self):
        v = self.unary()
        while True:
            tok = self.peek()
            if tok[0] != "p" or tok[1] not in ("+", "-", "*", "/", "%", "|", "&", "^", "<<", ">>", "&^",
                                               "==", "!=", "<", "<=", ">", ">=", "&&", "||"):
                return v
            op = tok[1]
            self.pos += 1
            w = self.unary()
            if op == "+" and isinstance(v, str) and isinstance(w, str):
                v = v + w
            elif op in ("+", "-", "*", "/", "%") and isinstance(v, int) and isinstance(w, int):
                v = {"+": v + w, "-": v - w, "*": v * w, "/": v // w if w else 0, "%": v % w if w else 0}[op]
            else:
                v = v if isinstance(v, Unknown) else (w if isinstance(w, Unknown) else Unknown("operator " + op))

    def unary(self):
        tok = self.peek()
        if tok[0] == "p" and tok[1] in ("-", "!", "&", "*", "<-", "^", "+"):
            self.pos += 1
            v = self.unary()
            if tok[1] == "-" and isinstance(v, int):
                return -v
            return v if tok[1] in ("&", "+") else Unknown("unary")
        return self.primary()

    def type_(self):
        """Skip a type; returns its text for conversions such as []byte."""
        start = self.pos
        tok = self.peek()
        if self.isp("["):
            self.skip_balanced()
            self.type_()
        elif self.isp("*"):
            self.pos += 1
            self.type_()
        elif tok == ("ident", "map"):
            self.pos += 1
            self.skip_balanced()
            self.type_()
        elif tok in (("ident", "struct"), ("ident", "interface")):
            self.pos += 1
            self.skip_balanced()
        elif tok == ("ident", "func"):
            self.pos += 1
            self.skip_balanced()
            if self.isp("("):
                self.skip_balanced()
            elif self.peek()[0] == "ident":
                self.type_()
        elif tok[0] == "ident":
            self.pos += 1
            while self.isp(".") and self.peek(1)[0] == "ident":
                self.pos += 2
            if self.isp("["):  # generic instantiation
                self.skip_balanced()
        else:
            raise GoSyntax("type expected, got %r" % (tok,))
        return "".join(str(v) for _, v in self.t[start:self.pos])

    def composite(self):
        """The body of a composite literal `{...}`: a list, or a dict when keyed."""
        self.expect("{")
        items, keyed = [], {}
        while not self.isp("}"):
            if self.isp(";"):
                self.pos += 1
                continue
            if self.peek()[0] == "ident" and self.isp(":", 1):
                v = self.peek()[1]  # a struct field name
                self.pos += 1
            elif self.isp("{"):
                v = self.composite()
            else:
                v = self.expr_or_unknown((",", ":", "}"))
            if self.isp(":"):
                self.pos += 1
                if self.isp("{"):
                    w = self.composite()
                else:
                    w = self.expr_or_unknown((",", "}"))
                key = v if isinstance(v, (str, int)) else repr(v)
                keyed[key] = w
            else:
                items.append(v)
            if self.isp(","):
                self.pos += 1
            elif not self.isp("}"):
                self.skip_until((",", "}"))
                if self.isp(","):
                    self.pos += 1
        self.expect("}")
        return keyed if keyed and not items else (items if not keyed else Unknown("mixed composite"))

    def primary(self):
        tok = self.peek()
        kind, val = tok
        if kind in ("str", "int"):
            self.pos += 1
            v = val
        elif kind in ("rune", "float"):
            self.pos += 1
            v = Unknown(kind)
        elif kind == "p" and val == "(":
            self.pos += 1
            v = self.expr()
            self.expect(")")
        elif (kind == "p" and val == "[") or tok in (("ident", "map"), ("ident", "struct")):
            tname = self.type_()
            if self.isp("{"):
                v = self.composite()
            elif self.isp("("):
                self.pos += 1
                arg = self.expr()
                if self.isp(","):
                    self.pos += 1
                self.expect(")")
                v = arg if tname in ("[]byte", "[]rune") else Unknown("conversion " + tname)
            else:
                raise GoSyntax("type without literal")
        elif tok == ("ident", "func"):
            self.pos += 1
            self.skip_balanced()  # parameters
            while not self.isp("{"):
                self.skip_balanced()
            self.skip_balanced()  # body
            v = Unknown("func literal")
        elif kind == "ident":
            self.pos += 1
            name = val
            while self.isp(".") and self.peek(1)[0] == "ident":
                name += "." + self.peek(1)[1]
                self.pos += 2
            if self.isp("{") and (name[:1].isupper() or "." in name):
                v = self.composite()
            elif self.isp("("):
                v = self.call(name)
            elif name in self.env:
                v = self.env[name]
            elif name in ("nil",):
                v = []
            elif name in ("true", "false"):
                v = name == "true"
            else:
                v = Unknown("name " + name)
        else:
            raise GoSyntax("unexpected %r" % (tok,))
        # postfix: index, slice, call on result
        while True:
            if self.isp("["):
                self.pos += 1
                lo = None if self.isp(":") else self.expr()
                if self.isp(":"):
                    self.pos += 1
                    hi = None if self.isp("]") else self.expr()
                    self.expect("]")
                    if isinstance(v, (str, list)) and (lo is None or isinstance(lo, int)) and (hi is None or isinstance(hi, int)):
                        v = v[lo:hi]
                    else:
                        v = Unknown("slice")
                else:
                    self.expect("]")
                    v = v[lo] if isinstance(v, list) and isinstance(lo, int) and -len(v) <= lo < len(v) else Unknown("index")
            elif self.isp("."):
                self.pos += 1
                if self.isp("("):
                    self.skip_balanced()
                else:
                    self.pos += 1
                v = Unknown("selector")
            elif self.isp("("):
                self.skip_balanced()
                v = Unknown("call on value")
            else:
                return v

    def call(self, name):
        self.expect("(")
        args, spread = [], False
        while not self.isp(")"):
            if self.isp(";"):
                self.pos += 1
                continue
            args.append(self.expr_or_unknown((",", "...")))
            if self.isp("..."):
                spread = True
                self.pos += 1
            if self.isp(","):
                self.pos += 1
            elif not self.isp(")"):
                raise GoSyntax("bad call arguments")
        self.expect(")")
        return self.apply(name, args, spread)

    def apply(self, name, args, spread):
        short = name.split(".")[-1]
        if name == "append":
            base = args[0] if args else []
            if not isinstance(base, list):
                return Unknown("append to unknown")
            rest = args[1:]
            if spread and rest:
                last = rest[-1]
                rest = rest[:-1] + (last if isinstance(last, list) else [Unknown("spread of unknown")])
            return base + rest
        if short in self.funcs:
            return self.funcs[short](args)
        if name == "fmt.Sprintf" and args and isinstance(args[0], str):
            return go_sprintf(args[0], args[1:])
        if name == "strings.Repeat" and len(args) == 2 and isinstance(args[0], str) and isinstance(args[1], int):
            return args[0] * args[1]
        if name == "strings.Join" and len(args) == 2 and isinstance(args[0], list) and isinstance(args[1], str) \
                and all(isinstance(a, str) for a in args[0]):
            return args[1].join(args[0])
        if name in ("strings.ToUpper", "strings.ToLower", "strings.TrimSpace") and len(args) == 1 and isinstance(args[0], str):
            return {"strings.ToUpper": str.upper, "strings.ToLower": str.lower, "strings.TrimSpace": str.strip}[name](args[0])
        if name in ("strings.ReplaceAll",) and len(args) == 3 and all(isinstance(a, str) for a in args):
            return args[0].replace(args[1], args[2])
        if name == "string" and len(args) == 1 and isinstance(args[0], str):
            return args[0]
        return Unknown("call " + name)

    # -- statements --
    def declarations(self, start, end, toplevel):
        """Evaluate `x := e`, `x = e`, `var x [T] = e` and `const` declarations in [start, end)."""
        self.pos = start
        prev = ";"
        while self.pos < end:
            k, v = self.peek()
            at_stmt = prev in (";", "{", "}", "(")
            if at_stmt and k == "ident" and v in ("var", "const") and (not toplevel or prev != "("):
                self.pos += 1
                if self.isp("("):
                    self.pos += 1
                    while self.pos < end and not self.isp(")"):
                        if self.isp(";"):
                            self.pos += 1
                            continue
                        self.spec()
                    self.pos += 1
                else:
                    self.spec()
                prev = ";"
                continue
            if at_stmt and not toplevel and k == "ident" and self.peek(1)[0] == "p" and self.peek(1)[1] in (":=", "="):
                name = v
                self.pos += 2
                self.env[name] = self.expr_or_unknown((";",))
                prev = ";"
                continue
            if toplevel and k == "ident" and v == "func":
                # skip the function: signature and body
                self.pos += 1
                while self.pos < end and not self.isp("{"):
                    self.skip_balanced()
                self.skip_balanced()
                prev = ";"
                continue
            prev = v if k == "p" else "x"
            self.pos += 1

    def spec(self):
        """One `name [Type] = expr` of a var/const declaration."""
        names = []
        while self.peek()[0] == "ident":
            names.append(self.peek()[1])
            self.pos += 1
            if self.isp(","):
                self.pos += 1
            else:
                break
        if not self.isp("=") and not self.isp(";"):
            try:
                self.type_()
            except GoSyntax:
                self.skip_until((";",))
        if self.isp("="):
            self.pos += 1
            vals = []
            while True:
                vals.append(self.expr_or_unknown((";", ",")))
                if self.isp(","):
                    self.pos += 1
                    continue
                break
            for nm, vl in zip(names, vals):
                self.env[nm] = vl
        self.skip_until((";",))
        if self.isp(";"):
            self.pos += 1


def go_sprintf(fmt, args):
    """fmt.Sprintf for %s %v %d %q %x and %%; Unknown when an argument is."""
    out = []
    ai = 0
    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        m = re.compile(r"%([-+# 0]*\d*(?:\.\d+)?)([a-zA-Z%])").match(fmt, i)
        if not m:
            return Unknown("format")
        verb = m.group(2)
        i = m.end()
        if verb == "%":
            out.append("%")
            continue
        if ai >= len(args):
            return Unknown("format args")
        a = args[ai]
        ai += 1
        if isinstance(a, Unknown) or isinstance(a, (list, dict)):
            return a if isinstance(a, Unknown) else Unknown("format of list")
        if verb in ("s", "v", "d"):
            out.append(str(a))
        elif verb == "q":
            out.append(json.dumps(a))
        elif verb == "x" and isinstance(a, str):
            out.append(a.encode().hex())
        else:
            return Unknown("verb " + verb)
    return "".join(out)


def go_functions(toks):
    """(name, body_start, body_end) of every top-level function."""
    out = []
    i = 0
    depth = 0
    while i < len(toks):
        k, v = toks[i]
        if k == "p" and v in ("{", "(", "["):
            depth += 1
        elif k == "p" and v in ("}", ")", "]"):
            depth -= 1
        elif depth == 0 and k == "ident" and v == "func":
            j = i + 1
            if toks[j] == ("p", "("):  # method receiver
                d = 0
                while True:
                    if toks[j] == ("p", "("):
                        d += 1
                    elif toks[j] == ("p", ")"):
                        d -= 1
                    j += 1
                    if d == 0:
                        break
            name = toks[j][1] if toks[j][0] == "ident" else None
            while j < len(toks) and toks[j] != ("p", "{"):
                if toks[j] == ("p", "("):
                    d = 0
                    while True:
                        if toks[j] == ("p", "("):
                            d += 1
                        elif toks[j] == ("p", ")"):
                            d -= 1
                        j += 1
                        if d == 0:
                            break
                    continue
                if toks[j] == ("p", ";"):
                    break
                j += 1
            if j >= len(toks) or toks[j] != ("p", "{"):
                i = j
                continue
            start = j
            d = 0
            while j < len(toks):
                if toks[j][0] == "p" and toks[j][1] in ("{", "(", "["):
                    d += 1
                elif toks[j][0] == "p" and toks[j][1] in ("}", ")", "]"):
                    d -= 1
                j += 1
                if d == 0:
                    break
            out.append((name, start + 1, j - 1))
            i = j
            continue
        i += 1
    return out


# ---------------------------------------------------------------------------------------------
# Providers and categories
# ---------------------------------------------------------------------------------------------

# Provider key -> leakward category. Keys are lower-case alphanumerics; a name is matched by
# its longest known prefix, so "githubapp", "github-pat" and "GitHub" all become "github".
CATEGORY_OF = {}
for _cat, _names in {
    "ai": """openai anthropic claude cohere mistral huggingface hf groq replicate perplexity deepseek
        xai grok gemini vertex togetherai together fireworks anyscale deepinfra cerebras elevenlabs
        assemblyai deepgram stability stabilityai langchain langsmith langfuse pinecone weaviate qdrant
        chroma voyage voyageai jina nomic nvidia ngc openrouter ai21 aleph alephalpha clarifai wandb
        weightsandbiases comet neptune lepton baseten modal runpod octoai friendli friendliai hyperbolic
        novita sambanova upstage zhipu moonshot minimax baidu qianfan dashscope volcengine tavily exa
        serpapi serper firecrawl browserbase e2b mem0 letta helicone humanloop braintrust agentops arize
        cursor sourcegraph luma lumaai runway lmnt roboflow scale scaleai unstructured mixedbread falai
        fal llamacloud llamaindex zilliz ollama azureopenai bedrock gradient writer predibase rev
        speechmatics gladia assembly leonardo midjourney ideogram kagi brave braveapi""",
    "cloud": """aws amazon azure gcp google googlecloud alibaba aliyun tencent tencentcloud huawei
        oracle oci ibm ibmcloud digitalocean linode akamai vultr hetzner scaleway ovh cloudflare fastly
        netlify vercel heroku flyio fly render railway supabase firebase backblaze wasabi
        cloudinary upcloud exoscale civo packet equinix openstack yandex kubernetes k8s rancher
        dropbox box""",
    "forge-ci": """github gitlab bitbucket gitea gitee circleci travis travisci jenkins buildkite
        drone teamcity bamboo codecov azuredevops ado appveyor bitrise codemagic harness sonarqube
        sonarcloud sonar snyk codeclimate coveralls semaphore woodpecker octopus octopusdeploy
        launchdarkly argocd argo spinnaker""",
    "registry": """npm pypi rubygems nuget crates cratesio docker dockerhub quay artifactory jfrog
        sonatype nexus packagist hex hexpm pub cocoapods maven gradle jcenter cloudsmith gemfury
        fury packagecloud conda anaconda ghcr harbor""",
    "payment": """stripe paypal braintree square squareup shopify adyen razorpay paystack flutterwave
        mollie klarna coinbase plaid wise transferwise checkout gocardless recurly chargebee paddle
        lemonsqueezy sumup authorizenet bitpay binance kraken bitfinex etherscan alchemy infura
        moralis blockcypher coinmarketcap""",
    "chat-mail": """slack discord telegram twilio sendgrid mailgun mailchimp mandrill postmark
        sparkpost mailjet sendinblue brevo mailersend mailtrap resend teams microsoftteams msteams
        webex zoom intercom vonage nexmo plivo messagebird sinch telnyx pusher line whatsapp
        facebook meta messenger mattermost rocketchat zulip gitter twitch twitter x outlook
        mailerlite sendbird stream getstream ably customerio klaviyo onesignal""",
    "database": """mongodb mongo postgres postgresql mysql mariadb redis rabbitmq amqp
        elasticsearch elastic opensearch cassandra couchbase couchdb neo4j planetscale cockroachdb
        cockroach fauna faunadb firestore dynamodb influxdb clickhouse snowflake singlestore timescale
        neon turso upstash aiven redshift bigquery databricks jdbc odbc sqlserver mssql oracledb
        airtable xata convex""",
    "observability": """datadog newrelic sentry grafana honeycomb dynatrace splunk sumologic logzio
        loggly papertrail bugsnag rollbar raygun lightstep appdynamics instana elasticapm logdna
        mezmo pagerduty opsgenie statuspage uptimerobot pingdom betterstack betteruptime logtail
        axiom signoz posthog mixpanel amplitude segment heap fullstory hotjar logrocket launchdarkly
        newrelicinsights circonus checkly cronitor""",
    "private-key": """privatekey pem rsa ssh openssh pgp gpg pkcs pkcs8 pkcs12 p12 pfx age
        ecprivatekey dsa putty ppk keystore jks""",
    "generic": """generic password passwd secret credential credentials basicauth basic bearer
        jwt jsonwebtoken url uri connectionstring apikey token auth authorization oauth
        authheader curl netrc htpasswd hashed hash""",
}.items():
    for _n in _names.split():
        CATEGORY_OF.setdefault(_n, _cat)

# Names whose provider key is another one.
PROVIDER_ALIAS = {
    "amazon": "aws", "amazonwebservices": "aws", "gcp": "google", "googlecloud": "google", "gemini": "google",
    "vertex": "google", "firebase": "google", "hf": "huggingface", "microsoftazure": "azure", "msteams": "teams",
    "microsoftteams": "teams", "squareup": "square", "cratesio": "crates", "dockerhub": "docker",
    "flyio": "fly", "postgresql": "postgres", "mongo": "mongodb", "together": "togetherai", "claude": "anthropic",
    "weightsandbiases": "wandb", "stability": "stabilityai", "scaleai": "scale", "sendinblue": "brevo",
    "nexmo": "vonage", "travisci": "travis", "hexpm": "hex", "faunadb": "fauna", "cockroach": "cockroachdb",
    "jfrog": "artifactory", "ado": "azuredevops", "grok": "xai", "voyage": "voyageai", "lumaai": "luma",
    "braveapi": "brave", "friendli": "friendliai", "fal": "falai", "llamaindex": "llamacloud",
    "aliyun": "alibaba", "elastic": "elasticsearch", "newrelicinsights": "newrelic", "openssh": "privatekey",
    "ssh": "privatekey", "pem": "privatekey", "rsa": "privatekey", "pkcs8": "privatekey", "dsa": "privatekey",
    "ecprivatekey": "privatekey", "gpg": "pgp", "betteruptime": "betterstack", "logtail": "betterstack",
    "getstream": "stream", "hashicorpvault": "vault", "hashicorpterraform": "terraform",
    "terraformcloud": "terraform", "atlassianjira": "atlassian", "jira": "atlassian", "confluence": "atlassian",
    "trello": "atlassian",
}
for _n, _c in (("zai", "ai"), ("devin", "ai"), ("sidekiq", "registry"), ("pwhash", "generic"), ("psexec", "generic"),
               ("weakpassword", "generic"), ("krb5", "generic"), ("ldap", "generic"), ("ftp", "generic"),
               ("django", "generic"), ("privkey", "private-key"), ("wireguard", "private-key"), ("arn", "cloud"),
               ("s3", "cloud"), ("gcs", "cloud"), ("openshift", "cloud"), ("vmware", "cloud"), ("deno", "cloud"),
               ("ngrok", "cloud"), ("hasura", "database"), ("confluent", "database"), ("codacy", "forge-ci"),
               ("scrutinizerci", "forge-ci"), ("knapsackpro", "forge-ci"), ("blazemeter", "forge-ci"),
               ("versioneye", "forge-ci"), ("paymongo", "payment"), ("pagarme", "payment"), ("moonclerk", "payment")):
    CATEGORY_OF.setdefault(_n, _c)
for _n in ("squarespace", "vault", "terraform", "hashicorp", "doppler", "onepassword", "1password", "lastpass", "bitwarden",
           "infisical", "akeyless", "atlassian", "linear", "notion", "asana", "monday", "clickup", "postman",
           "zendesk", "hubspot", "salesforce", "twilio", "okta", "auth0", "clerk", "frontegg", "workos",
           "contentful", "sanity", "algolia", "mapbox", "figma", "miro", "typeform", "jotform", "airbrake",
           "shippo", "easypost", "docusign", "adobe", "dropbox", "yelp", "nytimes", "openweather"):
    CATEGORY_OF.setdefault(_n, "saas")
CATEGORY_OF.setdefault("vault", "saas")
CATEGORY_OF["onepassword"] = "saas"
_PREFIXES = sorted(set(CATEGORY_OF) | set(PROVIDER_ALIAS), key=len, reverse=True)


def compact(s):
    """Lower-case alphanumerics of a name."""
    return re.sub(r"[^a-z0-9]", "", s.lower())


def provider_key(name):
    """The provider key of a rule id, detector name or provider display name."""
    segs = [x for x in re.split(r"[^a-z0-9]+", name.lower()) if x]
    if not segs:
        return "unknown"
    if segs[0] == "1password":
        return "onepassword"
    # the longest run of leading words that names a known provider: "new-relic-user-api-key"
    for k in range(len(segs), 0, -1):
        j = "".join(segs[:k])
        if j in CATEGORY_OF or j in PROVIDER_ALIAS:
            return PROVIDER_ALIAS.get(j, j)
    # a name written as one word ("githubapp", "awssessionkeys"): its longest known prefix
    c = "".join(segs)
    for p in _PREFIXES:
        if len(p) < 2 or not c.startswith(p):
            continue
        if len(p) >= 4 or p in ("aws", "gcp", "ibm", "npm", "hf", "oci"):
            return PROVIDER_ALIAS.get(p, p)
    return segs[0] if len(segs) > 1 else c


def peer_provider(peer, rule_id, rule_name, detector=None):
    """Provider key of a peer rule: from its id (`np.github.1`, `github-pat`) or trufflehog's detector."""
    if peer == "trufflehog":
        return provider_key(re.sub(r"v\d+$", "", detector or rule_id.split("/")[0]))
    if peer in ("noseyparker", "kingfisher"):
        parts = rule_id.split(".")
        return provider_key(parts[1] if len(parts) >= 3 else rule_id)
    return provider_key(rule_id)


def category_of(key, leak_map=None):
    """Leakward category of a provider key: the table first, then leakward's own rules."""
    if key in CATEGORY_OF:
        return CATEGORY_OF[key]
    if leak_map and key in leak_map:
        return leak_map[key]
    for p in _PREFIXES:
        if key.startswith(p) and len(p) >= 4:
            return CATEGORY_OF.get(PROVIDER_ALIAS.get(p, p), CATEGORY_OF.get(p, "saas"))
    return "saas"


def leakward_provider(rule_id, provider):
    """Provider key of a leakward rule: its id's first segment, or its display name."""
    return provider_key(rule_id)


# ---------------------------------------------------------------------------------------------
# Secrets and placeholder flags
# ---------------------------------------------------------------------------------------------

_HARD = [
    ("xxxx", re.compile(r"(?i)xxxx")),
    ("angle-placeholder", re.compile(r"<[^<>\n]{1,40}>")),
    ("template", re.compile(r"\$\{|\{\{|\}\}|\$\(|%\(|%s\b")),
    ("masked", re.compile(r"\*\*\*|•••")),
    ("truncated", re.compile(r"\.\.\.|…")),
    ("word", re.compile(r"(?i)redacted|placeholder|changeme|example|dummy|(?:^|[^a-z])your(?:[^a-z]|key|token|secret|api|password)")),
]
_SOFT = [
    ("word-fake", re.compile(r"(?i)(?:^|[^a-z])(?:fake|sample)|(?:fake|sample)(?:[^a-z]|$)")),
]


def _ascending_run(s, n=8):
    run = 1
    for a, b in zip(s, s[1:]):
        run = run + 1 if (ord(b) == ord(a) + 1 and a.isalnum() and b.isalnum()) else 1
        if run >= n:
            return True
    return False


def placeholder_flags(secret):
    """(hard, soft) lists of reasons why a secret is a placeholder or suspicious."""
    hard, soft = [], []
    # host names (`db.example.net`) and URL schemes are context, not the secret's characters
    bare = re.sub(r"(?i)\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|dev|local|test|invalid|example|internal)\b", "", secret)
    for name, rx in _HARD:
        if rx.search(bare if name == "word" else secret):
            hard.append(name)
    body = re.sub(r"[^A-Za-z0-9]", "", secret)
    if len(body) >= 8:
        if len(set(body)) < 4:
            hard.append("few-distinct")
        elif any(len(m.group(0)) * 5 >= len(body) or len(body) <= 64 for m in re.finditer(r"(.)\1{7,}", body)):
            # a long run of one character; binary structures in base64 (a private key, a
            # macaroon) have short runs of `A` that are not placeholders
            hard.append("same-char-run")
        elif len(body) >= 12 and collections.Counter(body).most_common(1)[0][1] * 2 > len(body):
            hard.append("one-char-dominant")
    for name, rx in _SOFT:
        if rx.search(secret):
            soft.append(name)
    if _ascending_run(secret):
        soft.append("ascending-run")
    return hard, soft


def entropy(s):
    """Shannon entropy in bits per character."""
    if not s:
        return 0.0
    c = collections.Counter(s)
    return -sum(v / len(s) * math.log2(v / len(s)) for v in c.values())


def guess_secret(text):
    """The most secret-looking token of a text (longest times entropy)."""
    best, score = None, 0.0
    for tok in re.findall(r"[A-Za-z0-9_\-+/.~]{8,}=*", text):
        tok = tok.strip(".:")
        if re.match(r"^(https?|ftp)://", tok) or not re.search(r"[0-9]", tok) and not re.search(r"[A-Z].*[A-Z]", tok):
            continue
        s = len(tok) * entropy(tok)
        if s > score:
            best, score = tok, s
    return best


def to_python_regex(pattern):
    """A Python translation of a Rust/Hyperscan rule regex (None when it cannot be made)."""
    p = pattern
    flags = set()
    for m in re.finditer(r"\(\?([imsx]+)\)", p):
        flags.update(m.group(1))
    p = re.sub(r"\(\?[imsx]+\)", "", p)
    p = p.replace(r"\z", r"\Z").replace("[[:alnum:]]", "[A-Za-z0-9]").replace("[:alnum:]", "A-Za-z0-9")
    p = p.replace("[:alpha:]", "A-Za-z").replace("[:digit:]", "0-9").replace("[:xdigit:]", "0-9A-Fa-f")
    p = p.replace("[:space:]", r"\s").replace("[:upper:]", "A-Z").replace("[:lower:]", "a-z")
    p = p.replace("[:punct:]", r"!-/:-@\[-`{-~")
    if "x" in flags:
        # Rust ignores whitespace inside classes in verbose mode; Python keeps it
        p = re.sub(r"\[((?:\\.|[^\]\\])*)\]", lambda m: "[" + re.sub(r"(?<!\\)[ \t\n]", "", m.group(1)) + "]", p)
    prefix = "(?" + "".join(sorted(flags)) + ")" if flags else ""
    try:
        return re.compile(prefix + p)
    except (re.error, OverflowError, RecursionError):
        return None


def regex_secrets(rx, text):
    """Group-1 (or whole-match) values of a compiled rule regex in a text."""
    out = []
    try:
        for m in rx.finditer(text):
            g = None
            if rx.groups:
                g = next((x for x in m.groups() if x), None)
            out.append(g or m.group(0))
            if len(out) >= 4:
                break
    except (RecursionError, re.error):
        return []
    return [s for s in out if s]


# ---------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------

class Extraction:
    """Collects examples and skip counts of one peer."""

    def __init__(self, peer):
        self.peer = peer
        self.examples = []
        self.skipped = collections.Counter()
        self.calls = collections.Counter()  # informational: distinct generator calls behind skipped cases
        self.rules = 0

    def add(self, rule_id, rule_name, provider, polarity, text, secrets, secret_source, origin, identifier=False):
        if not isinstance(text, str) or not text.strip():
            self.skipped["empty"] += 1
            return
        self.examples.append({
            "peer": self.peer, "rule": rule_id, "rule_name": rule_name, "provider": provider,
            "polarity": polarity, "text": text, "secrets": [s for s in secrets if isinstance(s, str) and s],
            "secret_source": secret_source, "origin": origin, "identifier": identifier,
        })


def extract_yaml_rules(peer, mirror, path_re):
    """Examples of noseyparker- or kingfisher-style YAML rules."""
    ex = Extraction(peer)
    for path in sorted(p for p in mirror.ls() if path_re.search(p)):
        text = mirror.show(path)
        if text is None:
            ex.skipped["blob absent from mirror"] += 1
            continue
        try:
            doc = YamlLite(text).parse()
        except (YamlError, ValueError, IndexError) as e:
            ex.skipped["yaml: %s" % e] += 1
            continue
        rules = doc.get("rules") if isinstance(doc, dict) else None
        for rule in rules or []:
            if not isinstance(rule, dict) or "id" not in rule:
                continue
            ex.rules += 1
            rid, rname = str(rule.get("id")), str(rule.get("name") or "")
            prov = peer_provider(peer, rid, rname)
            rx = to_python_regex(rule.get("pattern") or "") if rule.get("pattern") else None
            cats = rule.get("categories") if isinstance(rule.get("categories"), list) else []
            # a rule for an identifier (a domain, a client id, a user name), not a secret; kingfisher's
            # hidden rules (`visible: false`) are the identifiers its other rules depend on
            ident = ("identifier" in cats and "secret" not in cats) or rule.get("visible") in (False, "false")
            for field, polarity in (("examples", "positive"), ("negative_examples", "negative"), ("non_examples", "negative")):
                for item in rule.get(field) or []:
                    if not isinstance(item, str):
                        ex.skipped["non-string example"] += 1
                        continue
                    secrets, source = [], "heuristic"
                    if rx is not None:
                        secrets = regex_secrets(rx, item)
                        source = "peer-regex" if secrets else "heuristic"
                    if not secrets and polarity == "positive":
                        g = guess_secret(item)
                        secrets = [g] if g else []
                    ex.add(rid, rname, prov, polarity, item, secrets, source, path, ident)
    return ex


def _sample_templates(mirror):
    """GenerateSampleSecret's format and GenerateSampleSecrets' templates, read from the mirror."""
    src = mirror.show("cmd/generate/config/utils/generate.go") or ""
    toks = go_tokens(src)
    single, multi = None, []
    for name, s, e in go_functions(toks):
        if name not in ("GenerateSampleSecret", "GenerateSampleSecrets"):
            continue
        ev = GoEval(toks, env={"identifier": "\0i\0", "secret": "\0s\0"})
        if name == "GenerateSampleSecret":
            # return fmt.Sprintf(FORMAT, identifier, secret)
            for j in range(s, e):
                if toks[j] == ("ident", "return"):
                    ev.pos = j + 1
                    v = ev.expr_or_unknown((";",))
                    if isinstance(v, str):
                        single = v
        else:
            ev.declarations(s, e, toplevel=False)
            samples = ev.env.get("samples")
            if isinstance(samples, dict):
                multi = [v for v in samples.values() if isinstance(v, str)]
    return single, multi


def _fill_template(tpl, ident, secret, marker_style):
    if marker_style == "sprintf":
        return tpl.replace("\0i\0", ident).replace("\0s\0", secret)
    return tpl.replace("{i}", ident).replace("{I}", ident.upper()).replace("{s}", secret)


class Generated(str):
    """A string built from a sample template, remembering the secret put in it."""

    secret = None


def _gitleaks_funcs(single, multi, counter):
    def one(args):
        if len(args) != 2 or not isinstance(args[0], str):
            return Unknown("GenerateSampleSecret args")
        if not isinstance(args[1], str):
            return Unknown("random secret")
        if single is None:
            return Unknown("no GenerateSampleSecret format in mirror")
        g = Generated(_fill_template(single, args[0], args[1], "sprintf"))
        g.secret = args[1]
        return g

    def many(args):
        n = max(len(multi), 1)
        if len(args) != 2 or not isinstance(args[0], str) or not isinstance(args[1], str) or not multi:
            # one generator call: the same Unknown in every template, counted once as a call
            return [Unknown("random secret")] * n
        out = []
        for t in multi:
            g = Generated(_fill_template(t, args[0], args[1], "braces"))
            g.secret = args[1]
            out.append(g)
        return out

    return {"GenerateSampleSecret": one, "GenerateSampleSecrets": many}


# gitleaks-style rule ids that name an identifier (an id, a URL, a domain), not a secret
_ID_RULE = re.compile(r"-(?:client-id|tenant-id|access-id|app-id|account-id|account-name|instance-url|project-url|"
                      r"url|domain|username|user-id|email|host|id)(?:\.\d+)?$")


def extract_gitleaks_style(peer, mirror):
    """tps/fps of gitleaks-style Go rule constructors."""
    ex = Extraction(peer)
    single, multi = _sample_templates(mirror)
    if not multi:
        ex.skipped["sample templates not found in mirror"] += 1
    funcs = _gitleaks_funcs(single, multi, ex.skipped)
    for path in sorted(p for p in mirror.ls() if re.match(r"cmd/generate/config/rules/[^/]+\.go$", p) and not p.endswith("_test.go")):
        src = mirror.show(path)
        if src is None:
            ex.skipped["blob absent from mirror"] += 1
            continue
        try:
            toks = go_tokens(src)
        except (GoSyntax, ValueError, IndexError) as e:
            ex.skipped["go tokens: %s" % e] += 1
            continue
        genv = {}
        GoEval(toks, env=genv, funcs=funcs).declarations(0, len(toks), toplevel=True)
        for name, s, e in go_functions(toks):
            # a rule constructor hands its cases to utils.Validate(r, tps, fps)
            calls = [j for j in range(s, e - 3) if toks[j] == ("ident", "utils") and toks[j + 1] == ("p", ".")
                     and toks[j + 2][0] == "ident" and toks[j + 2][1] in ("Validate", "ValidateWithPaths")]
            if not calls:
                continue
            env = dict(genv)
            ev = GoEval(toks, env=env, funcs=funcs)
            ev.declarations(s, e, toplevel=False)
            rule = next((v for v in env.values() if isinstance(v, dict) and "RuleID" in v), None)
            rid = rule.get("RuleID") if rule else None
            if not isinstance(rid, str):
                ex.skipped["rule id not static"] += 1
                continue
            ex.rules += 1
            prov = peer_provider(peer, rid, rid)
            for j in calls:
                with_paths = toks[j + 2][1] == "ValidateWithPaths"
                ev.pos = j + 3
                ev.expect("(")
                args = []
                while not ev.isp(")"):
                    args.append(ev.expr_or_unknown((",",)))
                    if ev.isp(","):
                        ev.pos += 1
                for arg, polarity in zip(args[1:3], ("positive", "negative")):
                    if with_paths:
                        n = len(arg) if isinstance(arg, dict) else 1
                        ex.skipped["path-dependent case (ValidateWithPaths)"] += n
                        continue
                    if isinstance(arg, Unknown):
                        ex.skipped["%s list not static" % polarity] += 1
                        continue
                    calls_seen = set()
                    for item in arg if isinstance(arg, list) else []:
                        if isinstance(item, Unknown):
                            ex.skipped["%s from a random generator (cases)" % polarity] += 1
                            if id(item) not in calls_seen:
                                calls_seen.add(id(item))
                                ex.calls["%s from a random generator (generator calls)" % polarity] += 1
                            continue
                        if not isinstance(item, str):
                            ex.skipped["non-string case"] += 1
                            continue
                        sec = getattr(item, "secret", None)
                        secrets = [sec] if sec else []
                        source = "generator-arg" if sec else "heuristic"
                        if not secrets and polarity == "positive":
                            g = guess_secret(item)
                            secrets = [g] if g else []
                        ex.add(rid, rid, prov, polarity, str(item), secrets, source, path, bool(_ID_RULE.search(rid)))
    return ex


def extract_trufflehog(mirror):
    """Inputs of trufflehog's Test*_Pattern tables."""
    peer = "trufflehog"
    ex = Extraction(peer)
    paths = sorted(p for p in mirror.ls() if re.match(r"pkg/detectors/.+_test\.go$", p) and not p.endswith("_integration_test.go"))
    for path in paths:
        src = mirror.show(path)
        if src is None:
            ex.skipped["blob absent from mirror"] += 1
            continue
        if "_Pattern" not in src:
            continue
        try:
            toks = go_tokens(src)
        except (GoSyntax, ValueError, IndexError) as e:
            ex.skipped["go tokens: %s" % e] += 1
            continue
        detector = path.split("/")[2] if path.count("/") >= 3 else path
        genv = {}
        GoEval(toks, env=genv).declarations(0, len(toks), toplevel=True)
        for name, s, e in go_functions(toks):
            if not name or not re.match(r"Test\w*_Pattern", name):
                continue
            env = dict(genv)
            ev = GoEval(toks, env=env)
            ev.declarations(s, e, toplevel=False)
            table = env.get("tests") if isinstance(env.get("tests"), list) else None
            if table is None:
                table = next((v for v in env.values() if isinstance(v, list) and v and isinstance(v[0], dict)
                              and ("input" in v[0] or "data" in v[0])), None)
            if table is None:
                ex.skipped["test table not static"] += 1
                continue
            ex.rules += 1
            rid = "%s/%s" % (detector, name)
            prov = peer_provider(peer, rid, name, detector)
            for case in table:
                if not isinstance(case, dict):
                    ex.skipped["case not static"] += 1
                    continue
                if case.get("skip") is True:
                    ex.skipped["case marked skip"] += 1
                    continue
                inp = case.get("input", case.get("data"))
                if inp is None:
                    ex.skipped["case without input"] += 1
                    continue
                if isinstance(inp, Unknown) or not isinstance(inp, str):
                    ex.skipped["input not static"] += 1
                    continue
                # a field left out of a Go struct literal is its zero value (nil, false, 0)
                wants = []
                if "want" in case:
                    want = case["want"]
                    if isinstance(want, Unknown) or not isinstance(want, (list, dict)):
                        ex.skipped["want not static"] += 1
                        continue
                    positive = len(want) > 0
                    wants = want if isinstance(want, list) else list(want.keys())
                elif "shouldMatch" in case or "match" in case:
                    positive = case.get("shouldMatch") is True
                    wants = [case["match"]] if positive and isinstance(case.get("match"), str) else []
                elif "expectedPairs" in case:
                    pairs = case["expectedPairs"]
                    if isinstance(pairs, Unknown):
                        ex.skipped["want not static"] += 1
                        continue
                    positive = bool(pairs)
                elif "wantMatched" in case or "wantCount" in case:
                    positive = case.get("wantMatched") is True or (isinstance(case.get("wantCount"), int) and case["wantCount"] > 0)
                    wants = case.get("wantRawV2") if isinstance(case.get("wantRawV2"), list) else []
                else:
                    positive = False
                polarity = "positive" if positive else "negative"
                wants = [w for w in wants if isinstance(w, str)]
                ex.add(rid, str(case.get("name", "")), prov, polarity, inp, wants, "want", path)
    return ex


def _assignment_shaped(text, secret):
    """True when the secret is the value of a secret-looking name (the generic detector's shape)."""
    if not secret:
        return False
    for m in re.finditer(re.escape(secret), text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[max(line_start, m.start() - 80):m.start()]
        if re.search(r"(?i)(?:key|token|secret|pass(?:word|wd|phrase)?|pwd|auth\w*|credential\w*|api)[\w.\-]*[\"'\]]?\s*"
                     r"(?:=|:=|::=|:::=|:|=>|\?=|\.=|,|\s)\s*[\"'`(]?\s*$", before):
            return True
        if re.search(r"(?i)--?[\w-]*(?:password|passwd|token|key|secret)[\w-]*[ =][\"']?$", before):
            return True
    return False


def finish_examples(all_ex):
    """Deduplicate, flag placeholders, assign ids and categories."""
    out = []
    counters = {}
    for ex in all_ex:
        seen = set()
        n = 0
        for e in ex.examples:
            key = (e["polarity"], e["text"])
            if key in seen:
                continue
            seen.add(key)
            n += 1
            e["id"] = "%s-%05d" % (SHORT[ex.peer], n)
            e["file"] = "files/%s/%05d.txt" % (SHORT[ex.peer], n)
            e["category"] = category_of(e["provider"])
            hard, soft = set(), set()
            secrets = e["secrets"]
            if secrets:
                # a positive is a placeholder when every secret it holds is one
                flags = [placeholder_flags(s) for s in secrets]
                if all(f[0] for f in flags):
                    for f in flags:
                        hard.update(f[0])
                for f in flags:
                    soft.update(f[1])
            e["hard_flags"] = sorted(hard) if e["polarity"] == "positive" else []
            e["soft_flags"] = sorted(soft) if e["polarity"] == "positive" else []
            e["generic_shape"] = any(_assignment_shaped(e["text"], s) for s in secrets)
            out.append(e)
        counters[ex.peer] = n
    return out


def cmd_extract(args):
    mirrors = {}
    for spec in args.mirror:
        name, _, path = spec.partition("=")
        if name not in PEERS or not path:
            sys.exit("--mirror takes NAME=GITDIR with NAME one of %s" % ", ".join(PEERS))
        mirrors[name] = Mirror(path)
    out = os.path.abspath(args.out)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if out == repo or out.startswith(repo + os.sep):
        sys.exit("--out must be outside the repository")
    if os.path.exists(os.path.join(out, "files")):
        shutil.rmtree(os.path.join(out, "files"))
    os.makedirs(out, exist_ok=True)
    exs = []
    for name in PEERS:
        if name not in mirrors:
            continue
        m = mirrors[name]
        if name == "noseyparker":
            ex = extract_yaml_rules(name, m, re.compile(r"(^|/)builtin/rules/[^/]+\.ya?ml$"))
        elif name == "kingfisher":
            ex = extract_yaml_rules(name, m, re.compile(r"(^|/)data/rules/[^/]+\.ya?ml$"))
        elif name in ("gitleaks", "betterleaks"):
            ex = extract_gitleaks_style(name, m)
        else:
            ex = extract_trufflehog(m)
        ex.commit = m.head()
        exs.append(ex)
        print("%-12s %5d rules, %5d cases read, %5d skipped" % (name, ex.rules, len(ex.examples), sum(ex.skipped.values())),
              file=sys.stderr)
    examples = finish_examples(exs)
    with open(os.path.join(out, "examples.jsonl"), "w") as f:
        for e in examples:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
            p = os.path.join(out, e["file"])
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w", encoding="utf-8", newline="") as g:
                g.write(e["text"] if e["text"].endswith("\n") else e["text"] + "\n")
    summary = {}
    for ex in exs:
        mine = [e for e in examples if e["peer"] == ex.peer]
        pos = [e for e in mine if e["polarity"] == "positive"]
        summary[ex.peer] = {
            "commit": ex.commit, "rules": ex.rules, "examples": len(mine), "positives": len(pos),
            "negatives": len(mine) - len(pos), "hard_flagged": sum(1 for e in pos if e["hard_flags"]),
            "soft_flagged": sum(1 for e in pos if e["soft_flags"] and not e["hard_flags"]),
            "duplicates_dropped": len(ex.examples) - len(mine), "skipped": dict(ex.skipped),
            "skipped_generator_calls": dict(ex.calls),
        }
    with open(os.path.join(out, "extract-summary.json"), "w") as f:
        json.dump(summary, f, indent=2, sort_keys=True)
    print_extract_summary(summary)


def print_extract_summary(summary):
    print("| peer | commit | rules | examples | positives | negatives | placeholder (hard) | soft-flagged | duplicates | skipped |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for peer, s in summary.items():
        print("| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d |" % (
            peer, s["commit"][:10], s["rules"], s["examples"], s["positives"], s["negatives"], s["hard_flagged"],
            s["soft_flagged"], s["duplicates_dropped"], sum(s["skipped"].values())))
    for peer, s in summary.items():
        if s["skipped"]:
            print("  %s skipped: %s" % (peer, ", ".join("%s %d" % kv for kv in sorted(s["skipped"].items(), key=lambda kv: -kv[1]))))
        if s.get("skipped_generator_calls"):
            print("  %s (%s)" % (peer, ", ".join("%s %d" % kv for kv in sorted(s["skipped_generator_calls"].items()))))


# ---------------------------------------------------------------------------------------------
# Running scanners
# ---------------------------------------------------------------------------------------------

def load_examples(d):
    with open(os.path.join(d, "examples.jsonl")) as f:
        return [json.loads(line) for line in f]


_FILE_RE = re.compile(r"files[/\\]([a-z]{2})[/\\](\d{5})\.txt$")


def example_of_path(path):
    """The example id of a scanned file's path."""
    m = _FILE_RE.search(path)
    return "%s-%s" % (m.group(1), m.group(2)) if m else None


def cmd_run(args):
    d = os.path.abspath(args.dir)
    files = os.path.join(d, "files")
    cmd_base = [args.leakward, "scan", "--format", "json", "--no-config", "--show-secrets", "--no-ignore"]
    if args.rules:
        cmd_base += ["--rules", args.rules]
    rules_json = subprocess.run([args.leakward, "rules", "--format", "json", "--no-config"] +
                                (["--rules", args.rules] if args.rules else []),
                                capture_output=True, text=True, check=True).stdout
    rules = json.loads(rules_json)
    found = collections.defaultdict(list)
    for sub in sorted(os.listdir(files)):
        r = subprocess.run(cmd_base + [os.path.join(files, sub)], capture_output=True, text=True)
        if r.returncode not in (0, 1):
            sys.exit("leakward failed on %s: %s" % (sub, r.stderr.strip()[:500]))
        for f in json.loads(r.stdout).get("findings", []):
            ex = example_of_path(f.get("path", ""))
            if ex:
                found[ex].append({"rule": f["rule_id"], "provider": leakward_provider(f["rule_id"], f.get("provider", "")),
                                  "category": f.get("category"), "secret": f.get("secret", "")})
    name = args.name or "leakward"
    os.makedirs(os.path.join(d, "results"), exist_ok=True)
    res = {"tool": name, "binary": os.path.abspath(args.leakward), "rules_dir": args.rules, "rule_count": len(rules),
           "provider_categories": {leakward_provider(r["id"], r["provider"]): r["category"] for r in rules},
           "findings": found}
    with open(os.path.join(d, "results", name + ".json"), "w") as f:
        json.dump(res, f, indent=1)
    print("%s: %d rules, findings on %d examples -> %s" % (name, len(rules), len(found),
                                                           os.path.join(d, "results", name + ".json")), file=sys.stderr)


def cmd_import(args):
    d = os.path.abspath(args.dir)
    with open(args.report) as f:
        text = f.read()
    found = collections.defaultdict(list)
    peer = args.tool

    def add(path, rule_id, rule_name, secret):
        ex = example_of_path(path or "")
        if not ex:
            return
        prov = peer_provider(peer, rule_id, rule_name)
        found[ex].append({"rule": rule_id, "provider": prov, "category": "generic" if prov == "generic" else category_of(prov),
                          "secret": secret or ""})

    if peer == "noseyparker":
        data = json.loads(text)
        # [{"rule_text_id", "rule_name", "matches": [{"provenance": [{"path"}], "groups": [base64, ...]}]}]
        for finding in data:
            rid = finding.get("rule_text_id") or finding.get("rule_name", "")
            for m in finding.get("matches", []):
                groups = [g for g in (m.get("groups") or []) if isinstance(g, str)]
                try:
                    secret = base64.b64decode(groups[-1]).decode("utf-8", "replace") if groups else ""
                except (ValueError, binascii.Error):
                    secret = ""
                for prov in m.get("provenance", []):
                    add(prov.get("path"), rid, finding.get("rule_name", ""), secret)
    elif peer == "kingfisher":
        try:
            data = json.loads(text)
            items = data if isinstance(data, list) else data.get("findings", data.get("matches", []))
        except json.JSONDecodeError:
            items = [json.loads(line) for line in text.splitlines() if line.strip().startswith("{")]
        # [{"id": RULE, "matches": [{"rule": {"id", "name"}, "finding": {"path", "snippet", ...}}]}]
        for item in items:
            for m in item.get("matches", [item]):
                rule = m.get("rule", {}) if isinstance(m.get("rule"), dict) else {}
                fnd = m.get("finding", m)
                rid = rule.get("id") or item.get("id", "")
                add(fnd.get("path"), rid, rule.get("name", ""), fnd.get("snippet") or fnd.get("secret", ""))
    else:
        sys.exit("--tool is noseyparker or kingfisher")
    name = args.name or peer
    os.makedirs(os.path.join(d, "results"), exist_ok=True)
    with open(os.path.join(d, "results", name + ".json"), "w") as f:
        json.dump({"tool": name, "imported_from": os.path.abspath(args.report), "findings": found}, f, indent=1)
    print("%s: findings on %d examples" % (name, len(found)), file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

def _pct(a, b):
    return "%.1f%%" % (100.0 * a / b) if b else "-"


def score(examples, res):
    """Per-example outcome of one result set: hits on positives, alarms on negatives."""
    found = res["findings"]
    positive_texts = {e["text"] for e in examples if e["polarity"] == "positive"}
    positive_blob = "\n".join(positive_texts)
    out = {}
    for e in examples:
        fs = found.get(e["id"], [])
        if e["polarity"] == "positive":
            out[e["id"]] = {"hit": bool(fs), "on_secret": any(_same_secret(f.get("secret", ""), e["secrets"]) for f in fs)}
            continue
        if not fs:
            out[e["id"]] = {"alarm": False, "any": False}
            continue
        relevant = [f for f in fs if f.get("category") == "generic" or f.get("provider") == "generic"
                    or f.get("provider") == e["provider"]]
        cross = e["text"] in positive_texts or any(f.get("secret") and len(f["secret"]) >= 8 and f["secret"] in positive_blob
                                                   for f in relevant)
        out[e["id"]] = {"alarm": bool(relevant) and not cross, "any": True, "cross": cross and bool(relevant)}
    return out


def _same_secret(found, expected):
    """True when a reported secret is (part of) an expected one, or contains one."""
    if not found:
        return False
    for e in expected:
        parts = [e] + [p for p in re.split(r"[:;,\s@/]+", e) if len(p) >= 8]
        if any(p in found or (len(found) >= 8 and found in p) for p in parts):
            return True
    return False


def cmd_report(args):
    d = os.path.abspath(args.dir)
    examples = load_examples(d)
    with open(os.path.join(d, "extract-summary.json")) as f:
        summary = json.load(f)
    resdir = os.path.join(d, "results")
    results = {}
    for fn in sorted(os.listdir(resdir)) if os.path.isdir(resdir) else []:
        if fn.endswith(".json"):
            with open(os.path.join(resdir, fn)) as f:
                r = json.load(f)
            results[r["tool"]] = r
    if args.tool:
        results = {k: v for k, v in results.items() if k in args.tool}
    leak_map = {}
    for r in results.values():
        for k, v in r.get("provider_categories", {}).items():
            leak_map.setdefault(k, v)
    for e in examples:
        e["category"] = category_of(e["provider"], leak_map)
        if e["provider"] == "generic":
            e["category"] = "generic"
    peers = [p for p in PEERS if p in summary]
    # leakward's result sets first: the per-peer category columns and the gap lists are its
    tools = sorted(results, key=lambda t: (not t.startswith("leakward"), t))
    scores = {t: score(examples, results[t]) for t in tools}

    print("## Examples extracted\n")
    print_extract_summary(summary)
    pos = [e for e in examples if e["polarity"] == "positive"]
    neg = [e for e in examples if e["polarity"] == "negative"]
    counted = [e for e in pos if not e["hard_flags"]]
    strict = [e for e in counted if not e["soft_flags"]]
    secret_only = [e for e in counted if not e.get("identifier")]

    print("\n## Recall on positives (placeholder-flagged excluded)\n")
    print("Columns: all counted positives; without the soft-flagged (ascending runs, `fake`); without the")
    print("positives of identifier rules (domains, client ids: not secrets).\n")
    print("'on secret' counts only hits whose reported secret is (part of) the secret the peer expects, where")
    print("that is known (a finding elsewhere in a multi-line example is a hit but not 'on secret').\n")
    print("| peer | positives counted | " + " | ".join("%s found | %s recall | on secret | w/o soft | w/o identifiers" % (t, t) for t in tools) + " |")
    print("|---|---:|" + "---:|---:|---:|---:|---:|" * len(tools))
    for p in peers + ["all"]:
        sel = [e for e in counted if p == "all" or e["peer"] == p]
        sel2 = [e for e in strict if p == "all" or e["peer"] == p]
        sel3 = [e for e in secret_only if p == "all" or e["peer"] == p]
        cells = []
        for t in tools:
            h = sum(1 for e in sel if scores[t][e["id"]]["hit"])
            h2 = sum(1 for e in sel2 if scores[t][e["id"]]["hit"])
            h3 = sum(1 for e in sel3 if scores[t][e["id"]]["hit"])
            known = [e for e in sel if e["secrets"]]
            ho = sum(1 for e in known if scores[t][e["id"]]["on_secret"])
            cells.append("%d | %s | %s of %d | %s of %d | %s of %d" % (h, _pct(h, len(sel)), _pct(ho, len(known)), len(known),
                                                              _pct(h2, len(sel2)), len(sel2), _pct(h3, len(sel3)), len(sel3)))
        print("| %s | %d | %s |" % (p, len(sel), " | ".join(cells)))

    print("\nPer rule (gitleaks-style sample templates make one rule 20-30 positives): peer rules or test")
    print("tables with a counted positive, and the share of them with at least one positive found.\n")
    print("| peer | rules | " + " | ".join("%s rules with a hit" % t for t in tools) + " |")
    print("|---|---:|" + "---:|" * len(tools))
    for p in peers + ["all"]:
        byrule = collections.defaultdict(list)
        for e in counted:
            if p == "all" or e["peer"] == p:
                byrule[(e["peer"], e["rule"])].append(e)
        cells = [_pct(sum(1 for es in byrule.values() if any(scores[t][e["id"]]["hit"] for e in es)), len(byrule)) for t in tools]
        print("| %s | %d | %s |" % (p, len(byrule), " | ".join(cells)))

    print("\n## Recall per category (all peers' counted positives; per peer in columns for the first tool)\n")
    t0 = tools[0] if tools else None
    print("| category | positives | " + " | ".join("%s recall" % t for t in tools) + " | " + " | ".join("%s/%s" % (t0, SHORT[p]) for p in peers) + " |")
    print("|---|---:|" + "---:|" * len(tools) + "---:|" * len(peers))
    for c in CATEGORIES:
        sel = [e for e in counted if e["category"] == c]
        cells = [_pct(sum(1 for e in sel if scores[t][e["id"]]["hit"]), len(sel)) for t in tools]
        per = []
        for p in peers:
            sp = [e for e in sel if e["peer"] == p]
            per.append("%s of %d" % (_pct(sum(1 for e in sp if scores[t0][e["id"]]["hit"]), len(sp)), len(sp)) if sp and t0 else "-")
        print("| %s | %d | %s | %s |" % (c, len(sel), " | ".join(cells), " | ".join(per)))

    print("\n## Findings on negatives\n")
    print("| peer | negatives | " + " | ".join("%s any finding | %s false alarms | %s FA rate | %s cross-positive" % (t, t, t, t) for t in tools) + " |")
    print("|---|---:|" + "---:|---:|---:|---:|" * len(tools))
    for p in peers + ["all"]:
        sel = [e for e in neg if p == "all" or e["peer"] == p]
        cells = []
        for t in tools:
            a = sum(1 for e in sel if scores[t][e["id"]]["any"])
            fa = sum(1 for e in sel if scores[t][e["id"]]["alarm"])
            cr = sum(1 for e in sel if scores[t][e["id"]].get("cross"))
            cells.append("%d | %d | %s | %d" % (a, fa, _pct(fa, len(sel)), cr))
        print("| %s | %d | %s |" % (p, len(sel), " | ".join(cells)))

    print("\n## Placeholder-flagged positives (excluded from recall)\n")
    reasons = collections.Counter(r for e in pos for r in e["hard_flags"])
    print("hard: %d of %d positives (%s)" % (sum(1 for e in pos if e["hard_flags"]), len(pos),
                                            ", ".join("%s %d" % kv for kv in reasons.most_common())))
    sreasons = collections.Counter(r for e in counted for r in e["soft_flags"])
    print("soft (kept): %d (%s)" % (sum(1 for e in counted if e["soft_flags"]), ", ".join("%s %d" % kv for kv in sreasons.most_common())))
    for t in tools:
        hh = sum(1 for e in pos if e["hard_flags"] and scores[t][e["id"]]["hit"])
        print("%s reports %d of the hard-flagged positives" % (t, hh))

    if not t0:
        return
    print("\n## Missed positives of %s by provider (sorted by peers covering it)\n" % t0)
    gaps = gap_table(counted, scores[t0])
    print("| provider | category | peers covering | missed | of positives | kinds (peer rules) |")
    print("|---|---|---:|---:|---:|---|")
    for g in gaps[:args.top]:
        print("| %s | %s | %d | %d | %d | %s |" % (g["provider"], g["category"], len(g["peers"]), len(g["missed"]), g["total"],
                                                 ", ".join(sorted(g["kinds"]))[:120]))
    if len(gaps) > args.top:
        print("... %d more providers with misses (see --gaps)" % (len(gaps) - args.top))
    if args.gaps:
        write_gaps(args.gaps, gaps, counted, scores[t0], t0, neg)


def gap_table(counted, sc):
    by = collections.defaultdict(list)
    for e in counted:
        by[e["provider"]].append(e)
    gaps = []
    for prov, es in by.items():
        missed = [e for e in es if not sc[e["id"]]["hit"]]
        if not missed:
            continue
        gaps.append({"provider": prov, "category": es[0]["category"], "peers": sorted({e["peer"] for e in es}),
                     "missed": missed, "total": len(es), "kinds": {"%s:%s" % (SHORT[e["peer"]], e["rule"]) for e in missed}})
    gaps.sort(key=lambda g: (-len(g["peers"]), -len(g["missed"]), g["provider"]))
    return gaps


def _show(s, limit=400):
    s = s.strip("\n")
    if len(s) > limit:
        s = s[:limit] + " [... %d more chars]" % (len(s) - limit)
    return "    " + s.replace("\n", "\n    ")


def _tags(e):
    tags = []
    if e["generic_shape"]:
        tags.append("generic-shape")
    if e["soft_flags"]:
        tags.append("soft:" + "+".join(e["soft_flags"]))
    if e.get("identifier"):
        tags.append("identifier-rule")
    return (" [" + ", ".join(tags) + "]") if tags else ""


def write_gaps(gapdir, gaps, counted, sc, tool, negatives):
    """One file per category with the missed providers and kinds, and generic.txt."""
    os.makedirs(gapdir, exist_ok=True)
    by_cat = collections.defaultdict(list)
    for g in gaps:
        by_cat[g["category"]].append(g)
    for c in CATEGORIES:
        gs = by_cat.get(c, [])
        with open(os.path.join(gapdir, "%s.txt" % c), "w") as f:
            f.write("# %s: positives of other scanners' examples and tests that %s does not find\n" % (c, tool))
            f.write("# providers sorted by how many peers cover them (np=noseyparker kf=kingfisher gl=gitleaks\n")
            f.write("# bl=betterleaks th=trufflehog). Tags: generic-shape = the secret is the value of a\n")
            f.write("# secret-looking name (also in generic.txt); soft:… = made-up-looking secret the peer still\n")
            f.write("# expects (ascending run, 'fake'); identifier-rule = the peer rule finds an identifier.\n")
            f.write("# %d providers, %d missed positives\n\n" % (len(gs), sum(len(g["missed"]) for g in gs)))
            f.write("# summary: provider, peers covering, missed/positives\n")
            for g in gs:
                f.write("#   %-28s %d  %d/%d\n" % (g["provider"], len(g["peers"]), len(g["missed"]), g["total"]))
            f.write("\n")
            for g in gs:
                f.write("## %s — covered by %d peer(s): %s; missed %d of %d\n" % (
                    g["provider"], len(g["peers"]), ", ".join(g["peers"]), len(g["missed"]), g["total"]))
                kinds = collections.defaultdict(list)
                for e in g["missed"]:
                    kinds["%s:%s" % (SHORT[e["peer"]], e["rule"])].append(e)
                ordered = sorted(kinds.items(), key=lambda kv: -len(kv[1]))
                for n, (k, es) in enumerate(ordered):
                    f.write("  kind %s (%s) — %d missed\n" % (k, es[0]["rule_name"][:80], len(es)))
                    if n >= 4:
                        continue
                    for e in es[:2 if n < 2 else 1]:
                        sec = (" secret=%s" % e["secrets"][0][:100]) if e["secrets"] else ""
                        f.write("   - %s%s%s\n%s\n" % (e["id"], _tags(e), sec, _show(_excerpt(e), 260)))
                f.write("\n")
    gen = [e for e in counted if not sc[e["id"]]["hit"] and e["generic_shape"]]
    with open(os.path.join(gapdir, "generic.txt"), "w") as f:
        f.write("# misses of %s whose secret is the value of a secret-looking name (`x_token = '...'`,\n" % tool)
        f.write("# `\"apiKey\": \"...\"`, `--password ...`): what a generic assignment detector could find.\n")
        f.write("# A provider-specific rule may be the better fix where the secret has a distinctive shape.\n")
        f.write("# %d examples of %d providers\n\n" % (len(gen), len({e["provider"] for e in gen})))
        byp = collections.defaultdict(list)
        for e in gen:
            byp[e["provider"]].append(e)
        ordered = sorted(byp.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        shapes = collections.Counter(_value_shape(e["secrets"][0]) for e in gen if e["secrets"])
        syntax = collections.Counter(_assignment_syntax(e) for e in gen)
        f.write("# value shapes: %s\n" % ", ".join("%s %d" % kv for kv in shapes.most_common()))
        f.write("# assignment syntax: %s\n\n" % ", ".join("%s %d" % kv for kv in syntax.most_common()))
        f.write("# summary: provider (category) misses\n")
        for prov, es in ordered:
            f.write("#   %-28s %-14s %d\n" % (prov, es[0]["category"], len(es)))
        f.write("\n")
        for prov, es in ordered:
            f.write("## %s (%s) — %d\n" % (prov, es[0]["category"], len(es)))
            for e in es[:2]:
                f.write("   - %s %s:%s%s secret=%s\n%s\n" % (e["id"], e["peer"], e["rule"], _tags(e).replace("generic-shape, ", "").replace(" [generic-shape]", ""),
                                                           (e["secrets"] or [""])[0][:100], _show(_line_of(e), 200)))
            f.write("\n")
    print("\ngap lists written to %s" % gapdir, file=sys.stderr)


def _excerpt(e, limit=260):
    """The example, or the lines around its secret when the example is long."""
    text = e["text"].strip("\n")
    if len(text) <= limit:
        return text
    lines = text.split("\n")
    for sec in e["secrets"]:
        for i, line in enumerate(lines):
            if sec[:40] in line:
                return "\n".join(lines[max(0, i - 1):i + 2])
    return text


def _value_shape(v):
    """A coarse class of a secret's alphabet and length, for the generic gap summary."""
    if re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", v):
        return "uuid"
    if re.fullmatch(r"[0-9a-fA-F]+", v):
        return "hex%s" % ("<32" if len(v) < 32 else ("32" if len(v) == 32 else ("40" if len(v) == 40 else ">32")))
    if re.fullmatch(r"[a-z]{2,12}[_-][A-Za-z0-9_-]{8,}", v):
        return "lowercase-prefix_token"
    if re.fullmatch(r"[A-Za-z0-9]+", v):
        return "alnum<20" if len(v) < 20 else "alnum"
    if re.fullmatch(r"[A-Za-z0-9+/]+=*", v):
        return "base64"
    if re.fullmatch(r"[A-Za-z0-9_.~-]+", v):
        return "alnum+_-."
    return "other (has spaces or punctuation)"


def _assignment_syntax(e):
    """How the secret is given its name on its line: JSON, YAML, env, code, CLI flag or header."""
    line = _line_of(e)
    sec = e["secrets"][0] if e["secrets"] else ""
    before = line[:line.find(sec)] if sec and sec in line else line
    if re.search(r"(?i)(authorization|bearer|x-[\w-]+)\s*[:=]?\s*[\"']?\s*(bearer\s+|token\s+|basic\s+)?$", before):
        return "header"
    if re.search(r"--?[\w-]+[ =][\"']?$", before):
        return "cli-flag"
    if re.search(r"[\"'][\w.-]+[\"']\s*:\s*[\"']?$", before):
        return "json/dict"
    if re.search(r"[?&][\w.-]+=$", before):
        return "url-query"
    if re.search(r"(?:^|[\s\"'])[\w.-]+=[\"']?$", before):
        return "env/ini"
    if re.search(r"(:{1,3}=|\?=|=>|\.=|=)\s*[\"'`]?$", before):
        return "code"
    if re.search(r"[\w.-]+\s*:\s*[\"']?$", before):
        return "yaml/colon"
    if re.search(r"[\w.-]+\s+[\"']?$", before):
        return "space-separated"
    return "other"


def _line_of(e):
    """The line of an example that holds its first secret (the whole text when not found)."""
    for s in e["secrets"]:
        k = e["text"].find(s)
        if k >= 0:
            a = e["text"].rfind("\n", 0, k) + 1
            b = e["text"].find("\n", k)
            return e["text"][a:b if b >= 0 else len(e["text"])].strip()
    return e["text"]


_SELFTEST_YAML = r"""rules:
- name: A
  id: p.a.1
  categories: [api, secret]
  examples:
  - 'say ''hi'''
  - |
      line one
        indented
  - "tab\tend"
  negative_examples:
    - >-
      folded
      text
    - plain # comment
"""

_SELFTEST_GO = r"""package x
const prefix = "tok_"
var (
	valid = prefix + `abc` // note
)
func TestX_Pattern(t *testing.T) {
	tests := []struct{ name string; input string; want []string }{
		{name: "ok", input: fmt.Sprintf("key=%s", valid), want: []string{valid}},
		{name: "no", input: "nothing " + strings.Repeat("a", 3), want: nil},
		{name: "rand", input: secrets.NewSecret("[a-z]{8}"), want: []string{"x"}},
	}
}
"""


def cmd_selftest(_args):
    """Checks of the YAML reader, the Go evaluator and the placeholder flags on small inputs."""
    rule = YamlLite(_SELFTEST_YAML).parse()["rules"][0]
    assert rule["categories"] == ["api", "secret"], rule
    assert rule["examples"] == ["say 'hi'", "line one\n  indented\n", "tab\tend"], rule["examples"]
    assert rule["negative_examples"] == ["folded text", "plain"], rule["negative_examples"]

    toks = go_tokens(_SELFTEST_GO)
    env = {}
    GoEval(toks, env=env).declarations(0, len(toks), toplevel=True)
    assert env.get("valid") == "tok_abc", env
    (_name, start, end), = go_functions(toks)
    ev = GoEval(toks, env=dict(env))
    ev.declarations(start, end, toplevel=False)
    cases = ev.env["tests"]
    assert cases[0] == {"name": "ok", "input": "key=tok_abc", "want": ["tok_abc"]}, cases[0]
    assert cases[1]["input"] == "nothing aaa" and cases[1]["want"] == [], cases[1]
    assert isinstance(cases[2]["input"], Unknown), cases[2]

    assert placeholder_flags("AKIAXXXXXXXXXXXXXXXX")[0]
    assert placeholder_flags("sk_live_<your key>")[0]
    assert placeholder_flags("ghp_abc...")[0]
    assert not placeholder_flags("Qv8h2Lp4Rk7mZ3xN9bT6wY1c")[0]
    assert placeholder_flags("abcdefghijKLMNOP12")[1] == ["ascending-run"]
    assert provider_key("new-relic-user-api-key") == "newrelic" and provider_key("githubapp") == "github"
    assert peer_provider("noseyparker", "np.github.1", "") == "github"
    print("selftest: ok")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("extract", help="read the peers' examples from local bare mirrors")
    p.add_argument("--mirror", action="append", default=[], metavar="NAME=GITDIR", required=True)
    p.add_argument("--out", required=True, metavar="DIR")
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("run", help="scan the extracted examples with leakward")
    p.add_argument("dir")
    p.add_argument("--leakward", required=True, metavar="BIN")
    p.add_argument("--rules", metavar="DIR", help="replace the built-in rules")
    p.add_argument("--name", help="name of the result set (default leakward)")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("import", help="read another scanner's JSON report over DIR/files")
    p.add_argument("dir")
    p.add_argument("--tool", required=True, choices=("noseyparker", "kingfisher"))
    p.add_argument("--report", required=True)
    p.add_argument("--name")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("selftest", help="check the YAML reader, the Go evaluator and the flags on small inputs")
    p.set_defaults(func=cmd_selftest)
    p = sub.add_parser("report", help="print recall, false alarms and gaps")
    p.add_argument("dir")
    p.add_argument("--gaps", metavar="GAPDIR", help="write gap lists for rule authors here")
    p.add_argument("--tool", action="append", help="only these result sets (repeatable)")
    p.add_argument("--top", type=int, default=40, help="providers shown in the missed table")
    p.set_defaults(func=cmd_report)
    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
