/*
 * test_inventory.c - the fleet inventory (inventory.c): every key, the
 * [defaults] section, paths relative to the inventory, and every error with
 * its file:line (unknown key, bad values, repeated keys and sections, a
 * refused password, keys outside a section, names that cannot be file
 * names, lines inih would split, empty sections that inih never reports).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "tap.h"

#include "banned.h"

/* Parse text as path; the diagnostics joined as "LINE: MESSAGE\n" lines into *out (heap). */
static int parse(struct inventory *inv, const char *path, const char *text, char **out)
{
	struct diag_list d;
	struct strbuf sb = { 0 };
	diag_list_init(&d);
	inventory_init(inv);
	int rc = inventory_parse(inv, path, text, &d);
	for (size_t i = 0; i < d.n; i++)
		strbuf_addf(&sb, "%s:%u: %s\n", d.items[i].file ? d.items[i].file : "", d.items[i].line,
			    d.items[i].message);
	*out = sb.buf ? strbuf_detach(&sb) : xstrdup("");
	diag_list_release(&d);
	return rc;
}

/* Nonzero when diags holds a line starting with prefix (file:line) and containing word. */
static int has_diag(const char *diags, const char *prefix, const char *word)
{
	for (const char *p = diags; *p;) {
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len);
		int hit = !strncmp(line, prefix, strlen(prefix)) && strstr(line, word);
		free(line);
		if (hit)
			return 1;
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

static void test_every_key(void)
{
	struct inventory inv;
	char *diags;
	const char *text =
		"; the fleet\n"
		"[defaults]\n"
		"flavor = mariadb\n"
		"version = 10.11\n"
		"defaults_file = secrets/auditor.cnf\n"
		"tags = prod\n"
		"port = 3307\n"
		"multi_writer = no\n"
		"\n"
		"[eu-db1]\n"
		"host = db1.eu.example.com\n"
		"port = 3306\n"
		"role = primary\n"
		"cluster = eu-orders\n"
		"multi_writer = YES\n"
		"config = configs/eu-db1.cnf\n"
		"variables = /var/lib/captures/eu-db1.capture\n"
		"tags = eu, orders  primary\n"
		"\n"
		"[eu-db2]\n"
		"host = [2001:db8::2]\n"
		"role = replica\n"
		"flavor = pxc\n"
		"version = 8.0.36\n"
		"defaults-file = /etc/crashsafe/other.cnf\n"
		"\n"
		"[local]\n"
		"socket = /run/mysqld/mysqld.sock\n"
		"[bare-v6]\n"
		"host = ::1 ; a comment\n";
	int rc = parse(&inv, "fleet/fleet.ini", text, &diags);
	is_int(rc, 0, "a valid inventory parses");
	is_str(diags, "", "... without diagnostics");
	is_int((long)inv.n, 4, "four targets ([defaults] is not one)");
	const struct inventory_target *a = inventory_find(&inv, "eu-db1");
	const struct inventory_target *b = inventory_find(&inv, "eu-db2");
	const struct inventory_target *l = inventory_find(&inv, "local");
	const struct inventory_target *v6 = inventory_find(&inv, "bare-v6");
	ok(a && b && l && v6, "every target is found by name");
	if (!(a && b && l && v6))
		goto out;
	is_str(a->name, "eu-db1", "the section name is the target's name");
	is_int(a->line, 10, "the section's line is its header's");
	is_str(a->host, "db1.eu.example.com", "host");
	is_int(a->port, 3306, "port (the section's beats [defaults])");
	is_int(a->role, ROLE_PRIMARY, "role");
	is_str(a->cluster, "eu-orders", "cluster");
	is_str(a->config, "fleet/configs/eu-db1.cnf", "a relative config is relative to the inventory's directory");
	is_str(a->variables, "/var/lib/captures/eu-db1.capture", "an absolute path stays as written");
	is_int(a->flavor, FLAVOR_MARIADB, "flavor from [defaults]");
	ok(a->from_defaults[INVENTORY_FLAVOR] && !a->from_defaults[INVENTORY_HOST], "... and said to be from it");
	is_int(a->line_of[INVENTORY_FLAVOR], 3, "... at [defaults]'s line");
	is_str(a->multi_writer, "yes", "multi_writer (any case)");
	is_str(b->multi_writer, "no", "multi_writer from [defaults]");
	is_int(a->version.major * 100 + a->version.minor, 1011, "version from [defaults]");
	is_str(a->defaults_file, "fleet/secrets/auditor.cnf", "defaults_file from [defaults], relative to the inventory");
	is_int((long)a->ntags, 3, "tags: commas and spaces separate words");
	if (a->ntags == 3)
		ok(!strcmp(a->tags[0], "eu") && !strcmp(a->tags[1], "orders") && !strcmp(a->tags[2], "primary"),
		   "... in order");
	is_str(b->host, "2001:db8::2", "an IPv6 address in brackets loses them");
	is_int(b->port, 3307, "port from [defaults]");
	is_int(b->flavor, FLAVOR_PERCONA, "flavor pxc is Percona ...");
	is_int(b->variant, FLAVOR_VARIANT_GALERA, "... Galera build");
	is_str(b->defaults_file, "/etc/crashsafe/other.cnf", "defaults-file spelled the client's way is defaults_file");
	is_int((long)b->ntags, 1, "tags from [defaults]");
	is_str(l->socket, "/run/mysqld/mysqld.sock", "socket");
	ok(!l->host, "a socket target has no host");
	char *spec = inventory_target_spec(a);
	is_str(spec, "db1.eu.example.com:3306", "spec host:port");
	free(spec);
	spec = inventory_target_spec(b);
	is_str(spec, "[2001:db8::2]:3307", "spec [v6]:port");
	free(spec);
	spec = inventory_target_spec(l);
	is_str(spec, "localhost", "spec of a socket target");
	free(spec);
	is_str(v6->host, "::1", "a bare IPv6 host; an inline ';' comment is dropped");
	ok(!inventory_find(&inv, "defaults"), "[defaults] is no target");

	struct settings s;
	settings_init(&s, "eu-db2", "live");
	inventory_apply(b, &s);
	ok(s.flavor == FLAVOR_PERCONA && s.variant == FLAVOR_VARIANT_GALERA && s.role == ROLE_REPLICA &&
	   s.version.major == 8 && s.version.patch == 36 && !strcmp(s.flavor_source, "inventory"),
	   "inventory_apply sets flavor, build, version and role");
	is_str(s.multi_writer, "no", "inventory_apply sets multi_writer");
	is_str(s.address, "[2001:db8::2]:3307", "... and the address replicas name their source by (topology.h)");
	settings_release(&s);
out:
	free(diags);
	inventory_release(&inv);
}

struct bad_case {
	const char *name;
	const char *text;
	const char *where;    /* "f.ini:LINE:" */
	const char *word;     /* in the message */
};

static void test_errors(void)
{
	static const struct bad_case cases[] = {
		{ "unknown key", "[a]\nhost = x\nhots = y\n", "f.ini:3:", "unknown key 'hots'" },
		{ "password refused", "[a]\nhost = x\npassword = hunter2\n", "f.ini:3:", "'password' is refused" },
		{ "password refused in [defaults]", "[defaults]\npassword = hunter2\n[a]\nhost = x\n", "f.ini:2:",
		  "defaults_file" },
		{ "password never echoed", "[a]\npassword = hunter2\n", "f.ini:2:", "refused" },
		{ "bad port", "[a]\nhost = x\nport = 70000\n", "f.ini:3:", "1 to 65535" },
		{ "port not a number", "[a]\nhost = x\nport = 33o6\n", "f.ini:3:", "'33o6'" },
		{ "bad role", "[a]\nrole = master\n", "f.ini:2:", "role 'master'" },
		{ "bad multi_writer", "[a]\nmulti_writer = maybe\n", "f.ini:2:", "multi_writer 'maybe' is not yes or no" },
		{ "bad flavor", "[a]\nflavor = oracle\n", "f.ini:2:", "flavor 'oracle'" },
		{ "bad cluster name", "[a]\ncluster = eu orders\n", "f.ini:2:", "cluster 'eu orders'" },
		{ "bad version", "[a]\nversion = eight\n", "f.ini:2:", "version 'eight'" },
		{ "version with a suffix", "[a]\nversion = 8.0.36-log\n", "f.ini:2:", "did you mean 8.0.36" },
		{ "version the flavor never had", "[a]\nflavor = mariadb\nversion = 8.4\n", "f.ini:3:", "no version 8.4" },
		{ "host with a port", "[a]\nhost = db1:3307\n", "f.ini:2:", "port = 3307" },
		{ "host with a space", "[a]\nhost = db1 # primary\n", "f.ini:2:", "not a host" },
		{ "bracketed host with a control byte (fuzz finding)", "[a]\nhost = [2001:db\x18::2]\n", "f.ini:2:",
		  "no blank or control character" },
		{ "bracketed host with a blank", "[a]\nhost = [db 1]\n", "f.ini:2:", "not a host" },
		{ "repeated key", "[a]\nhost = x\nrole = replica\nhost = y\n", "f.ini:4:", "first at line 2" },
		{ "continuation line is a repeated key", "[a]\ntags = a\n  b\n", "f.ini:3:", "indented line" },
		{ "repeated section", "[a]\nhost = x\n\n[a]\nhost = y\n", "f.ini:4:", "first at line 1" },
		{ "repeated defaults", "[defaults]\nrole = any\n[defaults]\n[a]\nhost = x\n", "f.ini:3:", "twice" },
		{ "key before any section", "host = x\n[a]\nhost = y\n", "f.ini:1:", "outside any section" },
		{ "host in defaults", "[defaults]\nhost = x\n[a]\nport = 1\n", "f.ini:2:", "names one server" },
		{ "config in defaults", "[defaults]\nconfig = my.cnf\n[a]\nhost = x\n", "f.ini:2:", "names one server" },
		{ "slash in a name", "[eu/db1]\nhost = x\n", "f.ini:1:", "'/'" },
		{ "dot-dot name", "[..]\nhost = x\n", "f.ini:1:", "'..'" },
		{ "empty name, empty section", "[]\n[a]\nhost = x\n", "f.ini:1:", "needs a name" },
		{ "empty section repeated", "[a]\n[a]\nhost = x\n", "f.ini:2:", "twice" },
		{ "header without ]", "[a\nhost = x\n", "f.ini:1:", "without ']'" },
		{ "not an INI line", "[a]\nhost x\n", "f.ini:2:", "not an inventory line" },
		{ "empty value", "[a]\nhost =\n", "f.ini:2:", "no value" },
		{ "socket and a remote host", "[a]\nhost = db1\nsocket = /s\n", "f.ini:3:", "cannot both" },
		{ "socket and a port", "[a]\nsocket = /s\nport = 3306\n", "f.ini:3:", "not both" },
		{ "no target", "; nothing\n[defaults]\nrole = replica\n", "f.ini:0:", "no target" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct inventory inv;
		char *diags;
		int rc = parse(&inv, "f.ini", cases[i].text, &diags);
		ok(rc == -1 && has_diag(diags, cases[i].where, cases[i].word), "error: %s (%s ... %s)", cases[i].name,
		   cases[i].where, cases[i].word);
		if (!(rc == -1 && has_diag(diags, cases[i].where, cases[i].word)))
			printf("#   rc %d, diagnostics:\n#   %s\n", rc, diags);
		ok(!strstr(diags, "hunter2"), "... and no diagnostic shows a password value (%s)", cases[i].name);
		free(diags);
		inventory_release(&inv);
	}

	/* Every problem is reported, not only the first. */
	struct inventory inv;
	char *diags;
	parse(&inv, "f.ini", "[a]\nport = 0\nrole = x\n[b]\nflavor = y\n", &diags);
	ok(has_diag(diags, "f.ini:2:", "port") && has_diag(diags, "f.ini:3:", "role") &&
	   has_diag(diags, "f.ini:5:", "flavor"), "errors are collected: three lines, three errors");
	free(diags);
	inventory_release(&inv);

	/* A line longer than inih reads is an error, not two lines. */
	struct strbuf sb = { 0 };
	strbuf_addstr(&sb, "[a]\nconfig = ");
	for (int i = 0; i < 200; i++)
		strbuf_addch(&sb, 'x');
	strbuf_addstr(&sb, "\n");
	parse(&inv, "f.ini", sb.buf, &diags);
	ok(has_diag(diags, "f.ini:2:", "at most 199"), "a 209-byte line is an error at its line");
	free(diags);
	inventory_release(&inv);
	strbuf_release(&sb);

	/* A name longer than inih's section buffer stays whole. */
	const char *longname = "eu-west-1-orders-primary-db01.prod.internal.example.com";
	char *text = xasprintf("[%s]\nhost = x\n", longname);
	int rc = parse(&inv, "f.ini", text, &diags);
	ok(rc == 0 && inventory_find(&inv, longname), "a 55-byte name is kept whole (inih cuts at 49)");
	free(text);
	free(diags);
	inventory_release(&inv);

	/* An indented header under a key is inih's continuation; a header at column 0 is not. */
	rc = parse(&inv, "f.ini", "[a]\nhost = x\n[b]\nhost = y\n", &diags);
	ok(rc == 0 && inv.n == 2 && inventory_find(&inv, "b") && !strcmp(inventory_find(&inv, "b")->host, "y"),
	   "keys belong to the header above them");
	free(diags);
	inventory_release(&inv);

	/* A file that cannot be read. */
	struct diag_list d;
	diag_list_init(&d);
	inventory_init(&inv);
	rc = inventory_load(&inv, "/nonexistent/fleet.ini", &d);
	ok(rc == -1 && d.n == 1 && strstr(d.items[0].message, "cannot read the inventory"),
	   "an unreadable inventory is one error");
	diag_list_release(&d);
	inventory_release(&inv);
}

/* The inventory of examples/fleet/ (the cron and systemd example) is a valid one. */
static void test_example(void)
{
	struct inventory inv;
	struct diag_list d;
	diag_list_init(&d);
	inventory_init(&inv);
	int rc = inventory_load(&inv, "examples/fleet/fleet.ini", &d);
	ok(rc == 0 && inv.n == 3 && d.n == 0, "examples/fleet/fleet.ini parses: three servers, no diagnostic");
	const struct inventory_target *t = inventory_find(&inv, "us-db1");
	ok(t && t->port == 3307 && !strcmp(t->defaults_file, "/etc/crashsafe/auditor.cnf") &&
	   !strcmp(t->config, "examples/fleet/configs/us-db1.cnf"), "... with its defaults and relative paths");
	diag_list_release(&d);
	inventory_release(&inv);
}

int main(void)
{
	test_every_key();
	test_errors();
	test_example();
	return done_testing();
}
