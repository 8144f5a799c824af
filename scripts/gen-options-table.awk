# gen-options-table.awk - turn rules/options.tsv into the C tables of
# auditor/options.h. Run by the Makefile at build time with POSIX awk
# (LC_ALL=C, so that string comparison is byte order, as strcmp):
#
#   LC_ALL=C awk -f scripts/gen-options-table.awk rules/options.tsv > BUILD/gen/options_table.c
#
# It checks the file as it goes (column count, known products and types,
# rows sorted by name, product and first release) and stops the build with
# "FILE:LINE: error: ..." on the first problem.
#
# The rows hold no pointers (issue 13): every string is an offset into one
# string table, options_strtab (offset + 1; 0 for none), so the 3,700 rows
# need no relocation when crashsafe starts (13,000 relocations and 400 KB of
# pages touched before main(), a fifth of a run on one option file). The
# names that hold capitals are listed apart (options_upper), so that
# MariaDB's case-insensitive lookup does not scan the table for them.

BEGIN {
	FS = "\t"
	nprod = split("mysql percona pxc mariadb", prods, " ")
	for (i = 1; i <= nprod; i++)
		product[prods[i]] = i - 1
	ntypes = split("bool noarg int uint num double enum multienum set flagset string", types, " ")
	for (i = 1; i <= ntypes; i++)
		type[types[i]] = i - 1
	arg["req"] = 0; arg["opt"] = 1; arg["none"] = 2
	policy["builtin-required"] = 0; policy["builtin"] = 1; policy["dynamic"] = 2
	nrel = 0; nplug = 0; nent = 0; nstr = 0; strlen_total = 0; nupper = 0
	prev_key = ""
	print "/* Generated from rules/options.tsv by scripts/gen-options-table.awk: do not edit. */"
	print "#include \"options.h\""
	print ""
}

function fail(msg) {
	printf("%s:%d: error: %s\n", FILENAME, FNR, msg) > "/dev/stderr"
	failed = 1
	exit 1
}

# "X.Y.Z" (or "X.Y") packed as in options.h
function pack(v,    p, n) {
	n = split(v, p, ".")
	if (n < 2 || n > 3 || p[1] !~ /^[0-9]+$/ || p[2] !~ /^[0-9]+$/ || (n == 3 && p[3] !~ /^[0-9]+$/))
		fail("bad version '" v "'")
	return p[1] * 10000 + p[2] * 100 + (n == 3 ? p[3] : 0)
}

# a C string literal, or NULL for the given null marker
function cstr(s, nullval) {
	if (s == nullval)
		return "NULL"
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\"" s "\""
}

# the offset + 1 of s in the string table (stored once), or 0 for the given null marker
function soff(s, nullval,    e) {
	if (s == nullval)
		return 0
	if (!(s in stroff)) {
		stroff[s] = strlen_total
		strs[nstr++] = s
		strlen_total += length(s) + 1
	}
	return stroff[s] + 1
}

# from/until specs: sets LO and HI
function range(spec, is_from,    p) {
	if (spec == "-") {
		if (is_from)
			fail("'-' in the from column")
		LO = "OPTIONS_OPEN"; HI = "OPTIONS_OPEN"
		return
	}
	if (index(spec, "..")) {
		split(spec, p, /\.\./)
		LO = p[1] == "" ? -1 : pack(p[1])
		HI = pack(p[2])
		if (p[1] != "" && LO >= HI)
			fail("range '" spec "' does not ascend")
		return
	}
	HI = pack(spec)
	LO = HI - 1
}

/^#@release\t/ {
	if (NF != 5 || !($2 in product))
		fail("#@release wants PRODUCT VERSION COVERAGE SOURCE")
	unc = $4 == "complete" ? "NULL" : ($4 ~ /^partial:/ ? cstr(substr($4, 9), "") : "")
	if (unc == "")
		fail("coverage '" $4 "' is neither complete nor partial:PREFIXES")
	rel[nrel++] = sprintf("\t{ %d, %d, %s, %s },", product[$2], pack($3), unc, cstr($5, ""))
	next
}

/^#@plugin\t/ {
	if (NF != 6 || !($2 in product) || !($5 in policy))
		fail("#@plugin wants PRODUCT PLUGIN LIBRARY POLICY SOURCE")
	plug[nplug++] = sprintf("\t{ %d, %s, %s, %d },", product[$2], cstr($3, ""), cstr($4, "-"), policy[$5])
	next
}

/^#/ || /^$/ { next }

{
	if (NF != 15)
		fail("a row has " NF " columns, not 15")
	if (!($1 in product))
		fail("unknown product '" $1 "'")
	if (!($5 in type))
		fail("unknown type '" $5 "'")
	if (!($6 in arg))
		fail("unknown arg '" $6 "'")
	if ($2 !~ /^[A-Za-z0-9_.]+$/)
		fail("bad option name '" $2 "'")
	range($3, 1); flo = LO; fhi = HI
	range($4, 0); ulo = LO; uhi = HI
	key = sprintf("%s\t%d\t%09d", $2, product[$1], fhi)
	if (prev_key != "" && key <= prev_key)
		fail("rows are not sorted by name, product and release (or repeat one)")
	prev_key = key
	flags = 0; bare = 0; alias = 0
	n = split($12, fl, ",")
	for (i = 1; i <= n; i++) {
		if (fl[i] == "session") flags += 1
		else if (fl[i] == "auto") flags += 2
		else if (fl[i] == "struct") flags += 4
		else if (fl[i] ~ /^bare=/) bare = soff(substr(fl[i], 6), "")
		else if (fl[i] ~ /^alias=/) alias = soff(substr(fl[i], 7), "")
		else fail("unknown flag '" fl[i] "'")
	}
	if ($2 ~ /[A-Z]/ && $2 != prev_upper) {
		upper[nupper++] = nent
		prev_upper = $2
	}
	rows[nent] = sprintf("\t{ %d, %d, %d, %d, %u, %s, %s, %s, %s, %d, %d, %d, %d, %d, %d, %d, %d, %d },",
	       soff($2, ""), product[$1], type[$5], arg[$6], flags, flo, fhi, ulo, uhi,
	       soff($7, ""), soff($8, "\\N"), soff($9, ""), soff($10, ""), soff($11, ""), bare, alias,
	       soff($13, ""), soff($14, ""))
	nent++
}

END {
	if (failed)
		exit 1
	# options.c keeps the place of a row's made entry in 2 bytes (options_entry_at())
	if (nent >= 65535) {
		printf("%s: error: %d rows: options.c holds at most 65534\n", FILENAME, nent) > "/dev/stderr"
		exit 1
	}
	print "const char options_strtab[] ="
	for (i = 0; i < nstr; i++)
		printf("\t%s \"\\0\"\n", cstr(strs[i], "\001"))
	if (!nstr)
		print "\t\"\""
	print ";"
	print ""
	print "const struct options_row options_rows[] = {"
	for (i = 0; i < nent; i++)
		print rows[i]
	if (!nent)
		print "\t{ 0 },"
	print "};"
	printf("const size_t options_nentries = %d;\n\n", nent)
	print "const unsigned options_upper[] = {"
	for (i = 0; i < nupper; i++)
		printf("\t%d,\n", upper[i])
	if (!nupper)
		print "\t0,"
	print "};"
	printf("const size_t options_nupper = %d;\n\n", nupper)
	print "const struct options_release options_releases[] = {"
	for (i = 0; i < nrel; i++)
		print rel[i]
	if (!nrel)
		print "\t{ 0 },"
	print "};"
	printf("const size_t options_nreleases = %d;\n\n", nrel)
	print "const struct options_plugin options_plugins[] = {"
	for (i = 0; i < nplug; i++)
		print plug[i]
	if (!nplug)
		print "\t{ 0 },"
	print "};"
	printf("const size_t options_nplugins = %d;\n", nplug)
}
