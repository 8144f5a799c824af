#!/bin/sh
# deps.sh SET - make sure the Debian packages a set of make targets needs are
# installed. As root it installs what is missing (apt-get update once, then
# apt-get install -y); otherwise it names the missing packages in one line and
# fails. Sets: build, test, fuzz, bench.
set -u

case "${1:-}" in
build) pkgs="gcc make pkg-config libinih-dev default-libmysqlclient-dev libxml2-dev libjansson-dev" ;;
test)  pkgs="gcc make pkg-config libinih-dev default-libmysqlclient-dev libxml2-dev libjansson-dev perl mariadb-server mariadb-client libxml2-utils python3-junitparser python3 openssl valgrind galera-4 prometheus strace" ;;
fuzz)  pkgs="clang libclang-rt-14-dev" ;;
bench) pkgs="hyperfine percona-toolkit mysqltuner mariadb-server mariadb-client" ;;
*) echo "usage: deps.sh build|test|fuzz|bench" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
	# Not Debian: trust the environment; the build names what is missing.
	exit 0
fi

missing=""
for p in $pkgs; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo -n"
else
	echo "crashsafe: error: missing Debian packages:$missing (install them with: sudo apt-get install$missing)" >&2
	exit 1
fi

echo "crashsafe: installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get update -qq >/dev/null || ! $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null; then
	echo "crashsafe: error: could not install Debian packages:$missing" >&2
	exit 1
fi
# The server package must not leave a service running on 3306.
exit 0
