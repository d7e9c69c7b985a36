# apt-private.bash - sourced by tools/fetch-*.sh: apt-get with a private sources list, lists and
# cache in a temporary directory, so the system's apt sources, lists, architectures and cache are
# left as they were; apt checks the Release signature (debian-archive-keyring).  The caller
# defines fail() first.
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

# apt_private SUITE SOURCE_OPTS [apt-get -o options...]: makes $t (removed on exit), fills
# apt_opts and runs apt-get update for "deb [SOURCE_OPTS signed-by=...] $mirror SUITE main";
# fails unless a verified Release file of SUITE arrived.  Then: apt-get "${apt_opts[@]}" download ...
apt_private() {
    local suite=$1 source_opts=$2; shift 2
    [ -r "$keyring" ] || fail "no $keyring (apt-get install debian-archive-keyring)"
    t=$(mktemp -d)
    trap 'rm -rf "$t"' EXIT
    chmod 755 "$t"  # apt downloads as the user _apt
    mkdir -p "$t/lists/partial" "$t/cache/archives/partial" "$t/etc/preferences.d" "$t/get"
    echo "deb [${source_opts:+$source_opts }signed-by=$keyring] $mirror $suite main" >"$t/sources.list"
    apt_opts=(-o Dir::Etc::sourcelist="$t/sources.list" -o Dir::Etc::sourceparts=-
              -o Dir::Etc::preferences=- -o Dir::Etc::preferencesparts="$t/etc/preferences.d"
              -o Dir::State::lists="$t/lists" -o Dir::Cache="$t/cache" -o APT::Get::List-Cleanup=0 "$@")
    apt-get "${apt_opts[@]}" -qq update >"$t/update.log" 2>&1 \
        || { cat "$t/update.log" >&2; fail "apt-get update of $mirror $suite failed (network? signature?)"; }
    # apt-get update only warns when it cannot reach the archive; apt keeps a Release file in
    # the lists only once its signature verified
    if ! ls "$t"/lists/*_dists_"${suite}"_InRelease >/dev/null 2>&1; then
        cat "$t/update.log" >&2; fail "no verified $suite Release file from $mirror (network? signature?)"
    fi
}
