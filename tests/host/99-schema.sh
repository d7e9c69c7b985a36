#!/usr/bin/env bash
# 99-schema.sh - every results document the project keeps or the test suite produced validates
# against docs/schema.json: the benchcmp fixtures, and the documents the earlier boot tests left
# in build/tests/ (sorted last so they have run).  No boot of its own.
# run.sh: lock=last (validates the documents every other test left)
. "$(dirname "$0")/../boot/lib.sh"
docs=("$top"/tests/fixtures/*.json "$top"/tests/fixtures/study/*.json "$top"/tests/fixtures/arch/*.json)
while IFS= read -r -d '' f; do
    # documents only (not fio's output); bad-*.json are the bad-input tests' deliberate breakage,
    # and so are the hostile documents of 23-benchcmp-hostile (hostile.*/) and 27-collect-edges'
    # forged one (forge.json); the collector load and crash tests' 200 stored copies of one
    # fixture, and the fleet store tests' hundreds (71-73: fleet.*/, some beyond the schema on
    # purpose: a refused one, an upper-case UUID), are left out (time, not coverage)
    jq -e '.schema == "barebench/1"' "$f" >/dev/null 2>&1 && docs+=("$f")
done < <(find "$BUILD/tests" -name '*.json' ! -name 'bad-*' ! -name 'forge.json' ! -path '*/hostile.*' \
    ! -path '*/load.*' ! -path '*/crash.*' ! -path '*/fleet.*' -print0 2>/dev/null)
echo "# validating ${#docs[@]} documents"
"$top/tests/validate-docs.sh" "${docs[@]}"
# the validator itself must refuse what the schema rules out
bad=$(mktemp -d); trap 'rm -rf "$bad"' EXIT
jq '.results[0].unit = 5 | .results[0] |= del(.samples)' "$top/tests/fixtures/kvm.json" >"$bad/bad.json"
check "schema: a document with a malformed entry is refused" bash -c "! '$top/tests/validate-docs.sh' '$bad/bad.json'"
