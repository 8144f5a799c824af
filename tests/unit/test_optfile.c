/*
 * test_optfile.c - the option-file reader: provenance (file, line, include
 * chain), overridden values kept, the groups each flavor reads, and the
 * fatal cases with their file:line. The grammar itself is checked against
 * my_print_defaults by tests/optfile.t; this file checks what only the C
 * API shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "optfile.h"
#include "tap.h"

static char tmpdir[] = "/tmp/test_optfile.XXXXXX";

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	if (!fp) {
		perror(path);
		exit(1);
	}
	fputs(text, fp);
	fclose(fp);
}

static const struct optfile_option *find(const struct optfile *of, const char *text, int nth)
{
	for (size_t i = 0; i < of->n; i++)
		if (!strcmp(of->options[i].text, text) && nth-- == 0)
			return &of->options[i];
	return NULL;
}

static const struct diag *find_diag(const struct optfile *of, enum diag_level level)
{
	for (size_t i = 0; i < of->diags.n; i++)
		if (of->diags.items[i].level == level)
			return &of->diags.items[i];
	return NULL;
}

static void groups_mariadb(struct optfile_groups *g)
{
	struct version v = { 10, 11, -1 };
	optfile_groups_for(g, FLAVOR_MARIADB, &v, NULL);
}

static void test_provenance(void)
{
	struct optfile of;
	struct optfile_groups g;
	groups_mariadb(&g);

	mkdir("conf.d", 0755);
	mkdir("inc", 0755);
	put("my.cnf", "# top\n[mysqld]\nsync_binlog=1\nlog-bin = 'mysql-bin'\n!include inc/mid.cnf\n"
		      "[MySQLd ]\nrelay_log_recovery\n");
	put("inc/mid.cnf", "[client]\nuser=x\n\n[server]\n!includedir conf.d\nmid=1\n");
	put("conf.d/10-a.cnf", "[mariadb]\n# c\nsync_binlog = 0\n");
	put("conf.d/20-b.cnf", "[galera]\nsync-binlog=2\n");

	optfile_init(&of);
	is_int(optfile_read(&of, "my.cnf", &g), 0, "provenance: tree read");
	is_int(of.fatal, 0, "provenance: not fatal");
	is_int((long)of.nsources, 4, "provenance: four files read");

	const struct optfile_option *first = find(&of, "--sync_binlog=1", 0);
	const struct optfile_option *nested = find(&of, "--sync_binlog=0", 0);
	const struct optfile_option *last = find(&of, "--sync-binlog=2", 0);
	ok(first && nested && last, "provenance: every sync_binlog line kept (overridden ones too)");
	if (!first || !nested || !last)
		goto out;
	ok(first < nested && nested < last, "provenance: options in read order");
	int hashed = 1;
	for (size_t i = 0; i < of.n; i++)
		hashed &= of.options[i].name_hash == util_strhash(of.options[i].name, 0);
	ok(hashed && of.n > 3, "each option carries its name's hash (util_strhash, not folded)");
	is_str(first->source->path, "my.cnf", "top-level file keeps the name given");
	is_int(first->line, 3, "top-level line");
	ok(first->source->parent == NULL, "top-level file has no parent");

	is_str(nested->source->path, "conf.d/10-a.cnf", "nested: file");
	is_int(nested->line, 3, "nested: line");
	is_str(nested->group, "mariadb", "nested: group as written");
	is_str(nested->name, "sync_binlog", "nested: name");
	is_str(nested->value, "0", "nested: value");
	ok(nested->source->parent != NULL, "nested: has a parent");
	is_str(nested->source->parent->path, "inc/mid.cnf", "nested: parent is the includedir file");
	is_int(nested->source->parent_line, 5, "nested: line of the !includedir");
	is_int(nested->source->parent->parent_line, 5, "nested: line of the !include");

	char *d = optfile_source_describe(nested->source);
	is_str(d, "conf.d/10-a.cnf (included from inc/mid.cnf:5, included from my.cnf:5)",
	       "describe: whole chain");
	free(d);
	is_str(optfile_source_chain(&of, nested->source),
	       "included from inc/mid.cnf:5, included from my.cnf:5", "chain only");
	ok(optfile_source_chain(&of, first->source) == NULL, "chain of a top-level file is NULL");
	d = optfile_source_describe(first->source);
	is_str(d, "my.cnf", "describe: top-level file");
	free(d);

	is_str(last->group, "galera", "galera group read for MariaDB");
	is_str(last->name, "sync-binlog", "name keeps its dashes");

	const struct optfile_option *lb = find(&of, "--log-bin=mysql-bin", 0);
	ok(lb && !strcmp(lb->value, "mysql-bin"), "quotes stripped from the value");
	const struct optfile_option *bare = find(&of, "--relay_log_recovery", 0);
	ok(bare && bare->value == NULL, "bare option has no value");
	ok(bare && !strcmp(bare->group, "MySQLd"), "group name as written, trailing blank trimmed");
	ok(bare && bare->line == 7 && bare->source == first->source,
	   "after the include the top file goes on at its own line");
	ok(find(&of, "--user=x", 0) == NULL, "[client] not read");
	ok(find(&of, "--mid=1", 0) != NULL, "includer goes on after !includedir");
out:
	optfile_release(&of);
}

static void test_groups(void)
{
	struct optfile_groups g;
	struct version v84 = { 8, 4, -1 }, v80 = { 8, 0, 36 }, v1011 = { 10, 11, 6 };

	optfile_groups_for(&g, FLAVOR_MYSQL, &v84, NULL);
	is_int((long)g.n, 3, "mysql 8.4: three groups");
	is_str(g.names[0], "mysqld", "mysql: mysqld");
	is_str(g.names[1], "server", "mysql: server");
	is_str(g.names[2], "mysqld-8.4", "mysql: mysqld-8.4");
	ok(!optfile_groups_match(&g, "mariadb"), "mysql does not read [mariadb]");
	ok(!optfile_groups_match(&g, "client-server"), "mysql does not read [client-server]");

	optfile_groups_for(&g, FLAVOR_PERCONA, &v80, NULL);
	is_int((long)g.n, 3, "percona 8.0: three groups");
	is_str(g.names[2], "mysqld-8.0", "percona: X.Y only, no patch");

	optfile_groups_for(&g, FLAVOR_MARIADB, &v1011, NULL);
	static const char *const maria[] = { "mysqld", "server", "mysqld-10.11", "mariadb",
					     "mariadb-10.11", "mariadbd", "mariadbd-10.11",
					     "client-server", "galera" };
	is_int((long)g.n, 9, "mariadb 10.11: nine groups");
	for (size_t i = 0; i < 9 && i < g.n; i++)
		is_str(g.names[i], maria[i], "mariadb group, server order");
	ok(!optfile_groups_match(&g, "mariadb-10"), "[mariadb-10] not read by 10.11");
	ok(!optfile_groups_match(&g, "mysqld-10.11.6"), "[mysqld-10.11.6] not read");
	ok(optfile_groups_match(&g, "MariaDB-10.11"), "match in any case");
	ok(optfile_groups_match(&g, "mysqld  "), "trailing spaces ignored in the match");
	ok(!optfile_groups_match(&g, " mysqld"), "leading space not ignored");
	ok(!optfile_groups_match(&g, "mysql"), "no prefix match");
	ok(!optfile_groups_match(&g, ""), "empty name matches nothing");

	optfile_groups_for(&g, FLAVOR_MARIADB, &v1011, ".2");
	is_int((long)g.n, 18, "suffix doubles the list");
	is_str(g.names[9], "mysqld.2", "suffix: mysqld.2");
	is_str(g.names[11], "mysqld-10.11.2", "suffix: mysqld-10.11.2");
	is_str(g.names[17], "galera.2", "suffix: galera.2");

	optfile_groups_for(&g, FLAVOR_MYSQL, &v84, "");
	is_int((long)g.n, 3, "empty suffix adds nothing");

	/* the last list is remembered (issue 13): every part of the question still counts */
	struct version v106 = { 10, 6, 2 };
	optfile_groups_for(&g, FLAVOR_MARIADB, &v1011, ".2");
	optfile_groups_for(&g, FLAVOR_MARIADB, &v1011, NULL);
	is_int((long)g.n, 9, "remembered: the same release without the suffix has no suffixed groups");
	(void)optfile_groups_add(&g, "added-by-caller");
	optfile_groups_for(&g, FLAVOR_MARIADB, &v1011, NULL);
	ok(g.n == 9 && !optfile_groups_match(&g, "added-by-caller"), "remembered: a caller's own additions stay its own");
	optfile_groups_for(&g, FLAVOR_MARIADB, &v106, NULL);
	ok(g.n == 9 && !strcmp(g.names[2], "mysqld-10.6"), "remembered: another series of the flavor has its own groups");
	optfile_groups_for(&g, FLAVOR_MYSQL, &v106, NULL);
	is_int((long)g.n, 3, "remembered: another flavor of the same numbers has its own groups");
	optfile_groups_for(&g, FLAVOR_MARIADB, NULL, NULL);
	ok(g.n == 9 && strcmp(g.names[2], "mysqld-10.6"), "remembered: no version is the flavor's default series");

	g.n = 0;
	is_int(optfile_groups_add(&g, "caf\xe9"), 0, "add a group by hand");
	ok(optfile_groups_match(&g, "CAF\xc9"), "latin1 case folding");
	char longname[200];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	is_int(optfile_groups_add(&g, longname), -1, "too long a group name is refused");
	for (int i = 0; i < OPTFILE_MAX_GROUPS; i++)
		(void)optfile_groups_add(&g, "x");
	is_int(optfile_groups_add(&g, "y"), -1, "full list refuses more");
}

/* Read text as a file named path; return the optfile for inspection. */
static int read_text(struct optfile *of, const char *path, const char *text)
{
	struct optfile_groups g;
	groups_mariadb(&g);
	put(path, text);
	optfile_init(of);
	return optfile_read(of, path, &g);
}

static void check_fatal(const char *name, const char *text, unsigned line, const char *msg_part)
{
	struct optfile of;
	char label[200];
	int rc = read_text(&of, "fatal.cnf", text);
	snprintf(label, sizeof(label), "%s: returns -1", name);
	is_int(rc, -1, label);
	snprintf(label, sizeof(label), "%s: fatal set", name);
	ok(of.fatal, "%s", label);
	const struct diag *d = find_diag(&of, DIAG_ERROR);
	snprintf(label, sizeof(label), "%s: error at fatal.cnf:%u", name, line);
	ok(d && d->file && !strcmp(d->file, "fatal.cnf") && d->line == line, "%s", label);
	snprintf(label, sizeof(label), "%s: message says '%s'", name, msg_part);
	ok(d && strstr(d->message, msg_part) != NULL, "%s", label);
	if (d && (!d->file || d->line != line || !strstr(d->message, msg_part)))
		printf("#   got %s:%u: %s\n", d->file ? d->file : "(null)", d->line, d->message);
	optfile_release(&of);
}

static void test_fatal(void)
{
	struct optfile of;

	check_fatal("option before group", "# c\n\nsync_binlog=1\n[mysqld]\n", 3, "before any group");
	check_fatal("BOM", "\xef\xbb\xbf[mysqld]\na=1\n", 1, "before any group");
	check_fatal("missing ]", "[mysqld]\na=1\n[client\n", 3, "without ']'");
	check_fatal("!include without file", "[mysqld]\n!include \n", 2, "'!include'");
	check_fatal("!includedir missing", "[mysqld]\na=1\n\n!includedir no-such-dir\n", 4,
		    "no-such-dir");
	check_fatal("header after a comment", "[mysqld]\n# c\n[x\n", 3, "without ']'");

	/* A header whose ']' lies past the 4094-byte chunk: fatal on line 1. */
	char *big = malloc(5000);
	big[0] = '[';
	memset(big + 1, 'm', 4200);
	memcpy(big + 4201, "]\n", 3);
	check_fatal("] past the chunk", big, 1, "without ']'");
	/* A comment longer than a chunk: its tail is line 2, an option in no group. */
	big[0] = '#';
	check_fatal("comment past the chunk", big, 2, "before any group");
	free(big);

	/* Reading stops at the fatal line: earlier options kept, later ones not. */
	is_int(read_text(&of, "stop.cnf", "[mysqld]\na=1\n[bad\nb=2\n"), -1, "stop: -1");
	ok(find(&of, "--a=1", 0) && !find(&of, "--b=2", 0), "stop: reading stopped at the bad line");
	optfile_release(&of);

	/* In an included file the same errors only stop that file. */
	put("orphan.cnf", "orphan=1\n");
	is_int(read_text(&of, "inc-orphan.cnf", "[mysqld]\na=1\n!include orphan.cnf\nb=2\n"), 0,
	       "error in an included file: not fatal");
	ok(!of.fatal && find(&of, "--b=2", 0), "error in an included file: includer goes on");
	const struct diag *w = find_diag(&of, DIAG_WARNING);
	ok(w && w->file && !strcmp(w->file, "orphan.cnf") && w->line == 1,
	   "error in an included file: warning at orphan.cnf:1");
	optfile_release(&of);

	/* A missing required file. */
	struct optfile_groups g;
	groups_mariadb(&g);
	optfile_init(&of);
	is_int(optfile_read(&of, "no-such.cnf", &g), -1, "missing file: -1");
	const struct diag *d = find_diag(&of, DIAG_ERROR);
	ok(d && !strcmp(d->file, "no-such.cnf") && d->line == 0 && strstr(d->message, "cannot open"),
	   "missing file: error names it");
	optfile_release(&of);

	/*
	 * A world-writable file is ignored, as the server ignores it (with a
	 * warning only the server prints): an error at that file, not fatal.
	 */
	put("ww.cnf", "[mysqld]\nww=1\n");
	chmod("ww.cnf", 0666);
	optfile_init(&of);
	is_int(optfile_read(&of, "ww.cnf", &g), 0, "world-writable: not fatal");
	d = find_diag(&of, DIAG_ERROR);
	ok(of.n == 0 && d && !strcmp(d->file, "ww.cnf") && strstr(d->message, "will not read it"),
	   "world-writable: ignored, an error at the file");
	ok(!of.fatal && !of.input_error, "world-writable: the server starts (not fatal, not an input error)");
	optfile_release(&of);
	/* Included: the error is at the directive that names it. */
	put("inc-ww.cnf", "[mysqld]\nbefore=1\n!include ww.cnf\nafter=1\n");
	optfile_init(&of);
	is_int(optfile_read(&of, "inc-ww.cnf", &g), 0, "world-writable include: not fatal");
	d = find_diag(&of, DIAG_ERROR);
	ok(of.n == 2 && d && !strcmp(d->file, "inc-ww.cnf") && d->line == 3,
	   "world-writable include: error at inc-ww.cnf:3, the includer's options kept");
	optfile_release(&of);
}

/* Read one in-memory file with a line rule; returns the options as "text|text|...". */
static char *read_rule(enum optfile_line_rule rule, const char *data, size_t len, struct optfile *of)
{
	struct optfile_groups g;
	struct strbuf sb = { 0 };
	struct optfile_buffer f[] = { { "f.cnf", data, len } };
	groups_mariadb(&g);
	optfile_init(of);
	of->line_rule = rule;
	optfile_read_buffers(of, f, 1, &g);
	for (size_t i = 0; i < of->n; i++) {
		if (i)
			strbuf_addch(&sb, '|');
		strbuf_addstr(&sb, of->options[i].text);
	}
	strbuf_addstr(&sb, "");   /* an empty list is "" */
	return strbuf_detach(&sb);
}

/*
 * The line rules: MariaDB and MySQL up to 8.0.21 cut at 4094 bytes
 * (fgets(buff, sizeof(buff) - 1) on 4096 bytes); MySQL 8.0.25+ joins fgets()
 * chunks of 4095 bytes, each cut at a NUL (strlen), until one ends with the
 * newline (mysys/my_default.cc mysql_file_getline()).
 */
static void test_line_rules(void)
{
	struct optfile of;
	struct strbuf f = { 0 };
	char *got;

	/* "#" + 4093 x: 4094 bytes, then "sync_binlog = 0". */
	strbuf_addstr(&f, "[mysqld]\n#");
	for (int i = 0; i < 4093; i++)
		strbuf_addch(&f, 'x');
	strbuf_addstr(&f, "sync_binlog = 0\nafter=1\n");
	got = read_rule(OPTFILE_LINES_CHUNKED, f.buf, f.len, &of);
	is_str(got, "--sync_binlog=0|--after=1", "chunked: the tail of a long comment is an option");
	ok(of.n == 2 && of.options[0].line == 3 && of.options[1].line == 4, "chunked: the tail is line 3");
	free(got);
	optfile_release(&of);
	got = read_rule(OPTFILE_LINES_WHOLE, f.buf, f.len, &of);
	is_str(got, "--after=1", "whole: the long comment stays a comment");
	ok(of.n == 1 && of.options[0].line == 3, "whole: lines counted whole (after=1 is line 3)");
	ok(of.diags.n == 0, "whole: no warning");
	free(got);
	optfile_release(&of);
	got = read_rule(OPTFILE_LINES_WHOLE_UNSURE, f.buf, f.len, &of);
	is_str(got, "--after=1", "unsure: read whole");
	ok(of.diags.n == 1 && of.diags.items[0].level == DIAG_WARNING && of.diags.items[0].line == 2,
	   "unsure: one warning at the long line");
	free(got);
	optfile_release(&of);

	/* A 10,000-byte value: whole, or cut into three lines. */
	strbuf_reset(&f);
	strbuf_addstr(&f, "[mysqld]\nv=");
	for (int i = 0; i < 10000; i++)
		strbuf_addch(&f, 'a' + i % 26);
	strbuf_addstr(&f, "\n");
	got = read_rule(OPTFILE_LINES_WHOLE, f.buf, f.len, &of);
	ok(of.n == 1 && strlen(of.options[0].value) == 10000, "whole: a 10,000-byte value is one value");
	free(got);
	optfile_release(&of);
	got = read_rule(OPTFILE_LINES_CHUNKED, f.buf, f.len, &of);
	ok(of.n == 3 && strlen(of.options[0].value) == 4094 - 2, "chunked: cut into three options");
	free(got);
	optfile_release(&of);

	/* A NUL inside a line: chunked drops the rest of the line; whole appends the next line. */
	static const char nul[] = "[mysqld]\na=1\0junk\nb=2\nc=3\n";
	got = read_rule(OPTFILE_LINES_CHUNKED, nul, sizeof(nul) - 1, &of);
	is_str(got, "--a=1|--b=2|--c=3", "chunked: a NUL ends the line's content");
	free(got);
	optfile_release(&of);
	got = read_rule(OPTFILE_LINES_WHOLE, nul, sizeof(nul) - 1, &of);
	is_str(got, "--a=1b=2|--c=3", "whole: after a NUL the next chunk is appended");
	free(got);
	optfile_release(&of);

	/* A line that starts with NUL: chunked skips it; whole ends the file there. */
	static const char lead[] = "[mysqld]\na=1\n\0x=1\nb=2\n";
	got = read_rule(OPTFILE_LINES_CHUNKED, lead, sizeof(lead) - 1, &of);
	is_str(got, "--a=1|--b=2", "chunked: a line starting with NUL is empty");
	free(got);
	optfile_release(&of);
	got = read_rule(OPTFILE_LINES_WHOLE, lead, sizeof(lead) - 1, &of);
	is_str(got, "--a=1", "whole: a line starting with NUL ends the file");
	free(got);
	optfile_release(&of);

	/* A header whose ']' lies past byte 4094: fatal when cut, a group when whole. */
	strbuf_reset(&f);
	strbuf_addstr(&f, "[mysqld");
	for (int i = 0; i < 4100; i++)
		strbuf_addch(&f, ' ');
	strbuf_addstr(&f, "]\nx=1\n");
	got = read_rule(OPTFILE_LINES_CHUNKED, f.buf, f.len, &of);
	ok(of.fatal, "chunked: a header cut before its ']' is fatal");
	free(got);
	optfile_release(&of);
	got = read_rule(OPTFILE_LINES_WHOLE, f.buf, f.len, &of);
	is_str(got, "--x=1", "whole: the same header is [mysqld]");
	free(got);
	optfile_release(&of);
	strbuf_release(&f);

	/* Which rule each flavor and version uses. */
	static const struct {
		enum flavor f;
		struct version v;
		enum optfile_line_rule want;
	} rules[] = {
		{ FLAVOR_MARIADB, { 10, 11, -1 }, OPTFILE_LINES_CHUNKED },
		{ FLAVOR_MARIADB, { 11, 4, 2 }, OPTFILE_LINES_CHUNKED },
		{ FLAVOR_MYSQL, { 5, 7, 44 }, OPTFILE_LINES_CHUNKED },
		{ FLAVOR_MYSQL, { 8, 0, 21 }, OPTFILE_LINES_CHUNKED },
		{ FLAVOR_MYSQL, { 8, 0, 22 }, OPTFILE_LINES_WHOLE_UNSURE },
		{ FLAVOR_MYSQL, { 8, 0, 24 }, OPTFILE_LINES_WHOLE_UNSURE },
		{ FLAVOR_MYSQL, { 8, 0, -1 }, OPTFILE_LINES_WHOLE_UNSURE },
		{ FLAVOR_MYSQL, { 8, 0, 25 }, OPTFILE_LINES_WHOLE },
		{ FLAVOR_PERCONA, { 8, 0, 36 }, OPTFILE_LINES_WHOLE },
		{ FLAVOR_PERCONA, { 5, 7, 40 }, OPTFILE_LINES_CHUNKED },
		{ FLAVOR_MYSQL, { 8, 4, -1 }, OPTFILE_LINES_WHOLE },
		{ FLAVOR_MYSQL, { 9, 1, 0 }, OPTFILE_LINES_WHOLE },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		char vb[32], name[80];
		snprintf(name, sizeof(name), "line rule: %s %s", flavor_name(rules[i].f),
			 version_format(&rules[i].v, vb, sizeof(vb)));
		is_int(optfile_line_rule_for(rules[i].f, &rules[i].v), rules[i].want, name);
	}
}

static void test_buffers(void)
{
	struct optfile of;
	struct optfile_groups g;
	groups_mariadb(&g);

	static const char self[] = "[mysqld]\nx=1\n!include self.cnf\n!include self.cnf\n";
	struct optfile_buffer loop[] = { { "self.cnf", self, sizeof(self) - 1 } };
	optfile_init(&of);
	of.max_files = 50;
	is_int(optfile_read_buffers(&of, loop, 1, &g), -1, "file limit: an include storm stops");
	ok(of.fatal && of.nfiles_opened <= 51, "file limit: fatal, bounded");
	/* breaker7 #10: crashsafe's limit, not the server's: an input error, the target not audited */
	ok(of.input_error && strstr(of.input_error, "crashsafe stopped reading after 50 option files") &&
	   !strstr(of.input_error, "refuses"), "file limit: an input error in crashsafe's words");
	optfile_release(&of);
	/* under the limit: 2^10 visits of self.cnf, its two directives skipped at depth 10 each 512 times */
	optfile_init(&of);
	is_int(optfile_read_buffers(&of, loop, 1, &g), 0, "a self-include storm under the limit is read");
	size_t ndeep = 0;
	for (size_t i = 0; i < of.diags.n; i++)
		ndeep += strstr(of.diags.items[i].message, "include nesting deeper") != NULL;
	is_int((long)ndeep, 2, "the depth warning once per directive (self.cnf:3, :4), not once per visit");
	optfile_release(&of);

	/*
	 * What the reader notes of a file at its start (no NUL, no backslash:
	 * issue 13) is the file's own: an include without either must not
	 * change how the lines after it are read.
	 */
	static const char main_nul[] = "[mysqld]\n!include inc.cnf\nx=a\0b\ny=1\\t2\n";
	static const char main_alone[] = "[mysqld]\nx=a\0b\ny=1\\t2\n";
	static const char plain[] = "[mysqld]\nz=3\n";
	struct optfile_buffer two[] = { { "main.cnf", main_nul, sizeof(main_nul) - 1 }, { "inc.cnf", plain, sizeof(plain) - 1 } };
	struct optfile_buffer one[] = { { "main.cnf", main_alone, sizeof(main_alone) - 1 } };
	char *with = NULL, *alone = NULL;
	for (int k = 0; k < 2; k++) {
		struct strbuf sb = { 0 };
		optfile_init(&of);
		of.line_rule = OPTFILE_LINES_WHOLE;
		optfile_read_buffers(&of, k ? one : two, k ? 1 : 2, &g);
		for (size_t i = 0; i < of.n; i++)
			if (of.options[i].name[0] != 'z') {
				strbuf_addstr(&sb, of.options[i].text);
				strbuf_addch(&sb, '|');
			}
		optfile_release(&of);
		if (k)
			alone = strbuf_detach(&sb);
		else
			with = strbuf_detach(&sb);
	}
	is_str(with, alone, "a file's NUL and backslash are its own: an include without them changes nothing after it");
	ok(alone && strstr(alone, "1\t2|"), "and the escape after the include is read as one");
	free(with);
	free(alone);

	static const char once[] = "[mysqld]\nx=1\n!include once.cnf\n";
	struct optfile_buffer deep[] = { { "once.cnf", once, sizeof(once) - 1 } };
	optfile_init(&of);
	is_int(optfile_read_buffers(&of, deep, 1, &g), 0, "self include: depth limit, not fatal");
	is_int((long)of.n, OPTFILE_MAX_DEPTH + 1, "self include: read 11 times");
	optfile_release(&of);

	static const char top[] = "[mysqld]\n!includedir d\nz=\"q\\tq\"\n";
	static const char b[] = "[server]\nb=1\n";
	static const char a[] = "[mysqld]\na=1\0hidden\n";
	static const char n[] = "[mysqld]\nnot_cnf=1\n";
	struct optfile_buffer tree[] = {
		{ "top.cnf", top, sizeof(top) - 1 },
		{ "d/b.cnf", b, sizeof(b) - 1 },
		{ "d/a.cnf", a, sizeof(a) - 1 },
		{ "d/n.txt", n, sizeof(n) - 1 },
	};
	optfile_init(&of);
	is_int(optfile_read_buffers(&of, tree, 4, &g), 0, "buffers: includedir in memory");
	is_int((long)of.n, 3, "buffers: three options");
	if (of.n == 3) {
		is_str(of.options[0].text, "--a=1", "buffers: sorted, NUL ends the line");
		is_str(of.options[1].text, "--b=1", "buffers: second file");
		is_str(of.options[2].value, "q\tq", "buffers: escape in quotes");
		is_str(of.options[0].source->path, "d/a.cnf", "buffers: included path");
		is_int(of.options[0].source->parent_line, 2, "buffers: includedir line");
	}
	optfile_release(&of);
}

static void test_defaults(void)
{
	struct optfile of;
	struct optfile_groups g;
	char root[600], home[600], shome[600], extra[600], cwd[512];
	groups_mariadb(&g);

	if (!getcwd(cwd, sizeof(cwd)))
		return;
	/* With a root, every default path is the server machine's: under the root. */
	snprintf(root, sizeof(root), "%s/root", cwd);
	snprintf(home, sizeof(home), "/home/u");
	snprintf(shome, sizeof(shome), "/srv/mysql");
	snprintf(extra, sizeof(extra), "%s/extra.cnf", cwd);
	mkdir("root", 0755);
	mkdir("root/etc", 0755);
	mkdir("root/etc/mysql", 0755);
	mkdir("root/home", 0755);
	mkdir("root/home/u", 0755);
	mkdir("root/srv", 0755);
	mkdir("root/srv/mysql", 0755);
	put("root/etc/my.cnf", "[mysqld]\norder=etc\n");
	put("root/etc/mysql/my.cnf", "[mysqld]\norder=etc-mysql\n");
	put("root/srv/mysql/my.cnf", "[mysqld]\norder=server-home\n");
	put("extra.cnf", "[mysqld]\norder=extra\n");   /* the extra file is this machine's */
	put("root/home/u/.my.cnf", "[mysqld]\norder=home\n");

	struct optfile_search s = { .home = home, .server_home = shome, .root = root,
				    .defaults_extra_file = extra };
	optfile_init(&of);
	is_int(optfile_read_defaults(&of, &s, FLAVOR_MARIADB, &g), 0, "defaults: read");
	static const char *const want[] = { "--order=etc", "--order=etc-mysql", "--order=server-home",
					    "--order=extra", "--order=home" };
	is_int((long)of.n, 5, "defaults: five files");
	for (size_t i = 0; i < 5 && i < of.n; i++)
		is_str(of.options[i].text, want[i], "defaults: search order");
	if (of.nsources == 5) {
		char *want_path = xasprintf("%s/home/u/.my.cnf", root);
		is_str(of.sources[4]->path, want_path, "defaults: named ROOT/path");
		free(want_path);
	}
	optfile_release(&of);

	s.defaults_extra_file = "no-such-extra.cnf";
	optfile_init(&of);
	is_int(optfile_read_defaults(&of, &s, FLAVOR_MARIADB, &g), -1, "defaults: missing extra is fatal");
	optfile_release(&of);

	s.defaults_extra_file = NULL;
	s.server_home = NULL;
	s.home = NULL;
	optfile_init(&of);
	is_int(optfile_read_defaults(&of, &s, FLAVOR_MYSQL, &g), 0, "defaults: no home");
	is_int((long)of.n, 2, "defaults: only the /etc files");
	optfile_release(&of);

	s.defaults_file = extra;
	optfile_init(&of);
	is_int(optfile_read_defaults(&of, &s, FLAVOR_MARIADB, &g), 0, "defaults-file: read");
	ok(of.n == 1 && !strcmp(of.options[0].text, "--order=extra"), "defaults-file: only that file");
	optfile_release(&of);

	s.no_defaults = 1;
	optfile_init(&of);
	is_int(optfile_read_defaults(&of, &s, FLAVOR_MARIADB, &g), 0, "no-defaults: ok");
	is_int((long)of.n + (long)of.nsources, 0, "no-defaults: nothing read");
	optfile_release(&of);
}

int main(void)
{
	char old[4096];
	if (!getcwd(old, sizeof(old)) || !mkdtemp(tmpdir) || chdir(tmpdir) != 0) {
		perror("setup");
		return 1;
	}
	test_provenance();
	test_groups();
	test_fatal();
	test_buffers();
	test_line_rules();
	test_defaults();
	if (chdir(old) == 0) {
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
	}
	return done_testing();
}
