#!/usr/bin/env bash
# mkdeb.sh - builds the Debian package of barebench's host side (`make deb`): the host tools in
# /usr/bin, the boot image files in /usr/share/barebench, the collector's systemd unit, the man
# pages and the docs, with dpkg-deb (no debhelper); Depends from dpkg-shlibdeps.
#   tools/deb/mkdeb.sh BUILD VERSION OUT.deb
# BUILD holds the built files (host/barebench, host/benchcmp, host/barebench-collect,
# host/barebench-db, host/mkscratch, barebench.efi, barebench.iso, barebench.img).
set -euo pipefail
build=${1:?usage: mkdeb.sh BUILD VERSION OUT.deb} version=${2:?version} out=${3:?OUT.deb}
top=$(cd "$(dirname "$0")/../.." && pwd)
arch=$(dpkg --print-architecture)
tools=(barebench benchcmp barebench-collect barebench-db mkscratch)
images=(barebench.efi barebench.iso barebench.img)

for t in "${tools[@]}"; do [ -x "$build/host/$t" ] || { echo "mkdeb.sh: $build/host/$t is missing (make host)" >&2; exit 1; }; done
for f in "${images[@]}"; do [ -f "$build/$f" ] || { echo "mkdeb.sh: $build/$f is missing (make efi iso img)" >&2; exit 1; }; done

# dpkg-shlibdeps wants the package staged as debian/PACKAGE under a directory with debian/control
work=$build/deb
pkg=$work/debian/barebench
rm -rf "$work"
install -d "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/usr/share/barebench" "$pkg/lib/systemd/system" \
           "$pkg/usr/share/man/man1" "$pkg/usr/share/doc/barebench"
for t in "${tools[@]}"; do install -m 755 -s "$build/host/$t" "$pkg/usr/bin/$t"; done
for f in "${images[@]}"; do install -m 644 "$build/$f" "$pkg/usr/share/barebench/$f"; done
install -m 644 "$top/image/dnsmasq.conf.example" "$pkg/usr/share/barebench/dnsmasq.conf.example"
# the unit as in the tree, with the program where the package puts it
sed 's|/usr/local/bin/barebench-collect|/usr/bin/barebench-collect|' \
    "$top/tools/collect/barebench-collect.service" >"$pkg/lib/systemd/system/barebench-collect.service"
chmod 644 "$pkg/lib/systemd/system/barebench-collect.service"
for t in "${tools[@]}"; do gzip -9n <"$top/docs/man/$t.1" >"$pkg/usr/share/man/man1/$t.1.gz"; done
install -m 644 "$top/README.md" "$top"/docs/*.md "$top/docs/schema.json" "$pkg/usr/share/doc/barebench/"
gzip -9n <"$top/tools/deb/changelog" >"$pkg/usr/share/doc/barebench/changelog.Debian.gz"
install -m 644 "$top/tools/deb/copyright" "$pkg/usr/share/doc/barebench/copyright"

printf 'Source: barebench\n\nPackage: barebench\nArchitecture: any\n' >"$work/debian/control"
deps=$(cd "$work" && dpkg-shlibdeps -O $(printf 'debian/barebench/usr/bin/%s ' "${tools[@]}") |
       sed -n 's/^shlibs:Depends=//p')
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@DEPENDS@/$deps/" -e "s/@SIZE@/$size/" \
    "$top/tools/deb/control.in" >"$pkg/DEBIAN/control"
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort | xargs md5sum) >"$pkg/DEBIAN/md5sums"
chmod 644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zxz -z6 --build "$pkg" "$out" >/dev/null
echo "built $out ($(stat -c %s "$out") bytes, version $version)"
