#!/bin/sh
# scripts/lazylib-sonames.sh CC - the sonames of the libraries crashsafe
# loads on first use (auditor/lazylib.h), as a C header on standard output:
#
#   #define LAZYLIB_SONAME_MYSQL "libmariadb.so.3"
#
# For each library: the first -lNAME of its pkg-config --libs, the file
# libNAME.so in the -L directories pkg-config gives or else where CC finds
# it (CC -print-file-name), and the SONAME recorded in that file (readelf,
# else objdump: binutils, which the compiler needs anyway). The soname is
# what the dynamic loader would have looked for had the binary been linked
# with the library, so the same installed package satisfies both.
set -eu
cc=${1:-cc}
for spec in "MYSQL mysqlclient" "XML libxml-2.0" "JANSSON jansson"; do
	set -- $spec
	macro=$1
	libs=$(pkg-config --libs "$2")
	name=
	dirs=
	for w in $libs; do
		case "$w" in
		-L*) dirs="$dirs ${w#-L}" ;;
		-l*) [ -n "$name" ] || name=${w#-l} ;;
		esac
	done
	if [ -z "$name" ]; then
		echo "lazylib-sonames.sh: pkg-config --libs $2 names no library" >&2
		exit 1
	fi
	file=
	for d in $dirs; do
		if [ -e "$d/lib$name.so" ]; then
			file=$d/lib$name.so
			break
		fi
	done
	[ -n "$file" ] || file=$($cc -print-file-name="lib$name.so")
	soname=
	if [ -e "$file" ]; then
		if command -v readelf >/dev/null 2>&1; then
			soname=$(LC_ALL=C readelf -d "$file" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p' | head -n 1)
		elif command -v objdump >/dev/null 2>&1; then
			soname=$(LC_ALL=C objdump -p "$file" 2>/dev/null | awk '$1 == "SONAME" { print $2; exit }')
		fi
	fi
	if [ -z "$soname" ]; then
		echo "lazylib-sonames.sh: no SONAME found for lib$name.so ($file): using lib$name.so" >&2
		soname=lib$name.so
	fi
	printf '#define LAZYLIB_SONAME_%s "%s"\n' "$macro" "$soname"
done
