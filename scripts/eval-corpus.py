#!/usr/bin/env python3
"""Independent labelled evaluation corpus for leakward.

    eval-corpus.py generate OUTDIR [--seed N] [--formats PATH]
    eval-corpus.py evaluate OUTDIR --leakward PATH_TO_BINARY
    eval-corpus.py generate-git OUTDIR [--seed N] [--formats PATH]
    eval-corpus.py evaluate-git REPO LABELS --leakward PATH_TO_BINARY

`generate` reads the credential kinds in tests/data/credential-kinds.json (or
the file given with --formats): id, provider, category, the secret's regex
(group 1), its lengths, context words and environment variable names,
makes a fresh random secret for every kind by walking the kind's regex (or with
a dedicated generator for structural kinds: private keys, service-account JSON,
JWTs, connection strings, base64-JSON tokens, checksummed GitHub/npm tokens),
plants each secret in two realistic files of different styles, writes negative
files that must produce no findings, and writes OUTDIR/labels.json.

Every planted location is checked against the kind's own reference regex: the
label's line/column/secret are taken from the regex match in the final file, so
labels are exactly what a reference-conforming scanner should report.

`evaluate` runs `leakward scan OUTDIR --format json --show-secrets`, matches the
findings against labels.json and prints recall, misses, false positives and
unexplained extra findings.

`generate-git` builds a git repository in OUTDIR from the same generators and file
styles (about 60 commits with fixed authors and dates): keys added and later deleted,
key lines removed later, renames and moves, an unmerged branch, tags on deleted
branches, a clean merge, a merge whose conflict resolution adds keys, a commit
touching 200+ files, a stash entry and a binary file. Labels are computed from the
finished history (every blob introduced at a path, i.e. absent at that path in all
parents, checked with the reference regexes): one per planted key and path, with the
earliest commit introducing a blob holding the key at that path. They are written to
OUTDIR/../<name>-labels.json, outside the repository.

`evaluate-git` runs `leakward git --no-config --format json --show-secrets REPO` and
prints recall with the right commit, recall by path, misses by scenario, wrong commit
attributions and findings that match no label.

Standard library only. Deterministic for a given --seed.
"""

import argparse
import base64
import binascii
import hashlib
import json
import os
import random
import re
import shutil
import string
import subprocess
import sys
import zlib

try:  # Python 3.11+
    import re._parser as sre_parse
    import re._constants as sre_c
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse  # type: ignore
    import sre_constants as sre_c  # type: ignore

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_FORMATS = os.path.join("tests", "data", "credential-kinds.json")

ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
B64 = string.ascii_uppercase + string.ascii_lowercase + string.digits + "+/"
B64URL = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase

PLACEHOLDER_WORDS = ("your", "fake", "xxxx", "example", "test", "sample", "dummy", "insert", "replace")

# Kinds for which a finding may report a larger or smaller span than group 1
# (evaluate accepts containment either way and overlapping line ranges).
STRUCTURAL_KINDS_RE = re.compile(
    r"^(private-key-.*|gcp-service-account-key-json|google-vertex-.*|.*connection-string|"
    r"url-embedded-credentials|azure-sas-token|jwt|hyperbolic-api-key|octoai-api-token|"
    r"qdrant-cloud-api-key|supabase-service-role-jwt|github-installation-token-stateless|"
    r"slack-webhook-url|discord-webhook-url|fly-io-token)$")


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------

def run_leakward(cmd, timeout):
    """Runs a leakward command with a JSON report; returns (process, report), or (None, None)
    after printing why when it could not run, exited with an error or printed no JSON."""
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print("error: could not run %s: %s" % (cmd[0], exc))
        return None, None
    if proc.returncode not in (0, 1):
        print("error: leakward exited with %d" % proc.returncode)
        print(proc.stderr.decode(errors="replace")[-4000:])
        return None, None
    try:
        return proc, json.loads(proc.stdout.decode("utf-8", errors="replace"))
    except ValueError as exc:
        print("error: leakward output is not JSON: %s" % exc)
        print(proc.stdout.decode(errors="replace")[:2000])
        return None, None


def rs(rng, n, alphabet=ALNUM):
    return "".join(rng.choice(alphabet) for _ in range(n))


def rbytes(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def b64(data):
    return base64.b64encode(data).decode()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def rand_uuid(rng):
    h = rs(rng, 32, HEX)
    h = h[:12] + "4" + h[13:16] + rng.choice("89ab") + h[17:]
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def looks_placeholder(value):
    low = value.lower()
    if any(w in low for w in PLACEHOLDER_WORDS):
        return True
    run = 1
    for a, b in zip(value, value[1:]):
        run = run + 1 if ord(b) == ord(a) + 1 else 1
        if run >= 8:
            return True
    return False


def line_of(text, offset):
    return text.count("\n", 0, offset) + 1


def col_of(text, offset):
    return offset - (text.rfind("\n", 0, offset) + 1) + 1


WORDS = ("orion atlas nimbus helios falcon quartz ledger harbor cobalt juniper maple cedar "
         "aurora beacon summit delta vertex cinder lyra vega polaris zenith ember onyx sierra "
         "tundra willow birch raven otter lynx badger heron").split()
COMPANIES = ("acmecorp northwind globex initech umbrellabio stark-labs wayne-data hooli "
             "vandelay tyrell-sys cyberdyne-ai soylent-io").split()
FIRST = "alice bob carol dave erin frank grace heidi ivan judy mallory niaj olivia peggy rupert sybil trent victor walter".split()


def slug(rng):
    return "%s-%s" % (rng.choice(WORDS), rng.choice(WORDS))


# --------------------------------------------------------------------------------------
# regex walker
# --------------------------------------------------------------------------------------

def _category_chars(cat):
    if cat == sre_c.CATEGORY_DIGIT:
        return set(string.digits)
    if cat == sre_c.CATEGORY_WORD:
        return set(ALNUM + "_")
    if cat == sre_c.CATEGORY_SPACE:
        return set(" ")
    if cat == sre_c.CATEGORY_NOT_DIGIT:
        return set(string.ascii_letters)
    if cat == sre_c.CATEGORY_NOT_WORD:
        return set("-.")
    if cat == sre_c.CATEGORY_NOT_SPACE:
        return set(ALNUM)
    return set(ALNUM)


def _class_chars(items):
    negate = False
    chars = set()
    for op, av in items:
        if op == sre_c.NEGATE:
            negate = True
        elif op == sre_c.LITERAL:
            chars.add(chr(av))
        elif op == sre_c.RANGE:
            lo, hi = av
            chars.update(chr(c) for c in range(lo, hi + 1))
        elif op == sre_c.CATEGORY:
            if negate or str(av).startswith("CATEGORY_NOT"):
                chars.update(_category_chars(av))
            else:
                chars.update(_category_chars(av))
    if negate:
        safe = set(ALNUM + "-_.")
        return sorted(safe - chars)
    return sorted(chars)


class Walker:
    def __init__(self, rng, open_extra=20):
        self.rng = rng
        self.open_extra = open_extra

    def gen(self, sub):
        out = []
        for op, av in sub:
            out.append(self.gen_op(op, av))
        return "".join(out)

    def gen_op(self, op, av):
        rng = self.rng
        if op == sre_c.LITERAL:
            return chr(av)
        if op == sre_c.NOT_LITERAL:
            return rng.choice([c for c in ALNUM if ord(c) != av])
        if op == sre_c.ANY:
            return rng.choice(ALNUM)
        if op == sre_c.IN:
            chars = _class_chars(av)
            if set(chars) == set("0123456789abcdefABCDEF"):
                chars = HEX  # real keys use one case; shapes say lowercase
            return rng.choice(chars)
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
            lo, hi, item = av
            if hi == sre_c.MAXREPEAT:
                hi = lo + self.open_extra
            n = rng.randint(lo, hi)
            return "".join(self.gen(item) for _ in range(n))
        if op == sre_c.SUBPATTERN:
            return self.gen(av[-1])
        if op == getattr(sre_c, "ATOMIC_GROUP", None):
            return self.gen(av)
        if op == sre_c.BRANCH:
            return self.gen(rng.choice(av[1]))
        if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
            return ""
        raise ValueError("unsupported regex op %s" % op)


def find_group(sub, gid=1):
    for op, av in sub:
        if op == sre_c.SUBPATTERN:
            if av[0] == gid:
                return av[-1]
            r = find_group(av[-1], gid)
            if r is not None:
                return r
        elif op == sre_c.BRANCH:
            for b in av[1]:
                r = find_group(b, gid)
                if r is not None:
                    return r
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
            r = find_group(av[2], gid)
            if r is not None:
                return r
    return None


def group1_source(pattern):
    """Return the source text of capture group 1 with the pattern's leading inline flags."""
    flags = ""
    m = re.match(r"\(\?[aiLmsux]+\)", pattern)
    if m:
        flags = m.group(0)
    i, in_class = 0, False
    start = None
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "]":
                i += 1
        elif c == "(" and pattern[i + 1:i + 2] != "?":
            start = i
            break
        i += 1
    if start is None:
        raise ValueError("no capture group in %r" % pattern)
    depth, i, in_class = 0, start, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return flags + pattern[start + 1:i]
        i += 1
    raise ValueError("unbalanced group in %r" % pattern)


def shape_lengths(shape):
    """Exact lengths and ranges stated in a shape description."""
    exact, ranges = set(), []
    for a, b in re.findall(r"(\d+)\s*-\s*(\d+)\+?\s*(?:chars|characters)", shape):
        ranges.append((int(a), int(b)))
    cleaned = re.sub(r"(\d+)\s*-\s*(\d+)\+?\s*(?:chars|characters)", " ", shape)
    for a in re.findall(r"\((\d+)\s*(?:chars|characters)?(?: total)?\)", cleaned):
        exact.add(int(a))
    for a in re.findall(r"(\d+) chars", cleaned):
        exact.add(int(a))
    return exact, ranges


# --------------------------------------------------------------------------------------
# special generators for structural kinds
# --------------------------------------------------------------------------------------

def gh_checksum_token(rng, prefix, body_len):
    body = rs(rng, body_len - 6)
    crc = zlib.crc32(body.encode()) & 0xFFFFFFFF
    enc = ""
    while crc:
        crc, r = divmod(crc, 62)
        enc = BASE62[r] + enc
    return prefix + body + enc.rjust(6, "0")


def jwt(rng, header, payload, sig_bytes):
    h = b64url(json.dumps(header, separators=(",", ":")).encode())
    p = b64url(json.dumps(payload, separators=(",", ":")).encode())
    return "%s.%s.%s" % (h, p, b64url(rbytes(rng, sig_bytes)))


def ts(rng):
    return rng.randint(1_690_000_000, 1_760_000_000)


def email(rng):
    return "%s.%s@%s.com" % (rng.choice(FIRST), rng.choice(WORDS), rng.choice(COMPANIES).replace("-", ""))


def pem_wrap(body_b64, width=64):
    return "\n".join(body_b64[i:i + width] for i in range(0, len(body_b64), width))


def der_len(n):
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return bytes([0x81, n])
    return bytes([0x82, n >> 8, n & 0xFF])


def der_int(rng, nbytes):
    v = bytearray(rbytes(rng, nbytes))
    v[0] |= 0x80
    v = b"\x00" + bytes(v)
    return b"\x02" + der_len(len(v)) + v


def der_seq(*parts):
    body = b"".join(parts)
    return b"\x30" + der_len(len(body)) + body


def rsa_der(rng):
    return der_seq(b"\x02\x01\x00", der_int(rng, 256), b"\x02\x03\x01\x00\x01", der_int(rng, 256),
                   der_int(rng, 128), der_int(rng, 128), der_int(rng, 128), der_int(rng, 128),
                   der_int(rng, 128))


def pkcs8_der(rng):
    rsa = rsa_der(rng)
    alg = der_seq(bytes.fromhex("06092a864886f70d010101"), b"\x05\x00")
    return der_seq(b"\x02\x01\x00", alg, b"\x04" + der_len(len(rsa)) + rsa)


def ec_der(rng):
    priv = b"\x04\x20" + rbytes(rng, 32)
    curve = bytes.fromhex("a00a06082a8648ce3d030107")
    pub = b"\x03\x42\x00\x04" + rbytes(rng, 64)
    return der_seq(b"\x02\x01\x01", priv, curve, b"\xa1" + der_len(len(pub)) + pub)


def dsa_der(rng):
    return der_seq(b"\x02\x01\x00", der_int(rng, 128), der_int(rng, 20), der_int(rng, 128),
                   der_int(rng, 128), der_int(rng, 20))


def enc_pkcs8_der(rng):
    params = der_seq(
        der_seq(bytes.fromhex("06092a864886f70d01050c"),
                der_seq(b"\x04\x08" + rbytes(rng, 8), b"\x02\x02\x08\x00",
                        der_seq(bytes.fromhex("06082a864886f70d0209"), b"\x05\x00"))),
        der_seq(bytes.fromhex("0609608648016503040102"), b"\x04\x10" + rbytes(rng, 16)))
    alg = der_seq(bytes.fromhex("06092a864886f70d01050d"), params)
    blob = rbytes(rng, 1232)
    return der_seq(alg, b"\x04" + der_len(len(blob)) + blob)


def ssh_string(b):
    return len(b).to_bytes(4, "big") + b


def openssh_ed25519(rng):
    pk = rbytes(rng, 32)
    sk = rbytes(rng, 32) + pk
    pub = ssh_string(b"ssh-ed25519") + ssh_string(pk)
    check = rbytes(rng, 4)
    comment = ("%s@%s" % (rng.choice(FIRST), rng.choice(WORDS))).encode()
    priv = check + check + pub + ssh_string(sk) + ssh_string(comment)
    pad = 1
    while len(priv) % 8:
        priv += bytes([pad])
        pad += 1
    blob = (b"openssh-key-v1\x00" + ssh_string(b"none") + ssh_string(b"none") + ssh_string(b"")
            + (1).to_bytes(4, "big") + ssh_string(pub) + ssh_string(priv))
    return pem_wrap(b64(blob), 70)


def crc24(data):
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def pgp_block(rng):
    body = b"\x95\x03\x98\x04" + ts(rng).to_bytes(4, "big") + b"\x01\x08\x00" + rbytes(rng, 900)
    crc = crc24(body).to_bytes(3, "big")
    return ("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + pem_wrap(b64(body)) + "\n=" + b64(crc)
            + "\n-----END PGP PRIVATE KEY BLOCK-----")


def pem(label, der):
    return "-----BEGIN %s-----\n%s\n-----END %s-----" % (label, pem_wrap(b64(der)), label)


def sa_json(rng, pem_label="PRIVATE KEY"):
    proj = "%s-%d" % (slug(rng), rng.randint(100000, 999999))
    acct = "%s-%s" % (rng.choice(["deployer", "ci-runner", "vertex-client", "bq-loader", "svc"]), rs(rng, 4, string.ascii_lowercase))
    key = pem(pem_label, pkcs8_der(rng)) + "\n"
    return {
        "type": "service_account",
        "project_id": proj,
        "private_key_id": rs(rng, 40, HEX),
        "private_key": key,
        "client_email": "%s@%s.iam.gserviceaccount.com" % (acct, proj),
        "client_id": str(rng.randint(10 ** 20, 10 ** 21 - 1)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/%s%%40%s.iam.gserviceaccount.com" % (acct, proj),
        "universe_domain": "googleapis.com",
    }


def adc_json(rng):
    return {
        "account": "",
        "client_id": "%d-%s.apps.googleusercontent.com" % (rng.randint(10 ** 11, 10 ** 12 - 1), rs(rng, 32, LOWER_ALNUM)),
        "client_secret": "GOCSPX-" + rs(rng, 28, ALNUM + "-_"),
        "quota_project_id": "%s-%d" % (slug(rng), rng.randint(1000, 9999)),
        "refresh_token": "1//0" + rs(rng, 99, ALNUM + "-_"),
        "type": "authorized_user",
        "universe_domain": "googleapis.com",
    }


def password(rng):
    n = rng.randint(16, 28)
    return rs(rng, n, ALNUM + "_-.~")


def host(rng):
    return rng.choice([
        "%s-db.%s.%s.rds.amazonaws.com" % (rng.choice(WORDS), rs(rng, 12, LOWER_ALNUM), rng.choice(["eu-west-1", "us-east-1", "ap-south-1"])),
        "%s.%s.internal" % (rng.choice(WORDS), rng.choice(COMPANIES)),
        "10.%d.%d.%d" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(2, 250)),
        "db-%s-%d.%s.net" % (rng.choice(WORDS), rng.randint(1, 9), rng.choice(COMPANIES)),
    ])


def special(kind, rng):
    """Return (secret, planted_text) or None if the kind uses the generic walker."""
    kid = kind["id"]
    if kid in ("github-classic-pat", "github-oauth-token", "github-user-to-server-token", "github-installation-token"):
        return gh_checksum_token(rng, kind["prefix"] or kind["regex"][4:8], 36), None
    if kid == "github-refresh-token":
        return gh_checksum_token(rng, "ghr_", 76), None
    if kid == "npm-access-token":
        return gh_checksum_token(rng, "npm_", 36), None
    if kid == "github-fine-grained-pat":
        return "github_pat_11" + rs(rng, 20, string.ascii_uppercase + string.digits) + "_" + rs(rng, 59), None
    if kid in ("stripe-live-secret-key", "stripe-live-restricted-key"):
        p = "sk_live_" if kid.endswith("secret-key") else "rk_live_"
        return (p + ("51" + rs(rng, 97) if rng.random() < 0.6 else rs(rng, 24))), None
    if kid == "stripe-webhook-signing-secret":
        return "whsec_" + (rs(rng, 32) if rng.random() < 0.7 else rs(rng, 64, HEX)), None
    if kid == "logfire-token":
        return "pylf_v1_%s_%s" % (rng.choice(["us", "eu"]), rs(rng, rng.randint(40, 48))), None
    if kid == "lambdalabs-cloud-api-key":
        return "secret_%s-%s_%s.%s" % (rng.choice(WORDS), rng.choice(["train", "infer", "ci"]), rs(rng, 32, HEX), rs(rng, 32)), None
    if kid == "generic-secret-assignment":
        return rs(rng, rng.randint(28, 44), ALNUM + ALNUM + "_-/+"), None
    if kid == "google-oauth-access-token":
        return "ya29." + rs(rng, rng.randint(160, 230), ALNUM + ALNUM + "_-"), None
    if kid == "vault-service-token":
        return "hvs." + (rs(rng, 24) if rng.random() < 0.3 else "CAESI" + rs(rng, rng.randint(86, 110), ALNUM + "_-")), None
    if kid == "vault-batch-token":
        return "hvb.AAAAAQ" + rs(rng, rng.randint(120, 260), ALNUM + "_-"), None
    # --- JWT family
    if kid == "jwt":
        return jwt(rng, {"alg": "HS256", "typ": "JWT"},
                   {"sub": rand_uuid(rng), "email": email(rng), "role": rng.choice(["admin", "user", "editor"]),
                    "iat": ts(rng), "exp": ts(rng) + 86400}, 32), None
    if kid == "hyperbolic-api-key":
        return jwt(rng, {"alg": "HS256", "typ": "JWT"}, {"sub": email(rng), "iat": ts(rng)}, 32), None
    if kid == "octoai-api-token":
        return jwt(rng, {"alg": "RS256", "typ": "JWT", "kid": rs(rng, 8, HEX)},
                   {"sub": rand_uuid(rng), "type": "userAccessToken", "tenantId": rand_uuid(rng),
                    "userId": rand_uuid(rng), "roles": ["FETCH-ROLES-BY-ID"]}, 256), None
    if kid == "qdrant-cloud-api-key":
        return jwt(rng, {"alg": "HS256", "typ": "JWT"},
                   {"access": rng.choice(["m", "r"]), "exp": ts(rng) + 10 ** 7, "iat": ts(rng)}, 32), None
    if kid == "supabase-service-role-jwt":
        t = ts(rng)
        return jwt(rng, {"alg": "HS256", "typ": "JWT"},
                   {"iss": "supabase", "ref": rs(rng, 20, string.ascii_lowercase), "role": "service_role",
                    "iat": t, "exp": t + 315_360_000}, 32), None
    if kid == "github-installation-token-stateless":
        return "ghs_%d_%s" % (rng.randint(100000, 9999999),
                              jwt(rng, {"alg": "RS256", "typ": "JWT"},
                                  {"iss": str(rng.randint(100000, 999999)), "iat": ts(rng), "exp": ts(rng) + 600,
                                   "installation_id": rng.randint(10 ** 7, 10 ** 8)}, 256)), None
    # --- base64 JSON
    if kid == "neptune-api-token":
        return b64(json.dumps({"api_address": "https://app.neptune.ai", "api_url": "https://app.neptune.ai",
                               "api_key": rand_uuid(rng)}, separators=(",", ":")).encode()), None
    if kid == "grafana-api-key-legacy":
        return b64(json.dumps({"k": rs(rng, 32), "n": "%s-%s" % (rng.choice(WORDS), rng.choice(["ci", "deploy", "viewer"])),
                               "id": rng.randint(1, 99)}, separators=(",", ":")).encode()), None
    if kid == "grafana-cloud-access-policy-token":
        return "glc_" + b64(json.dumps({"o": str(rng.randint(100000, 9999999)), "n": "%s-%s" % (rng.choice(WORDS), rng.choice(["metrics", "logs", "writer"])),
                                        "k": rs(rng, 24), "m": {"r": rng.choice(["prod-us-east-0", "prod-eu-west-2"])}},
                                       separators=(",", ":")).encode()), None
    if kid == "sentry-org-auth-token":
        org = rng.choice(COMPANIES)
        payload = {"iat": ts(rng) + rng.random(), "url": "https://sentry.io", "region_url": "https://us.sentry.io", "org": org}
        return "sntrys_" + b64(json.dumps(payload, separators=(",", ":")).encode()) + "_" + rs(rng, 43, ALNUM + "+/"), None
    if kid == "onepassword-service-account-token":
        payload = {"signInAddress": "my.1password.com",
                   "userAuth": {"method": "SRPg-4096", "alg": "PBES2g-HS256", "iterations": 650000,
                                "salt": b64url(rbytes(rng, 16))},
                   "email": "%s@1passwordserviceaccounts.com" % rs(rng, 13, string.ascii_lowercase + string.digits),
                   "srpX": rs(rng, 64, HEX),
                   "muk": {"alg": "A256GCM", "ext": False, "k": b64url(rbytes(rng, 32)),
                           "key_ops": ["decrypt", "encrypt"], "kty": "oct", "kid": "mp"},
                   "secretKey": "A3-%s-%s-%s-%s-%s-%s" % tuple(rs(rng, n, string.ascii_uppercase + string.digits) for n in (6, 6, 5, 5, 5, 5)),
                   "throttleSecret": {"seed": rs(rng, 64, HEX), "uuid": rs(rng, 26, string.ascii_uppercase + string.digits)},
                   "deviceUuid": rs(rng, 26, string.ascii_lowercase + string.digits)}
        return "ops_" + b64(json.dumps(payload, separators=(",", ":")).encode()), None
    if kid == "aws-bedrock-api-key-long-term":
        raw = "BedrockAPIKey-%s-at-%d:%s" % (rs(rng, 4, LOWER_ALNUM), rng.randint(10 ** 11, 10 ** 12 - 1), b64(rbytes(rng, 42)))
        return "ABSK" + b64(raw.encode()), None
    if kid == "aws-bedrock-api-key-short-term":
        d = "2025%02d%02d" % (rng.randint(1, 12), rng.randint(1, 28))
        url = ("bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256"
               "&X-Amz-Credential=ASIA%s%%2F%s%%2Fus-east-1%%2Fbedrock%%2Faws4_request&X-Amz-Date=%sT%02d%02d%02dZ"
               "&X-Amz-Expires=43200&X-Amz-Security-Token=%s&X-Amz-SignedHeaders=host&X-Amz-Signature=%s&Version=1"
               % (rs(rng, 16, string.ascii_uppercase + "234567"), d, d, rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                  b64(rbytes(rng, 300)).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D"), rs(rng, 64, HEX)))
        return "bedrock-api-key-" + b64(url.encode()), None
    if kid == "discord-bot-token":
        uid = b64url(str(rng.randint(10 ** 17, 2 * 10 ** 18)).encode())
        return "%s.%s.%s" % (uid, rs(rng, 6, B64URL), rs(rng, rng.choice([27, 38]), B64URL)), None
    if kid == "paypal-client-secret":
        return "E" + rs(rng, 79, ALNUM * 6 + "_-"), None
    if kid == "newrelic-license-key":
        if rng.random() < 0.7:
            return rs(rng, 32, HEX) + "FFFFNRAL", None
        return "eu01xx" + rs(rng, 26, HEX) + "FFFFNRAL", None
    if kid == "langsmith-legacy-api-key":
        return "ls__" + rs(rng, 32, HEX), None
    if kid == "slack-legacy-token":
        if rng.random() < 0.6:
            return "%s-%d-%d-%d-%s" % (rng.choice(["xoxs", "xoxo"]), rng.randint(10 ** 9, 10 ** 12), rng.randint(10 ** 9, 10 ** 12),
                                       rng.randint(10 ** 11, 10 ** 13), rs(rng, 64, HEX)), None
        return "%s-%s%s" % (rng.choice(["xoxa", "xoxr"]), rng.choice(["", "2-"]), rs(rng, rng.randint(24, 48))), None
    if kid == "fly-io-token":
        return "FlyV1 fm2_lJPE" + rs(rng, rng.randint(250, 400), B64) + ",fm2_lJPE" + rs(rng, rng.randint(150, 250), B64), None
    if kid == "nvidia-ngc-api-key-legacy":
        while True:
            v = b64(("%s:%s" % (rs(rng, 26, LOWER_ALNUM), rand_uuid(rng))).encode())
            if re.fullmatch(r"[A-Za-z0-9]{84}", v):
                return v, None
    if kid == "aws-session-token":
        return rng.choice(["IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE"]) + b64(rbytes(rng, rng.randint(280, 700))), None
    # --- private keys and service accounts (multi-line)
    if kid == "private-key-rsa":
        return pem("RSA PRIVATE KEY", rsa_der(rng)), None
    if kid == "private-key-pkcs8":
        return pem("PRIVATE KEY", pkcs8_der(rng)), None
    if kid == "private-key-ec":
        return pem("EC PRIVATE KEY", ec_der(rng)), None
    if kid == "private-key-dsa":
        return pem("DSA PRIVATE KEY", dsa_der(rng)), None
    if kid == "private-key-pkcs8-encrypted":
        return pem("ENCRYPTED PRIVATE KEY", enc_pkcs8_der(rng)), None
    if kid == "private-key-openssh":
        return ("-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n-----END OPENSSH PRIVATE KEY-----" % openssh_ed25519(rng)), None
    if kid == "private-key-pgp":
        return pgp_block(rng), None
    if kid in ("gcp-service-account-key-json", "google-vertex-service-account-json"):
        return sa_json(rng), None
    if kid == "google-vertex-adc-authorized-user":
        return adc_json(rng), None
    # --- connection strings: secret = password, planted text = URL
    if kid == "postgres-connection-string":
        pw = password(rng)
        scheme = rng.choice(["postgres", "postgresql", "postgresql+psycopg2", "postgresql+asyncpg"])
        return pw, "%s://%s:%s@%s:5432/%s" % (scheme, rng.choice(["app", "orders_rw", "postgres", "svc_" + rng.choice(WORDS)]), pw, host(rng), rng.choice(WORDS))
    if kid == "mysql-connection-string":
        pw = password(rng)
        scheme = rng.choice(["mysql", "mysql+pymysql", "mariadb", "mysql2"])
        return pw, "%s://%s:%s@%s:3306/%s" % (scheme, rng.choice(["root", "app", "wp_" + rng.choice(WORDS)]), pw, host(rng), rng.choice(WORDS))
    if kid == "mongodb-connection-string":
        pw = password(rng)
        if rng.random() < 0.6:
            return pw, "mongodb+srv://%s:%s@cluster0.%s.mongodb.net/%s?retryWrites=true&w=majority" % (rng.choice(FIRST), pw, rs(rng, 5, LOWER_ALNUM), rng.choice(WORDS))
        return pw, "mongodb://%s:%s@%s:27017/%s?authSource=admin" % (rng.choice(["admin", "app"]), pw, host(rng), rng.choice(WORDS))
    if kid == "amqp-connection-string":
        pw = password(rng)
        return pw, "%s://%s:%s@%s/%s" % (rng.choice(["amqp", "amqps"]), rng.choice(["guest_rw", "celery", "app"]), pw,
                                        rng.choice(["rabbitmq.%s.internal:5672" % rng.choice(COMPANIES),
                                                    "b-%s.mq.us-east-1.amazonaws.com:5671" % rand_uuid(rng)]), rng.choice(["vhost", "%2F", "jobs"]))
    if kid == "redis-connection-string":
        pw = password(rng)
        return pw, "%s://%s:%s@%s" % (rng.choice(["redis", "rediss"]), rng.choice(["default", ""]), pw,
                                     rng.choice(["redis-%d.c%d.us-east-1-3.ec2.cloud.redislabs.com:%d/0" % (rng.randint(10000, 19999), rng.randint(1, 300), rng.randint(10000, 19999)),
                                                 "cache.%s.internal:6379/1" % rng.choice(COMPANIES)]))
    if kid == "url-embedded-credentials":
        pw = password(rng)
        return pw, rng.choice([
            "https://%s:%s@git.%s.net/%s/%s.git" % (rng.choice(["deploy", "ci-bot", rng.choice(FIRST)]), pw, rng.choice(COMPANIES), rng.choice(WORDS), rng.choice(WORDS)),
            "ftp://backup:%s@files.%s.net:21/nightly" % (pw, rng.choice(COMPANIES)),
            "smtp://mailer:%s@smtp.%s.net:587" % (pw, rng.choice(COMPANIES)),
            "https://admin:%s@nexus.%s.io/repository/pypi/simple" % (pw, rng.choice(COMPANIES)),
        ])
    # --- azure connection strings
    if kid == "azure-app-configuration-connection-string":
        k = b64(rbytes(rng, 32))
        return k, "Endpoint=https://%s.azconfig.io;Id=%s-l0-s0:%s;Secret=%s" % (slug(rng), rs(rng, 4), rs(rng, 20), k)
    if kid == "azure-cosmosdb-connection-string":
        k = b64(rbytes(rng, 64))
        return k, "AccountEndpoint=https://%s.documents.azure.com:443/;AccountKey=%s;" % (slug(rng), k)
    if kid == "azure-sas-connection-string":
        k = b64(rbytes(rng, 32))
        if rng.random() < 0.6:
            return k, "Endpoint=sb://%s.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=%s" % (slug(rng), k)
        return k, "HostName=%s.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=%s" % (slug(rng), k)
    if kid == "azure-storage-connection-string":
        k = b64(rbytes(rng, 64))
        return k, "DefaultEndpointsProtocol=https;AccountName=%s;AccountKey=%s;EndpointSuffix=core.windows.net" % (rs(rng, rng.randint(8, 16), string.ascii_lowercase + string.digits), k)
    if kid == "azure-sas-token":
        sig = b64(rbytes(rng, 32)).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
        return sig, "https://%s.blob.core.windows.net/%s?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2027-0%d-01T00:00:00Z&st=2025-0%d-01T00:00:00Z&spr=https&sig=%s" % (
            rs(rng, 12, string.ascii_lowercase), rng.choice(["exports", "uploads", "backups"]), rng.randint(1, 9), rng.randint(1, 9), sig)
    return None


# --------------------------------------------------------------------------------------
# kinds
# --------------------------------------------------------------------------------------

UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


class Kind:
    def __init__(self, d):
        self.d = d
        self.id = d["id"]
        self.regex = re.compile(d["regex"])
        self.g1 = re.compile(group1_source(d["regex"]))
        parsed = sre_parse.parse(d["regex"])
        self.g1_parsed = find_group(parsed, 1)
        self.needs_context = bool(d.get("needs_context"))
        self.keywords = [k.lower() for k in d.get("context_keywords") or []]
        if "lengths" in d:
            self.exact = set(d["lengths"].get("exact") or [])
            self.ranges = [tuple(r) for r in d["lengths"].get("ranges") or []]
        else:
            self.exact, self.ranges = shape_lengths(d.get("shape") or "")
        self.structural = bool(STRUCTURAL_KINDS_RE.match(self.id))
        env = list(d.get("env_vars") or [])
        if not env:
            env = {"aws-sts-bearer-or-context-credential-id": ["AWS_BEARER_CREDENTIAL_ID"],
                   "generic-secret-assignment": ["PAYMENTS_API_KEY", "INTERNAL_AUTH_TOKEN", "REPORTING_API_SECRET",
                                                 "SMTP_PASSWORD", "WEBHOOK_SECRET"]}.get(self.id) or [self.id.upper().replace("-", "_")]
        self.env_vars = env
        self.multiline = self.id.startswith("private-key-") or self.id in (
            "gcp-service-account-key-json", "google-vertex-service-account-json", "google-vertex-adc-authorized-user")
        self.json_object = self.id in ("gcp-service-account-key-json", "google-vertex-service-account-json",
                                       "google-vertex-adc-authorized-user")

    @property
    def category(self):
        return self.d.get("category", "")

    def shape_ok(self, s):
        if not self.exact and not self.ranges:
            return True
        n = len(s)
        return n in self.exact or any(a <= n <= b for a, b in self.ranges)

    def generate(self, rng, stats):
        """Return (secret, planted_text_or_obj)."""
        last = None
        for attempt in range(600):
            sp = special(self.d, rng)
            if sp is not None:
                secret, text = sp
                if isinstance(secret, dict):
                    return secret, secret  # structural JSON: validated after planting
            elif self.g1.pattern == UUID_RE:
                secret, text = rand_uuid(rng), None
            else:
                secret = Walker(rng).gen(self.g1_parsed)
                text = None
            if not self.g1.fullmatch(secret):
                last = ("regex", secret)
                continue
            # The kind's own prefix may hold such a word (`shippo_test_`): judge the random part.
            prefix = self.d.get("prefix") or ""
            body = secret[len(prefix):] if prefix and secret.startswith(prefix) else secret
            if looks_placeholder(body) or (text and text != secret and looks_placeholder(text)):
                last = ("placeholder", secret)
                continue
            if sp is None and not self.shape_ok(secret) and attempt < 500:
                last = ("shape", secret)
                continue
            if sp is None and not self.shape_ok(secret):
                stats.setdefault("shape_warnings", []).append("%s len=%d" % (self.id, len(secret)))
            return secret, text or secret
        raise RuntimeError("could not generate %s: %r" % (self.id, last))


# --------------------------------------------------------------------------------------
# planting styles
# --------------------------------------------------------------------------------------

def camel(var):
    parts = var.lower().split("_")
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def provider_class(kind):
    name = re.split(r"[/(,]", kind.d.get("provider_name") or kind.id)[0].strip()
    word = re.sub(r"[^A-Za-z0-9]", "", name.split()[0]) if name else "Client"
    if word and word[0].isdigit():
        word = "Client" + word
    return word or "Client"


class Entry:
    def __init__(self, kind, secret, text, rng):
        self.kind = kind
        self.secret = secret          # expected group 1 (str) or dict for JSON kinds
        self.text = text              # text that is planted (str) or dict
        self.var = rng.choice(kind.env_vars)
        self.variant = rng.random()
        if isinstance(text, dict):
            if "private_key" in text:
                self.anchor = text["private_key"].split("\n")[1][:40]
            else:
                self.anchor = text["refresh_token"][:40]
        else:
            body_lines = [ln for ln in text.split("\n") if len(ln) >= 40 and "-----" not in ln]
            body = body_lines[0] if "\n" in text else text
            # an anchor inside group 1: a middle chunk of the secret
            s = secret if "\n" not in secret else body
            self.anchor = s[len(s) // 3: len(s) // 3 + 24] if len(s) > 30 else s
            if self.anchor not in body and "\n" not in text:
                self.anchor = secret


FILLER = {
    "env": [["NODE_ENV=production"], ["PORT=8080"], ["LOG_LEVEL=info"], ["# --- database ---", "DB_HOST=db.internal", "DB_PORT=5432", "DB_NAME=orders"],
            ["CACHE_TTL=300"], ["FEATURE_NEW_CHECKOUT=true"], ["TZ=Europe/Berlin"], ["WORKERS=4"],
            ["ALLOWED_ORIGINS=https://app.acmecorp.io"], ["MAX_UPLOAD_MB=25"], ["ENABLE_METRICS=1"], ["REGION=eu-west-1"],
            ["APP_NAME=orders-api"], [""], ["# --- queues ---", "QUEUE_NAME=jobs", "QUEUE_CONCURRENCY=8"]],
    "sh": [["set -euo pipefail"], ["# local development settings", "export APP_ENV=dev", "export PORT=3000"],
           ['cd "$(dirname "$0")/.."'], ['echo "starting worker..."'], ["export PYTHONUNBUFFERED=1"],
           ["mkdir -p ./tmp/cache"], ["export REGION=us-east-1"], ["alias ll='ls -la'"], [""]],
    "py": [["import logging", "", "logger = logging.getLogger(__name__)", ""], ["DEFAULT_TIMEOUT = 30", "MAX_RETRIES = 3", ""],
           ["", "def chunk(items, size):", "    for i in range(0, len(items), size):", "        yield items[i:i + size]", ""],
           ["", "def summarize(text: str) -> str:", "    return text[:200]", ""],
           ["", "class Settings:", "    debug = False", "    region = \"eu-west-1\"", ""],
           ["", "def load_prompts(path):", "    with open(path, encoding=\"utf-8\") as fh:", "        return [ln.strip() for ln in fh if ln.strip()]", ""]],
    "ts": [['import { readFile } from "node:fs/promises";', ""], ["export const TIMEOUT_MS = 30_000;", "const MAX_RETRIES = 3;", ""],
           ["export function sleep(ms: number) {", "  return new Promise((r) => setTimeout(r, ms));", "}", ""],
           ['type Role = "system" | "user" | "assistant";', ""],
           ["export async function loadJson(path: string) {", '  return JSON.parse(await readFile(path, "utf8"));', "}", ""]],
    "docker": [["RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*"],
               ["WORKDIR /app"], ["COPY requirements.txt .", "RUN pip install --no-cache-dir -r requirements.txt"],
               ["COPY . ."], ["EXPOSE 8080"], ["ENV PYTHONUNBUFFERED=1"]],
    "log": ["INFO  [main] starting orders-api v2.3.1", "INFO  [db] connected to db.internal:5432",
            "DEBUG [http] GET /healthz 200 1ms", "INFO  [worker-2] processed batch size=250",
            "WARN  [cache] miss ratio above 0.4", "DEBUG [http] POST /v1/orders 201 38ms",
            "INFO  [scheduler] next run in 300s", "ERROR [payments] timeout after 30s, retrying (1/3)"],
    "md": [["Run the service locally:", "", "1. Install dependencies with `pip install -r requirements.txt`.",
            "2. Start the database with `docker compose up -d db`.", ""], ["The worker reads its settings from the environment.", ""],
           ["## Troubleshooting", "", "If requests time out, raise `DEFAULT_TIMEOUT`.", ""],
           ["## Deployment", "", "Merges to `main` deploy to staging; tags deploy to production.", ""]],
    "tf": [["terraform {", '  required_version = ">= 1.5"', "}", ""], ['provider "aws" {', "  region = var.region", "}", ""],
           ['variable "region" {', "  type    = string", '  default = "eu-west-1"', "}", ""],
           ['variable "instance_count" {', "  type    = number", "  default = 2", "}", ""]],
}


def pick_filler(rng, key, n):
    """Pick up to n filler blocks (kept in their original order, no repeats)."""
    pool = FILLER[key]
    idx = sorted(rng.sample(range(len(pool)), min(n, len(pool))))
    return [pool[i] for i in idx]


def interleave(rng, blocks, filler, at_start=False, at_end=False):
    """Place entry blocks between filler blocks; returns the flat list of lines."""
    slots = sorted(rng.randint(0, len(filler)) for _ in blocks)
    if at_start and slots:
        slots[0] = 0
    if at_end and slots:
        slots[-1] = len(filler)
    out = []
    fi = 0
    for slot, block in zip(slots, blocks):
        for fb in filler[fi:slot]:
            out.extend(fb)
        fi = max(fi, slot)
        out.extend(block)
    for fb in filler[fi:]:
        out.extend(fb)
    return out


def q(rng, s, allow_bare=True):
    r = rng.random()
    if allow_bare and r < 0.4 and " " not in s:
        return s
    return ('"%s"' if r < 0.8 else "'%s'") % s


def pem_escaped(s):
    return s.replace("\n", "\\n")


def indent(s, n):
    return "\n".join((" " * n + ln) if ln else ln for ln in s.split("\n"))


# Each style: render(entries, rng, layout) -> (relative path, text).  layout = dict(start, end)

def style_env(entries, rng, L):
    blocks = []
    for e in entries:
        if e.kind.multiline:
            val = json.dumps(e.text, separators=(",", ":")) if isinstance(e.text, dict) else pem_escaped(e.text)
            blocks.append(["%s='%s'" % (e.var, val) if isinstance(e.text, dict) else '%s="%s"' % (e.var, val)])
        else:
            blocks.append((["# %s" % e.kind.d["provider_name"]] if rng.random() < 0.3 else []) + ["%s=%s" % (e.var, q(rng, e.text))])
    lines = interleave(rng, blocks, pick_filler(rng, "env", rng.randint(2, 14)), L["start"], L["end"])
    path = rng.choice([".env", ".env.local", ".env.production", "services/%s/.env" % rng.choice(WORDS), "deploy/%s.env" % rng.choice(["prod", "staging"])])
    return path, "\n".join(lines) + "\n"


def style_yaml(entries, rng, L):
    form = rng.random()
    nested = form < 0.4
    lines = []
    if form > 0.8 and not any(e.kind.multiline for e in entries):
        path = rng.choice([".github/workflows/deploy.yml", ".github/workflows/nightly.yml", ".gitlab-ci.yml"])
        if path.startswith(".gitlab"):
            lines += ["stages: [build, deploy]", "", "variables:"]
            body = [["  %s: %s" % (e.var, q(rng, e.text))] for e in entries]
            lines += interleave(rng, body, [["  DOCKER_DRIVER: overlay2"], ["  APP_ENV: production"]], L["start"], L["end"])
            lines += ["", "deploy:", "  stage: deploy", "  image: python:3.12", "  script:", "    - pip install -r requirements.txt", "    - python -m app.deploy"]
        else:
            lines += ["name: deploy", "on:", "  push:", "    branches: [main]", "jobs:", "  deploy:", "    runs-on: ubuntu-latest", "    env:"]
            body = [["      %s: %s" % (e.var, q(rng, e.text))] for e in entries]
            lines += interleave(rng, body, [["      APP_ENV: production"], ["      AWS_REGION: eu-west-1"]], L["start"], L["end"])
            lines += ["    steps:", "      - uses: actions/checkout@v4", "      - run: ./scripts/deploy.sh"]
        return path, "\n".join(lines) + "\n"
    if nested:
        path = rng.choice(["config/settings.yaml", "config/app.yaml", "helm/values.prod.yaml", "k8s/%s-configmap.yaml" % rng.choice(WORDS)])
        lines += ["app:", "  name: %s" % rng.choice(WORDS), "  replicas: %d" % rng.randint(1, 6), "providers:"]
        body = []
        for e in entries:
            if e.kind.needs_context or not e.var.endswith(("API_KEY", "TOKEN", "KEY")) or e.kind.multiline:
                if e.kind.multiline:
                    txt = json.dumps(e.text, indent=2) if isinstance(e.text, dict) else e.text
                    body.append(["  %s: |" % e.var.lower()] + indent(txt, 4).split("\n"))
                else:
                    body.append(["  %s: %s" % (e.var.lower(), q(rng, e.text))])
            else:
                field = "api_key" if e.var.endswith("KEY") else "token"
                body.append(["  %s:" % e.kind.d["provider"].replace("-", "_"), "    %s: %s" % (field, q(rng, e.text)),
                             "    timeout: %d" % rng.randint(10, 60)])
        lines += interleave(rng, body, [], False, False)
        lines += ["logging:", "  level: info", "  format: json"]
    else:
        path = rng.choice(["docker-compose.yml", "compose.prod.yaml", "deploy/docker-compose.override.yml"])
        lines += ["services:", "  %s:" % rng.choice(WORDS), "    image: ghcr.io/%s/%s:2.%d.%d" % (rng.choice(COMPANIES), rng.choice(WORDS), rng.randint(0, 9), rng.randint(0, 20)),
                  "    restart: unless-stopped", "    environment:"]
        body = []
        for e in entries:
            if e.kind.multiline:
                txt = json.dumps(e.text, indent=2) if isinstance(e.text, dict) else e.text
                body.append(["      %s: |" % e.var] + indent(txt, 8).split("\n"))
            else:
                body.append(["      %s: %s" % (e.var, q(rng, e.text))])
        filler = [["      LOG_LEVEL: info"], ["      PORT: \"8080\""], ["      TZ: UTC"], ["      WORKERS: \"4\""]]
        rng.shuffle(filler)
        lines += interleave(rng, body, filler[:rng.randint(0, 4)], L["start"], L["end"])
        lines += ["    ports:", "      - \"8080:8080\""]
    return path, "\n".join(lines) + "\n"


def style_json(entries, rng, L):
    kind = rng.random()
    if kind < 0.5:
        servers = {}
        for e in entries:
            servers.setdefault(e.kind.d["provider"], {"command": "npx", "args": ["-y", "@%s/mcp-server" % e.kind.d["provider"]], "env": {}})["env"][e.var] = e.text
        doc = {"mcpServers": servers}
        path = rng.choice([".mcp.json", ".cursor/mcp.json", "claude_desktop_config.json", ".vscode/mcp.json"])
    else:
        doc = {"Logging": {"LogLevel": {"Default": "Information"}}, "AllowedHosts": "*"}
        prov = {}
        for e in entries:
            prov[e.var] = e.text
        doc["Secrets"] = prov
        doc["Features"] = {"Beta": False, "MaxItems": rng.randint(10, 500)}
        path = rng.choice(["appsettings.Production.json", "config/credentials.json", "config/runtime.json"])
    return path, json.dumps(doc, indent=rng.choice([2, 4])) + "\n"


def style_py_client(entries, rng, L):
    blocks, imports = [], set()
    for e in entries:
        cls = provider_class(e.kind)
        imports.add("from %s import %s" % (e.kind.d["provider"].replace("-", "_"), cls))
        kw = "api_key" if rng.random() < 0.8 or e.kind.needs_context else "token"
        if not e.kind.regex.pattern.startswith("\\b("):
            kw = e.var.lower()
        blocks.append(["%s_client = %s(%s=\"%s\")" % (e.kind.d["provider"].replace("-", "_"), cls, kw, e.text), ""])
    head = sorted(imports) + [""]
    lines = interleave(rng, blocks, pick_filler(rng, "py", rng.randint(3, 14)))
    return rng.choice(["app/clients.py", "src/%s/llm.py" % rng.choice(WORDS), "scripts/run_eval.py", "bot.py"]), "\n".join(head + lines) + "\n"


def style_py_environ(entries, rng, L):
    blocks = []
    for e in entries:
        if e.kind.multiline:
            if isinstance(e.text, dict):
                blocks.append(["%s = %s" % (e.var.upper() + "_INFO", json.dumps(e.text, indent=4))])
            else:
                blocks.append(['%s = """%s"""' % (e.var.upper(), e.text)])
        elif rng.random() < 0.6:
            blocks.append(['os.environ.setdefault("%s", "%s")' % (e.var, e.text)])
        else:
            blocks.append(['os.environ["%s"] = "%s"' % (e.var, e.text)])
    lines = ["import os", ""] + interleave(rng, blocks, pick_filler(rng, "py", rng.randint(2, 10)), False, L["end"])
    return rng.choice(["settings.py", "app/config.py", "local_settings.py", "manage_env.py"]), "\n".join(lines) + "\n"


def style_ts(entries, rng, L):
    blocks = []
    for e in entries:
        r = rng.random()
        if e.kind.needs_context or r < 0.35:
            blocks.append(['const %s = "%s";' % (camel(e.var), e.text)])
        elif r < 0.7:
            blocks.append(['export const %s = "%s";' % (e.var, e.text)])
        else:
            blocks.append(["const client = new %s({" % provider_class(e.kind), '  apiKey: "%s",' % e.text, "  maxRetries: 2,", "});"]
                          if not re.match(r"\(\?i\)", e.kind.d["regex"]) else ['const %s = "%s";' % (camel(e.var), e.text)])
    lines = interleave(rng, blocks, pick_filler(rng, "ts", rng.randint(2, 12)), L["start"], L["end"])
    return rng.choice(["src/config.ts", "src/lib/%s.ts" % rng.choice(WORDS), "app/api/chat/route.ts", "scripts/seed.ts"]), "\n".join(lines) + "\n"


def style_shell(entries, rng, L):
    blocks = []
    for e in entries:
        if e.kind.multiline:
            val = json.dumps(e.text, separators=(",", ":")) if isinstance(e.text, dict) else pem_escaped(e.text)
            blocks.append(["export %s='%s'" % (e.var, val)])
        else:
            blocks.append(['export %s="%s"' % (e.var, e.text)])
    lines = ["#!/usr/bin/env bash"] + interleave(rng, blocks, pick_filler(rng, "sh", rng.randint(2, 10)), False, L["end"])
    return rng.choice(["scripts/dev-env.sh", "deploy.sh", "dotfiles/.zshrc", "bin/setup-env.sh"]), "\n".join(lines) + "\n"


def style_docker(entries, rng, L):
    blocks = [["ENV %s=%s" % (e.var, e.text)] if rng.random() < 0.7 and " " not in e.text else ['ENV %s="%s"' % (e.var, e.text)] for e in entries]
    lines = ["FROM python:3.12-slim"] + interleave(rng, blocks, pick_filler(rng, "docker", rng.randint(2, 7)), False, False) + ['CMD ["python", "-m", "app"]']
    return rng.choice(["Dockerfile", "docker/api.Dockerfile", "worker/Dockerfile"]), "\n".join(lines) + "\n"


def style_tf(entries, rng, L):
    blocks = []
    for e in entries:
        name = e.var.lower()
        if e.kind.multiline:
            txt = json.dumps(e.text, indent=2) if isinstance(e.text, dict) else e.text
            blocks.append(['variable "%s" {' % name, "  type      = string", "  sensitive = true", "  default   = <<EOT"] + txt.split("\n") + ["EOT", "}", ""])
        elif e.kind.needs_context or rng.random() < 0.3:
            blocks.append(['variable "%s" { default = "%s" }' % (name, e.text), ""])
        else:
            blocks.append(['variable "%s" {' % name, "  type      = string", '  default   = "%s"' % e.text, "  sensitive = true", "}", ""])
    lines = interleave(rng, blocks, pick_filler(rng, "tf", rng.randint(0, 8)), L["start"], False)
    return rng.choice(["infra/variables.tf", "terraform/main.tf", "modules/%s/variables.tf" % rng.choice(WORDS)]), "\n".join(lines) + "\n"


def style_notebook(entries, rng, L):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# %s experiments\n" % rng.choice(WORDS).capitalize(), "\n", "Quick evaluation run."]}]
    src = ["import os\n"]
    for e in entries:
        if rng.random() < 0.5:
            src.append("os.environ['%s'] = '%s'\n" % (e.var, e.text))
        else:
            src.append("%s = '%s'\n" % (e.var, e.text))
    src += ["\n", "print('configured')"]
    cells.append({"cell_type": "code", "execution_count": rng.randint(1, 9), "metadata": {}, "outputs": [], "source": src})
    cells.append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                  "source": ["import pandas as pd\n", "df = pd.read_csv('results.csv')\n", "df.head()"]})
    nb = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                                       "language_info": {"name": "python", "version": "3.11.4"}},
          "nbformat": 4, "nbformat_minor": 5}
    return rng.choice(["notebooks/%s.ipynb" % rng.choice(WORDS), "eval.ipynb", "research/%s-demo.ipynb" % rng.choice(WORDS)]), json.dumps(nb, indent=1) + "\n"


def style_md(entries, rng, L):
    lines = ["# %s service" % rng.choice(WORDS).capitalize(), ""]
    blocks = []
    for e in entries:
        if e.kind.multiline:
            txt = json.dumps(e.text, indent=2) if isinstance(e.text, dict) else e.text
            blocks.append(["Put this in place before deploying:", "", "```", *txt.split("\n"), "```", ""])
        elif rng.random() < 0.6:
            blocks.append(["```bash", 'export %s="%s"' % (e.var, e.text), "```", ""])
        else:
            blocks.append(["```python", "import os", 'os.environ["%s"] = "%s"' % (e.var, e.text), "```", ""])
    lines += interleave(rng, blocks, pick_filler(rng, "md", rng.randint(2, 10)))
    return rng.choice(["README.md", "docs/quickstart.md", "docs/%s.md" % rng.choice(WORDS), "NOTES.md"]), "\n".join(lines) + "\n"


def log_prefix(rng, i):
    return "2025-%02d-%02dT%02d:%02d:%02d.%03dZ" % (rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), i % 60, rng.randint(0, 999))


def style_log(entries, rng, L):
    blocks = []
    for i, e in enumerate(entries):
        r = rng.random()
        if r < 0.5:
            blocks.append(["%s DEBUG [config] loaded %s=%s from environment" % (log_prefix(rng, i), e.var, e.text)])
        else:
            blocks.append(["%s DEBUG [http] request headers={'Content-Type': 'application/json', '%s': '%s'}" % (log_prefix(rng, i), e.var, e.text)])
    filler = [["%s %s" % (log_prefix(rng, i), rng.choice(FILLER["log"]))] for i in range(rng.randint(3, 25))]
    lines = interleave(rng, blocks, filler, L["start"], L["end"])
    return rng.choice(["logs/app.log", "logs/worker-%d.log" % rng.randint(1, 9), "var/log/%s.log" % rng.choice(WORDS)]), "\n".join(lines) + "\n"


def style_log_long(entries, rng, L):
    lines = []
    for i in range(rng.randint(1, 6)):
        lines.append("%s %s" % (log_prefix(rng, i), rng.choice(FILLER["log"])))
    for i, e in enumerate(entries):
        payload = {}
        for j in range(rng.randint(60, 220)):
            payload["%s_%d" % (rng.choice(WORDS), j)] = rng.choice(["enabled", "disabled", rng.randint(0, 10 ** 6), "eu-west-1", "v2", None, True])
        keys = list(payload.items())
        pos = rng.randint(len(keys) // 3, len(keys))
        keys.insert(pos, (e.var, e.text))
        lines.append("%s INFO [bootstrap] effective configuration %s" % (log_prefix(rng, i), json.dumps(dict(keys))))
        for j in range(rng.randint(0, 4)):
            lines.append("%s %s" % (log_prefix(rng, j), rng.choice(FILLER["log"])))
    return rng.choice(["logs/bootstrap.log", "logs/config-dump.log"]), "\n".join(lines) + "\n"


def style_crlf(entries, rng, L):
    r = rng.random()
    if r < 0.4:
        path, text = style_env(entries, rng, L)
        path = path.replace(".env", ".env.windows") if path.endswith(".env") else path
    elif r < 0.7:
        blocks = [['$env:%s = "%s"' % (e.var, e.text)] for e in entries]
        lines = interleave(rng, blocks, [["# dev setup", "Set-StrictMode -Version Latest", "$ErrorActionPreference = 'Stop'"], ["Write-Host 'env ready'"]], L["start"], L["end"])
        path, text = rng.choice(["scripts/dev-env.ps1", "setup.ps1"]), "\n".join(lines) + "\n"
    else:
        blocks = [["set %s=%s" % (e.var, e.text)] for e in entries]
        lines = ["@echo off"] + interleave(rng, blocks, [["rem local settings", "set PORT=8080"], ["cd /d %~dp0"]], False, L["end"]) + ["python -m app"]
        path, text = rng.choice(["run.bat", "scripts/start.cmd"]), "\n".join(lines) + "\n"
    return path, text.replace("\n", "\r\n")


def style_nofinalnl(entries, rng, L):
    L = dict(L, end=True)
    base = rng.choice([style_env, style_shell, style_py_environ, style_docker])
    path, text = base(entries, rng, L)
    text = text.rstrip("\n")
    lines = text.split("\n")
    last = entries[-1]
    # ensure the last entry's line is the final line of the file
    for i, ln in enumerate(lines):
        if last.anchor in ln and i != len(lines) - 1 and "\n" not in (last.text if isinstance(last.text, str) else ""):
            lines.append(lines.pop(i))
            break
    return path, "\n".join(lines)


def style_keyfile(entries, rng, L):
    """Raw key / credentials file (multi-line kinds only, one entry)."""
    e = entries[0]
    if isinstance(e.text, dict):
        path = rng.choice(["secrets/%s-sa.json" % rng.choice(WORDS), "config/gcp-credentials.json", "application_default_credentials.json", "keys/service-account.json"])
        return path, json.dumps(e.text, indent=2) + "\n"
    kid = e.kind.id
    if kid == "private-key-openssh":
        path = rng.choice([".ssh/id_ed25519", "deploy/keys/id_ed25519", "ansible/files/deploy_key"])
    elif kid == "private-key-pgp":
        path = rng.choice(["keys/release-signing.asc", "ci/gpg-private.asc"])
    else:
        path = rng.choice(["certs/server.key", "keys/%s.pem" % rng.choice(WORDS), "deploy/tls.key", "config/jwt-signing.pem", "id_rsa"])
    text = e.text + "\n"
    if rng.random() < 0.3:
        text = text.replace("\n", "\r\n")
    return path, text


def style_k8s_secret(entries, rng, L):
    lines = ["apiVersion: v1", "kind: Secret", "metadata:", "  name: %s-credentials" % rng.choice(WORDS), "  namespace: %s" % rng.choice(["prod", "default", "ml"]),
             "type: Opaque", "stringData:"]
    for e in entries:
        if isinstance(e.text, dict):
            lines += ["  credentials.json: |"] + indent(json.dumps(e.text, indent=2), 4).split("\n")
        elif e.kind.multiline:
            lines += ["  %s: |" % rng.choice(["tls.key", "private.pem", "signing-key"])] + indent(e.text, 4).split("\n")
        else:
            lines += ["  %s: %s" % (e.var, q(rng, e.text))]
    return rng.choice(["k8s/secret.yaml", "deploy/k8s/%s-secret.yaml" % rng.choice(WORDS)]), "\n".join(lines) + "\n"


def style_json_escaped(entries, rng, L):
    doc = {"name": rng.choice(WORDS), "version": "1.%d.0" % rng.randint(0, 9)}
    for e in entries:
        if isinstance(e.text, dict):
            doc["google_credentials"] = json.dumps(e.text)
        else:
            doc[rng.choice(["ssh_private_key", "signing_key", "privateKey", "tls_key"])] = e.text + "\n"
    return rng.choice(["config/deploy.json", "secrets.json", "terraform.tfvars.json"]), json.dumps(doc, indent=2) + "\n"


SINGLE_STYLES = {
    "env": style_env, "yaml": style_yaml, "json": style_json, "py_client": style_py_client,
    "py_environ": style_py_environ, "ts": style_ts, "shell": style_shell, "dockerfile": style_docker,
    "terraform": style_tf, "notebook": style_notebook, "markdown": style_md, "log": style_log,
    "log_long": style_log_long, "crlf": style_crlf, "nofinalnl": style_nofinalnl,
}
MULTI_STYLES = {
    "keyfile": style_keyfile, "k8s_secret": style_k8s_secret, "env": style_env, "py_environ": style_py_environ,
    "terraform": style_tf, "markdown": style_md, "json_escaped": style_json_escaped, "yaml": style_yaml,
    "shell": style_shell,
}


# --------------------------------------------------------------------------------------
# validation of a planted entry in a rendered file
# --------------------------------------------------------------------------------------

def locate(entry, text):
    """Find the regex match for entry in text. Returns label dict fields or None."""
    k = entry.kind
    anchor_at = text.find(entry.anchor)
    if anchor_at < 0:
        return None
    for m in k.regex.finditer(text):
        s, e = m.span(1)
        if s <= anchor_at < e:
            sec = m.group(1)
            if not k.multiline and not isinstance(entry.secret, dict) and sec != entry.secret:
                return None
            line = line_of(text, s)
            if k.needs_context:
                ln = text.split("\n")[line - 1].lower()
                if not any(kw in ln for kw in k.keywords):
                    return None
            return {"line": line, "end_line": line_of(text, e), "column": col_of(text, s), "secret": sec,
                    "start": s, "end": e}
    return None


# --------------------------------------------------------------------------------------
# hard styles: keys encoded, split, in binary files and in archives
# --------------------------------------------------------------------------------------
#
# Each renders one entry into one file and returns (path, content, labels) or None when the
# kind does not fit the style. Content is str, or bytes for binary files and archives. Each
# label is a dict with file (for a member: "archive!member"), line, end_line, column and
# secret, computed from where the encoded (or first split) text is written, after checking
# the kind's reference regex on the decoded text. HARD_STYLES maps a style to its category:
# encoded, split, notebook, binary or archived.

import gzip as _gzip
import io as _io
import struct as _struct
import tarfile as _tarfile
import urllib.parse as _urlparse
import zipfile as _zipfile


def b64std(text):
    return base64.b64encode(text.encode()).decode()


def pct(text):
    return _urlparse.quote(text, safe="")


def secret_offset(e):
    """Offset of the secret in the planted text (0 when the text is the secret)."""
    at = e.text.find(e.secret) if isinstance(e.text, str) and isinstance(e.secret, str) else -1
    return max(at, 0)


def decoded_ok(e, decoded_text):
    """Whether the kind's reference regex finds the entry's secret in decoded_text."""
    return locate(e, decoded_text) is not None


def label_at(text, offset, e, file=None):
    return {"line": line_of(text, offset), "end_line": line_of(text, offset), "column": col_of(text, offset),
            "secret": e.secret, "file": file}


def hard_k8s_b64(e, rng):
    var = e.var
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", var) or not decoded_ok(e, "  %s: %s\n" % (var, e.text)):
        return None
    head = ["apiVersion: v1", "kind: Secret", "metadata:", "  name: %s-credentials" % rng.choice(WORDS),
            "  namespace: %s" % rng.choice(["prod", "default", "ml"]), "type: Opaque", "data:"]
    filler = [["  LOG_LEVEL: aW5mbw=="], ["  REGION: ZXUtd2VzdC0x"], ["  PORT: ODA4MA=="]]
    value = b64std(e.text)
    body = interleave(rng, [["  %s: %s" % (var, value)]], filler[:rng.randint(0, 3)])
    text = "\n".join(head + body) + "\n"
    at = text.index(value) + 4 * (secret_offset(e) // 3)
    return rng.choice(["k8s/%s-secret.yaml" % rng.choice(WORDS), "deploy/secrets.yaml"]), text, [label_at(text, at, e)]


def hard_k8s_nested(e, rng):
    """Base64 of a percent-encoded value (what a templating step URL-encoded, then base64'd)."""
    if pct(e.text) == e.text:
        return None
    var = e.var
    if not decoded_ok(e, "  %s: %s\n" % (var, e.text)):
        return None
    value = b64std(pct(e.text))
    text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\ndata:\n  %s: %s\n" % (rng.choice(WORDS), var, value)
    encoded_before = len(pct(e.text[:secret_offset(e)]))
    at = text.index(value) + 4 * (encoded_before // 3)
    return "k8s/%s-urlencoded-secret.yaml" % rng.choice(WORDS), text, [label_at(text, at, e)]


def hard_env_b64(e, rng):
    var = e.var + "_B64"
    if not decoded_ok(e, "%s=%s\n" % (var, e.text)):
        return None
    value = b64std(e.text)
    lines = interleave(rng, [["%s=%s" % (var, value)]], pick_filler(rng, "env", rng.randint(2, 8)))
    text = "\n".join(lines) + "\n"
    at = text.index(value) + 4 * (secret_offset(e) // 3)
    return rng.choice([".env.encoded", "deploy/%s.b64.env" % rng.choice(["prod", "staging"])]), text, [label_at(text, at, e)]


def hard_basic_auth(e, rng):
    user = rng.choice(["ci-bot", "deploy", "svc-" + rng.choice(WORDS), "x-access-token"])
    decoded = "Authorization: Basic %s:%s\n" % (user, e.text)
    if not decoded_ok(e, decoded):
        return None
    value = b64std("%s:%s" % (user, e.text))
    line = "%s DEBUG [http] GET /v1/%s headers={'Accept': 'application/json', 'Authorization': 'Basic %s'}" % (
        log_prefix(rng, 1), rng.choice(WORDS), value)
    filler = [["%s %s" % (log_prefix(rng, i), rng.choice(FILLER["log"]))] for i in range(rng.randint(2, 8))]
    text = "\n".join(interleave(rng, [[line]], filler)) + "\n"
    at = text.index(value) + 4 * ((len(user) + 1 + secret_offset(e)) // 3)
    return "logs/http-%s.log" % rng.choice(WORDS), text, [label_at(text, at, e)]


def hard_docker_auth(e, rng):
    user = rng.choice(["deploy", "ci", rng.choice(FIRST)])
    if not decoded_ok(e, '"auth": "%s:%s"\n' % (user, e.text)):
        return None
    value = b64std("%s:%s" % (user, e.text))
    doc = {"auths": {rng.choice(["ghcr.io", "registry.gitlab.com", "%s.azurecr.io" % rng.choice(WORDS)]): {"auth": value}},
           "credsStore": "desktop"}
    text = json.dumps(doc, indent=2) + "\n"
    at = text.index(value) + 4 * ((len(user) + 1 + secret_offset(e)) // 3)
    return rng.choice([".docker/config.json", "ci/docker-config.json"]), text, [label_at(text, at, e)]


def hard_percent_log(e, rng):
    field = e.var if rng.random() < 0.5 else e.var.lower()
    if not decoded_ok(e, '{"%s": "%s"}\n' % (field, e.text)):
        return None
    before = pct('{"%s": "' % field) + pct(e.text[:secret_offset(e)])
    body = pct('{"%s": "' % field) + pct(e.text) + pct('", "retries": 3}')
    line = "%s INFO  [http] POST /v1/hooks/%s body=%s 201" % (log_prefix(rng, 2), rng.choice(WORDS), body)
    filler = [["%s %s" % (log_prefix(rng, i), rng.choice(FILLER["log"]))] for i in range(rng.randint(2, 8))]
    text = "\n".join(interleave(rng, [[line]], filler)) + "\n"
    at = text.index(body) + len(before)
    return "logs/access-%s.log" % rng.choice(WORDS), text, [label_at(text, at, e)]


def json_escape_chars(text):
    out = []
    for c in text:
        if c in "-_+=":
            out.append("\\u%04x" % ord(c))
        elif c == "/":
            out.append("\\/")
        else:
            out.append(c)
    return "".join(out)


def hard_json_unicode(e, rng):
    if json_escape_chars(e.text) == e.text or not decoded_ok(e, '  "%s": "%s",\n' % (e.var, e.text)):
        return None
    escaped = json_escape_chars(e.text)
    text = '{\n  "name": "%s",\n  "version": "1.%d.0",\n  "%s": "%s",\n  "debug": false\n}\n' % (
        rng.choice(WORDS), rng.randint(0, 9), e.var, escaped)
    at = text.index(escaped) + len(json_escape_chars(e.text[:secret_offset(e)]))
    return rng.choice(["config/runtime.escaped.json", "public/settings.json"]), text, [label_at(text, at, e)]


def html_escape_chars(text):
    table = {"-": "&#45;", "/": "&#x2F;", "+": "&#43;", "=": "&#61;", "_": "&lowbar;", '"': "&quot;", "&": "&amp;"}
    return "".join(table.get(c, c) for c in text)


def hard_html(e, rng):
    if not decoded_ok(e, '{"%s":"%s"}\n' % (e.var, e.text)):
        return None
    escaped = html_escape_chars(e.text)
    attr = "{&quot;%s&quot;:&quot;%s&quot;}" % (e.var, escaped)
    text = ("<!doctype html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n  <title>%s</title>\n</head>\n<body>\n"
            "  <div id=\"app\" data-config=\"%s\"></div>\n  <script src=\"/assets/app.js\"></script>\n</body>\n</html>\n") % (
        rng.choice(WORDS).capitalize(), attr)
    at = text.index(attr) + len("{&quot;%s&quot;:&quot;" % e.var) + len(html_escape_chars(e.text[:secret_offset(e)]))
    return rng.choice(["public/index.html", "templates/%s.html" % rng.choice(WORDS)]), text, [label_at(text, at, e)]


def split_points(rng, n, pieces):
    cuts = sorted(rng.sample(range(4, n - 3), pieces - 1)) if n > 12 else []
    return cuts


def split_text(rng, text, pieces=None):
    pieces = pieces or rng.choice([2, 2, 3])
    cuts = split_points(rng, len(text), pieces)
    if not cuts:
        return None
    bounds = [0] + cuts + [len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


def splittable(e):
    return isinstance(e.text, str) and "\n" not in e.text and not re.search(r"[\s\"'\\`]", e.text) and len(e.text) >= 16


def split_label(text, first_piece_at, e):
    return label_at(text, first_piece_at + secret_offset(e), e)


def hard_split(kind):
    """A style that writes the entry's value split over lines the way `kind` joins strings."""
    def render(e, rng):
        if not splittable(e):
            return None
        parts = split_text(rng, e.text)
        if not parts:
            return None
        name, var = camel(e.var), e.var
        if kind == "python":
            joined = '%s = ("%s")\n' % (var, e.text)
            body = ["import os", "", "%s = (" % var] + ['    "%s"' % p for p in parts] + [")", ""]
            path = rng.choice(["app/settings.py", "src/%s/keys.py" % rng.choice(WORDS)])
        elif kind == "js":
            joined = 'export const %s = "%s";\n' % (name, e.text)
            body = ['export const %s = "%s" +' % (name, parts[0])] + ['  "%s" +' % p for p in parts[1:-1]] + ['  "%s";' % parts[-1], ""]
            path = rng.choice(["src/config.ts", "web/src/keys.js"])
        elif kind == "java":
            joined = 'private static final String %s = "%s";\n' % (var, e.text)
            body = ["public final class Keys {", '    private static final String %s = "%s"' % (var, parts[0])]
            body += ['        + "%s"' % p for p in parts[1:-1]] + ['        + "%s";' % parts[-1], "}", ""]
            path = "src/main/java/com/%s/Keys.java" % rng.choice(COMPANIES).replace("-", "")
        elif kind == "go":
            joined = 'const %s = "%s"\n' % (name, e.text)
            body = ["package config", "", 'const %s = "%s" +' % (name, parts[0])] + ['\t"%s" +' % p for p in parts[1:-1]] + ['\t"%s"' % parts[-1], ""]
            path = "internal/config/keys.go"
        elif kind == "csharp":
            joined = 'var %s = "%s";\n' % (name, e.text)
            body = ['var %s = "%s" +' % (name, parts[0])] + ['    "%s" +' % p for p in parts[1:-1]] + ['    "%s";' % parts[-1], ""]
            path = "src/%s/Program.cs" % rng.choice(WORDS).capitalize()
        elif kind == "shell":
            joined = 'export %s="%s"\n' % (var, e.text)
            body = ["#!/usr/bin/env bash", 'export %s="%s\\' % (var, parts[0])] + ["%s\\" % p for p in parts[1:-1]] + ['%s"' % parts[-1], ""]
            path = rng.choice(["scripts/env.sh", "bin/setup.sh"])
        else:  # yaml
            joined = "  %s: %s\n" % (var.lower(), e.text)
            body = ["providers:", "  %s: >-" % var.lower()] + ["    %s" % p for p in parts] + ["  timeout: 30", ""]
            path = rng.choice(["config/providers.yaml", "helm/values.%s.yaml" % rng.choice(WORDS)])
        if not decoded_ok(e, joined):
            return None
        text = "\n".join(body)
        first = text.index(parts[0], text.index(var if kind in ("python", "java", "shell") else (var.lower() if kind == "yaml" else name)))
        return path, text, [split_label(text, first, e)]
    return render


def notebook_doc(cells):
    return json.dumps({"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
                       "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def hard_nb_split(e, rng):
    if not splittable(e):
        return None
    parts = split_text(rng, e.text)
    if not parts or not decoded_ok(e, '%s = ("%s")\n' % (e.var, e.text)):
        return None
    source = ["import os\n", "%s = (\n" % e.var] + ['    "%s"\n' % p for p in parts] + [")\n", "print('ready')"]
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# %s\n" % rng.choice(WORDS).capitalize()]},
             {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": source}]
    text = notebook_doc(cells)
    first = text.index('\\"%s' % parts[0]) + 2
    return "notebooks/%s-split.ipynb" % rng.choice(WORDS), text, [split_label(text, first, e)]


def hard_nb_output(e, rng):
    if not splittable(e) or not decoded_ok(e, "%s=%s\n" % (e.var, e.text)):
        return None
    line = "%s=%s\n" % (e.var, e.text)
    out = {"name": "stdout", "output_type": "stream", "text": ["loaded settings\n", line, "ok\n"]}
    cells = [{"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [out],
              "source": ["import os\n", "for k in ['%s']:\n" % e.var, "    print(f'{k}={os.environ[k]}')"]}]
    text = notebook_doc(cells)
    at = text.index(json.dumps(line)[1:-1]) + len(e.var) + 1 + secret_offset(e)
    return "notebooks/%s-output.ipynb" % rng.choice(WORDS), text, [label_at(text, at, e)]


def png_chunk(kind, data):
    return _struct.pack(">I", len(data)) + kind + data + _struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_with_text(kind, keyword, text):
    out = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", _struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    raw = text.encode()
    if kind == b"tEXt":
        data = keyword + b"\0" + raw
    elif kind == b"zTXt":
        data = keyword + b"\0\0" + zlib.compress(raw)
    else:
        data = keyword + b"\0\x01\0\0\0" + zlib.compress(raw)
    out += png_chunk(kind, data) + png_chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + png_chunk(b"IEND", b"")
    return out


def hard_png(e, rng):
    if not splittable(e):
        return None
    line = "%s=%s" % (e.var, e.text)
    if not decoded_ok(e, line + "\n"):
        return None
    kind = rng.choice([b"tEXt", b"zTXt", b"iTXt"])
    keyword = rng.choice([b"Comment", b"Description", b"parameters"])
    path = rng.choice(["assets/%s.png" % rng.choice(WORDS), "docs/img/%s-screenshot.png" % rng.choice(WORDS)])
    member = "%s:%s" % (kind.decode(), keyword.decode())
    lab = label_at(line, len(e.var) + 1 + secret_offset(e), e, "%s!%s" % (path, member))
    return path, png_with_text(kind, keyword, line), [lab]


def member_text(e, rng):
    """A text file holding the entry, from a plain style, and its label (relative to it)."""
    style = rng.choice([style_env, style_yaml, style_py_environ, style_shell, style_ts])
    for _ in range(4):
        path, text = style([e], random.Random(rng.random()), {"start": False, "end": False})
        loc = locate(e, text)
        if loc:
            return path, text, loc
    return None


def zip_bytes(members, stored=False):
    buf = _io.BytesIO()
    with _zipfile.ZipFile(buf, "w", _zipfile.ZIP_STORED if stored else _zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = _zipfile.ZipInfo(name, date_time=(2025, 1, 6, 8, 0, 0))
            info.compress_type = _zipfile.ZIP_STORED if stored else _zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def archived_label(loc, e, file):
    return {"line": loc["line"], "end_line": loc["end_line"], "column": loc["column"], "secret": loc["secret"], "file": file}


def hard_zip(e, rng):
    if e.kind.multiline:
        return None
    made = member_text(e, rng)
    if not made:
        return None
    inner, text, loc = made
    archive = rng.choice(["dist/%s-1.4.2.jar" % rng.choice(WORDS), "dist/%s-0.3.0-py3-none-any.whl" % rng.choice(WORDS).replace("-", "_"),
                          "build/%s-bundle.zip" % rng.choice(WORDS), "packages/%s.1.0.0.nupkg" % rng.choice(COMPANIES)])
    members = [("README.txt", "Build %d\n" % rng.randint(100, 999)), (inner, text)]
    return archive, zip_bytes(members, stored=rng.random() < 0.3), [archived_label(loc, e, "%s!%s" % (archive, inner))]


def hard_docx(e, rng):
    if not splittable(e):
        return None
    line = "%s=%s" % (e.var, e.text)
    if not decoded_ok(e, line + "\n"):
        return None
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document><w:body>\n'
           '<w:p><w:r><w:t>Setup notes for the %s service</w:t></w:r></w:p>\n<w:p><w:r><w:t>%s</w:t></w:r></w:p>\n'
           '</w:body></w:document>\n') % (rng.choice(WORDS), line)
    at = xml.index(line) + len(e.var) + 1 + secret_offset(e)
    archive = "docs/%s-runbook.docx" % rng.choice(WORDS)
    data = zip_bytes([("[Content_Types].xml", "<Types/>"), ("word/document.xml", xml)])
    return archive, data, [label_at(xml, at, e, archive + "!word/document.xml")]


def tar_bytes(members):
    buf = _io.BytesIO()
    with _tarfile.open(fileobj=buf, mode="w") as t:
        for name, data in members:
            raw = data.encode()
            info = _tarfile.TarInfo(name)
            info.size, info.mtime = len(raw), GIT_EPOCH
            t.addfile(info, _io.BytesIO(raw))
    return buf.getvalue()


def gz_bytes(data, name=None):
    buf = _io.BytesIO()
    with _gzip.GzipFile(filename=name or "", mode="wb", fileobj=buf, mtime=GIT_EPOCH) as g:
        g.write(data)
    return buf.getvalue()


def hard_targz(e, rng):
    if e.kind.multiline:
        return None
    made = member_text(e, rng)
    if not made:
        return None
    inner, text, loc = made
    archive = rng.choice(["release/%s-2.1.0.tar.gz" % rng.choice(WORDS), "backups/%s.tgz" % rng.choice(WORDS)])
    member = "%s-2.1.0/%s" % (rng.choice(WORDS), inner)
    data = gz_bytes(tar_bytes([("%s-2.1.0/README" % rng.choice(WORDS), "release\n"), (member, text)]))
    return archive, data, [archived_label(loc, e, "%s!%s" % (archive, member))]


def hard_gz(e, rng):
    if e.kind.multiline:
        return None
    path, text = style_log([e], random.Random(rng.random()), {"start": False, "end": False})
    loc = locate(e, text)
    if not loc:
        return None
    name = path.rsplit("/", 1)[-1]
    archive = "logs/archive/%s.gz" % name
    return archive, gz_bytes(text.encode(), name), [archived_label(loc, e, "%s!%s" % (archive, name))]


def hard_nested_zip(e, rng):
    if e.kind.multiline:
        return None
    made = member_text(e, rng)
    if not made:
        return None
    inner, text, loc = made
    jar = "lib/%s-core.jar" % rng.choice(WORDS)
    archive = "dist/%s-app.zip" % rng.choice(WORDS)
    data = zip_bytes([(jar, zip_bytes([(inner, text)])), ("start.sh", "#!/bin/sh\njava -jar lib/app.jar\n")], stored=True)
    return archive, data, [archived_label(loc, e, "%s!%s!%s" % (archive, jar, inner))]


HARD_STYLES = {
    "k8s_b64": ("encoded", hard_k8s_b64), "k8s_b64_percent": ("encoded", hard_k8s_nested),
    "env_b64": ("encoded", hard_env_b64), "basic_auth": ("encoded", hard_basic_auth),
    "docker_auth": ("encoded", hard_docker_auth), "percent_log": ("encoded", hard_percent_log),
    "json_unicode": ("encoded", hard_json_unicode), "html_entities": ("encoded", hard_html),
    "split_python": ("split", hard_split("python")), "split_js": ("split", hard_split("js")),
    "split_java": ("split", hard_split("java")), "split_go": ("split", hard_split("go")),
    "split_csharp": ("split", hard_split("csharp")), "split_shell": ("split", hard_split("shell")),
    "split_yaml": ("split", hard_split("yaml")), "split_notebook": ("split", hard_nb_split),
    "notebook_output": ("notebook", hard_nb_output),
    "png_text": ("binary", hard_png),
    "zip_member": ("archived", hard_zip), "docx": ("archived", hard_docx), "tar_gz": ("archived", hard_targz),
    "gzip": ("archived", hard_gz), "zip_in_zip": ("archived", hard_nested_zip),
}


def neg_hard(rng):
    """Negative files for the hard styles: encoded placeholders, split prose, archives of templates."""
    placeholder = "sk-proj-" + "X" * 48
    secret_yaml = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: template\ndata:\n  OPENAI_API_KEY: %s\n"
                   "  ANTHROPIC_API_KEY: %s\n  PASSWORD: %s\n") % (b64std(placeholder), b64std("your-anthropic-api-key-here"), b64std("changeme"))
    log = ("%s INFO  [http] POST /v1/hooks body=%s 201\n%s DEBUG [http] headers={'Authorization': 'Basic %s'}\n"
           "%s INFO  [http] GET /search?q=%s 200\n") % (
        log_prefix(rng, 1), pct('{"api_key": "<your key>", "token": "${TOKEN}"}'), log_prefix(rng, 2), b64std("user:password"),
        log_prefix(rng, 3), pct("how do I rotate sk-... keys / tokens?"))
    split_py = ('SYSTEM_PROMPT = (\n    "You are a careful assistant. "\n    "Answer in three sentences."\n)\n'
                'BASE_URL = ("https://api." "openai.com/v1")\nTEMPLATE = ("sk-ant-api03-" "XXXXXXXXXXXXXXXXXXXXXXXXXXXX")\n')
    split_ts = ('const path = "/v1/" +\n  "chat/completions";\nconst hint = "Paste a key like sk-proj-... " +\n  "into the settings";\n')
    nb = notebook_doc([{"cell_type": "code", "execution_count": 1, "metadata": {},
                        "outputs": [{"name": "stdout", "output_type": "stream", "text": ["OPENAI_API_KEY=sk-proj-****\n"]}],
                        "source": ["KEY = (\n", "    \"sk-ant-\"\n", "    \"<your key>\"\n", ")\n"]}])
    tmpl = zip_bytes([("config/application.properties", "openai.api-key=${OPENAI_API_KEY}\nanthropic.key=<set me>\n")])
    png = png_with_text(b"zTXt", b"Comment", "ANTHROPIC_API_KEY=sk-ant-api03-" + "X" * 93 + "AA")
    return {"k8s/template-secret.yaml": ("base64 of placeholders", secret_yaml),
            "logs/encoded-placeholders.log": ("percent-encoded and Basic placeholders", log),
            "src/prompts.py": ("split strings that are no key", split_py),
            "web/src/messages.ts": ("split strings that are no key", split_ts),
            "notebooks/template.ipynb": ("notebook with placeholders", nb),
            "dist/template-1.0.jar": ("jar of configuration templates", tmpl),
            "assets/template.png": ("PNG whose text holds a placeholder", png)}


# --------------------------------------------------------------------------------------
# negative files
# --------------------------------------------------------------------------------------

NPM_PKGS = ("react react-dom lodash express axios chalk commander debug ms semver uuid zod typescript eslint prettier "
            "webpack vite rollup esbuild postcss autoprefixer tailwindcss next jest vitest dotenv cors body-parser "
            "qs mime-types ws yargs glob minimatch picomatch fast-glob rimraf mkdirp tslib @babel/core @babel/parser "
            "@types/node @types/react date-fns dayjs classnames clsx immer redux zustand openai @anthropic-ai/sdk").split()
CRATES = ("serde serde_json anyhow thiserror clap regex aho-corasick memchr once_cell rayon crossbeam-utils ignore walkdir "
          "globset bstr log env_logger tracing tokio bytes itoa ryu libc cfg-if proc-macro2 quote syn unicode-ident "
          "hashbrown indexmap smallvec").split()
PYPKGS = ("requests urllib3 idna certifi charset-normalizer numpy pandas pydantic pydantic-core fastapi starlette "
          "uvicorn httpx anyio sniffio h11 click rich typer openai anthropic tiktoken tqdm pyyaml python-dotenv").split()


def ver(rng):
    return "%d.%d.%d" % (rng.randint(0, 9), rng.randint(0, 30), rng.randint(0, 40))


def neg_lockfiles(rng):
    files = {}
    pk = {"name": "web-app", "version": "1.4.0", "lockfileVersion": 3, "requires": True, "packages": {"": {"name": "web-app", "version": "1.4.0", "dependencies": {}}}}
    for name in NPM_PKGS * 3:
        key = "node_modules/" + name if name not in pk["packages"] else None
        if ("node_modules/" + name) in pk["packages"]:
            key = "node_modules/%s/node_modules/%s" % (rng.choice(NPM_PKGS), name)
        v = ver(rng)
        base = name.split("/")[-1]
        pk["packages"][key] = {"version": v, "resolved": "https://registry.npmjs.org/%s/-/%s-%s.tgz" % (name, base, v),
                               "integrity": "sha512-" + b64(rbytes(rng, 64)),
                               **({"dev": True} if rng.random() < 0.4 else {}),
                               **({"dependencies": {d: "^" + ver(rng) for d in rng.sample(NPM_PKGS, rng.randint(1, 4))}} if rng.random() < 0.5 else {}),
                               **({"license": rng.choice(["MIT", "ISC", "Apache-2.0"])})}
    files["package-lock.json"] = json.dumps(pk, indent=2) + "\n"
    y = ["# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.", "# yarn lockfile v1", "", ""]
    for name in NPM_PKGS:
        v = ver(rng)
        y += ['"%s@^%s":' % (name, v), '  version "%s"' % v,
              '  resolved "https://registry.yarnpkg.com/%s/-/%s-%s.tgz#%s"' % (name, name.split("/")[-1], v, rs(rng, 40, HEX)),
              "  integrity sha512-" + b64(rbytes(rng, 64))]
        if rng.random() < 0.5:
            y.append("  dependencies:")
            for d in rng.sample(NPM_PKGS, 2):
                y.append('    %s "^%s"' % (d, ver(rng)))
        y.append("")
    files["yarn.lock"] = "\n".join(y)
    c = ["# This file is automatically @generated by Cargo.", "# It is not intended for manual editing.", "version = 3", ""]
    for name in CRATES:
        c += ["[[package]]", 'name = "%s"' % name, 'version = "%s"' % ver(rng), 'source = "registry+https://github.com/rust-lang/crates.io-index"',
              'checksum = "%s"' % rs(rng, 64, HEX)]
        if rng.random() < 0.5:
            c += ["dependencies = ["] + ['  "%s",' % d for d in rng.sample(CRATES, 2)] + ["]"]
        c.append("")
    files["Cargo.lock"] = "\n".join(c)
    p = []
    for name in PYPKGS:
        v = ver(rng)
        p += ["[[package]]", 'name = "%s"' % name, 'version = "%s"' % v, 'description = "%s"' % rng.choice(["HTTP for Humans.", "Fast data validation", "Async networking", "Terminal formatting"]),
              "optional = false", 'python-versions = ">=3.8"', "files = [",
              '    {file = "%s-%s-py3-none-any.whl", hash = "sha256:%s"},' % (name.replace("-", "_"), v, rs(rng, 64, HEX)),
              '    {file = "%s-%s.tar.gz", hash = "sha256:%s"},' % (name.replace("-", "_"), v, rs(rng, 64, HEX)), "]", ""]
    p += ["[metadata]", 'lock-version = "2.0"', 'python-versions = "^3.11"', 'content-hash = "%s"' % rs(rng, 64, HEX), ""]
    files["poetry.lock"] = "\n".join(p)
    return files


def neg_uuid_json(rng):
    orders = []
    for i in range(150):
        orders.append({"id": rand_uuid(rng), "customerId": rand_uuid(rng), "status": rng.choice(["pending", "shipped", "delivered", "cancelled"]),
                       "total": round(rng.uniform(5, 900), 2), "currency": rng.choice(["EUR", "USD", "GBP"]),
                       "items": [{"sku": "SKU-%05d" % rng.randint(0, 99999), "qty": rng.randint(1, 4), "productId": rand_uuid(rng)} for _ in range(rng.randint(1, 3))],
                       "createdAt": "2025-%02d-%02dT%02d:%02d:00Z" % (rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59))})
    return json.dumps({"orders": orders, "requestId": rand_uuid(rng), "traceId": rs(rng, 32, HEX)}, indent=2) + "\n"


def neg_git_log(rng):
    msgs = ["Fix pagination in order list", "Bump lodash from 4.17.20 to 4.17.21", "Refactor payment retries",
            "Add healthcheck endpoint", "Merge pull request #%d from team/feature-branch", "Update README",
            "Handle empty cart on checkout", "Improve logging around worker startup", "Revert \"Add caching layer\"",
            "chore(deps): bump axios to 1.7.4", "docs: describe deployment steps", "ci: pin actions to commit SHAs"]
    out = []
    for i in range(120):
        out.append("commit %s" % rs(rng, 40, HEX))
        if rng.random() < 0.15:
            out.append("Merge: %s %s" % (rs(rng, 7, HEX), rs(rng, 7, HEX)))
        out.append("Author: %s <%s>" % (rng.choice(FIRST).capitalize() + " " + rng.choice(WORDS).capitalize(), email(rng)))
        out.append("Date:   %s %s %d %02d:%02d:%02d 2025 +0200" % (rng.choice(["Mon", "Tue", "Wed", "Thu", "Fri"]), rng.choice(["Jan", "Feb", "Mar", "Apr", "May"]), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)))
        out.append("")
        m = rng.choice(msgs)
        out.append("    " + (m % rng.randint(100, 2000) if "%d" in m else m))
        out.append("")
    out.append("")
    # short log with abbreviated and full SHAs, as in a CHANGELOG
    out2 = ["# Changelog", ""]
    for i in range(40):
        sha = rs(rng, 40, HEX)
        out2.append("- %s ([%s](https://github.com/%s/%s/commit/%s))" % (rng.choice(msgs).replace("%d", str(rng.randint(10, 999))), sha[:7], rng.choice(COMPANIES), rng.choice(WORDS), sha))
    return "\n".join(out), "\n".join(out2) + "\n"


def neg_digests(rng):
    compose = ["services:"]
    for svc, img in [("web", "nginx:1.27-alpine"), ("db", "postgres:16"), ("cache", "redis:7.2"), ("api", "python:3.12-slim")]:
        compose += ["  %s:" % svc, "    image: %s@sha256:%s" % (img, rs(rng, 64, HEX)), "    restart: unless-stopped"]
    sums = ["%s  %s" % (rs(rng, 64, HEX), f) for f in ["leakward-x86_64-unknown-linux-gnu.tar.gz", "leakward-aarch64-apple-darwin.tar.gz",
                                                        "leakward-x86_64-pc-windows-msvc.zip", "leakward-src.tar.gz", "install.sh"]]
    wf = ["name: ci", "on: [push, pull_request]", "jobs:", "  build:", "    runs-on: ubuntu-latest", "    steps:",
          "      - uses: actions/checkout@%s # v4.1.7" % rs(rng, 40, HEX),
          "      - uses: actions/setup-python@%s # v5.1.0" % rs(rng, 40, HEX),
          "      - run: pip install -r requirements.txt",
          "      - run: pytest -q",
          "        env:",
          "          OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}",
          "          ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}",
          "          HF_TOKEN: ${{ secrets.HF_TOKEN }}",
          "      - uses: docker/build-push-action@%s" % rs(rng, 40, HEX),
          "        with:",
          "          tags: ghcr.io/acmecorp/api:latest",
          "          cache-from: type=registry,ref=ghcr.io/acmecorp/api@sha256:%s" % rs(rng, 64, HEX)]
    k8s = ["apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: api", "spec:", "  template:", "    spec:", "      containers:",
           "        - name: api", "          image: ghcr.io/acmecorp/api@sha256:%s" % rs(rng, 64, HEX),
           "          env:", "            - name: OPENAI_API_KEY", "              valueFrom:", "                secretKeyRef:",
           "                  name: api-secrets", "                  key: openai-api-key"]
    return {"docker-compose.pinned.yml": "\n".join(compose) + "\n", "release/SHA256SUMS": "\n".join(sums) + "\n",
            ".github/workflows/ci.yml": "\n".join(wf) + "\n", "k8s/deployment.yaml": "\n".join(k8s) + "\n"}


def neg_data_uri(rng):
    def uri():
        data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rbytes(rng, 40000 + rng.randint(0, 8000))
        return "data:image/png;base64," + b64(data)
    md = "# Brand assets\n\nThe logo, inlined so the page works offline:\n\n![logo](%s)\n\nUse it on light backgrounds only.\n" % uri()
    html = ("<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Status</title></head>\n<body>\n"
            "  <img alt=\"hero\" src=\"%s\">\n  <p>All systems operational.</p>\n</body>\n</html>\n" % uri())
    css = ".hero {\n  background-image: url(\"%s\");\n  background-size: cover;\n}\n.logo { width: 120px; }\n" % uri()
    return {"docs/brand.md": md, "public/status.html": html, "public/hero.css": css}


def neg_minified_js(rng):
    words = ["task-proj-card-header", "task-proj-sidebar-collapsed", "disk-usage-meter", "disk-quota-warning-banner",
             "risk_score_label", "risk_level_high", "mask-image", "mask-position", "highp", "ghpages-deploy",
             "OKAKIAGE_MENU_ITEM", "TAKIAWASEBENTOMENU202", "MAKIA_SETTINGS", "whisk-animation", "asterisk-required",
             "kiosk-mode", "brisk_tempo", "tusk_ivory", "desk-layout", "flask_session", "masking-tape"]
    traps = ["disk-quotaExceededNotificationBannerDismissedStateKey1", "risk_live_assessmentEngineConfigurationV2",
             "task-proj-cardHeaderTitleWrapperInnerContentBoxLayout", "highp_vec3LightDirectionUniformBufferIdxAB",
             "mask-imageGradientOverlayTransitionDurationMsDefault", "kiosk-ant-api03-displayTimeout"]
    parts = ['!function(e,t){"use strict";var n={}']
    i = 0
    while sum(len(p) for p in parts) < 160_000:
        w = rng.choice(words + traps)
        i += 1
        r = rng.random()
        if r < 0.3:
            parts.append(',n["%s"]=function(e){return e.classList.toggle("%s"),%d}' % (w, rng.choice(words), i))
        elif r < 0.6:
            parts.append(';var %s%d={key:"%s",label:"%s",visible:!%d}' % (rng.choice("abcdefghijk"), i, w, rng.choice(WORDS), i % 2))
        elif r < 0.8:
            parts.append(';function %s%d(e,t){return e&&e.%s?t.%s(e):null}' % (rng.choice("xyzuvw"), i, w.replace("-", "_"), rng.choice(["map", "filter", "reduce"])))
        else:
            parts.append(';e.exports.%s=["%s","%s"]' % (w.replace("-", "_"), w, rng.choice(words)))
    parts.append("}(window,document);\n")
    return "".join(parts)


def neg_placeholders(rng):
    env = ["# Copy to .env and fill in your own values", "OPENAI_API_KEY=sk-proj-" + "X" * 156,
           "ANTHROPIC_API_KEY=sk-ant-api03-" + "X" * 93 + "AA", "ANTHROPIC_ADMIN_KEY=your-api-key-here",
           "MISTRAL_API_KEY=<YOUR_KEY>", "GROQ_API_KEY=gsk_" + "x" * 52, "HF_TOKEN=hf_" + "x" * 34,
           "GITHUB_TOKEN=ghp_" + "x" * 36, "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
           "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "STRIPE_SECRET_KEY=sk_live_" + "x" * 24,
           "SLACK_BOT_TOKEN=xoxb-0000000000-0000000000-" + "x" * 24, "DEEPSEEK_API_KEY=sk-...",
           "GEMINI_API_KEY=${GEMINI_API_KEY}", "REDIS_URL=redis://:${REDIS_PASSWORD}@redis:6379/0",
           "DATABASE_URL=postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/app", "XAI_API_KEY=***",
           "PERPLEXITY_API_KEY=REDACTED", "OPENROUTER_API_KEY=sk-or-v1-<your-key>", "WANDB_API_KEY=", "SECRET_KEY=changeme",
           "AWS_ACCESS_KEY_ID=AKIA" + "X" * 16]
    readme = ["# Getting started", "", "Set your keys before running:", "", "```bash",
              'export OPENAI_API_KEY="sk-..."', 'export ANTHROPIC_API_KEY="<your key>"',
              'export MISTRAL_API_KEY="your-api-key-here"', "```", "", "Then call the API:", "", "```bash",
              'curl https://api.openai.com/v1/models -H "Authorization: Bearer $OPENAI_API_KEY"',
              'curl https://api.anthropic.com/v1/messages -H "x-api-key: ${ANTHROPIC_API_KEY}"', "```", "",
              "Keys look like `sk-proj-...` (OpenAI) or `sk-ant-api03-...` (Anthropic); never commit them.", "",
              "```python", "from openai import OpenAI", 'client = OpenAI(api_key="YOUR_API_KEY")', "```", "",
              "A redacted key in the dashboard shows as `sk-...Wx3q` or `sk-proj-****************************`.", ""]
    ts_cfg = ["import OpenAI from \"openai\";", "import Anthropic from \"@anthropic-ai/sdk\";", "",
              "const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });",
              "const anthropic = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY! });",
              "const mistralKey = import.meta.env.VITE_MISTRAL_API_KEY ?? \"\";",
              "const groqKey: string = process.env[\"GROQ_API_KEY\"] || \"<GROQ_API_KEY>\";",
              "export const config = { token: process.env.GITHUB_TOKEN, secret: \"{{ secrets.KEY }}\" };", ""]
    py_cfg = ["import os", "", 'OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]', 'ANTHROPIC_API_KEY = os.getenv("ANTHROPIC_API_KEY")',
              'MISTRAL_API_KEY = os.environ.get("MISTRAL_API_KEY", "")', 'HF_TOKEN = os.environ.get("HF_TOKEN", "hf_***")',
              'api_key = "<YOUR_KEY>"  # replace before running', 'password = os.environ["DB_PASSWORD"]',
              'secret_key = "REDACTED"', 'token = "***"', ""]
    helm = ["apiVersion: v1", "kind: Secret", "metadata:", "  name: {{ .Release.Name }}-keys", "stringData:",
            "  OPENAI_API_KEY: {{ .Values.secrets.openaiApiKey | quote }}", "  ANTHROPIC_API_KEY: \"{{ secrets.KEY }}\"",
            "  DD_API_KEY: ${DD_API_KEY}", "  password: {{ required \"password\" .Values.db.password }}", ""]
    log = ["2025-03-01T10:00:00Z INFO  [config] OPENAI_API_KEY=sk-...REDACTED", "2025-03-01T10:00:00Z INFO  [config] ANTHROPIC_API_KEY=***",
           "2025-03-01T10:00:01Z DEBUG [http] headers={'Authorization': 'Bearer ***', 'x-api-key': '[REDACTED]'}",
           "2025-03-01T10:00:01Z DEBUG [http] api_key=REDACTED token=******** password=<hidden>",
           "2025-03-01T10:00:02Z INFO  [auth] using key sk-proj-****...****Ab12", ""]
    yaml_t = ["openai:", "  api_key: \"<YOUR_API_KEY>\"", "anthropic:", "  api_key: \"${ANTHROPIC_API_KEY}\"",
              "github:", "  token: \"ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\"", "aws:", "  access_key_id: \"AKIAXXXXXXXXXXXXXXXX\"",
              "  secret_access_key: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"", "database:", "  url: postgres://<user>:<password>@<host>:5432/<db>",
              "private_key: |", "  -----BEGIN PRIVATE KEY-----", "  YOUR_PRIVATE_KEY_HERE", "  -----END PRIVATE KEY-----", ""]
    return {".env.example": "\n".join(env) + "\n", "docs/getting-started.md": "\n".join(readme),
            "web/src/clients.ts": "\n".join(ts_cfg), "service/settings.py": "\n".join(py_cfg),
            "helm/templates/secret.yaml": "\n".join(helm), "logs/redacted.log": "\n".join(log),
            "config/settings.template.yaml": "\n".join(yaml_t)}


# --------------------------------------------------------------------------------------
# generate
# --------------------------------------------------------------------------------------

def load_kinds(path):
    """The kinds in `path`, or, for the default list, in every tests/data/credential-kinds*.json
    (the base list and one file per group of rules added since)."""
    paths = [path]
    if os.path.abspath(path) == os.path.abspath(os.path.join(REPO_ROOT, DEFAULT_FORMATS)):
        data_dir = os.path.dirname(os.path.abspath(path))
        paths = sorted(os.path.join(data_dir, name) for name in os.listdir(data_dir)
                       if name.startswith("credential-kinds") and name.endswith(".json"))
    data = []
    for one in paths:
        with open(one, encoding="utf-8") as fh:
            data.extend(json.load(fh))
    return [Kind(d) for d in data]


def generate(args):
    out = os.path.abspath(args.outdir)
    repo = os.path.realpath(REPO_ROOT)
    if os.path.realpath(out) == repo or os.path.realpath(out).startswith(repo + os.sep):
        sys.exit("error: OUTDIR must not be inside the repository (%s)" % repo)
    if os.path.exists(out) and os.listdir(out):
        if not os.path.exists(os.path.join(out, "labels.json")):
            sys.exit("error: %s exists, is not empty and holds no labels.json; refusing to overwrite" % out)
        shutil.rmtree(out)
    formats = args.formats or os.path.join(REPO_ROOT, DEFAULT_FORMATS)
    kinds = load_kinds(formats)
    rng = random.Random(args.seed)
    stats = {}

    # 1. secrets and style choices ------------------------------------------------------
    usage = {}
    plans = []   # (style, entry)
    for kind in kinds:
        styles = MULTI_STYLES if kind.multiline else SINGLE_STYLES
        names = list(styles)
        chosen = []
        secret, text = kind.generate(rng, stats)
        if kind.json_object:
            names = [n for n in names if n not in ("json_escaped",)] + ["json_escaped"]
        for plant in range(2):
            if plant == 1:
                secret, text = kind.generate(rng, stats)
            order = sorted(names, key=lambda n: (usage.get((kind.multiline, n), 0), rng.random()))
            ok = None
            for sname in order:
                if sname in chosen:
                    continue
                for attempt in range(4):
                    e = Entry(kind, secret, text, rng)
                    prng = random.Random(rng.random())
                    _, probe = styles[sname]([e], prng, {"start": False, "end": False})
                    if locate(e, probe.replace("\r\n", "\n")):
                        ok = (sname, e)
                        break
                if ok:
                    break
            if not ok:
                stats.setdefault("unplaceable", []).append(kind.id)
                continue
            chosen.append(ok[0])
            usage[(kind.multiline, ok[0])] = usage.get((kind.multiline, ok[0]), 0) + 1
            plans.append(ok)

    # 2. group entries of a style into files --------------------------------------------
    by_style = {}
    for sname, e in plans:
        by_style.setdefault((e.kind.multiline, sname), []).append(e)
    files = {}
    labels, incidental, rejected = [], [], []

    def unique_path(path):
        base = path
        while path in files:
            path = "%s/%s-%s/%s" % (rng.choice(["apps", "services", "packages", "tools", "deploy"]),
                                    rng.choice(WORDS), rng.choice(WORDS), base)
        return path

    def emit(sname, multiline, group):
        styles = MULTI_STYLES if multiline else SINGLE_STYLES
        layout = {"start": rng.random() < 0.25, "end": rng.random() < 0.3}
        path, text = styles[sname](group, rng, layout)
        norm = text.replace("\r\n", "\n")
        found = []
        for e in group:
            loc = locate(e, norm)
            if loc is None:
                return None
            found.append(loc)
        # entries must not overlap each other
        spans = sorted((f["start"], f["end"]) for f in found)
        if any(a[1] > b[0] for a, b in zip(spans, spans[1:])):
            return None
        path = unique_path(path)
        files[path] = text
        for e, loc in zip(group, found):
            labels.append({"kind": e.kind.id, "provider": e.kind.d.get("provider"), "provider_name": e.kind.d.get("provider_name"),
                           "category": e.kind.category, "needs_context": e.kind.needs_context, "style": sname,
                           "file": path, "line": loc["line"], "end_line": loc["end_line"], "column": loc["column"],
                           "secret": loc["secret"], "structural": e.kind.structural})
        return path

    for (multiline, sname), entries in sorted(by_style.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        rng.shuffle(entries)
        i = 0
        while i < len(entries):
            if multiline and sname == "keyfile":
                n = 1
            elif sname == "log_long":
                n = rng.randint(1, 2)
            else:
                n = rng.choice([1, 1, 2, 3, 3, 4, 5, 6])
            group = entries[i:i + n]
            # avoid two entries of the same kind or var in one file
            seen, g2 = set(), []
            for e in group:
                if e.kind.id in seen or e.var in {x.var for x in g2}:
                    break
                seen.add(e.kind.id)
                g2.append(e)
            group = g2 or group[:1]
            i += len(group)
            if emit(sname, multiline, group) is None:
                for e in group:  # fall back to one file per entry
                    for attempt in range(6):
                        if emit(sname, multiline, [e]) is not None:
                            break
                    else:
                        rejected.append(e.kind.id)

    # 2b. hard plants: one more secret per single-line kind, written encoded, split over
    # lines, in a binary file or in an archive (see HARD_STYLES) ----------------------------
    hard_usage = {}
    for kind in kinds:
        if kind.multiline:
            continue
        secret, text = kind.generate(rng, stats)
        if isinstance(secret, dict):
            continue
        for sname in sorted(HARD_STYLES, key=lambda n: (hard_usage.get(n, 0), rng.random())):
            category, render = HARD_STYLES[sname]
            e = Entry(kind, secret, text, rng)
            made = render(e, random.Random(rng.random()))
            if made is None:
                continue
            wanted, content, found = made
            path = unique_path(wanted)
            files[path] = content
            hard_usage[sname] = hard_usage.get(sname, 0) + 1
            for loc in found:
                where = loc["file"] or wanted
                labels.append({"kind": kind.id, "provider": kind.d.get("provider"), "provider_name": kind.d.get("provider_name"),
                               "category": kind.category, "needs_context": kind.needs_context, "style": sname, "hard": category,
                               "file": path + where[len(wanted):], "line": loc["line"], "end_line": loc["end_line"],
                               "column": loc["column"], "secret": loc["secret"], "structural": kind.structural})
            break
        else:
            stats.setdefault("no_hard_style", []).append(kind.id)

    # 3. negatives ------------------------------------------------------------------------
    negatives = {}
    for name, text in neg_lockfiles(rng).items():
        negatives[name] = ("lockfile with random integrity/checksum hashes", text)
    negatives["fixtures/orders.json"] = ("UUID ids in ordinary JSON", neg_uuid_json(rng))
    glog, chlog = neg_git_log(rng)
    negatives["docs/git-log.txt"] = ("git log with 40-hex commit SHAs", glog)
    negatives["CHANGELOG.md"] = ("changelog with commit SHAs", chlog)
    for name, text in neg_digests(rng).items():
        negatives[name] = ("sha256 digests / pinned action SHAs / secret references", text)
    for name, text in neg_data_uri(rng).items():
        negatives[name] = ("large base64 data: URI (random PNG bytes)", text)
    negatives["public/assets/app.min.js"] = ("minified JS, one long line, words containing key prefixes", neg_minified_js(rng))
    for name, text in neg_placeholders(rng).items():
        negatives[name] = ("placeholders, variable references, redactions", text)
    for name, (desc, text) in neg_hard(rng).items():
        negatives[name] = (desc, text)
    for name in negatives:
        if name in files:
            sys.exit("internal error: negative path collides with positive file %s" % name)

    # 4. incidental matches (other kinds' regexes) -----------------------------------------
    by_file = {}
    for lab in labels:
        by_file.setdefault(lab["file"], []).append(lab)
    filler_hits = []
    for path, text in files.items():
        if not isinstance(text, str) or path not in by_file:
            continue  # archives and images; encoded files hold no plain key
        norm = text.replace("\r\n", "\n")
        for kind in kinds:
            for m in kind.regex.finditer(norm):
                s, e = m.span(1)
                sec = m.group(1)
                line = line_of(norm, s)
                own = [l for l in by_file[path] if l["kind"] == kind.id and l["secret"] == sec and l["line"] == line]
                if own:
                    continue
                overl = [l for l in by_file[path] if not (line_of(norm, e) < l["line"] or line > l["end_line"])
                         and (sec in l["secret"] or l["secret"] in sec or norm_secret(sec) in norm_secret(l["secret"]))]
                rec = {"kind": kind.id, "file": path, "line": line, "end_line": line_of(norm, e), "secret": sec}
                if overl:
                    rec["inside"] = overl[0]["kind"]
                    incidental.append(rec)
                elif kind.needs_context and not any(kw in norm.split("\n")[line - 1].lower() for kw in kind.keywords):
                    continue
                else:
                    filler_hits.append(rec)
    neg_ref_hits = []
    for path, (desc, text) in negatives.items():
        if not isinstance(text, str):
            continue
        norm = text.replace("\r\n", "\n")
        for kind in kinds:
            for m in kind.regex.finditer(norm):
                line = line_of(norm, m.start(1))
                if kind.needs_context and not any(kw in norm.split("\n")[line - 1].lower() for kw in kind.keywords):
                    continue
                neg_ref_hits.append({"kind": kind.id, "file": path, "line": line, "secret": m.group(1)[:120]})

    # 5. write --------------------------------------------------------------------------
    os.makedirs(out, exist_ok=True)
    for path, text in list(files.items()) + [(p, t) for p, (d, t) in negatives.items()]:
        full = os.path.join(out, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        if isinstance(text, bytes):
            with open(full, "wb") as fh:
                fh.write(text)
            continue
        with open(full, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    labels.sort(key=lambda l: (l["file"], l["line"]))
    doc = {"version": 1, "generator": "scripts/eval-corpus.py", "seed": args.seed,
           "formats": os.path.relpath(formats, REPO_ROOT), "kinds": len(kinds),
           "labels": labels,
           "incidental": incidental,
           "negatives": [{"file": p, "description": d} for p, (d, t) in sorted(negatives.items())],
           "reference_regex_hits_in_negatives": neg_ref_hits,
           "filler_regex_hits_in_positives": filler_hits}
    with open(os.path.join(out, "labels.json"), "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    planted_kinds = {l["kind"] for l in labels}
    print("wrote %s: %d files (%d positive, %d negative), %d planted secrets covering %d/%d kinds"
          % (out, len(files) + len(negatives), len(files), len(negatives), len(labels), len(planted_kinds), len(kinds)))
    style_count = {}
    for l in labels:
        style_count[l["style"]] = style_count.get(l["style"], 0) + 1
    print("styles: " + ", ".join("%s=%d" % kv for kv in sorted(style_count.items())))
    print("incidental matches inside planted secrets: %d; reference-regex hits in negatives: %d; filler hits in positives: %d"
          % (len(incidental), len(neg_ref_hits), len(filler_hits)))
    hard = {}
    for l in labels:
        if l.get("hard"):
            hard[l["hard"]] = hard.get(l["hard"], 0) + 1
    print("hard plants: " + ", ".join("%s=%d" % kv for kv in sorted(hard.items())))
    for k in ("unplaceable", "shape_warnings", "no_hard_style"):
        if stats.get(k):
            print("%s: %s" % (k, ", ".join(sorted(set(stats[k])))))
    if rejected:
        print("rejected plants: %s" % ", ".join(rejected))
    missing = [k.id for k in kinds if sum(1 for l in labels if l["kind"] == k.id) < 2]
    if missing:
        print("kinds with fewer than 2 plants: %s" % ", ".join(missing))


# --------------------------------------------------------------------------------------
# evaluate
# --------------------------------------------------------------------------------------

def norm_secret(s):
    return re.sub(r"\\[rn]|\s|[\"']", "", s or "")


def norm_path(p, outdir):
    p = p.replace("\\", "/")
    cands = [os.path.abspath(outdir).replace("\\", "/"), outdir.replace("\\", "/").rstrip("/")]
    for c in cands:
        if c and (p == c or p.startswith(c + "/")):
            p = p[len(c):]
            break
    else:
        if os.path.isabs(p):
            try:
                p = os.path.relpath(p, os.path.abspath(outdir))
            except ValueError:
                pass
    p = p.lstrip("/")
    while p.startswith("./"):
        p = p[2:]
    return p


def secret_match(label_secret, finding_secret, structural):
    if not finding_secret:
        return False
    if finding_secret == label_secret:
        return True
    if structural:
        a, b = norm_secret(label_secret), norm_secret(finding_secret)
        return bool(a and b) and (a in b or b in a)
    return False


def line_match(label, f, structural):
    fl = f.get("line")
    if fl == label["line"]:
        return True
    if structural:
        fe = f.get("end_line") or fl
        return fl is not None and not (fe < label["line"] or fl > label["end_line"])
    return False


def evaluate(args):
    out = os.path.abspath(args.outdir)
    with open(os.path.join(out, "labels.json"), encoding="utf-8") as fh:
        doc = json.load(fh)
    cmd = [args.leakward, "scan", out, "--format", "json", "--show-secrets"] + list(args.scan_arg or [])
    proc, report = run_leakward(cmd, args.timeout)
    if report is None:
        return 2
    findings = report.get("findings") or []
    for f in findings:
        f["_path"] = norm_path(f.get("path") or "", args.outdir)
    if proc.returncode == 0 and findings:
        print("warning: exit code 0 but %d findings" % len(findings))
    if proc.returncode == 1 and not findings:
        print("warning: exit code 1 but no findings")

    labels = doc["labels"]
    negatives = {n["file"] for n in doc["negatives"]}
    pos_files = {l["file"] for l in labels}
    by_path = {}
    for i, f in enumerate(findings):
        by_path.setdefault(f["_path"], []).append(i)
    used = set()
    found, missed = [], []
    for lab in labels:
        hit = None
        near = []
        for i in by_path.get(lab["file"], []):
            f = findings[i]
            if line_match(lab, f, lab["structural"]):
                if secret_match(lab["secret"], f.get("secret"), lab["structural"]):
                    hit = i if hit is None else hit
                    used.add(i)
                else:
                    near.append(f)
        if hit is not None:
            found.append(lab)
        else:
            lab = dict(lab)
            lab["_near"] = near
            missed.append(lab)
    # incidental (other kinds' matches inside planted secrets) explain some extras
    for inc in doc.get("incidental", []):
        for i in by_path.get(inc["file"], []):
            if i in used:
                continue
            f = findings[i]
            if line_match(inc, f, True) and secret_match(inc["secret"], f.get("secret"), True):
                used.add(i)
    # also: findings whose secret is part of a label's secret on the label's lines
    for lab in labels:
        for i in by_path.get(lab["file"], []):
            if i in used:
                continue
            f = findings[i]
            if line_match(lab, f, True) and secret_match(lab["secret"], f.get("secret"), True):
                used.add(i)

    def pct(a, b):
        return "%.1f%%" % (100.0 * a / b) if b else "n/a"

    tool = report.get("tool") or {}
    print("leakward %s on %s%s" % (tool.get("version", "?"), out, ("  (extra args: %s)" % " ".join(args.scan_arg)) if args.scan_arg else ""))
    print("findings: %d (exit code %d)" % (len(findings), proc.returncode))
    st = report.get("stats") or {}
    if st:
        print("stats: " + ", ".join("%s=%s" % (k, v) for k, v in st.items() if not isinstance(v, (list, dict))))
        skipped = st.get("skipped") or []
        if skipped:
            print("skipped: %s" % skipped[:20])
    n = len(labels)
    print("\nRECALL overall: %d/%d = %s" % (len(found), n, pct(len(found), n)))
    groups = {}
    for lab in labels:
        g = "AI" if lab["category"] != "non-ai" else "non-AI"
        groups.setdefault(g, [0, 0])
        groups[g][1] += 1
    for lab in found:
        groups["AI" if lab["category"] != "non-ai" else "non-AI"][0] += 1
    for g in ("AI", "non-AI"):
        if g in groups:
            print("  %-7s %d/%d = %s" % (g, groups[g][0], groups[g][1], pct(*groups[g])))
    cats, styles = {}, {}
    for lab in labels:
        cats.setdefault(lab["category"], [0, 0])[1] += 1
        styles.setdefault(lab["style"], [0, 0])[1] += 1
    for lab in found:
        cats[lab["category"]][0] += 1
        styles[lab["style"]][0] += 1
    print("  by category: " + ", ".join("%s %d/%d" % (c, v[0], v[1]) for c, v in sorted(cats.items())))
    hard, hard_found = {}, {}
    for lab in labels:
        if lab.get("hard"):
            hard[lab["hard"]] = hard.get(lab["hard"], 0) + 1
    for lab in found:
        if lab.get("hard"):
            hard_found[lab["hard"]] = hard_found.get(lab["hard"], 0) + 1
    if hard:
        n_hard, n_hard_found = sum(hard.values()), sum(hard_found.values())
        print("  hard cases:  %d/%d = %s (%s)" % (n_hard_found, n_hard, pct(n_hard_found, n_hard), ", ".join(
            "%s %d/%d" % (c, hard_found.get(c, 0), v) for c, v in sorted(hard.items()))))
        easy = [l for l in labels if not l.get("hard")]
        easy_found = [l for l in found if not l.get("hard")]
        print("  other cases: %d/%d = %s" % (len(easy_found), len(easy), pct(len(easy_found), len(easy))))
    print("  by style:    " + ", ".join("%s %d/%d" % (c, v[0], v[1]) for c, v in sorted(styles.items())))
    kinds_total = {l["kind"] for l in labels}
    kinds_any = {l["kind"] for l in found}
    print("  kinds found at least once: %d/%d; kinds found in both plants: %d"
          % (len(kinds_any), len(kinds_total), len(kinds_total) - len({l["kind"] for l in missed})))

    print("\nMISSED (%d):" % len(missed))
    for lab in sorted(missed, key=lambda l: (l["kind"], l["file"])):
        extra = ""
        if lab["_near"]:
            f = lab["_near"][0]
            extra = "  [same line: %s reported %r]" % (f.get("rule_id"), (f.get("secret") or "")[:60])
        print("  %-45s %s:%d  (%s%s)%s" % (lab["kind"], lab["file"], lab["line"], lab["style"],
                                          ", needs_context" if lab["needs_context"] else "", extra))

    fps = [findings[i] for p in sorted(by_path) if p in negatives for i in by_path[p]]
    print("\nFALSE POSITIVES in negative files (%d):" % len(fps))
    for f in fps:
        print("  %s:%s  %s  %r" % (f["_path"], f.get("line"), f.get("rule_id"), (f.get("secret") or "")[:80]))

    labels_json = [findings[i] for i in by_path.get("labels.json", [])]
    extras = [findings[i] for p in sorted(by_path) if p not in negatives and p != "labels.json"
              for i in by_path[p] if i not in used]
    print("\nEXTRA findings in positive files matching no label (%d):" % len(extras))
    for f in extras:
        where = "" if f["_path"] in pos_files else "  (file not in corpus labels)"
        print("  %s:%s  %s  %r%s" % (f["_path"], f.get("line"), f.get("rule_id"), (f.get("secret") or "")[:80], where))
    if labels_json:
        print("\n(%d findings in labels.json ignored)" % len(labels_json))
    return 0


# --------------------------------------------------------------------------------------
# generate-git: a labelled git history
# --------------------------------------------------------------------------------------

GIT_AUTHORS = [("Alice Nguyen", "alice.nguyen@acmecorp.example"), ("Bob Okafor", "bob.okafor@acmecorp.example"),
               ("Carol Schmidt", "carol.schmidt@acmecorp.example"), ("Dave Rossi", "dave.rossi@contractor.example")]
GIT_EPOCH = 1736150400  # 2025-01-06T08:00:00Z
GIT_TICK = 5 * 3600 + 17 * 60
LINE_STYLES = ("env", "shell", "py_environ", "dockerfile", "log")          # one line per key, removable
HEADER_STYLES = ("env", "shell", "py_environ", "yaml", "dockerfile", "terraform")  # accept a leading '#' line


class GitBuilder:
    """A work tree plus deterministic commit identities and dates."""

    def __init__(self, path):
        self.path = path
        self.tick = 0
        self.commits = []   # (sha, note)

    def env(self):
        name, mail = GIT_AUTHORS[self.tick % len(GIT_AUTHORS)]
        date = "%d +0000" % (GIT_EPOCH + self.tick * GIT_TICK)
        env = dict(os.environ)
        for k in list(env):
            if k.startswith("GIT_"):
                del env[k]
        env.update({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C",
                    "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": mail, "GIT_COMMITTER_NAME": name,
                    "GIT_COMMITTER_EMAIL": mail, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
                    "GIT_EDITOR": "true", "GIT_MERGE_AUTOEDIT": "no"})
        return env

    def git(self, *args, check=True):
        cmd = ["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "init.defaultBranch=main",
               "-c", "core.autocrlf=false", "-c", "core.safecrlf=false", "-c", "gc.auto=0", "-c", "advice.detachedHead=false",
               "-c", "core.hooksPath=" + os.devnull] + list(args)
        p = subprocess.run(cmd, cwd=self.path, env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if check and p.returncode != 0:
            sys.exit("git %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr.decode(errors="replace")))
        return p

    def write(self, rel, data):
        full = os.path.join(self.path, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        if isinstance(data, bytes):
            with open(full, "wb") as fh:
                fh.write(data)
        else:
            with open(full, "w", encoding="utf-8", newline="") as fh:
                fh.write(data)

    def read(self, rel):
        with open(os.path.join(self.path, rel), encoding="utf-8", newline="") as fh:
            return fh.read()

    def head(self):
        return self.git("rev-parse", "HEAD").stdout.decode().strip()

    def commit(self, msg, note):
        self.tick += 1
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", msg)
        sha = self.head()
        self.commits.append((sha, note))
        return sha


def generate_git(args):
    out = os.path.abspath(args.outdir)
    repo_root = os.path.realpath(REPO_ROOT)
    if os.path.realpath(out) == repo_root or os.path.realpath(out).startswith(repo_root + os.sep):
        sys.exit("error: OUTDIR must not be inside the repository (%s)" % repo_root)
    name = os.path.basename(out.rstrip(os.sep))
    labels_path = os.path.join(os.path.dirname(out), "%s-labels.json" % name)
    marker = os.path.join(out, ".git", "leakward-eval-corpus")
    if os.path.exists(out) and os.listdir(out):
        if not os.path.exists(marker):
            sys.exit("error: %s exists, is not empty and is not a corpus made by generate-git; refusing to overwrite" % out)
        shutil.rmtree(out)
    formats = args.formats or os.path.join(REPO_ROOT, DEFAULT_FORMATS)
    kinds = load_kinds(formats)
    rng = random.Random(args.seed)
    stats = {}

    # 1. one fresh secret per kind, dealt to scenarios ----------------------------------------
    entries = []
    for kind in kinds:
        secret, text = kind.generate(rng, stats)
        e = Entry(kind, secret, text, rng)
        e.idx = len(entries)
        entries.append(e)
    # anchors must be unique across all planted keys (PEM bodies and base64-JSON tokens share
    # long constant prefixes), or a key would be "found" inside another key's file
    texts = [json.dumps(e.text) if isinstance(e.text, dict) else e.text for e in entries]
    for i, e in enumerate(entries):
        if isinstance(e.text, dict):
            srcs = [e.text["private_key"] if "private_key" in e.text else e.text["refresh_token"]]
        elif "\n" in e.text:
            srcs = [e.text]
        else:
            srcs = [e.secret]
        cands = []
        for s in srcs:
            for ln in s.split("\n"):
                if "-----" in ln or len(ln) < 8:
                    continue
                w = min(24, len(ln))
                for off in (len(ln) - w - 2, (len(ln) * 2) // 3, len(ln) // 2, len(ln) // 3, len(ln) - w, 0):
                    off = max(0, min(off, len(ln) - w))
                    cands.append(ln[off:off + w])
        for c in cands:
            if not any(c in t for j, t in enumerate(texts) if j != i) and (isinstance(e.text, dict) or c in e.secret or "\n" in e.text):
                e.anchor = c
                break
        else:
            stats.setdefault("ambiguous_anchor", []).append(e.kind.id)
    rng.shuffle(entries)
    pool_any = list(entries)

    def take(n, single_only=False, pred=None):
        got = []
        for e in list(pool_any):
            if len(got) >= n:
                break
            if single_only and e.kind.multiline:
                continue
            if pred and not pred(e):
                continue
            got.append(e)
            pool_any.remove(e)
        return got

    usage = {}
    used_paths = set()
    plant_scen = {}     # (entry idx, path) -> scenario
    negatives = set()
    rejected = []

    def pick_style(e, allowed=None):
        styles = MULTI_STYLES if e.kind.multiline else SINGLE_STYLES
        names = [n for n in styles if allowed is None or n in allowed]
        names.sort(key=lambda n: (usage.get(n, 0), rng.random()))
        for sname in names:
            for attempt in range(4):
                if attempt:
                    e.var = rng.choice(e.kind.env_vars)
                probe_rng = random.Random(rng.random())
                _, probe = styles[sname]([e], probe_rng, {"start": False, "end": False})
                if locate(e, probe.replace("\r\n", "\n")):
                    usage[sname] = usage.get(sname, 0) + 1
                    return sname
        return None

    def unique_path(path):
        base = path
        while path in used_paths:
            path = "%s/%s-%s/%s" % (rng.choice(["apps", "services", "packages", "tools", "deploy"]),
                                    rng.choice(WORDS), rng.choice(WORDS), base)
        used_paths.add(path)
        return path

    def render(sname, group, prefix=""):
        styles = MULTI_STYLES if group[0].kind.multiline else SINGLE_STYLES
        for attempt in range(4 if len(group) > 1 else 10):
            layout = {"start": rng.random() < 0.25, "end": rng.random() < 0.3}
            path, text = styles[sname](group, rng, layout)
            norm = text.replace("\r\n", "\n")
            locs = [locate(e, norm) for e in group]
            if any(l is None for l in locs):
                continue
            spans = sorted((l["start"], l["end"]) for l in locs)
            if any(a[1] > b[0] for a, b in zip(spans, spans[1:])):
                continue
            return unique_path(prefix + path), text
        return None

    def make_files(group_entries, scenario, allowed=None, max_group=3, prefix=""):
        """Render entries into files: list of (path, text, entries)."""
        by_style = {}
        for e in group_entries:
            s = pick_style(e, allowed)
            if s is None:
                rejected.append(e.kind.id)
                continue
            by_style.setdefault((e.kind.multiline, s), []).append(e)
        files = []
        for (ml, sname), es in sorted(by_style.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            i = 0
            while i < len(es):
                n = 1 if (ml and sname == "keyfile") or sname == "log_long" else rng.randint(1, max_group)
                grp, seen = [], set()
                for e in es[i:i + n]:
                    if e.kind.id in seen or e.var in {x.var for x in grp}:
                        break
                    seen.add(e.kind.id)
                    grp.append(e)
                grp = grp or es[i:i + 1]
                i += len(grp)
                r = render(sname, grp, prefix)
                if r is None:
                    for e in grp:
                        r1 = render(sname, [e], prefix)
                        if r1 is None:
                            rejected.append(e.kind.id)
                        else:
                            files.append((r1[0], r1[1], [e]))
                else:
                    files.append((r[0], r[1], grp))
        for path, text, grp in files:
            for e in grp:
                plant_scen[(e.idx, path)] = scenario
                e.scenario = scenario
        return files

    def env_line(e):
        """A single `VAR=value` line that locates for this entry, or None."""
        line = "%s=%s" % (e.var, e.text)
        return line if locate(e, line + "\n") else None

    gb = GitBuilder(out)
    os.makedirs(out, exist_ok=True)
    gb.git("init", "-q", "-b", "main")
    with open(marker, "w") as fh:
        fh.write("made by scripts/eval-corpus.py generate-git\n")

    def put(files):
        for path, text, grp in files:
            gb.write(path, text)

    # --- quotas (most constrained first) ------------------------------------------------------
    def env_ok(e):
        return env_line(e) is not None
    conflict_keys = take(2, True, env_ok)
    stash_keys = take(2, True, env_ok)
    binary_keys = take(2, True, env_ok)
    hard_keys = take(16, True, lambda e: isinstance(e.text, str) and "\n" not in e.text)
    line_rm = take(24, True)
    mass_keys = take(8, True)
    del_keys = take(20)
    ren_keys = take(16)
    mvedit_keys = take(8)
    unmerged = take(12)
    tagged = take(8)
    merged = take(8)
    copies = take(4)
    copies_later = take(3)
    persistent = list(pool_any)
    pool_any.clear()

    # --- history ------------------------------------------------------------------------------
    nrng = random.Random(rng.random())
    neg = {}
    neg.update(neg_lockfiles(nrng))
    neg["fixtures/orders.json"] = neg_uuid_json(nrng)
    glog, chlog = neg_git_log(nrng)
    neg["docs/git-log.txt"] = glog
    neg["CHANGELOG.md"] = chlog
    neg.update(neg_digests(nrng))
    neg.update(neg_data_uri(nrng))
    neg["public/assets/app.min.js"] = neg_minified_js(nrng)
    neg.update(neg_placeholders(nrng))
    neg[".gitignore"] = "node_modules/\n__pycache__/\n*.pyc\n/target\n"
    neg["README.md"] = "# orders-platform\n\nMonorepo for the orders API, workers and infrastructure.\n"
    for p, t in neg.items():
        gb.write(p, t)
        negatives.add(p)
        used_paths.add(p)
    gb.commit("Initial import of orders-platform", "root: negatives")

    pchunks = []
    k = len(persistent)
    nchunks = 12
    for i in range(nchunks):
        pchunks.append(persistent[i * k // nchunks:(i + 1) * k // nchunks])

    def persistent_commit(i, msg):
        put(make_files(pchunks[i], "persistent"))
        gb.commit(msg, "persistent keys")

    def filler_commit(msg):
        p = "docs/notes/%s-%d.md" % (rng.choice(WORDS), gb.tick)
        gb.write(p, "# %s\n\n%s\n" % (msg, " ".join(rng.choice(WORDS) for _ in range(40))))
        used_paths.add(p)
        negatives.add(p)
        gb.commit(msg, "filler")

    persistent_commit(0, "Add service configuration")
    del_files_1 = make_files(del_keys[:10], "file added, deleted later")
    put(del_files_1)
    gb.commit("Add local dev credentials", "deleted-later (add)")
    lr_files_1 = make_files(line_rm[:12], "line removed later", allowed=LINE_STYLES, max_group=4)
    put(lr_files_1)
    gb.commit("Wire provider keys into env files", "line-removed (add)")
    ren_files = make_files(ren_keys, "renamed: original path")
    put(ren_files)
    gb.commit("Add deployment configs", "renamed (add)")
    persistent_commit(1, "Configure observability providers")
    filler_commit("Document release process")
    del_files_2 = make_files(del_keys[10:], "file added, deleted later")
    put(del_files_2)
    gb.commit("Add notebook experiments", "deleted-later (add)")
    mv_files = make_files(mvedit_keys, "moved+edited: original path")
    put(mv_files)
    gb.commit("Add worker settings", "moved+edited (add)")
    gb.write("config/runtime.env", "# runtime settings\nMODEL=gpt-4o-mini\nTIMEOUT=30\nRETRIES=3\n")
    used_paths.add("config/runtime.env")
    gb.commit("Add runtime settings", "merge base (no keys)")
    persistent_commit(2, "Add CI pipeline secrets")
    lr_files_2 = make_files(line_rm[12:], "line removed later", allowed=LINE_STYLES, max_group=4)
    put(lr_files_2)
    gb.commit("Add shell helpers", "line-removed (add)")
    for path, _, _ in del_files_1:
        gb.git("rm", "-q", path)
    gb.commit("Remove accidentally committed credentials", "deleted-later (delete)")

    # feature branch, never merged
    gb.git("checkout", "-q", "-b", "feature/llm-router")
    for i in range(3):
        put(make_files(unmerged[i * 4:(i + 1) * 4], "unmerged branch"))
        gb.commit("WIP: llm router step %d" % (i + 1), "unmerged branch")
    gb.git("checkout", "-q", "main")
    persistent_commit(3, "Add payment provider config")

    # pure renames
    renamed_to = {}
    for path, text, grp in ren_files:
        dest = unique_path(rng.choice(["legacy", "archive/2024", "old", "attic"]) + "/" + path.lstrip("."))
        os.makedirs(os.path.dirname(os.path.join(out, dest)), exist_ok=True)
        gb.git("mv", path, dest)
        renamed_to[path] = dest
        for e in grp:
            plant_scen[(e.idx, dest)] = "renamed: new path"
    gb.commit("Move old deployment configs to legacy/", "renamed (rename)")

    # remove key lines
    removed_idx = set()

    def remove_lines(files):
        for path, text, grp in files:
            cur = gb.read(path)
            crlf = "\r\n" in cur
            norm = cur.replace("\r\n", "\n")
            drop = grp[:max(1, len(grp) // 2)] if len(grp) > 1 else grp
            lines = norm.split("\n")
            kill = set()
            for e in drop:
                loc = locate(e, norm)
                if loc and loc["line"] == loc["end_line"]:
                    kill.add(loc["line"] - 1)
            new = "\n".join(ln for i, ln in enumerate(lines) if i not in kill)
            keep = [e for e in grp if e not in drop]
            if any(locate(e, new) is None for e in keep):
                for e in grp:
                    plant_scen[(e.idx, path)] = "line removal skipped (file unchanged)"
                continue
            for e in drop:
                if locate(e, new) is None:
                    removed_idx.add(e.idx)
            for e in grp:
                plant_scen[(e.idx, path)] = "line removed later" if e.idx in removed_idx else "line kept (file edited later)"
            gb.write(path, new.replace("\n", "\r\n") if crlf else new)
    remove_lines(lr_files_1)
    gb.commit("Stop hardcoding provider keys", "line-removed (remove)")

    # tag on a commit whose branch is deleted (annotated)
    gb.git("checkout", "-q", "-b", "release/0.9-rc")
    put(make_files(tagged[:4], "tag on deleted branch"))
    gb.commit("Release candidate config", "tagged, branch deleted")
    gb.git("tag", "-a", "v0.9.0-rc1", "-m", "release candidate 1")
    gb.git("checkout", "-q", "main")
    gb.git("branch", "-q", "-D", "release/0.9-rc")

    # a commit touching 200+ files
    mass_dir = "vendor/acme-sdk/"
    mass_files = make_files(mass_keys, "mass commit (200+ files)", allowed=HEADER_STYLES, max_group=2, prefix=mass_dir)
    put(mass_files)
    mass_paths = [p for p, _, _ in mass_files]
    for i in range(215):
        p = "%smodules/%s_%03d.py" % (mass_dir, rng.choice(WORDS), i)
        used_paths.add(p)
        negatives.add(p)
        gb.write(p, '"""Generated module %d."""\n\nVERSION = "%s"\n\n\ndef handler_%d(event):\n    return {"ok": True, "id": %d}\n'
                 % (i, ver(rng), i, rng.randint(1, 10 ** 6)))
        mass_paths.append(p)
    gb.commit("Vendor acme-sdk 4.2.0", "mass commit (add 220+ files)")
    persistent_commit(4, "Add search provider keys")

    # merged branch (clean merge: keys stay attributed to the branch commits)
    gb.git("checkout", "-q", "-b", "feature/payments")
    put(make_files(merged[:4], "merged branch"))
    gb.commit("Payments: add provider clients", "merged branch")
    put(make_files(merged[4:], "merged branch"))
    gb.commit("Payments: configure webhooks", "merged branch")
    gb.git("checkout", "-q", "main")
    filler_commit("Update onboarding notes")
    gb.tick += 1
    gb.git("merge", "-q", "--no-ff", "-m", "Merge branch 'feature/payments'", "feature/payments")
    gb.commits.append((gb.head(), "clean merge of feature/payments"))
    gb.git("branch", "-q", "-d", "feature/payments")

    # merge whose conflict resolution adds a key
    gb.git("checkout", "-q", "-b", "topic/model-switch")
    gb.write("config/runtime.env", "# runtime settings\nMODEL=claude-3-5-sonnet\nTIMEOUT=30\nRETRIES=3\n")
    gb.commit("Switch default model", "conflict side (no keys)")
    gb.git("checkout", "-q", "main")
    gb.write("config/runtime.env", "# runtime settings\nMODEL=mistral-large\nTIMEOUT=30\nRETRIES=3\n")
    gb.commit("Try mistral as default", "conflict side (no keys)")
    gb.tick += 1
    p = gb.git("merge", "--no-ff", "-m", "Merge branch 'topic/model-switch'", "topic/model-switch", check=False)
    if p.returncode == 0:
        sys.exit("internal error: expected a merge conflict")
    resolved = "# runtime settings\nMODEL=claude-3-5-sonnet\nFALLBACK_MODEL=mistral-large\n" + \
        "".join(env_line(e) + "\n" for e in conflict_keys) + "TIMEOUT=30\nRETRIES=3\n"
    gb.write("config/runtime.env", resolved)
    for e in conflict_keys:
        plant_scen[(e.idx, "config/runtime.env")] = "merge conflict resolution"
        e.scenario = "merge conflict resolution"
    gb.git("add", "config/runtime.env")
    gb.git("commit", "-q", "--no-edit", "-m", "Merge branch 'topic/model-switch'")
    merge_sha = gb.head()
    gb.commits.append((merge_sha, "conflicted merge, resolution adds keys"))
    gb.git("branch", "-q", "-D", "topic/model-switch")

    # move + edit in one commit
    for path, text, grp in mv_files:
        dest = unique_path(rng.choice(["workers", "services/worker", "ops"]) + "/" + path.lstrip("."))
        os.makedirs(os.path.dirname(os.path.join(out, dest)), exist_ok=True)
        gb.git("mv", path, dest)
        cur = gb.read(dest)
        gb.write(dest, cur + ("\r\n" if cur.endswith("\r\n") else "\n"))
        for e in grp:
            plant_scen[(e.idx, dest)] = "moved+edited: new path"
    gb.commit("Reorganise worker configuration", "moved+edited (move)")
    persistent_commit(5, "Add vector database config")
    for path, _, _ in del_files_2:
        gb.git("rm", "-q", path)
    gb.commit("Remove notebooks with credentials", "deleted-later (delete)")

    # touch all 220+ files again
    for p in mass_paths:
        cur = gb.read(p)
        if p.endswith(".py") or any(p == mp for mp, _, _ in mass_files):
            gb.write(p, "# SPDX-License-Identifier: Apache-2.0\n" + cur)
    for path, text, grp in mass_files:
        for e in grp:
            plant_scen[(e.idx, path)] = "mass commit (200+ files), re-touched by a 200+ file commit"
    gb.commit("Add SPDX headers to vendored sources", "mass commit (edit 220+ files)")

    # the same key at several paths
    cfiles = make_files(copies, "same key at several paths (same commit)")
    for path, text, grp in cfiles:
        gb.write(path, text)
        dest = unique_path("deploy/backup/" + path.lstrip("."))
        gb.write(dest, text)
        for e in grp:
            plant_scen[(e.idx, dest)] = "same key at several paths (same commit)"
    gb.commit("Add config backups", "copies (same commit)")
    later = make_files(copies_later, "copied later: original path")
    put(later)
    gb.commit("Add staging settings", "copies (original)")
    persistent_commit(6, "Add embedding provider config")
    for path, text, grp in later:
        dest = unique_path("staging/" + path.lstrip("."))
        gb.write(dest, gb.read(path))
        for e in grp:
            plant_scen[(e.idx, dest)] = "copied later: copy path"
    gb.commit("Copy settings for staging", "copies (copy)")

    # lightweight tag on a deleted branch
    gb.git("checkout", "-q", "-b", "hotfix/ci-token")
    put(make_files(tagged[4:], "tag on deleted branch"))
    gb.commit("Hotfix: CI token", "tagged (lightweight), branch deleted")
    gb.git("tag", "backup/hotfix-ci-token")
    gb.git("checkout", "-q", "main")
    gb.git("branch", "-q", "-D", "hotfix/ci-token")

    remove_lines(lr_files_2)
    gb.commit("Read keys from the environment instead", "line-removed (remove)")

    # negatives change over time
    nrng2 = random.Random(rng.random())
    gb.write("package-lock.json", neg_lockfiles(nrng2)["package-lock.json"])
    gb.git("rm", "-q", "docs/git-log.txt")
    gb.commit("Bump dependencies; drop stale git log dump", "negatives (update/delete)")

    # binary file with keys inside
    recs = [env_line(e).encode() for e in binary_keys]
    blob = bytearray(b"SQLite format 3\x00" + (4096).to_bytes(2, "big") + b"\x01\x01\x00\x40\x20\x20")
    blob += bytes(100 - len(blob))
    blob += b"\x0d\x00\x00\x00\x02\x0f\x00\x00" + b"CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT)"
    noise = bytes(b for b in rbytes(rng, 6000) if b not in (0x0a, 0x0d))
    blob += noise[:1500] + bytes(600)
    for r in recs:
        blob += b"\x00\x00\x81\x17\x03" + r + b"\x00" + bytes(rng.randint(40, 300))
    blob += noise[1500:]
    blob += bytes((-len(blob)) % 4096)
    gb.write("data/app.db", bytes(blob))
    used_paths.add("data/app.db")
    for e in binary_keys:
        plant_scen[(e.idx, "data/app.db")] = "binary file (SQLite-like)"
        e.scenario = "binary file (SQLite-like)"
    gb.commit("Add seeded local database", "binary file")

    # keys encoded, split over lines, in images and archives (one of each hard style, in
    # turn); the archives and images are deleted a few commits later
    hard_names = sorted(HARD_STYLES)
    rng.shuffle(hard_names)
    hard_plants = []   # (entry, file or "archive!member", label fields, scenario)
    hard_files = []
    for i, e in enumerate(hard_keys):
        turn = hard_names[i % len(hard_names):] + hard_names[:i % len(hard_names)]
        for sname in turn:
            category, render_hard = HARD_STYLES[sname]
            made = render_hard(e, random.Random(rng.random()))
            if made:
                break
        else:
            rejected.append(e.kind.id)
            continue
        wanted, content, found_locs = made
        path = unique_path(wanted)
        used_paths.add(path)
        gb.write(path, content)
        hard_files.append((path, isinstance(content, bytes)))
        for loc in found_locs:
            where = path + (loc["file"] or wanted)[len(wanted):]
            hard_plants.append((e, where, loc, "hard: %s" % category))
            e.scenario = "hard: %s" % category
    hard_commit = gb.commit("Add build outputs and encoded deployment settings", "hard keys (encoded, split, archived)")

    for i in range(7, 12):
        persistent_commit(i, rng.choice(["Add", "Configure", "Wire up"]) + " " + rng.choice(["analytics", "speech", "image", "agent", "eval", "billing"]) + " providers (%d)" % i)
        if i % 2:
            filler_commit("Notes from planning session %d" % i)

    gb.git("rm", "-q", "--", *[p for p, binary in hard_files if binary])
    gb.commit("Stop committing build outputs", "hard keys: archives and images deleted")

    # stash entry with a key in a tracked file (last: it resets the work tree)
    gb.tick += 1
    cur = gb.read("config/runtime.env")
    gb.write("config/runtime.env", cur + "".join(env_line(e) + "\n" for e in stash_keys))
    for e in stash_keys:
        plant_scen[(e.idx, "config/runtime.env")] = "stash entry"
        e.scenario = "stash entry"
    gb.git("stash", "push", "-q", "-m", "wip: try new providers")
    stash_sha = gb.git("rev-parse", "refs/stash").stdout.decode().strip()
    gb.commits.append((stash_sha, "stash entry (work tree commit)"))

    # 2. labels from the real history ---------------------------------------------------------
    # (the hard keys are labelled where they were planted: no regex sees them in the blobs)
    hard_idx = {e.idx for e, _, _, _ in hard_plants}
    by_anchor = [(e.anchor, e) for e in entries if e.idx not in hard_idx]
    notes = dict(gb.commits)
    log = gb.git("log", "--all", "--format=%H %ct %P").stdout.decode().split("\n")
    order = []
    for ln in log:
        if ln.strip():
            parts = ln.split()
            order.append((int(parts[1]), parts[0], parts[2:]))
    # stable, parents first: committer time, then topological position
    topo = gb.git("rev-list", "--all", "--topo-order", "--reverse").stdout.decode().split()
    tpos = {c: i for i, c in enumerate(topo)}
    order.sort(key=lambda t: (t[0], tpos.get(t[1], 0)))
    trees = {}

    def tree(c):
        if c not in trees:
            out_ = gb.git("ls-tree", "-r", "-z", c).stdout.decode("utf-8", errors="surrogateescape")
            m = {}
            for rec in out_.split("\0"):
                if rec:
                    meta, path = rec.split("\t", 1)
                    m[path] = meta.split()[2]
            trees[c] = m
        return trees[c]

    introduced = []   # (commit, path, blob)
    for _, c, parents in order:
        t = tree(c)
        pts = [tree(p) for p in parents]
        for path, blob in sorted(t.items()):
            if all(pt.get(path) != blob for pt in pts):
                introduced.append((c, path, blob))
    blobs = {}
    need = sorted({b for _, _, b in introduced})
    p = subprocess.run(["git", "cat-file", "--batch"], cwd=out, input="".join(b + "\n" for b in need).encode(),
                       stdout=subprocess.PIPE, check=True)
    data, pos = p.stdout, 0
    for b in need:
        nl = data.index(b"\n", pos)
        size = int(data[pos:nl].split()[2])
        blobs[b] = data[nl + 1:nl + 1 + size]
        pos = nl + 1 + size + 1
    labels = {}
    unplanted = []
    seen_blobs = set()
    for c, path, b in introduced:
        raw = blobs[b]
        binary = b"\x00" in raw[:8000]
        text = raw.decode("latin-1") if binary else raw.decode("utf-8", errors="replace")
        norm = text.replace("\r\n", "\n")
        here = []
        for anchor, e in by_anchor:
            if anchor not in norm:
                continue
            loc = locate(e, norm)
            if loc is None:
                continue
            here.append(loc["secret"])
            key = (e.idx, path)
            if key in labels:
                continue
            labels[key] = {"kind": e.kind.id, "category": e.kind.category, "secret": loc["secret"], "path": path,
                           "line": None if binary else loc["line"], "end_line": None if binary else loc["end_line"],
                           "commit": c, "commit_note": notes.get(c, ""),
                           "scenario": plant_scen.get(key, getattr(e, "scenario", "?") + " (unplanned path)"),
                           "structural": e.kind.structural, "needs_context": e.kind.needs_context, "binary": binary,
                           "removed_from_head": None}
        if binary or (b in seen_blobs):
            continue
        seen_blobs.add(b)
        for kind in kinds:
            for m in kind.regex.finditer(norm):
                sec = m.group(1)
                if any(sec in h or h in sec or norm_secret(sec) in norm_secret(h) for h in here):
                    continue
                line = line_of(norm, m.start(1))
                if kind.needs_context and not any(kw in norm.split("\n")[line - 1].lower() for kw in kind.keywords):
                    continue
                unplanted.append({"kind": kind.id, "path": path, "commit": c, "line": line, "secret": sec[:200]})
    for e, where, loc, scenario in hard_plants:
        labels[(e.idx, where)] = {"kind": e.kind.id, "category": e.kind.category, "secret": loc["secret"], "path": where,
                                  "line": loc["line"], "end_line": loc["end_line"], "commit": hard_commit,
                                  "commit_note": notes.get(hard_commit, ""), "scenario": scenario,
                                  "structural": e.kind.structural, "needs_context": e.kind.needs_context,
                                  "binary": "!" in where, "removed_from_head": None}
    head_tree = tree(gb.head())
    for lab in labels.values():
        lab["removed_from_head"] = lab["path"] not in head_tree or lab["secret"].split("\n")[0] not in \
            blobs.get(head_tree[lab["path"]], b"").decode("latin-1")
    labs = sorted(labels.values(), key=lambda l: (l["path"], l["line"] or 0, l["kind"]))
    planted_idx = {k[0] for k in labels}
    unlabelled = [e.kind.id for e in entries if e.idx not in planted_idx and e.kind.id not in rejected]

    ncommits = len(set(topo))
    refs = gb.git("for-each-ref", "--format=%(refname) %(objectname)").stdout.decode().split("\n")
    doc = {"version": 1, "generator": "scripts/eval-corpus.py generate-git", "seed": args.seed,
           "formats": os.path.relpath(formats, REPO_ROOT), "repo": out, "commits": ncommits,
           "refs": [r for r in refs if r], "labels": labs,
           "commit_notes": [{"commit": c, "note": n} for c, n in gb.commits],
           "negatives": sorted(negatives), "reference_regex_hits_unplanted": unplanted,
           "rejected": rejected, "unlabelled_entries": unlabelled}
    with open(labels_path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    scen = {}
    for l in labs:
        scen[l["scenario"]] = scen.get(l["scenario"], 0) + 1
    print("wrote %s: %d commits (incl. the 2 stash commits), %d labels for %d planted keys, %d kinds; labels in %s"
          % (out, ncommits, len(labs), len(planted_idx), len({l['kind'] for l in labs}), labels_path))
    print("scenarios: " + "; ".join("%s=%d" % kv for kv in sorted(scen.items())))
    print("refs: " + ", ".join(r.split()[0] for r in refs if r))
    print("biggest commit touches %d files" % max(len(gb.git("diff-tree", "-r", "--no-commit-id", "--name-only", "--root", c).stdout.split()) for c in topo))
    print("reference-regex hits outside planted keys: %d" % len(unplanted))
    if rejected:
        print("rejected plants: %s" % ", ".join(rejected))
    if stats.get("ambiguous_anchor"):
        print("WARNING: no unique anchor for: %s" % ", ".join(stats["ambiguous_anchor"]))
    if unlabelled:
        print("WARNING: planted but unlabelled: %s" % ", ".join(unlabelled))
    return 0


# --------------------------------------------------------------------------------------
# evaluate-git
# --------------------------------------------------------------------------------------

def evaluate_git(args):
    repo = os.path.abspath(args.repo)
    with open(args.labels, encoding="utf-8") as fh:
        doc = json.load(fh)
    cmd = [args.leakward, "git", "--no-config", "--format", "json", "--show-secrets", repo]
    proc, report = run_leakward(cmd, args.timeout)
    if report is None:
        return 2
    findings = report.get("findings") or []
    for f in findings:
        f["_path"] = norm_path(f.get("path") or "", repo)
    notes = {c["commit"]: c["note"] for c in doc.get("commit_notes", [])}

    def cdesc(c):
        return "%s%s" % ((c or "?")[:10], (" (%s)" % notes[c]) if c in notes else "")

    labels = doc["labels"]
    negatives = set(doc.get("negatives", []))
    by_path = {}
    for i, f in enumerate(findings):
        by_path.setdefault(f["_path"], []).append(i)

    def same_key(lab, f, with_line):
        if not secret_match(lab["secret"], f.get("secret"), lab["structural"]):
            return False
        if with_line and lab.get("line") is not None:
            return line_match(lab, f, lab["structural"])
        return True

    exact_used, path_used = set(), set()
    found, found_path, missed = [], [], []
    for lab in labels:
        exact = [i for i in by_path.get(lab["path"], []) if findings[i].get("commit") == lab["commit"] and same_key(lab, findings[i], True)]
        anyc = [i for i in by_path.get(lab["path"], []) if same_key(lab, findings[i], False)]
        exact_used.update(exact)
        path_used.update(anyc)
        if exact:
            found.append(lab)
        else:
            lab = dict(lab)
            lab["_other"] = [findings[i] for i in anyc]
            missed.append(lab)
        if anyc:
            found_path.append(lab)

    def pct(a, b):
        return "%.1f%%" % (100.0 * a / b) if b else "n/a"

    tool = report.get("tool") or {}
    st = report.get("stats") or {}
    print("leakward %s git on %s (%d commits in corpus)" % (tool.get("version", "?"), repo, doc.get("commits", 0)))
    print("findings: %d (exit code %d); stats: %s" % (len(findings), proc.returncode,
          ", ".join("%s=%s" % (k, v) for k, v in st.items() if not isinstance(v, (list, dict)))))
    if st.get("warnings"):
        print("warnings: %s" % st["warnings"][:10])
    n = len(labels)
    print("\nRECALL with the right introducing commit: %d/%d = %s" % (len(found), n, pct(len(found), n)))
    print("RECALL by path (any commit):              %d/%d = %s" % (len(found_path), n, pct(len(found_path), n)))
    scen = {}
    for lab in labels:
        scen.setdefault(lab["scenario"], [0, 0, 0])[2] += 1
    for lab in found:
        scen[lab["scenario"]][0] += 1
    for lab in found_path:
        scen[lab["scenario"]][1] += 1
    print("  by scenario (right commit / by path / labels):")
    for s, (a, b, c) in sorted(scen.items()):
        print("    %-62s %3d / %3d / %3d" % (s, a, b, c))

    print("\nMISSES by scenario (%d):" % len(missed))
    groups = {}
    for lab in missed:
        groups.setdefault(lab["scenario"], []).append(lab)
    for s in sorted(groups):
        print("  [%s] %d" % (s, len(groups[s])))
        for lab in sorted(groups[s], key=lambda l: (l["path"], l["kind"])):
            if lab["_other"]:
                why = "reported at %s" % ", ".join(sorted({cdesc(f.get("commit")) for f in lab["_other"]}))
            else:
                near = [findings[i] for i in by_path.get(lab["path"], []) if lab.get("line") is None
                        or findings[i].get("line") == lab["line"]]
                why = "not reported" + (" (same path/line: %s %r)" % (near[0].get("rule_id"), (near[0].get("secret") or "")[:40]) if near else "")
            print("    %-40s %s:%s  label %s  -> %s" % (lab["kind"], lab["path"], lab["line"] if lab["line"] is not None else "-",
                                                      cdesc(lab["commit"]), why))

    wrong = [i for i in sorted(path_used - exact_used)]
    wrong_real = [i for i in wrong if not any(l["path"] == findings[i]["_path"] and same_key(l, findings[i], False) for l in found)]
    dup = [i for i in wrong if i not in wrong_real]
    print("\nWRONG ATTRIBUTION (right secret and path, different commit; label not found at its commit): %d" % len(wrong_real))
    for i in wrong_real:
        f = findings[i]
        labs = [l for l in labels if l["path"] == f["_path"] and same_key(l, f, False)]
        print("  %s:%s  %s  reported %s, label %s" % (f["_path"], f.get("line"), f.get("rule_id"), cdesc(f.get("commit")),
                                                      cdesc(labs[0]["commit"]) if labs else "?"))
    print("DUPLICATES (right secret and path, another commit, label also found at its own commit): %d" % len(dup))
    for i in dup[:30]:
        f = findings[i]
        print("  %s:%s  %s  at %s" % (f["_path"], f.get("line"), f.get("rule_id"), cdesc(f.get("commit"))))

    rest = [i for i in range(len(findings)) if i not in path_used]
    incidental, ref_hits, fps = [], [], []
    unpl = doc.get("reference_regex_hits_unplanted", [])
    for i in rest:
        f = findings[i]
        sec = f.get("secret") or ""
        if f["_path"] not in negatives and any(l["path"] == f["_path"] and (secret_match(l["secret"], sec, True)) for l in labels):
            incidental.append(i)
        elif any(u["path"] == f["_path"] and (u["secret"] == sec[:200] or secret_match(u["secret"], sec, True)) for u in unpl):
            ref_hits.append(i)
        else:
            fps.append(i)
    print("\nFALSE POSITIVES (finding matches no label): %d" % len(fps))
    for i in fps:
        f = findings[i]
        print("  %s:%s  %s  %r  at %s%s" % (f["_path"], f.get("line"), f.get("rule_id"), (f.get("secret") or "")[:70],
                                          cdesc(f.get("commit")), "  [negative file]" if f["_path"] in negatives else ""))
    print("other findings: %d inside/overlapping a planted key (other rule on the same key), %d on unplanted reference-regex hits"
          % (len(incidental), len(ref_hits)))
    for i in ref_hits:
        f = findings[i]
        print("  ref-hit %s:%s  %s  %r" % (f["_path"], f.get("line"), f.get("rule_id"), (f.get("secret") or "")[:70]))
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="write a labelled corpus into OUTDIR")
    g.add_argument("outdir")
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--formats", default=None, help="path of ai-key-formats.json (default: %s relative to the repo root)" % DEFAULT_FORMATS)
    e = sub.add_parser("evaluate", help="scan OUTDIR with leakward and score it against labels.json")
    e.add_argument("outdir")
    e.add_argument("--leakward", required=True, help="path of the leakward binary")
    e.add_argument("--timeout", type=int, default=600)
    e.add_argument("--scan-arg", action="append", metavar="ARG",
                   help="extra argument for `leakward scan` (repeatable), e.g. --scan-arg=--rules --scan-arg=DIR")
    gg = sub.add_parser("generate-git", help="build a labelled git repository in OUTDIR; labels go to OUTDIR/../<name>-labels.json")
    gg.add_argument("outdir")
    gg.add_argument("--seed", type=int, default=1)
    gg.add_argument("--formats", default=None, help="path of ai-key-formats.json (default: %s relative to the repo root)" % DEFAULT_FORMATS)
    eg = sub.add_parser("evaluate-git", help="run `leakward git` on REPO and score it against LABELS")
    eg.add_argument("repo")
    eg.add_argument("labels")
    eg.add_argument("--leakward", required=True, help="path of the leakward binary")
    eg.add_argument("--timeout", type=int, default=600)
    args = ap.parse_args(argv)
    if args.cmd == "generate":
        generate(args)
        return 0
    if args.cmd == "generate-git":
        return generate_git(args)
    if args.cmd == "evaluate-git":
        return evaluate_git(args)
    return evaluate(args)


if __name__ == "__main__":
    sys.exit(main())
