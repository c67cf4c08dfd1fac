#!/usr/bin/env python3
"""Builds the labelled set on which leakward's randomness measure is evaluated.

Usage: scripts/randomness-labels.py OUT.tsv GIT_DIR...

Writes one line per value: label (1 random, 0 not), source, the text before the value on its
line, and the value. Two halves:

- positives made here: random tokens of ten alphabets (hex of both cases, alphanumerics,
  lower or upper case with digits, letters, lower case, base64, base64url, password
  characters) and thirteen lengths from 8 to 128, 40 of each, and 300 tokens behind a short
  vendor-like prefix (`tok_`, `sk-`, `live_`, ...);
- values harvested from the newest commit of real repositories (bare git directories, such as
  those the session tools' `fetch` gives): every `name = value`, `name: value`, `name := value`,
  `name => value` in every text file under 400 KB whose value a generic rule could capture
  (8 to 200 characters of `A-Za-z0-9+/=_~!@#%^*-`), one line per distinct value.

A harvested value is labelled by rules independent of the measure, written below: `h` when it
sits in a hash or lockfile context (`integrity`, `checksum`, `sha256`, `hash`, `h1:` of go.sum,
a *.lock file), where the context check must reject it whatever the value; 1 (random) when it is
machine-made (a hexadecimal string of 16+ characters with letters and digits, an id behind a
known API prefix, a commit-pinned action, base64 of 20+ characters with all three classes);
0 otherwise (identifiers, words, paths, versions, numbers, UUIDs, placeholders). The set stays
outside the repository: never commit it.
"""

import random
import re
import string
import subprocess
import sys

ASSIGN = re.compile(
    rb"""(?:^|[\s{(,\[])["']?([A-Za-z_@$][A-Za-z0-9_.\-]{0,50})["']?\]?[ \t]*(?::=|=>|=|:)[ \t]*["'`]?([^\s"'`,;)}\]<>]{4,200})"""
)
SKIP = (".png", ".jpg", ".gif", ".ico", ".woff", ".woff2", ".ttf", ".pdf", ".zip", ".gz", ".jar", ".svg")
HASH_CONTEXT = re.compile(r"(?i)(integrity|checksum|sha\d*|md5|hash|digest|\bh1\b|etag|resolved)")
LOCKFILE = re.compile(r"(\.lock|go\.sum|package-lock\.json|yarn\.lock|pnpm-lock\.yaml)$")
API_ID = re.compile(
    r"^(toolu|srvtoolu|tooluse|msg|msg_vrtx|call|chatcmpl|cmpl|evt|file|req|run|thread|asst|batch|vsfb"
    r"|resp|fc|ws|cs|cu|rs|cp|ft|wh|whsec|audio|image\d*)[_-][A-Za-z0-9_+/=-]{8,}$"
)
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")  # actions/checkout@<commit>
CAPTURED = re.compile(r"^[A-Za-z0-9+/=_~!@#%^*-]{8,200}$")  # what a generic rule can capture
HEX = re.compile(r"^[0-9a-f]{16,}$|^[0-9A-F]{16,}$")
B64 = re.compile(r"^[A-Za-z0-9+/]{20,}={0,2}$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
PLACEHOLDER = ("example", "your", "xxxx", "placeholder", "redacted", "dummy", "sample", "changeme", "test")
BAD = PLACEHOLDER + ("insert", "replace", "fake")

ALPHABETS = {
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "alnum": string.ascii_letters + string.digits,
    "lower_digit": string.ascii_lowercase + string.digits,
    "upper_digit": string.ascii_uppercase + string.digits,
    "letters": string.ascii_letters,
    "lower": string.ascii_lowercase,
    "b64": string.ascii_letters + string.digits + "+/",
    "b64url": string.ascii_letters + string.digits + "-_",
    "password": string.ascii_letters + string.digits + "!@#%^&*-_=+~.",
}
LENGTHS = [8, 10, 12, 14, 16, 20, 24, 32, 40, 48, 64, 96, 128]


def positives(rng):
    for name, alphabet in ALPHABETS.items():
        for n in LENGTHS:
            for _ in range(40):
                while True:
                    value = "".join(rng.choice(alphabet) for _ in range(n))
                    if not any(b in value.lower() for b in BAD):
                        break
                if name == "b64" and rng.random() < 0.3:
                    value = value[:-1] + "="
                yield f"gen-{name}:{n}", "token = ", value
    for _ in range(300):
        prefix = rng.choice(["key_", "tok_", "sk-", "pk.", "api-", "svc_", "live_", "acct-", "xk1_", "tk-v2-"])
        n = rng.choice([16, 20, 24, 32, 40, 48])
        alphabet = rng.choice([ALPHABETS["alnum"], ALPHABETS["lower_digit"], ALPHABETS["hex"], ALPHABETS["b64url"]])
        yield f"gen-prefixed:{n}", "token = ", prefix + "".join(rng.choice(alphabet) for _ in range(n))


def harvested(git_dir):
    name = git_dir.rstrip("/").split("/")[-2] if git_dir.rstrip("/").endswith("repo") else git_dir
    listing = subprocess.run(["git", "-C", git_dir, "ls-tree", "-r", "-l", "HEAD"], capture_output=True, check=True)
    for entry in listing.stdout.decode("utf-8", "replace").splitlines():
        meta, path = entry.split("\t", 1)
        kind, sha, size = meta.split()[1:4]
        if kind != "blob" or size == "-" or int(size) > 400_000 or path.lower().endswith(SKIP):
            continue
        data = subprocess.run(["git", "-C", git_dir, "cat-file", "blob", sha], capture_output=True).stdout
        if b"\0" in data[:8000]:
            continue
        for line in data.split(b"\n"):
            if len(line) > 2000:
                continue
            for m in ASSIGN.finditer(line):
                try:
                    context = line[: m.start(2)][-80:].decode().replace("\t", " ")
                    yield f"{name}:{path}", m.group(1).decode(), context, m.group(2).decode()
                except UnicodeDecodeError:
                    pass


def label(source, key, context, value):
    """1 when the value is machine-made, h when it is in a hash or lockfile context (no scanner
    should report it: the measure is not asked, the context is), else 0."""
    if HASH_CONTEXT.search(key) or HASH_CONTEXT.search(context[-40:]) or LOCKFILE.search(source):
        return "h"
    if UUID.match(value) or any(p in value.lower() for p in PLACEHOLDER):
        return 0
    classes = sum(bool(re.search(c, value)) for c in ("[a-z]", "[A-Z]", "[0-9]"))
    if HEX.match(value) and re.search("[0-9]", value) and re.search("[a-fA-F]", value):
        return 1
    if API_ID.match(value) or PINNED.match(value):
        return 1
    if B64.match(value) and classes == 3:
        return 1
    return 0


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    rng = random.Random(20261207)
    seen = set()
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        for source, context, value in positives(rng):
            out.write(f"1\t{source}\t{context}\t{value}\n")
        for git_dir in sys.argv[2:]:
            for source, key, context, value in harvested(git_dir):
                if value in seen or not CAPTURED.match(value):
                    continue
                seen.add(value)
                out.write(f"{label(source, key, context, value)}\t{source}\t{context}\t{value}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
