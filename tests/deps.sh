#!/bin/sh
# Installs whichever of the given Debian packages are missing. As root it runs
# apt-get (updating the package lists first only when something is missing);
# otherwise it prints the one command to run. Does nothing when all are there.
missing=""
for p in "$@"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "capviz needs:$missing"
	echo "run:  sudo apt-get install -y$missing"
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# The lists may be missing or stale on a fresh machine: update them first.
apt-get update -q >/dev/null || { echo "apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null || { echo "apt-get install failed" >&2; exit 1; }
