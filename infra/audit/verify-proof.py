#!/usr/bin/env python3
"""Checks an offline proof of the VNF mobility console's audit log with nothing but the public key.

Usage: verify-proof.py PROOF_DIR [--public-key operator-key.pem] [--quiet]
       verify-proof.py --inclusion PROOF.json --public-key operator-key.pem
       verify-proof.py --consistency PROOF.json --public-key operator-key.pem
       verify-proof.py --evidence BUNDLE.json --public-key operator-key.pem

PROOF_DIR is what `audit export-proof` (or the integrity page's "Export proof") wrote: checkpoint.txt,
checkpoint.sig, public-key.pem and entries.jsonl. The checks (infra/audit/README.md describes each):
  1. the key id in checkpoint.txt is the SHA-256 of the public key's DER SubjectPublicKeyInfo;
  2. `openssl dgst -sha256 -verify` accepts checkpoint.sig over checkpoint.txt;
  3. recomputing the hash chain from entries.jsonl, entry by entry from 32 zero bytes, gives every recorded
     prev_hash and entry_hash, and at the checkpoint's position exactly the signed entry hash;
  4. for a signed tree head (checkpoint v2), the RFC 9162 Merkle root of the entries' leaf hashes is the signed root.
--inclusion checks that `audit prove-inclusion` output proves its event under its signed tree head; --consistency
that `audit prove-consistency` output proves the second signed tree head extends the first (RFC 9162, 2.1.3 and 2.1.4);
--evidence that every event of a request's evidence bundle is included under the bundle's signed tree head, and that
its list of decisions (who approved or rejected, how they authenticated) is what the signed events say.
Pass --public-key with the key the operator published to you: the copy inside the proof proves nothing by itself.
Needs python3 (standard library only) and the openssl command. Exit code 0: the proof holds; 1: it does not;
2: usage error or a file is missing.
"""
import base64
import datetime
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
HEADER_V2 = "vnf-console audit checkpoint v2"


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


def leaf_hash(entry):
    """RFC 9162 leaf: SHA-256(0x00 || content)."""
    return hashlib.sha256(b"\x00" + content(entry)).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


class Tree:
    """The right edge of a Merkle tree (one subtree per set bit of the size): append leaves, read the root."""

    def __init__(self):
        self.nodes = []  # nodes[level] = hash or None
        self.size = 0

    def append(self, leaf):
        h, level = leaf, 0
        while level < len(self.nodes) and self.nodes[level] is not None:
            h = node_hash(self.nodes[level], h)
            self.nodes[level] = None
            level += 1
        if level == len(self.nodes):
            self.nodes.append(None)
        self.nodes[level] = h
        self.size += 1

    def root(self):
        root = None
        for node in self.nodes:
            if node is not None:
                root = node if root is None else node_hash(node, root)
        return root if root is not None else hashlib.sha256(b"").digest()


def verify_inclusion(index, size, leaf, path, root):
    """RFC 9162, 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_root, second_root, path):
    """RFC 9162, 2.1.4.2."""
    if second < first:
        return False
    if first == second:
        return not path and first_root == second_root
    if first == 0:
        return not path
    if not path:
        return False
    if first & (first - 1) == 0:
        path = [first_root] + path
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


def parse_checkpoint(raw, where):
    lines = raw.decode("utf-8").split("\n")
    v2 = lines[0] == HEADER_V2
    if (lines[0] != HEADER and not v2) or lines[-1] != "" or len(lines) != (9 if v2 else 8):
        raise ValueError(f"{where} is not a v1 checkpoint or v2 signed tree head text (header, 'name: value' lines, final line feed)")
    values = {}
    for line in lines[1:-1]:
        name, sep, value = line.partition(": ")
        if not sep:
            raise ValueError(f"{where}: malformed line {line!r}")
        values[name] = value
    for name in ("number", "position", "sequence", "entry-hash", "created-at", "key-id") + (("root-hash",) if v2 else ()):
        if name not in values:
            raise ValueError(f"{where}: no {name} line")
    return values


def read_checkpoint(path):
    with open(path, "rb") as f:
        return parse_checkpoint(f.read(), path)


def openssl(*args):
    return subprocess.run(["openssl", *args], capture_output=True)


def key_id_of(key):
    der = openssl("pkey", "-pubin", "-in", key, "-outform", "DER")
    if der.returncode != 0:
        raise ValueError(f"{key} is not a public key openssl can read: {der.stderr.decode().strip()}")
    return hashlib.sha256(der.stdout).hexdigest()


def check_head(head, key, key_id, tmp):
    """A signed tree head from a proof file: its exact text, signed by the key; returns its values."""
    raw = head["text"].encode("utf-8")
    values = parse_checkpoint(raw, f"tree head #{head.get('number')}")
    if "root-hash" not in values:
        raise ValueError(f"tree head #{values['number']} is a v1 checkpoint without a Merkle root")
    if values["key-id"] != key_id:
        raise ValueError(f"tree head #{values['number']} names key {values['key-id']}, but {key} has key id {key_id}")
    text_path = os.path.join(tmp, f"head-{values['number']}.txt")
    sig_path = text_path + ".sig"
    with open(text_path, "wb") as f:
        f.write(raw)
    with open(sig_path, "wb") as f:
        f.write(base64.b64decode(head["signature"]))
    sig = openssl("dgst", "-sha256", "-verify", key, "-signature", sig_path, text_path)
    if sig.returncode != 0:
        raise ValueError(f"the signature of tree head #{values['number']} does not verify: {(sig.stdout + sig.stderr).decode().strip()}")
    return values


def included(proof, head):
    """One event and its audit path (an inclusion proof, or an item of an evidence bundle) under a checked head."""
    entry = proof["event"]
    leaf = leaf_hash(entry)
    if leaf.hex() != proof["leaf_hash"]:
        raise ValueError(f"the event at seq {entry['seq']} hashes to leaf {leaf.hex()}, the proof says {proof['leaf_hash']}: "
                         "the event was altered")
    path_hashes = [bytes.fromhex(h) for h in proof["path"]]
    if not verify_inclusion(proof["leaf_index"], int(head["position"]), leaf, path_hashes, bytes.fromhex(head["root-hash"])):
        raise ValueError(f"the audit path does not lead from leaf {proof['leaf_index']} (seq {entry['seq']}) to the root "
                         f"signed by tree head #{head['number']}")


DECISIONS = {"approval_granted": "approved", "request_rejected": "rejected"}
METHODS = {"totp": "authenticator code", "recovery-code": "recovery code", "fresh-sign-in": "fresh sign-in"}


def decisions_of(bundle):
    """Who approved or rejected the request and how they authenticated, read from the signed events themselves."""
    found = []
    for item in bundle["items"]:
        entry = item["event"]
        if item["part"] != "request" or entry["type"] not in DECISIONS:
            continue
        data = json.loads(entry["data"])
        found.append({
            "seq": entry["seq"],
            "decision": DECISIONS[entry["type"]],
            "person_id": data.get("ApproverId"),
            "person_name": data.get("ApproverName"),
            "group": data.get("Group"),
            "at": data.get("At"),
            "authentication_method": data.get("AuthenticationMethod"),
            "authenticated_at": data.get("AuthenticatedAt"),
        })
    return found


def authentication(method, at):
    if method is None:
        return "not recorded (before step-up)"
    if method == "none":
        return "no step-up needed"
    return METHODS.get(method, method) + (f" at {at}" if at else "")


def proof_file(kind, path, key):
    """--inclusion / --consistency / --evidence: exit code 0 when the proof holds, 1 when not."""
    import tempfile
    with open(path, encoding="utf-8") as f:
        proof = json.load(f)
    try:
        key_id = key_id_of(key)
        with tempfile.TemporaryDirectory() as tmp:
            if kind == "inclusion":
                head = check_head(proof["tree_head"], key, key_id, tmp)
                entry = proof["event"]
                included(proof, head)
                print(f"OK: event seq {entry['seq']} ({entry['type']}, stream {entry['stream_id']} version {entry['version']}) is entry "
                      f"{proof['leaf_index'] + 1} of the {head['position']} under tree head #{head['number']} ({head['created-at']}), "
                      f"root {head['root-hash'][:16]}..., signed by key {key_id[:16]}...")
            elif kind == "evidence":
                if proof.get("kind") != "vnf-console/evidence-bundle/v1":
                    raise ValueError(f"not an evidence bundle (kind {proof.get('kind')!r})")
                head = check_head(proof["tree_head"], key, key_id, tmp)
                if not proof["items"]:
                    raise ValueError("the bundle holds no events")
                print(f"tree head #{head['number']} ({head['created-at']}, {head['position']} entries) signed by key {key_id[:16]}...")
                for item in proof["items"]:
                    included(item, head)
                    entry = item["event"]
                    if entry["stream_id"] != proof["request_id"] and item["part"] == "request":
                        raise ValueError(f"event seq {entry['seq']} is filed as the request's but belongs to stream {entry['stream_id']}")
                    data = json.loads(entry["data"])
                    by = data.get("By") or data.get("ApproverId") or data.get("ApprovedBy") or ""
                    at = datetime.datetime.fromtimestamp(entry["timestamp_us"] / 1e6, datetime.timezone.utc).isoformat(timespec="seconds")
                    print(f"  {item['part']:<12} seq {entry['seq']:>8}  {entry['type']:<32} {at}  {by}")
                signed = decisions_of(proof)
                # Bundles made before the list existed carry none; the signed events are read either way.
                if "decisions" in proof and proof["decisions"] != signed:
                    raise ValueError("the bundle's list of decisions does not match its signed approval and rejection events "
                                     f"(the list says {proof['decisions']!r}, the signed events {signed!r})")
                for d in signed:
                    print(f"  {d['decision']:<8} seq {d['seq']:>8}  by {d['person_id']} ({d['person_name']})"
                          f"{' for ' + d['group'] if d['group'] else ''} at {d['at']}; authenticated: "
                          f"{authentication(d['authentication_method'], d['authenticated_at'])}")
                print(f"OK: the {len(proof['items'])} events of request {proof['request_id']} ({proof['request_kind']}, "
                      f"{proof['request_status']}) are entries of the log under tree head #{head['number']}")
            else:
                first = check_head(proof["first"], key, key_id, tmp)
                second = check_head(proof["second"], key, key_id, tmp)
                m, n = int(first["position"]), int(second["position"])
                path_hashes = [bytes.fromhex(h) for h in proof["path"]]
                if not verify_consistency(m, n, bytes.fromhex(first["root-hash"]), bytes.fromhex(second["root-hash"]), path_hashes):
                    raise ValueError(f"tree head #{second['number']} ({n} entries) does not extend tree head #{first['number']} ({m} entries): "
                                     "the history was rewritten between them")
                print(f"OK: tree head #{second['number']} ({n} entries) extends tree head #{first['number']} ({m} entries); "
                      f"{len(path_hashes)} hashes, signed by key {key_id[:16]}...")
    except (ValueError, KeyError, TypeError) as e:
        print(f"BROKEN: {e}")
        return 1
    return 0


def main(argv):
    for kind in ("inclusion", "consistency", "evidence"):
        flag = f"--{kind}"
        if flag in argv:
            i = argv.index(flag)
            if i + 1 >= len(argv) or "--public-key" not in argv or argv.index("--public-key") + 1 >= len(argv):
                print(f"{flag} needs a proof file and --public-key KEY (the operator's published key)", file=sys.stderr)
                return 2
            key = argv[argv.index("--public-key") + 1]
            if not os.path.isfile(argv[i + 1]) or not os.path.isfile(key):
                print(f"missing {argv[i + 1] if not os.path.isfile(argv[i + 1]) else key}", file=sys.stderr)
                return 2
            return proof_file(kind, argv[i + 1], key)
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
    tree = Tree()
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
            tree.append(leaf_hash(entry))
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
    if "root-hash" in cp:
        if tree.root().hex() != cp["root-hash"]:
            print(f"BROKEN: the Merkle tree of the {count} entries has root {tree.root().hex()}, the tree head signed {cp['root-hash']}")
            return 1
        say(f"tree        Merkle root of the {count} leaves is {cp['root-hash']} as signed (RFC 9162)")
    print(f"OK: checkpoint #{cp['number']} ({cp['created-at']}) proves events 1..{position} "
          f"(up to seq {cp['sequence']}) unchanged, signed by key {key_id[:16]}...")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
