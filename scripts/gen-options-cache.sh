#!/bin/sh
# gen-options-cache.sh CACHE REPOS - copy, from git repositories of the
# servers' source trees, the files scripts/gen-options.py reads, into
# CACHE/<product>-<version>/ (raw downloads: keep CACHE out of the project).
#
# REPOS is a directory holding the repositories as OWNER+NAME/repo (a bare
# or normal git directory at the commit below; the search tool's fetch puts
# them there) or OWNER/NAME. Each release names its repository and commit
# (the same list as the MANIFEST in gen-options.py); the files are taken with
# `git show COMMIT:PATH`, so the work tree does not matter.
#
# Files per tree: the --verbose --help result of the test suite, and the
# sources that define the options the result leaves out: sql/ (sys_vars.cc,
# mysqld.cc, the typelibs), the InnoDB handler, MariaDB's Aria handler and
# feedback plugin, the X plugin's variables.
set -eu

cache=${1:?usage: gen-options-cache.sh CACHE REPOS}
repos=${2:?usage: gen-options-cache.sh CACHE REPOS}

# product version owner/name commit
releases='
mysql 5.7.22 hwCloudRDS/mysql-5.7 11250ebaffaa99c3e1a485f856072582d1692db6
mysql 5.7.18 lalor/mysql-5.7.18 e91807b0d945a64eb8e697968de3fd9c6436b002
mysql 8.0.43 xiebaoma/mysql-server 20c12b11868f4dee9b97ea466e70d98f23f8055b
mysql 8.4.3 Shannon-Data/ShannonBase a5905c40800677736405cc416ac8f8e9b463df5f
mysql 8.4.8 Shannon-Data/ShannonBase d19956264bcd0cd92110cfb6ae5e05ccc9eae553
percona 5.6.36 sysprg/percona-server 2594e3a912e08b127f82751656250d849e2ca62d
percona 5.7.22 gaopengcarl/percona-server-locks-detail-5.7.22 2f8823f2d6548193fc07f76d675decb2a48d103e
percona 8.0.27 session-replay-tools/percona-server-8.0.27-18 d142c33d032a2880bcfc698de496aacdc0e56302
pxc 5.6.22 maginatics/pxc-from-apt-source d8b330a985f7a5134f6059cb211008dd9f121f85
mariadb 10.4.12 NathanYu17724/MariaDB 4bed139c39a77d6cd0616fed593a2027270840d0
'
# Releases read at a tag of a repository with history (the same repository
# as above): product version owner/name ref
tagged='
mysql 5.6.10 sysprg/percona-server mysql-5.6.10
mysql 5.6.23 sysprg/percona-server mysql-5.6.23
mysql 5.6.36 sysprg/percona-server 3a4e7bc7c416888fda897239c03549c2929bb64c
percona 5.6.20 sysprg/percona-server Percona-Server-5.6.20-68.0
percona 5.6.21 sysprg/percona-server Percona-Server-5.6.21-70.0
'

gitdir() {
	for d in "$repos/$(echo "$1" | tr / +)/repo" "$repos/$1" "$repos/$(echo "$1" | tr / +)"; do
		if git -C "$d" rev-parse --git-dir >/dev/null 2>&1; then
			echo "$d"
			return 0
		fi
	done
	echo "gen-options-cache: no repository $1 under $repos" >&2
	return 1
}

copy_tree() {   # product version repo ref
	out="$cache/$1-$2"
	g=$(gitdir "$3") || return 1
	rm -rf "$out"
	mkdir -p "$out/src"
	help=mysql-test/r/mysqld--help-notwin.result
	git -C "$g" cat-file -e "$4:$help" 2>/dev/null || help=mysql-test/main/mysqld--help.result
	git -C "$g" show "$4:$help" >"$out/help.result"
	git -C "$g" ls-tree -r --name-only "$4" -- sql storage/innobase/handler storage/maria plugin/feedback \
		plugin/x/src rapid/plugin/x/src |
		grep -E '^(sql/[^/]*\.(cc|h|ic)|sql/auth/[^/]*\.cc|storage/innobase/handler/ha_innodb\.cc|storage/maria/ha_maria\.cc|plugin/feedback/feedback\.cc|(rapid/)?plugin/x/src/[^/]*\.cc)$' |
		while read -r f; do
			mkdir -p "$out/src/$(dirname "$f")"
			git -C "$g" show "$4:$f" >"$out/src/$f"
		done
	printf '%s %s %s@%s\n' "$1" "$2" "$3" "$(git -C "$g" rev-parse "$4")" >"$out/SOURCE"
	echo "$out"
}

# The MariaDB manual's variable pages (every variable a family ever had):
# owner/name commit path...
docs_repo=rusher/mariadb-docs
docs_commit=8e285b6ac8997e4cabb3b1aafda738203dd4bd8d
docs_pages='server/server-usage/storage-engines/innodb/innodb-system-variables.md
galera-cluster/reference/galera-cluster-system-variables.md'

copy_docs() {
	g=$(gitdir "$docs_repo") || return 1
	mkdir -p "$cache/mariadb-docs"
	for f in $docs_pages; do
		git -C "$g" show "$docs_commit:$f" >"$cache/mariadb-docs/$(basename "$f")"
	done
	printf '%s@%s\n' "$docs_repo" "$docs_commit" >"$cache/mariadb-docs/SOURCE"
	echo "$cache/mariadb-docs"
}
copy_docs

printf '%s\n%s\n' "$releases" "$tagged" | while read -r product version repo ref; do
	if [ -n "$product" ]; then
		copy_tree "$product" "$version" "$repo" "$ref"
	fi
done
