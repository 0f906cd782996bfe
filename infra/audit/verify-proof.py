#!/usr/bin/env python3
"""Checks an offline proof of the VNF mobility console's audit log with nothing but the public key.

Usage: verify-proof.py PROOF_DIR [--public-key operator-key.pem] [--quiet]

PROOF_DIR is what `audit export-proof` (or the integrity page's "Export proof") wrote: checkpoint.txt,
checkpoint.sig, public-key.pem and entries.jsonl. The checks (infra/audit/README.md describes each):
  1. the key id in checkpoint.txt is the SHA-256 of the public key's DER SubjectPublicKeyInfo;
  2. `openssl dgst -sha256 -verify` accepts checkpoint.sig over checkpoint.txt;
  3. recomputing the hash chain from entries.jsonl, entry by entry from 32 zero bytes, gives every recorded
     prev_hash and entry_hash, and at the checkpoint's position exactly the signed entry hash.
Pass --public-key with the key the operator published to you: the copy inside the proof proves nothing by itself.
Needs python3 (standard library only) and the openssl command. Exit code 0: the proof holds; 1: it does not;
2: usage error or a file is missing.
"""
import hashlib
import json
import os
import struct
import subprocess
import sys
import uuid

TAG = b"vnf-console/audit-entry/v1"
NULL = 0xFFFFFFFF
HEADER = "vnf-console audit checkpoint v1"


def field(value):
    """One length-prefixed field: uint32 big-endian length then the bytes; None is the length 0xFFFFFFFF alone."""
    if value is None:
        return struct.pack(">I", NULL)
    return struct.pack(">I", len(value)) + value


def text(value):
    return None if value is None else value.encode("utf-8")


def content(entry):
    """The canonical content bytes of one chain entry (the console's EntryEncoding)."""
    return b"".join([
        field(TAG),
        field(struct.pack(">q", entry["seq"])),
        field(uuid.UUID(entry["event_id"]).bytes),
        field(None if entry["stream_id"] is None else uuid.UUID(entry["stream_id"]).bytes),
        field(struct.pack(">q", entry["version"])),
        field(text(entry["type"])),
        field(struct.pack(">q", entry["timestamp_us"])),
        field(text(entry["tenant_id"])),
        field(text(entry["dotnet_type"])),
        field(text(entry["data"])),
    ])


def entry_hash(prev, entry):
    return hashlib.sha256(prev + content(entry)).digest()


def read_checkpoint(path):
    with open(path, "rb") as f:
        raw = f.read()
    lines = raw.decode("utf-8").split("\n")
    if lines[0] != HEADER or lines[-1] != "" or len(lines) != 8:
        raise ValueError(f"{path} is not a v1 checkpoint text (header, six 'name: value' lines, final line feed)")
    values = {}
    for line in lines[1:-1]:
        name, sep, value = line.partition(": ")
        if not sep:
            raise ValueError(f"{path}: malformed line {line!r}")
        values[name] = value
    for name in ("number", "position", "sequence", "entry-hash", "created-at", "key-id"):
        if name not in values:
            raise ValueError(f"{path}: no {name} line")
    return values


def openssl(*args):
    return subprocess.run(["openssl", *args], capture_output=True)


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    quiet = "--quiet" in argv
    key_override = None
    if "--public-key" in argv:
        i = argv.index("--public-key")
        if i + 1 >= len(argv):
            print("--public-key needs a file", file=sys.stderr)
            return 2
        key_override = argv[i + 1]
        args = [a for a in args if a != key_override]
    if len(args) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    folder = args[0]
    paths = {n: os.path.join(folder, n) for n in ("checkpoint.txt", "checkpoint.sig", "public-key.pem", "entries.jsonl")}
    key = key_override or paths["public-key.pem"]
    for p in list(paths.values()) + [key]:
        if not os.path.isfile(p):
            print(f"missing {p}", file=sys.stderr)
            return 2

    def say(msg):
        if not quiet:
            print(msg)

    try:
        cp = read_checkpoint(paths["checkpoint.txt"])
    except ValueError as e:
        print(f"BROKEN: {e}")
        return 1

    # 1. The key id names exactly this public key.
    der = openssl("pkey", "-pubin", "-in", key, "-outform", "DER")
    if der.returncode != 0:
        print(f"BROKEN: {key} is not a public key openssl can read: {der.stderr.decode().strip()}")
        return 1
    key_id = hashlib.sha256(der.stdout).hexdigest()
    if key_id != cp["key-id"]:
        print(f"BROKEN: checkpoint names key {cp['key-id']}, but {key} has key id {key_id}")
        return 1
    say(f"key id      {key_id}  (SHA-256 of the public key's DER SubjectPublicKeyInfo)")

    # 2. The signature over the exact bytes of checkpoint.txt.
    sig = openssl("dgst", "-sha256", "-verify", key, "-signature", paths["checkpoint.sig"], paths["checkpoint.txt"])
    if sig.returncode != 0:
        print(f"BROKEN: the signature does not verify: {(sig.stdout + sig.stderr).decode().strip()}")
        return 1
    say(f"signature   {sig.stdout.decode().strip()}  (openssl dgst -sha256 -verify)")

    # 3. The chain, from its first entry to the checkpoint's.
    position = int(cp["position"])
    prev = bytes(32)
    count = 0
    last = None
    with open(paths["entries.jsonl"], encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            entry = json.loads(line)
            where = f"position {entry.get('position')}, seq {entry.get('seq')}"
            if entry.get("position") != n:
                print(f"BROKEN at line {n}: expected chain position {n}, found {entry.get('position')}")
                return 1
            if entry.get("missing"):
                print(f"BROKEN at {where}: the event {entry.get('event_id')} was missing from the database when exported")
                return 1
            if bytes.fromhex(entry["prev_hash"]) != prev:
                print(f"BROKEN at {where}: prev_hash {entry['prev_hash']} is not the previous entry's hash {prev.hex()}")
                return 1
            h = entry_hash(prev, entry)
            if h.hex() != entry["entry_hash"]:
                print(f"BROKEN at {where} ({entry['type']}, stream {entry['stream_id']} version {entry['version']}): "
                      f"content hashes to {h.hex()}, the chain recorded {entry['entry_hash']}")
                return 1
            prev = h
            count = n
            last = entry
    if count != position:
        print(f"BROKEN: the checkpoint covers {position} entries, entries.jsonl holds {count}")
        return 1
    if last is not None and str(last["seq"]) != cp["sequence"]:
        print(f"BROKEN: the checkpoint's entry is seq {cp['sequence']}, the last entry is seq {last['seq']}")
        return 1
    if prev.hex() != cp["entry-hash"]:
        print(f"BROKEN: the chain ends in {prev.hex()}, the checkpoint signed {cp['entry-hash']}")
        return 1
    say(f"chain       {count} entries recomputed; entry {position} hashes to {prev.hex()} as signed")
    print(f"OK: checkpoint #{cp['number']} ({cp['created-at']}) proves events 1..{position} "
          f"(up to seq {cp['sequence']}) unchanged, signed by key {key_id[:16]}...")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
