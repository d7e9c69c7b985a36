# deb.mk - `make deb`: a Debian package of the host side, build/barebench_VERSION_ARCH.deb (the
# host tools, the boot image files under /usr/share/barebench, the collector's systemd unit, the
# man pages of docs/man/), made by tools/deb/mkdeb.sh with dpkg-deb.  Install it with
# `apt install ./build/barebench_*.deb`; tests/host/76-deb.sh installs, runs and removes it.

# 0~gitDATE.COMMIT: later commits sort later; "-dirty" becomes "+dirty" (a Debian version has no -)
DEB_VERSION = 0~git$(shell TZ=UTC git log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S 2>/dev/null || echo 0).$(subst -,+,$(VERSION))
DEB_ARCH = $(shell dpkg --print-architecture)
MAN_PAGES := $(wildcard docs/man/*.1)

.PHONY: deb
deb: host iso img $(BUILD)/host/barebench-db $(MAN_PAGES)
	@rm -f $(BUILD)/barebench_*.deb
	@tools/deb/mkdeb.sh $(BUILD) '$(DEB_VERSION)' $(BUILD)/barebench_$(DEB_VERSION)_$(DEB_ARCH).deb
