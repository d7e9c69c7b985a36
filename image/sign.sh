#!/usr/bin/env bash
# sign.sh - signs barebench.efi in place for Secure Boot with sbsign (a signature already there
# is replaced), then checks it with sbverify.   image/sign.sh KEY.pem CERT.pem BAREBENCH.EFI
set -euo pipefail
die() { echo "error: $*" >&2; exit 1; }

key=${1:-} cert=${2:-} efi=${3:-}
[ -n "$key" ] && [ -n "$cert" ] && [ -n "$efi" ] || die "usage: make sign KEY=db.key CERT=db.crt"
[ -r "$key" ] || die "cannot read the key '$key'"
[ -r "$cert" ] || die "cannot read the certificate '$cert'"
[ -f "$efi" ] || die "$efi not found (make efi)"
for t in sbsign sbverify sbattach; do
    command -v "$t" >/dev/null || die "'$t' not found (Debian package sbsigntool: make deps)"
done
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.signed"' EXIT
cp "$efi" "$tmp"
# sign what the linker made, not an earlier signature
sbattach --remove "$tmp" >/dev/null 2>&1 || true
sbsign --key "$key" --cert "$cert" --output "$tmp.signed" "$tmp" 2>&1 | grep -v '^Signing Unsigned' >&2 || true
[ -s "$tmp.signed" ] || die "sbsign failed"
sbverify --cert "$cert" "$tmp.signed" >/dev/null 2>&1 || die "the signed file does not verify against $cert"
# replace in place, keeping the mtime newer than its inputs so make does not rebuild it
cat "$tmp.signed" >"$efi"
touch "$efi"
echo "signed $efi with $cert (sbverify --cert $cert $efi: ok)"
