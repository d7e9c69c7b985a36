#!/usr/bin/env bash
# fetch-ovmf-trixie.sh - installs a second OVMF firmware, Debian trixie's (EDK2 2025.02), into
# $OVMF_TRIXIE_DIR (OVMF_CODE_4M.fd, OVMF_VARS_4M.fd, version, copyright) when it is missing.
# Run by install-deps.sh.  The .deb comes from Debian's archive through apt with a private
# sources list, lists and cache in a temporary directory: the system's apt sources, lists and
# cache are left as they were, and apt checks the trixie Release signature (the keyring of
# debian-archive-keyring, which on Debian 12 holds the trixie keys).  Needs root or sudo.
set -euo pipefail
dir=${OVMF_TRIXIE_DIR:-/usr/local/share/barebench/ovmf-trixie}

[ -s "$dir/OVMF_CODE_4M.fd" ] && [ -s "$dir/OVMF_VARS_4M.fd" ] && exit 0

fail() { echo "error: could not install trixie's OVMF into $dir: $*" >&2; exit 1; }
. "$(dirname "$0")/apt-private.bash"
echo "fetching Debian trixie's OVMF (a second firmware for the phys-bits=48 boot test) into $dir"
apt_private trixie ""
(cd "$t/get" && apt-get "${apt_opts[@]}" -qq download ovmf/trixie) >"$t/download.log" 2>&1 \
    || { cat "$t/download.log" >&2; fail "apt-get download ovmf/trixie failed"; }
deb=$(ls "$t"/get/ovmf_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "apt-get download left no ovmf_*.deb"
dpkg-deb -x "$deb" "$t/x" || fail "$deb does not unpack"
for f in OVMF_CODE_4M.fd OVMF_VARS_4M.fd; do
    [ -s "$t/x/usr/share/OVMF/$f" ] || fail "$deb has no usr/share/OVMF/$f"
done
dpkg-deb -f "$deb" Version >"$t/x/version"
[ -f "$t/x/usr/share/doc/ovmf/copyright" ] && cp "$t/x/usr/share/doc/ovmf/copyright" "$t/x/"
# each file lands whole (a rename), the firmware code last: a concurrent run or boot test
# sees the old state or the new one, never a half-written file
$SUDO mkdir -p "$dir"
for f in version copyright usr/share/OVMF/OVMF_VARS_4M.fd usr/share/OVMF/OVMF_CODE_4M.fd; do
    [ -f "$t/x/$f" ] || continue
    b=$(basename "$f")
    $SUDO install -m 644 "$t/x/$f" "$dir/.$b.$$" && $SUDO mv -f "$dir/.$b.$$" "$dir/$b" \
        || fail "cannot write $dir/$b"
done
echo "installed OVMF $(cat "$dir/version") (Debian trixie) in $dir"
