#!/usr/bin/env bash
# validate-docs.sh - checks results documents against docs/schema.json (JSON Schema, validated by
# Debian's python3-jsonschema); prints "ok - FILE" / "not ok - FILE: why" per file.
#   tests/validate-docs.sh FILE.json...        exit 0 when every file validates
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || { echo "usage: tests/validate-docs.sh FILE.json..." >&2; exit 2; }
python3 - "$top/docs/schema.json" "$@" <<'PY'
import json, sys
try:
    import jsonschema
except ImportError:
    print("not ok - python3-jsonschema is not installed (make deps)")
    sys.exit(1)
schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft7Validator(schema)
bad = 0
for path in sys.argv[2:]:
    try:
        doc = json.load(open(path))
    except (OSError, ValueError) as e:
        print(f"not ok - {path}: not readable JSON: {e}")
        bad += 1
        continue
    errs = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    if errs:
        bad += 1
        e = errs[0]
        where = "/".join(str(p) for p in e.path) or "(top)"
        print(f"not ok - {path}: {len(errs)} problem(s); first at {where}: {e.message[:200]}")
    else:
        print(f"ok - {path} validates against docs/schema.json")
sys.exit(1 if bad else 0)
PY
