/*
 * test_engine.c - rule files (what is accepted, what is an error and at
 * which line) and the engine's semantics: applies/require in three values,
 * variables a version lacks, conditional severities, per-flavor texts,
 * origins and override chains, channel rules and fleet rules.
 *
 * Runs from the repository root (prove does): the catalog is rules/variables.ini.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "explain.h"
#include "expr.h"
#include "fixture.h"
#include "tap.h"
#include "banned.h"

static struct catalog cat;
static char tmpdir[64];
static struct explainer explainer;   /* over the engine of the test that runs */

static char *write_rules(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *fp = fopen(path, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	return path;
}

/* Load text as one rule file (and bind it); expect an error at line with fragment in the message. */
static void load_fails(const char *what, const char *text, unsigned line, const char *fragment)
{
	struct engine e;
	struct diag_list d;
	engine_init(&e);
	diag_list_init(&d);
	char *path = write_rules("case.ini", text);
	int rc = engine_load_file(&e, path, &d);
	if (!rc)
		rc = engine_bind(&e, &cat, &d);
	ok(rc == -1, "%s: refused", what);
	int found = 0;
	for (size_t i = 0; i < d.n; i++)
		if (d.items[i].level == DIAG_ERROR && d.items[i].line == line && d.items[i].file &&
		    !strcmp(d.items[i].file, path) && strstr(d.items[i].message, fragment))
			found = 1;
	ok(found, "%s: error at line %u mentions '%s'", what, line, fragment);
	if (!found)
		for (size_t i = 0; i < d.n; i++)
			printf("#   %s:%u: %s\n", d.items[i].file ? d.items[i].file : "-", d.items[i].line,
			       d.items[i].message);
	unlink(path);
	free(path);
	diag_list_release(&d);
	engine_release(&e);
}

#define RULE_OK "severity = error\ntitle = t\nwhy = w\nfix = f\n"

static void test_malformed(void)
{
	load_fails("unknown key", "[r1]\n" RULE_OK "require = relay_log_recovery == ON\nsevrity = info\n", 7,
		   "unknown key 'sevrity'");
	load_fails("bad expression", "[r1]\n" RULE_OK "\nrequire = relay_log_recovery = ON\n", 7, "use '=='");
	load_fails("bad expression column", "[r1]\n" RULE_OK "require = (role == any\n", 6, "(column 13)");
	load_fails("bad severity", "[r1]\nseverity = fatal\ntitle = t\nwhy = w\nfix = f\nrequire = true\n", 2,
		   "bad severity 'fatal'");
	load_fails("missing require", "[r1]\n" RULE_OK, 1, "missing 'require'");
	load_fails("missing title", "[r1]\nseverity = info\nwhy = w\nfix = f\nrequire = true\n", 1, "missing 'title'");
	load_fails("duplicate id in one file",
		   "[r1]\n" RULE_OK "require = true\n\n[r1]\n" RULE_OK "require = true\n", 8, "duplicate rule id 'r1'");
	load_fails("duplicate key", "[r1]\n" RULE_OK "require = true\nrequire = false\n", 7, "duplicate key 'require'");
	load_fails("key outside a section", "severity = error\n[r1]\n" RULE_OK "require = true\n", 1,
		   "outside any [rule-id]");
	load_fails("not a rule line", "[r1]\n" RULE_OK "require = true\nthis is not a key\n", 7, "not a rule line");
	load_fails("bad id", "[Bad Id]\n" RULE_OK "require = true\n", 1, "bad rule id");
	load_fails("bad scope", "[r1]\n" RULE_OK "scope = cluster\nrequire = true\n", 6, "bad scope");
	load_fails("fleet without unique", "[r1]\n" RULE_OK "scope = fleet\n", 1, "needs 'unique");
	load_fails("unique outside fleet", "[r1]\n" RULE_OK "require = true\nunique = server_id\n", 7,
		   "need 'scope = fleet'");
	load_fails("severity_if without arrow", "[r1]\n" RULE_OK "require = true\nseverity_if = flavor == mariadb\n",
		   7, "severity_if must read");
	load_fails("severity_if bad level", "[r1]\n" RULE_OK "require = true\nseverity_if = true -> fatal\n", 7,
		   "severity_if must read");
	load_fails("flavored key for an unknown flavor", "[r1]\n" RULE_OK "require = true\ndoc.oracle = x\n", 7,
		   "unknown key 'doc.oracle'");
	load_fails("type-checked literal", "[r1]\n" RULE_OK "require = log_bin == yes\n", 6, "not a value of log_bin");
	load_fails("channel field outside a channel rule", "[r1]\n" RULE_OK "require = channel.auto_position == 1\n",
		   6, "scope = channel");

	/* a line longer than inih's buffer is an error at its own line, and later lines keep their numbers */
	struct strbuf sb = { 0 };
	strbuf_addstr(&sb, "[r1]\n" RULE_OK "require = true\ntitle2 = ");
	for (int i = 0; i < 300; i++)
		strbuf_addch(&sb, 'x');
	strbuf_addstr(&sb, "\n\nbogus = 1\n");
	load_fails("long line", sb.buf, 7, "line longer than");
	load_fails("line numbers after a long line", sb.buf, 9, "unknown key 'bogus'");
	strbuf_release(&sb);

	/* a duplicate id across files names the first definition */
	struct engine e;
	struct diag_list d;
	engine_init(&e);
	diag_list_init(&d);
	char *a = write_rules("a.ini", "[shared]\n" RULE_OK "require = true\n");
	char *b = write_rules("b.ini", "; another file\n[shared]\n" RULE_OK "require = true\n");
	ok(engine_load_file(&e, a, &d) == 0, "a.ini loads");
	ok(engine_load_file(&e, b, &d) == -1, "b.ini with the same id is refused");
	ok(d.n == 1 && d.items[0].line == 2 && strstr(d.items[0].message, "first defined at") &&
	   strstr(d.items[0].message, "a.ini:1"), "error at b.ini:2 names a.ini:1 (%s)", d.n ? d.items[0].message : "");
	unlink(a);
	unlink(b);
	free(a);
	free(b);
	diag_list_release(&d);
	engine_release(&e);

	/* a missing directory */
	engine_init(&e);
	diag_list_init(&d);
	ok(engine_load_dir(&e, "/nonexistent/rules", &d) == -1 && d.n == 1, "a missing rules directory is an error");
	diag_list_release(&d);
	engine_release(&e);

	/* a name that is neither a catalog variable nor a known fact: a warning, the rule still loads */
	engine_init(&e);
	diag_list_init(&d);
	a = write_rules("w.ini", "[r1]\n" RULE_OK "require = relay_log_recovry == ON\n");
	ok(engine_load_file(&e, a, &d) == 0 && engine_bind(&e, &cat, &d) == 0, "a typo'd name loads");
	ok(d.n == 1 && d.items[0].level == DIAG_WARNING && d.items[0].line == 6 &&
	   strstr(d.items[0].message, "relay_log_recovry"), "but is warned about at its line");
	unlink(a);
	free(a);
	diag_list_release(&d);
	engine_release(&e);
}

static const char rules_text[] =
	"; test rules\n"
	"[recovery]\n"
	"severity    = error\n"
	"severity_if = flavor == mariadb -> warning\n"
	"title       = recovery\n"
	"applies     = role != primary\n"
	"require     = relay_log_recovery == ON\n"
	"why         = first line\n"
	"  second line\n"
	"why.mariadb = the MariaDB story\n"
	"fix         = relay_log_recovery = ON\n"
	"  (restart needed)\n"
	"doc         = https://example.org/mysql\n"
	"doc.mariadb = https://example.org/mariadb\n"
	"expect.mariadb = relay_log_recovery = ON, for the receiver side\n"
	"\n"
	"[repo]\n"
	"severity = error\n"
	"title    = repo\n"
	"applies  = role != primary &&\n"
	"  flavor != mariadb\n"
	"require  = relay_log_info_repository == TABLE\n"
	"why      = w\n"
	"fix      = f\n"
	"\n"
	"[facts]\n"
	"severity = error\n"
	"title    = facts\n"
	"applies  = metadata_tables_innodb == ON || kind == file\n"
	"require  = option_file_errors == \"\"\n"
	"why      = w\n"
	"fix      = f\n"
	"\n"
	"[auto-position]\n"
	"severity = error\n"
	"scope    = channel\n"
	"title    = auto position\n"
	"require  = channel.auto_position == 1\n"
	"why      = w\n"
	"fix      = f\n"
	"\n"
	"[ids]\n"
	"severity    = error\n"
	"scope       = fleet\n"
	"title       = unique ids\n"
	"applies     = defined(server_id)\n"
	"unique      = server-id\n"
	"except_same = cluster\n"
	"why         = w\n"
	"fix         = f\n";

static struct settings *targets;
static size_t ntargets;

static struct settings *add_target(const char *name, const char *kind, enum flavor f, const char *version,
				   enum role role)
{
	targets = xrealloc(targets, (ntargets + 1) * sizeof(*targets));
	struct settings *s = &targets[ntargets++];
	settings_init(s, name, kind);
	s->flavor = f;
	version_parse(&s->version, version);
	s->role = role;
	return s;
}

/*
 * The end of a test over a rule file of its own: the targets add_target()
 * made, the rule file write_rules() wrote (path, freed), its diagnostics
 * and the engine.
 */
static void test_rules_release(struct engine *e, struct diag_list *d, char *path)
{
	for (size_t i = 0; i < ntargets; i++)
		settings_release(&targets[i]);
	free(targets);
	targets = NULL;
	ntargets = 0;
	unlink(path);
	free(path);
	diag_list_release(d);
	engine_release(e);
}

static void set_file(struct settings *s, const char *name, const char *value, const char *file, unsigned line)
{
	struct settings_origin o = { .source = SETTINGS_SRC_FILE, .file = file, .line = line };
	settings_set(s, name, value, name, &o);
}

static void set_default(struct settings *s, const char *name, const char *value)
{
	struct settings_origin o = { .source = SETTINGS_SRC_DEFAULT, .detail = "default" };
	settings_set(s, name, value, NULL, &o);
}

static const struct finding *find(const struct audit_result *r, size_t t, const char *rule, const char *channel)
{
	const struct target_result *tr = &r->targets[t];
	for (size_t i = 0; i < tr->n; i++)
		if (!strcmp(tr->findings[i].rule_id, rule) &&
		    ((!channel && !tr->findings[i].channel) ||
		     (channel && tr->findings[i].channel && !strcmp(channel, tr->findings[i].channel))))
			return &tr->findings[i];
	return NULL;
}

/* The sentences of a finding (valid until the next call), or NULL when there is no such finding. */
static const struct explanation *explain(const struct audit_result *r, size_t t, const char *rule,
					 const char *channel)
{
	static struct explanation e;
	const struct finding *f = find(r, t, rule, channel);
	if (!f)
		return NULL;
	explain_finding(&explainer, &r->targets[t], f, &e);
	return &e;
}

static void is_status(const struct audit_result *r, size_t t, const char *rule, const char *channel,
		      enum finding_status want, const char *message_fragment)
{
	const struct finding *f = find(r, t, rule, channel);
	const struct explanation *e = explain(r, t, rule, channel);
	char name[200];
	snprintf(name, sizeof(name), "%s: %s%s%s is %s", r->targets[t].name, rule, channel ? "@" : "",
		 channel ? channel : "", finding_status_name(want));
	is_str(f ? finding_status_name(f->status) : "(missing)", finding_status_name(want), name);
	if (message_fragment) {
		int has = e && e->message && strstr(e->message, message_fragment);
		ok(has, "  message has '%s'", message_fragment);
		if (!has)
			printf("#   message: %s\n", e && e->message ? e->message : "(null)");
	}
}

static void test_evaluate(void)
{
	struct engine e;
	struct diag_list d;
	struct audit_result r;
	engine_init(&e);
	diag_list_init(&d);
	char *path = write_rules("eval.ini", rules_text);
	ok(engine_load_file(&e, path, &d) == 0, "the test rules load");
	ok(engine_bind(&e, &cat, &d) == 0, "and bind");
	diag_print(&d, stdout);

	const struct rule *rec = engine_rule_find(&e, "recovery");
	ok(rec != NULL, "rules are found by id");
	is_str(rec ? rec->why : NULL, "first line second line", "continuation lines join with a space");
	is_str(rec ? rec->fix : NULL, "relay_log_recovery = ON\n(restart needed)", "fix lines join with a newline");
	is_str(rec ? rule_doc(rec, FLAVOR_MARIADB) : NULL, "https://example.org/mariadb", "doc.mariadb for MariaDB");
	is_str(rec ? rule_doc(rec, FLAVOR_PERCONA) : NULL, "https://example.org/mysql", "Percona falls back to doc");
	is_str(rec ? rec->expect : NULL, "relay_log_recovery = ON", "expected is the require text in words");
	const struct rule *repo = engine_rule_find(&e, "repo");
	is_str(repo ? repo->applies_text : NULL, "role != primary && flavor != mariadb",
	       "a condition may continue over lines");
	const struct rule *ids = engine_rule_find(&e, "ids");
	is_str(ids ? ids->variable : NULL, "server_id", "unique names resolve to the canonical variable");

	/* 0: MySQL 8.4 replica file, recovery overridden to OFF */
	struct settings *s = add_target("mysql84.cnf", "file", FLAVOR_MYSQL, "8.4", ROLE_REPLICA);
	set_file(s, "relay_log_recovery", "ON", "a.cnf", 12);
	set_file(s, "relay_log_recovery", "OFF", "conf.d/b.cnf", 3);
	set_file(s, "option_file_errors", "", "mysql84.cnf", 0);
	set_file(s, "server_id", "1", "mysql84.cnf", 2);
	/* 1: MySQL 8.0 primary, nothing set */
	s = add_target("primary80.cnf", "file", FLAVOR_MYSQL, "8.0", ROLE_PRIMARY);
	set_default(s, "relay_log_info_repository", "TABLE");
	set_file(s, "server_id", "1", "primary80.cnf", 2);
	/* 2: MariaDB replica with recovery at its default */
	s = add_target("maria.cnf", "file", FLAVOR_MARIADB, "10.11", ROLE_ANY);
	set_default(s, "relay_log_recovery", "OFF");
	set_file(s, "server_id", "2", "maria.cnf", 2);
	/* 3: MySQL 8.0 replica with FILE: repository rule fails; option_file_errors missing */
	s = add_target("mysql80.cnf", "file", FLAVOR_MYSQL, "8.0.30", ROLE_ANY);
	set_file(s, "relay_log_info_repository", "FILE", "mysql80.cnf", 4);
	/* no relay_log_recovery at all: unknown */
	set_file(s, "server_id", "7", "mysql80.cnf", 2);
	/* 4: a live server with two channels */
	s = add_target("db1:3306", "live", FLAVOR_MYSQL, "8.4.2", ROLE_REPLICA);
	s->channels_known = 1;
	settings_add_channel(s, "")->auto_position = "1";
	settings_add_channel(s, "east")->auto_position = "0";
	struct settings_origin live = { .source = SETTINGS_SRC_LIVE, .detail = "denied" };
	settings_set(s, "metadata_tables_innodb", NULL, NULL, &live);
	settings_set(s, "server_id", "9", NULL, &live);
	/* 5: a live server whose channels could not be read */
	s = add_target("db2:3306", "live", FLAVOR_MYSQL, "8.4.2", ROLE_ANY);
	settings_set(s, "server_id", "10", NULL, &live);
	/* 6: a target that could not be audited */
	s = add_target("gone:3306", "live", FLAVOR_MYSQL, "8.4", ROLE_ANY);
	s->error = settings_intern(s, "connection refused");
	/* 7, 8: Galera nodes of one cluster sharing id 5; 9: another cluster with id 5 */
	s = add_target("g1.cnf", "file", FLAVOR_MARIADB, "10.11", ROLE_PRIMARY);
	set_file(s, "server_id", "5", "g1.cnf", 2);
	s->cluster = settings_intern(s, "east");
	s = add_target("g2.cnf", "file", FLAVOR_MARIADB, "10.11", ROLE_PRIMARY);
	set_file(s, "server_id", "05", "g2.cnf", 2);
	s->cluster = settings_intern(s, "east");
	s = add_target("g3.cnf", "file", FLAVOR_MARIADB, "10.11", ROLE_PRIMARY);
	set_file(s, "server_id", "6", "g3.cnf", 2);
	s->cluster = settings_intern(s, "west");
	/* 10: a snapshot without server_id */
	s = add_target("vars.txt", "snapshot", FLAVOR_MYSQL, "8.0.36", ROLE_ANY);

	audit_result_init(&r);
	explainer_init(&explainer, &e, &cat);
	engine_evaluate(&e, &cat, targets, ntargets, &r);
	is_int((long)r.n, (long)ntargets, "one target result per target");

	/* fail, with the value, its origin and the override chain */
	is_status(&r, 0, "recovery", NULL, FINDING_FAIL, "relay_log_recovery is OFF (conf.d/b.cnf:3)");
	const struct finding *f = find(&r, 0, "recovery", NULL);
	const struct explanation *ex = explain(&r, 0, "recovery", NULL);
	is_str(ex ? ex->value : NULL, "OFF", "the value seen");
	is_str(ex ? ex->origin_text : NULL, "conf.d/b.cnf:3", "where it came from");
	is_str(ex ? ex->overridden : NULL, "set to ON at a.cnf:12, overridden to OFF at conf.d/b.cnf:3",
	       "what it overrode");
	is_str(ex ? ex->expected : NULL, "relay_log_recovery = ON", "what was expected");
	is_int(f ? (long)f->severity : 0, SEV_ERROR, "error on MySQL");
	is_str(ex ? ex->doc : NULL, "https://example.org/mysql", "MySQL doc");

	/* not applicable: role, flavor, version */
	is_status(&r, 1, "recovery", NULL, FINDING_NOT_APPLICABLE, "role is primary");
	is_status(&r, 0, "repo", NULL, FINDING_NOT_APPLICABLE, "relay_log_info_repository does not exist on MySQL 8.4");
	is_status(&r, 2, "repo", NULL, FINDING_NOT_APPLICABLE, "flavor is mariadb");
	is_status(&r, 3, "repo", NULL, FINDING_FAIL, "relay_log_info_repository is FILE (mysql80.cnf:4)");

	/* MariaDB: conditional severity, flavor texts, default origin */
	is_status(&r, 2, "recovery", NULL, FINDING_FAIL, NULL);
	f = find(&r, 2, "recovery", NULL);
	is_int(f ? (long)f->severity : 0, SEV_WARNING, "severity_if makes it a warning on MariaDB");
	ex = explain(&r, 2, "recovery", NULL);
	is_str(ex ? ex->why : NULL, "the MariaDB story", "why.mariadb");
	is_str(ex ? ex->doc : NULL, "https://example.org/mariadb", "doc.mariadb");
	is_str(ex ? ex->expected : NULL, "relay_log_recovery = ON, for the receiver side", "expect.mariadb");
	is_str(ex ? ex->origin_text : NULL, "not set: default OFF for MariaDB 10.11", "a default says so");
	ok(ex && !ex->overridden, "no override chain for a default");

	/* unknown: a value the target does not have */
	is_status(&r, 3, "recovery", NULL, FINDING_UNKNOWN, "could not evaluate: relay_log_recovery is unknown");
	/* unknown applies */
	is_status(&r, 4, "facts", NULL, FINDING_UNKNOWN, "so whether the rule applies is unknown");
	is_status(&r, 4, "facts", NULL, FINDING_UNKNOWN, "the engine of the replica's metadata tables is unknown (denied)");
	is_status(&r, 0, "facts", NULL, FINDING_PASS, NULL);
	is_status(&r, 3, "facts", NULL, FINDING_UNKNOWN, "the server's verdict on the option files is unknown");

	/* channel rules */
	is_status(&r, 0, "auto-position", NULL, FINDING_NOT_APPLICABLE, "known only on a running server");
	is_status(&r, 4, "auto-position", "", FINDING_PASS, "AUTO_POSITION is 1");
	is_status(&r, 4, "auto-position", "east", FINDING_FAIL, "AUTO_POSITION is 0");
	is_status(&r, 5, "auto-position", NULL, FINDING_UNKNOWN, "channels could not be read");

	/* a target that could not be audited has no findings */
	ok(r.targets[6].error && !strcmp(r.targets[6].error, "connection refused") && r.targets[6].n == 0,
	   "an unreachable target carries its error and no findings");

	/* fleet: server_id 1 twice (0 and 1), Galera 5/05 shared within 'east', 6 alone */
	is_status(&r, 0, "ids", NULL, FINDING_FAIL, "is also used by 1 other target: primary80.cnf");
	is_status(&r, 1, "ids", NULL, FINDING_FAIL, "mysql84.cnf");
	is_status(&r, 2, "ids", NULL, FINDING_PASS, "is unique");
	is_status(&r, 7, "ids", NULL, FINDING_PASS, "shared only within cluster 'east': g2.cnf");
	is_status(&r, 8, "ids", NULL, FINDING_PASS, "g1.cnf");
	is_status(&r, 9, "ids", NULL, FINDING_PASS, NULL);
	is_status(&r, 10, "ids", NULL, FINDING_UNKNOWN, "server_id is unknown");
	ok(find(&r, 6, "ids", NULL) == NULL, "no fleet finding for a target that could not be audited");

	/* exit statuses from the findings */
	is_int(audit_result_exit_status(&r, SEV_ERROR), 3, "an unaudited target or unknown error rule: exit 3");
	audit_result_release(&r);

	/* seven targets with one id: each names five of the six others, in the run's order, then "..." */
	{
		struct settings seven[7];
		char name[16];
		for (int i = 0; i < 7; i++) {
			snprintf(name, sizeof(name), "s%d.cnf", i);
			settings_init(&seven[i], name, "file");
			seven[i].flavor = FLAVOR_MYSQL;
			version_parse(&seven[i].version, "8.4");
			set_file(&seven[i], "server_id", "9", name, 2);
		}
		audit_result_init(&r);
		engine_evaluate(&e, &cat, seven, 7, &r);
		is_status(&r, 0, "ids", NULL, FINDING_FAIL,
			  "server_id 9 is also used by 6 other targets: s1.cnf, s2.cnf, s3.cnf, s4.cnf, s5.cnf, ...");
		is_status(&r, 6, "ids", NULL, FINDING_FAIL,
			  "is also used by 6 other targets: s0.cnf, s1.cnf, s2.cnf, s3.cnf, s4.cnf, ...");
		const struct finding *sf = find(&r, 3, "ids", NULL);
		ok(sf && sf->peers && sf->peers->nclash == 6 && sf->peers->nshared == 0 && sf->peers->clash[0] &&
			   !strcmp(sf->peers->clash[0], "s0.cnf") && !strcmp(sf->peers->clash[3], "s4.cnf"),
		   "counted per group: six clashes, the first five others named in order, itself left out");
		audit_result_release(&r);
		for (int i = 0; i < 7; i++)
			settings_release(&seven[i]);
	}

	/*
	 * Declared clusters (issue 10): fleet rules compare the targets of one
	 * cluster only. g3 (6) joins g1 and g2 in "dc1": still no clash. The
	 * same fleet without the Galera exception, all in "dc1": 5 and 05
	 * collide. In two declared clusters they do not.
	 */
	targets[7].topology = targets[8].topology = targets[9].topology = "dc1";
	audit_result_init(&r);
	engine_evaluate(&e, &cat, targets + 7, 3, &r);
	is_status(&r, 2, "ids", NULL, FINDING_PASS, "is unique among the 3 targets of cluster 'dc1'");
	is_str(r.targets[0].cluster, "dc1", "the declared cluster is the target result's");
	audit_result_release(&r);
	targets[7].cluster = NULL;
	audit_result_init(&r);
	engine_evaluate(&e, &cat, targets + 7, 3, &r);
	is_status(&r, 0, "ids", NULL, FINDING_FAIL, "is also used by 1 other target of cluster 'dc1': g2.cnf");
	audit_result_release(&r);
	targets[8].cluster = NULL;
	targets[8].topology = "dc2";
	audit_result_init(&r);
	engine_evaluate(&e, &cat, targets + 7, 3, &r);
	is_status(&r, 0, "ids", NULL, FINDING_PASS, "is unique among the 2 targets of cluster 'dc1'");
	is_status(&r, 1, "ids", NULL, FINDING_PASS, "is unique among the 1 target of cluster 'dc2'");
	audit_result_release(&r);
	/* without declared clusters, a Galera node's cluster is its wsrep cluster: not compared with others */
	targets[7].topology = targets[8].topology = targets[9].topology = NULL;
	audit_result_init(&r);
	engine_evaluate(&e, &cat, targets + 7, 3, &r);
	is_status(&r, 2, "ids", NULL, FINDING_PASS, "is unique among the 1 target of cluster 'west'");
	audit_result_release(&r);

	/*
	 * Decide first, explain later: the target's settings can be released
	 * once it is evaluated; its view keeps what the sentences need.
	 */
	audit_result_init(&r);
	engine_evaluate_target(&e, &cat, &targets[0], &r);
	engine_evaluate_target(&e, &cat, &targets[1], &r);
	for (size_t i = 0; i < ntargets; i++)
		settings_release(&targets[i]);
	engine_evaluate_fleet(&e, &cat, &r, 0);
	is_status(&r, 0, "recovery", NULL, FINDING_FAIL, "relay_log_recovery is OFF (conf.d/b.cnf:3)");
	ex = explain(&r, 0, "recovery", NULL);
	is_str(ex ? ex->overridden : NULL, "set to ON at a.cnf:12, overridden to OFF at conf.d/b.cnf:3",
	       "the override chain is explained after the settings are gone");
	is_status(&r, 0, "ids", NULL, FINDING_FAIL, "server_id 1 is also used by 1 other target: primary80.cnf");
	is_status(&r, 1, "recovery", NULL, FINDING_NOT_APPLICABLE, "role is primary");
	ok(r.targets[0].view.n > 0 && r.targets[0].view.n < 64,
	   "the view holds only what the rules read (%zu variables)", r.targets[0].view.n);
	audit_result_release(&r);

	explainer_release(&explainer);
	free(targets);
	unlink(path);
	free(path);
	diag_list_release(&d);
	engine_release(&e);
}

/* Rules of scope problem: one finding per offending line (issue 7, fault 12). */
static void test_problems(void)
{
	static const char text[] =
		"[lines]\n"
		"severity = error\n"
		"scope    = problem\n"
		"title    = lines\n"
		"applies  = kind == file\n"
		"require  = option_file_errors == \"\"\n"
		"why      = w\n"
		"fix      = the rule's own fix\n"
		"[sb]\n"
		"severity = error\n"
		"title    = sb\n"
		"require  = sync_binlog == 1\n"
		"why      = w\n"
		"fix      = sync_binlog = 1\n";
	struct engine e;
	struct diag_list d;
	struct audit_result r;
	engine_init(&e);
	diag_list_init(&d);
	char *path = write_rules("problems.ini", text);
	ok(engine_load_file(&e, path, &d) == 0 && engine_bind(&e, &cat, &d) == 0, "a problem rule loads and binds");
	diag_print(&d, stdout);

	ntargets = 0;
	targets = NULL;
	struct settings *s = add_target("two.cnf", "file", FLAVOR_MYSQL, "8.4", ROLE_ANY);
	set_file(s, "option_file_errors", "first", "two.cnf", 3);
	struct settings_problem p = { .fact = "option_file_errors", .kind = SETTINGS_PROBLEM_UNKNOWN,
				      .origin = { .source = SETTINGS_SRC_FILE, .file = "two.cnf", .line = 3 },
				      .option = "skip-host-cache", .text = "first" };
	settings_add_problem(s, &p);
	p.origin.line = 7;
	p.kind = SETTINGS_PROBLEM_VALUE;
	p.option = "sync_binlog";
	p.value = "1 ; comment";
	p.variable = "sync_binlog";
	p.detail = "unknown suffix";
	settings_add_problem(s, &p);
	set_file(s, "sync_binlog", NULL, "two.cnf", 7);   /* the refused value leaves it unknown at line 7 */
	p.fact = "removed_options";   /* another fact: not this rule's */
	p.origin.line = 9;
	settings_add_problem(s, &p);
	s = add_target("clean.cnf", "file", FLAVOR_MYSQL, "8.4", ROLE_ANY);
	set_file(s, "option_file_errors", "", "clean.cnf", 0);
	struct settings_origin denied = { .source = SETTINGS_SRC_LIVE, .detail = "denied" };
	settings_set(s, "sync_binlog", NULL, NULL, &denied);   /* unknown for another reason */
	s = add_target("vars.txt", "snapshot", FLAVOR_MYSQL, "8.4", ROLE_ANY);

	audit_result_init(&r);
	explainer_init(&explainer, &e, &cat);
	engine_evaluate(&e, &cat, targets, ntargets, &r);
	const struct target_result *t = &r.targets[0];
	size_t nlines = 0;
	unsigned lines[4] = { 0 };
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->findings[i].rule_id, "lines"))
			continue;
		struct explanation ex;
		explain_finding(&explainer, t, &t->findings[i], &ex);
		if (nlines < 4)
			lines[nlines] = ex.location.line;
		nlines++;
		ok(t->findings[i].status == FINDING_FAIL, "line %u: fail", ex.location.line);
	}
	is_int((long)nlines, 2, "two problems of the fact: two findings (not one folded)");
	ok(lines[0] == 3 && lines[1] == 7, "each located at its own line (%u, %u)", lines[0], lines[1]);
	const struct explanation *ex = explain(&r, 0, "lines", NULL);
	struct audit_summary sum;
	audit_result_summary(&r, &sum);
	is_int(audit_summary_exit_status(&sum, SEV_ERROR), 3, "the run: exit 3 (clean.cnf's denied value), not 2");
	ok(ex && ex->message && strstr(ex->message, "line 3: 'skip-host-cache': MySQL 8.4 has no option"),
	   "the message is a sentence about the line: %s", ex && ex->message ? ex->message : "(null)");
	ok(ex && ex->fix && !strcmp(ex->fix, "line 3: delete the line (or write loose-skip-host-cache, which the "
					      "server skips when it does not know the option)"),
	   "the fix says what to change on that line: %s", ex && ex->fix ? ex->fix : "(null)");
	is_status(&r, 1, "lines", NULL, FINDING_PASS, NULL);
	/* could not evaluate because of a refused line: points at it, and does not make the run exit 3 */
	const struct finding *sbf = find(&r, 0, "sb", NULL);
	ok(sbf && sbf->status == FINDING_UNKNOWN && sbf->cause_no == 2, "an unknown value at a refused line: cause is that problem");
	ok(sbf && !finding_blocks_audit(sbf), "... and it does not count towards exit 3");
	is_status(&r, 0, "sb", NULL, FINDING_UNKNOWN, "the server refuses line 7 (the lines failure there decides the exit status)");
	ex = explain(&r, 0, "sb", NULL);
	ok(ex && ex->cause_rule && !strcmp(ex->cause_rule, "lines") && ex->cause.line == 7, "the explanation names the rule and line");
	sbf = find(&r, 1, "sb", NULL);
	ok(sbf && sbf->status == FINDING_UNKNOWN && !sbf->cause_no && finding_blocks_audit(sbf),
	   "unknown for another reason (denied): no cause, exit 3");
	is_status(&r, 2, "lines", NULL, FINDING_NOT_APPLICABLE, NULL);
	audit_result_release(&r);
	explainer_release(&explainer);
	test_rules_release(&e, &d, path);

	load_fails("a problem rule over a variable",
		   "[x]\nseverity = error\nscope = problem\ntitle = t\nrequire = sync_binlog == 1\nwhy = w\nfix = f\n",
		   1, "must be the fact its problems count under");
}

/* fix_if and {channel}: the statements of the target's flavor and version, for its channel. */
static void test_fixes(void)
{
	static const char text[] =
		"[ch]\n"
		"severity = error\n"
		"scope    = channel\n"
		"title    = ch\n"
		"require  = channel.auto_position == 1\n"
		"why      = w\n"
		"fix      = CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION = 1 FOR CHANNEL {channel};\n"
		"fix_if   = version < 8.0.23 -> CHANGE MASTER TO MASTER_AUTO_POSITION = 1\n"
		"  FOR CHANNEL {channel};\n"
		"fix.mariadb = CHANGE MASTER {channel} TO MASTER_USE_GTID = slave_pos;\n";
	struct engine e;
	struct diag_list d;
	struct audit_result r;
	engine_init(&e);
	diag_list_init(&d);
	char *path = write_rules("fixes.ini", text);
	ok(engine_load_file(&e, path, &d) == 0 && engine_bind(&e, &cat, &d) == 0, "fix_if loads and binds");
	diag_print(&d, stdout);
	ntargets = 0;
	targets = NULL;
	struct settings *s = add_target("new:3306", "live", FLAVOR_MYSQL, "8.4.2", ROLE_REPLICA);
	s->channels_known = 1;
	settings_add_channel(s, "")->auto_position = "0";
	settings_add_channel(s, "it's")->auto_position = "0";
	s = add_target("old:3306", "live", FLAVOR_MYSQL, "8.0.20", ROLE_REPLICA);
	s->channels_known = 1;
	settings_add_channel(s, "east")->auto_position = "0";
	s = add_target("maria:3306", "live", FLAVOR_MARIADB, "10.11.6", ROLE_REPLICA);
	s->channels_known = 1;
	settings_add_channel(s, "")->auto_position = "0";
	audit_result_init(&r);
	explainer_init(&explainer, &e, &cat);
	engine_evaluate(&e, &cat, targets, ntargets, &r);
	const struct explanation *ex = explain(&r, 0, "ch", "");
	is_str(ex ? ex->fix : NULL, "CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION = 1 FOR CHANNEL '';",
	       "8.4: the default channel is ''");
	is_str(ex ? ex->subject : NULL, "default channel", "... and is called the default channel");
	ex = explain(&r, 0, "ch", "it's");
	is_str(ex ? ex->fix : NULL, "CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION = 1 FOR CHANNEL 'it''s';",
	       "a quote in a channel name is doubled (an SQL string literal)");
	ex = explain(&r, 1, "ch", "east");
	is_str(ex ? ex->fix : NULL, "CHANGE MASTER TO MASTER_AUTO_POSITION = 1\nFOR CHANNEL 'east';",
	       "8.0.20: the fix_if for versions before 8.0.23, its lines kept");
	ex = explain(&r, 2, "ch", "");
	is_str(ex ? ex->fix : NULL, "CHANGE MASTER '' TO MASTER_USE_GTID = slave_pos;", "MariaDB: fix.mariadb");
	audit_result_release(&r);
	explainer_release(&explainer);
	test_rules_release(&e, &d, path);

	load_fails("fix_if without an arrow",
		   "[x]\nseverity = error\ntitle = t\nrequire = sync_binlog == 1\nwhy = w\nfix = f\n"
		   "fix_if = version < 8.0\n",
		   7, "fix_if must read 'CONDITION -> FIX TEXT'");
}

/* "rule=status/severity " for each finding of target t, in the engine's order. */
static void findings_line(const struct audit_result *r, size_t t, struct strbuf *sb)
{
	const struct target_result *tr = &r->targets[t];
	for (size_t i = 0; i < tr->n; i++)
		strbuf_addf(sb, "%s%s=%s/%s", i ? " " : "", tr->findings[i].rule_id,
			    finding_status_name(tr->findings[i].status), severity_name(tr->findings[i].severity));
}

/*
 * Issue 13: the engine keeps, per flavor, build and version, which catalog
 * variables exist (filled as the targets' conditions ask), and each target
 * keeps a memo of its atoms. Neither may carry over to the next target: the
 * same targets in the opposite order, through the same engine, get the
 * same findings, and each the findings an engine of its own gives it.
 */
static void test_memo_order(void)
{
	struct engine e, alone;
	struct diag_list d;
	struct audit_result fwd, back;
	engine_init(&e);
	diag_list_init(&d);
	char *path = write_rules("memo.ini", rules_text);
	ok(engine_load_file(&e, path, &d) == 0 && engine_bind(&e, &cat, &d) == 0, "the test rules load and bind");
	ok(e.nmemo > 0, "their atoms are numbered for the memo (%u places)", e.nmemo);
	diag_print(&d, stdout);

	/* relay_log_info_repository: in MySQL 8.0, removed in 8.3, never in MariaDB */
	struct settings *s = add_target("a84.cnf", "file", FLAVOR_MYSQL, "8.4", ROLE_REPLICA);
	set_file(s, "relay_log_recovery", "ON", "a84.cnf", 1);
	s = add_target("b80.cnf", "file", FLAVOR_MYSQL, "8.0", ROLE_REPLICA);
	set_default(s, "relay_log_info_repository", "TABLE");
	s = add_target("c1011.cnf", "file", FLAVOR_MARIADB, "10.11", ROLE_REPLICA);
	set_file(s, "relay_log_recovery", "OFF", "c1011.cnf", 1);
	s = add_target("d80.cnf", "file", FLAVOR_MYSQL, "8.0", ROLE_PRIMARY);
	set_file(s, "relay_log_info_repository", "FILE", "d80.cnf", 1);
	s = add_target("e.cnf", "snapshot", FLAVOR_UNKNOWN, "0.0", ROLE_ANY);
	s->version.major = s->version.minor = 0;
	set_file(s, "relay_log_recovery", "ON", "e.cnf", 1);

	audit_result_init(&fwd);
	audit_result_init(&back);
	for (size_t i = 0; i < ntargets; i++)
		engine_evaluate_target(&e, &cat, &targets[i], &fwd);
	for (size_t i = ntargets; i-- > 0;)
		engine_evaluate_target(&e, &cat, &targets[i], &back);
	int same = 1, same_alone = 1;
	for (size_t i = 0; i < ntargets; i++) {
		struct strbuf a = { 0 }, b = { 0 }, c = { 0 };
		struct audit_result one;
		findings_line(&fwd, i, &a);
		findings_line(&back, ntargets - 1 - i, &b);
		if (strcmp(a.buf ? a.buf : "", b.buf ? b.buf : "")) {
			same = 0;
			printf("# %s: %s\n#   reversed: %s\n", targets[i].target, a.buf, b.buf);
		}
		engine_init(&alone);
		engine_load_file(&alone, path, &d);
		engine_bind(&alone, &cat, &d);
		audit_result_init(&one);
		engine_evaluate_target(&alone, &cat, &targets[i], &one);
		findings_line(&one, 0, &c);
		if (strcmp(a.buf ? a.buf : "", c.buf ? c.buf : "")) {
			same_alone = 0;
			printf("# %s: %s\n#   alone: %s\n", targets[i].target, a.buf, c.buf);
		}
		audit_result_release(&one);
		engine_release(&alone);
		strbuf_release(&a);
		strbuf_release(&b);
		strbuf_release(&c);
	}
	ok(same, "the same findings in the opposite order");
	ok(same_alone, "the same findings as each target alone");
	const struct finding *f = find(&fwd, 0, "repo", NULL);
	ok(f && f->status == FINDING_NOT_APPLICABLE && f->basis == FINDING_BY_ABSENT,
	   "MySQL 8.4: relay_log_info_repository does not exist (after none was asked)");
	f = find(&fwd, 1, "repo", NULL);
	ok(f && f->status == FINDING_PASS, "MySQL 8.0 right after: it exists");
	f = find(&back, 1, "repo", NULL);
	ok(f && f->status == FINDING_NOT_APPLICABLE && f->basis == FINDING_BY_APPLIES, "a MariaDB replica: not applicable");
	audit_result_release(&fwd);
	audit_result_release(&back);
	test_rules_release(&e, &d, path);
}

/* finding.h's order (worse first: status, severity, rule id, channel, line), spelled out here */
static int order_before(const struct finding *a, const struct finding *b)
{
	if (a->status != b->status)
		return a->status > b->status;
	if (a->severity != b->severity)
		return a->severity > b->severity;
	int c = strcmp(a->rule_id, b->rule_id);
	if (c)
		return c < 0;
	c = strcmp(a->channel ? a->channel : "", b->channel ? b->channel : "");
	if (c)
		return c < 0;
	return a->problem_no < b->problem_no;
}

/*
 * Issue 13: engine_evaluate_target() evaluates the rules in the order of
 * their ids (engine.order) and hands its findings over already in
 * target_result_sort()'s order, with no sort: rules whose file order is not
 * their ids' order, channels named against their order, statuses and
 * severities mixed; targets with and without channels.
 */
static void test_hand_over_order(void)
{
	static const char text[] =
		"[zz-last]\nseverity = error\ntitle = z\nrequire = relay_log_recovery == ON\nwhy = w\nfix = f\n\n"
		"[chan]\nseverity = error\nseverity_if = channel.name == \"west\" -> info\nscope = channel\n"
		"title = c\nrequire = channel.auto_position == 1\nwhy = w\nfix = f\n\n"
		"[mm-mid]\nseverity = error\ntitle = m\napplies = role != primary\n"
		"require = relay_log_recovery == ON\nwhy = w\nfix = f\n\n"
		"[aa-first]\nseverity = error\ntitle = a\nrequire = server_id == 7\nwhy = w\nfix = f\n";
	static const char *const by_id[] = { "aa-first", "chan", "mm-mid", "zz-last" };
	struct engine e;
	struct diag_list d;
	struct audit_result r;
	engine_init(&e);
	diag_list_init(&d);
	char *path = write_rules("order.ini", text);
	ok(engine_load_file(&e, path, &d) == 0 && engine_bind(&e, &cat, &d) == 0, "rules in no id order load and bind");
	int ids = e.order && e.norder == e.n && e.n == ARRAY_SIZE(by_id);
	for (size_t i = 0; ids && i < e.n; i++)
		ids = !strcmp(e.rules[e.order[i]].id, by_id[i]);
	ok(ids, "engine.order lists the rules by id");

	struct settings *s = add_target("live:1", "live", FLAVOR_MYSQL, "8.4.2", ROLE_REPLICA);
	s->channels_known = 1;
	settings_add_channel(s, "west")->auto_position = "0";
	settings_add_channel(s, "east")->auto_position = "1";
	settings_add_channel(s, "")->auto_position = "0";
	settings_add_channel(s, "north")->auto_position = "1";
	set_file(s, "server_id", "7", "a.cnf", 1);
	s = add_target("b.cnf", "file", FLAVOR_MYSQL, "8.0.30", ROLE_PRIMARY);
	set_file(s, "relay_log_recovery", "OFF", "b.cnf", 2);
	s = add_target("c.cnf", "file", FLAVOR_MARIADB, "10.11", ROLE_ANY);
	/* three rules fail with one severity: their findings share a place, in the order of the ids */
	set_file(s, "relay_log_recovery", "OFF", "c.cnf", 2);
	set_file(s, "server_id", "8", "c.cnf", 3);
	audit_result_init(&r);
	int sorted = 1, same = 1;
	size_t findings = 0;
	for (size_t i = 0; i < ntargets; i++) {
		engine_evaluate_target(&e, &cat, &targets[i], &r);
		const struct target_result *t = &r.targets[i];
		struct target_result copy;
		memset(&copy, 0, sizeof(copy));
		for (size_t k = 0; k < t->n; k++)
			*target_result_add(&copy) = t->findings[k];
		target_result_sort(&copy);
		for (size_t k = 0; k < t->n; k++) {
			if (k && order_before(&t->findings[k], &t->findings[k - 1]))
				sorted = 0;
			if (copy.findings[k].rule != t->findings[k].rule || copy.findings[k].channel != t->findings[k].channel)
				same = 0;
		}
		findings += t->n;
		free(copy.findings);
	}
	ok(sorted, "each target's findings come worse first, by id, by channel name (%zu findings)", findings);
	ok(same, "... the order target_result_sort() gives them");
	ok(r.targets[0].n == 7, "one finding per rule and per channel (%zu)", r.targets[0].n);
	audit_result_release(&r);
	test_rules_release(&e, &d, path);
}

/*
 * Issue 13: engine_read_index() (check keeps a target's variables the rules
 * read): every read at its index; names that are not reads are not found,
 * those of a read's length with its first and last 8 bytes too (its hash),
 * a prefix, a longer name, another case, short names and the empty name.
 */
static void test_read_index(void)
{
	struct engine e;
	struct diag_list d;
	engine_init(&e);
	diag_list_init(&d);
	ok(engine_read_index(&e, "relay_log_recovery") == -1, "before engine_bind(): no read");
	char *path = write_rules("reads.ini", rules_text);
	ok(engine_load_file(&e, path, &d) == 0 && engine_bind(&e, &cat, &d) == 0, "the test rules load and bind");
	int all = e.nreads > 3;
	for (size_t i = 0; i < e.nreads; i++)
		all &= engine_read_index(&e, e.reads[i].name) == (long)i;
	ok(all, "every read at its index (%zu reads)", e.nreads);
	long at = engine_read_index(&e, "relay_log_recovery");
	ok(at >= 0 && !strcmp(e.reads[at].name, "relay_log_recovery"), "a read by a name spelled elsewhere");
	char sid[16];
	snprintf(sid, sizeof(sid), "server_id");
	at = engine_read_index(&e, sid);
	ok(at >= 0 && !strcmp(e.reads[at].name, "server_id"), "a name of 9 bytes (compared by two 8-byte loads)");
	static const char *const not_reads[] = { "relay_loX_recovery", "relay_log_recover", "relay_log_recoveryy",
						 "Relay_log_recovery", "relay-log-recovery", "role", "", "r",
						 "relay_log_info_repositorX", "xelay_log_info_repository",
						 "servXr_id", "server_iD", "server-id", "Server_id" };
	int none = 1;
	for (size_t i = 0; i < ARRAY_SIZE(not_reads); i++)
		if (engine_read_index(&e, not_reads[i]) != -1) {
			none = 0;
			printf("#   found: '%s'\n", not_reads[i]);
		}
	ok(none, "names that are not reads are not found (same length, first and last 8 bytes; prefix; case)");
	/* every other last byte after server_id's first 8: some probe its slot, none may be taken for it */
	int others = 1;
	for (int ch = 1; ch < 256; ch++) {
		char n9[10] = "server_i";
		n9[8] = (char)ch;
		n9[9] = '\0';
		if (ch != 'd' && engine_read_index(&e, n9) != -1)
			others = 0;
	}
	ok(others, "254 names of server_id's length and first 8 bytes are not server_id");
	test_rules_release(&e, &d, path);
}

/* "name=value@line" for each variable of target t's view, in order. */
static void view_line(const struct audit_result *r, size_t t, struct strbuf *sb)
{
	const struct settings *v = &r->targets[t].view;
	for (size_t i = 0; i < v->n; i++)
		strbuf_addf(sb, "%s=%s@%u ", v->vars[i].name, v->vars[i].current.value ? v->vars[i].current.value : "-",
			    v->vars[i].current.origin.line);
}

/*
 * Issue 13: a target with no more variables than the rules read (what check
 * keeps) has its reads found by walking its variables; one with more, by a
 * lookup per read. Both give the same findings and the same view, for
 * catalog variables and facts, set or missing.
 */
static void test_reads_walk(void)
{
	struct engine e;
	struct diag_list d;
	struct audit_result r;
	engine_init(&e);
	diag_list_init(&d);
	char *path = write_rules("walk.ini", rules_text);
	ok(engine_load_file(&e, path, &d) == 0 && engine_bind(&e, &cat, &d) == 0, "the test rules load and bind");
	for (int wide = 0; wide < 2; wide++) {
		struct settings *s = add_target(wide ? "wide.cnf" : "few.cnf", "file", FLAVOR_MYSQL, "8.0.30", ROLE_REPLICA);
		set_file(s, "relay_log_info_repository", "FILE", "x.cnf", 3);
		set_file(s, "option_file_errors", "", "x.cnf", 4);
		set_file(s, "server_id", "7", "x.cnf", 5);
		for (int k = 0; wide && k < 12; k++) {
			char name[32];
			snprintf(name, sizeof(name), "not_read_%d", k);
			set_file(s, name, "1", "x.cnf", 10 + (unsigned)k);
		}
	}
	ok(targets[0].n <= e.nreads && targets[1].n > e.nreads, "one target walked (%zu variables), one not (%zu; %zu reads)",
	   targets[0].n, targets[1].n, e.nreads);
	audit_result_init(&r);
	engine_evaluate_target(&e, &cat, &targets[0], &r);
	engine_evaluate_target(&e, &cat, &targets[1], &r);
	struct strbuf a = { 0 }, b = { 0 }, va = { 0 }, vb = { 0 };
	findings_line(&r, 0, &a);
	findings_line(&r, 1, &b);
	view_line(&r, 0, &va);
	view_line(&r, 1, &vb);
	is_str(a.buf ? a.buf : "", b.buf ? b.buf : "", "the same findings either way");
	is_str(va.buf ? va.buf : "", vb.buf ? vb.buf : "", "the same view either way");
	ok(va.buf && strstr(va.buf, "relay_log_info_repository=FILE@3") && strstr(va.buf, "option_file_errors=@4") &&
		   strstr(va.buf, "server_id=7@5") && !strstr(va.buf, "not_read"),
	   "the view holds the reads the target has, a fact too (%s)", va.buf ? va.buf : "");
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&va);
	strbuf_release(&vb);
	audit_result_release(&r);
	test_rules_release(&e, &d, path);
}

/*
 * Issue 13: check evaluates each target into a result that borrows the
 * target's strings (audit_result.borrow): the view's values are the
 * settings' own, and a text the engine builds (a channel's problem) is
 * still the result's copy, whole after the engine's buffer is gone.
 */
static void test_borrowing_result(void)
{
	struct engine e;
	struct diag_list d;
	struct audit_result r;
	engine_init(&e);
	diag_list_init(&d);
	char *path = write_rules("borrow.ini", rules_text);
	ok(engine_load_file(&e, path, &d) == 0 && engine_bind(&e, &cat, &d) == 0, "the test rules load and bind");
	struct settings *s = add_target("db9:3306", "live", FLAVOR_MYSQL, "8.4.2", ROLE_REPLICA);
	s->channels_known = 1;
	struct settings_channel *ch = settings_add_channel(s, "east");
	ch->io_running = "Yes";
	ch->sql_running = "No";
	ch->last_sql_errno = "1062";
	ch->last_sql_error = "Duplicate entry '7' for key 'PRIMARY'";
	struct settings_origin live = { .source = SETTINGS_SRC_LIVE };
	set_file(s, "relay_log_recovery", "ON", "conf.d/a.cnf", 4);
	struct settings_origin by_hand = { .source = SETTINGS_SRC_LIVE, .detail = "set with SET GLOBAL", .line = 0 };
	settings_set(s, "relay_log_recovery", "OFF", "relay-log-recovery", &by_hand);
	settings_set(s, "server_id", "9", NULL, &live);
	audit_result_init(&r);
	r.borrow = 1;
	engine_evaluate_target(&e, &cat, s, &r);
	const struct settings *v = &r.targets[0].view;
	const struct settings_var *a = settings_get(v, "relay_log_recovery"), *b = settings_get(s, "relay_log_recovery");
	ok(a && b && a->current.value == b->current.value, "the view's value is the target's own string");
	ok(a && b && a->current.spelled == b->current.spelled && a->current.origin.source == SETTINGS_SRC_LIVE &&
		   a->current.origin.detail == b->current.origin.detail && !strcmp(a->current.spelled, "relay-log-recovery"),
	   "... its spelling and origin too");
	ok(a && a->n_overridden == 1 && a->overridden[0].value == b->overridden[0].value &&
		   a->overridden[0].origin.line == 4 && a->overridden[0].origin.file == b->overridden[0].origin.file &&
		   !strcmp(a->overridden[0].origin.file, "conf.d/a.cnf"),
	   "... and the value it overrode, with its file and line");
	is_str(v->nchannels == 1 && v->channels[0].problem ? v->channels[0].problem : "(none)",
	       "applier stopped: Last_SQL_Errno 1062: Duplicate entry '7' for key 'PRIMARY'",
	       "the channel's problem, built by the engine, is the result's copy");
	audit_result_release(&r);
	test_rules_release(&e, &d, path);
}

/*
 * audit_result_intern() (issue 13: its own hash, a smaller first pool):
 * equal texts share one copy, different texts never do, through the pool's
 * growth, and NULL stays NULL.
 */
static void test_intern(void)
{
	struct audit_result r;
	char buf[64];
	const char *first[600];
	int shared = 1, distinct = 1, kept = 1;
	audit_result_init(&r);
	ok(audit_result_intern(&r, NULL) == NULL, "NULL stays NULL");
	for (size_t i = 0; i < ARRAY_SIZE(first); i++) {
		/* short values, and long ones past 8-byte steps, that differ in one byte */
		snprintf(buf, sizeof(buf), i % 2 ? "%zu" : "/etc/mysql/conf.d/server-%zu.cnf", i);
		first[i] = audit_result_intern(&r, buf);
		kept &= first[i] != buf && !strcmp(first[i], buf);
	}
	for (size_t i = 0; i < ARRAY_SIZE(first); i++) {
		snprintf(buf, sizeof(buf), i % 2 ? "%zu" : "/etc/mysql/conf.d/server-%zu.cnf", i);
		shared &= audit_result_intern(&r, buf) == first[i];
		distinct &= i == 0 || first[i] != first[i - 1];
	}
	ok(kept, "a copy of each text, in the result");
	ok(shared, "an equal text gets the same copy, after the pool grew (%zu strings)", r.pool_n);
	ok(distinct, "different texts get different copies");
	is_int((long)r.pool_n, (long)ARRAY_SIZE(first), "one pool entry per distinct text");
	ok(audit_result_intern(&r, "") == audit_result_intern(&r, ""), "the empty text too");
	audit_result_release(&r);

	/* a result that borrows (check's own per target, issue 13): the string itself, no pool */
	audit_result_init(&r);
	r.borrow = 1;
	snprintf(buf, sizeof(buf), "ON");
	ok(audit_result_intern(&r, buf) == buf && audit_result_intern(&r, NULL) == NULL && !r.pool_n && !r.pool,
	   "a borrowing result: the string itself, NULL stays NULL, no pool");
	const char *copy = audit_result_keep(&r, buf);
	ok(copy != buf && !strcmp(copy, "ON") && audit_result_keep(&r, NULL) == NULL,
	   "... audit_result_keep(): a copy all the same");
	struct target_result *one = audit_result_add_target(&r, "a", "file");
	ok(r.cap == 1 && one == &r.targets[0], "... room for its one target, not 8");
	ok(audit_result_add_target(&r, "b", "file") && r.n == 2 && r.cap >= 2 && !strcmp(r.targets[0].name, "a"),
	   "... and a second still fits");
	audit_result_release(&r);
	audit_result_init(&r);
	struct target_result *head = audit_result_add_target(&r, "a", "file");
	audit_result_add_target(&r, "b", "file");
	ok(head == &r.targets[0] && r.cap >= 8, "a result that does not borrow: the first target stays in place past the second");
	audit_result_release(&r);
}

/*
 * Issue 13: settings_origin_add() writes what settings_origin_describe()
 * does, without its heap string: every shape (file with and without line,
 * chain and detail; detail alone; each source alone), appended after text
 * already in the buffer.
 */
static void test_origin_describe_same(void)
{
	static const char *const files[] = { NULL, "./h0.cnf", "conf.d/x y.cnf" };
	static const unsigned lines[] = { 0, 1, 4294967295u };
	static const char *const chains[] = { NULL, "included from my.cnf:3" };
	static const char *const details[] = { NULL, "live: SHOW VARIABLES", "" };
	size_t n = 0, same = 0;
	for (int src = SETTINGS_SRC_DEFAULT; src <= SETTINGS_SRC_TOPOLOGY; src++)
		for (size_t a = 0; a < ARRAY_SIZE(files); a++)
			for (size_t b = 0; b < ARRAY_SIZE(lines); b++)
				for (size_t c = 0; c < ARRAY_SIZE(chains); c++)
					for (size_t d = 0; d < ARRAY_SIZE(details); d++) {
						struct settings_origin o = { .source = (enum settings_source)src,
									     .file = files[a],
									     .line = lines[b],
									     .chain = chains[c],
									     .detail = details[d] };
						struct strbuf sb = { 0 };
						strbuf_addstr(&sb, "x=");
						settings_origin_add(&sb, &o);
						char *want = settings_origin_describe(&o);
						n++;
						if (!strncmp(sb.buf, "x=", 2) && !strcmp(sb.buf + 2, want))
							same++;
						else
							printf("# got '%s' want '%s'\n", sb.buf, want);
						free(want);
						strbuf_release(&sb);
					}
	ok(n && same == n, "settings_origin_add(): as settings_origin_describe() for %zu of %zu origins", same,
	   n);
}

/*
 * Issue 13: the explainer keeps the messages that depend on no value of the
 * target (conditions on role, kind, flavor, version, defined()) per rule
 * and (basis, status, flavor, build, version, role, kind). Targets that
 * differ in just one of these, through one explainer in both orders, get
 * the messages an explainer of their own gives them.
 */
static const char msg_rules_text[] =
	"[who]\nseverity = error\ntitle = who\napplies = role == replica\nrequire = sync_binlog == 1\n"
	"why = w\nfix = f\n\n"
	"[kinds]\nseverity = error\ntitle = kinds\napplies = kind == snapshot\nrequire = sync_binlog == 1\n"
	"why = w\nfix = f\n\n"
	"[versions]\nseverity = error\ntitle = versions\napplies = version >= 8.4\nrequire = sync_binlog == 1\n"
	"why = w\nfix = f\n\n"
	"[exists]\nseverity = error\ntitle = exists\napplies = defined(relay_log_info_repository)\n"
	"require = sync_binlog == 1\nwhy = w\nfix = f\n\n"
	"[flavors]\nseverity = error\ntitle = flavors\napplies = flavor == mariadb\nrequire = sync_binlog == 1\n"
	"why = w\nfix = f\n\n"
	"[requires]\nseverity = error\ntitle = requires\nrequire = version >= 8.0.30 && role != primary\n"
	"why = w\nfix = f\n";

static void explain_all(struct explainer *x, const struct audit_result *r, size_t t, struct strbuf *sb)
{
	const struct target_result *tr = &r->targets[t];
	for (size_t i = 0; i < tr->n; i++) {
		struct explanation ex;
		explain_finding(x, tr, &tr->findings[i], &ex);
		strbuf_addf(sb, "%s=%s: %s\n", tr->findings[i].rule_id, finding_status_name(tr->findings[i].status),
			    ex.message ? ex.message : "(null)");
	}
}

static void test_message_cache(void)
{
	struct engine e;
	struct diag_list d;
	struct audit_result res;
	struct explainer shared;
	engine_init(&e);
	diag_list_init(&d);
	char *path = write_rules("msg.ini", msg_rules_text);
	ok(engine_load_file(&e, path, &d) == 0 && engine_bind(&e, &cat, &d) == 0, "message cache: the rules load");
	diag_print(&d, stdout);
	struct settings *s;
	s = add_target("a.cnf", "file", FLAVOR_MYSQL, "8.0", ROLE_PRIMARY);
	set_file(s, "sync_binlog", "1", "a.cnf", 1);
	s = add_target("b.cnf", "file", FLAVOR_MYSQL, "8.0", ROLE_ANY);
	set_file(s, "sync_binlog", "0", "b.cnf", 2);
	s = add_target("c.cnf", "snapshot", FLAVOR_MYSQL, "8.0", ROLE_PRIMARY);
	set_file(s, "sync_binlog", "1", "c.cnf", 3);
	s = add_target("d.cnf", "file", FLAVOR_MYSQL, "8.4", ROLE_PRIMARY);
	set_default(s, "sync_binlog", "1");
	s = add_target("e.cnf", "file", FLAVOR_MARIADB, "10.11", ROLE_PRIMARY);
	set_default(s, "sync_binlog", "0");
	s = add_target("f.cnf", "file", FLAVOR_MYSQL, "8.0.40", ROLE_REPLICA);
	set_file(s, "sync_binlog", "1", "f.cnf", 4);
	s = add_target("g.cnf", "file", FLAVOR_MYSQL, "8.0.20", ROLE_REPLICA);
	set_file(s, "sync_binlog", "1", "g.cnf", 5);
	s = add_target("h.cnf", "file", FLAVOR_PERCONA, "8.0", ROLE_ANY);
	set_file(s, "sync_binlog", "1", "h.cnf", 6);
	audit_result_init(&res);
	for (size_t i = 0; i < ntargets; i++)
		engine_evaluate_target(&e, &cat, &targets[i], &res);
	explainer_init(&shared, &e, &cat);
	int same = 1;
	for (int round = 0; round < 3; round++)
		for (size_t k = 0; k < ntargets; k++) {
			size_t i = round == 1 ? ntargets - 1 - k : k;
			struct strbuf a = { 0 }, b = { 0 };
			struct explainer own;
			explainer_init(&own, &e, &cat);
			explain_all(&shared, &res, i, &a);
			explain_all(&own, &res, i, &b);
			if (strcmp(a.buf ? a.buf : "", b.buf ? b.buf : "")) {
				same = 0;
				printf("# %s (round %d):\n%s# alone:\n%s", targets[i].target, round, a.buf, b.buf);
			}
			explainer_release(&own);
			strbuf_release(&a);
			strbuf_release(&b);
		}
	ok(same, "message cache: every target's messages through one explainer (three rounds, both orders) as "
		 "through its own");
	size_t kept = explainer_messages_kept(&shared);
	ok(kept >= 6, "message cache: messages were kept and read back (%zu)", kept);
	struct strbuf who = { 0 };
	explain_all(&shared, &res, 1, &who);
	ok(who.buf && strstr(who.buf, "who=not applicable: role is any"), "message cache: a second role of one "
	   "version gets its own words");
	if (!(who.buf && strstr(who.buf, "who=not applicable: role is any")))
		printf("# %s", who.buf ? who.buf : "(null)\n");
	strbuf_release(&who);
	explainer_release(&shared);
	audit_result_release(&res);
	test_rules_release(&e, &d, path);
}

int main(void)
{
	if (!fixture_catalog(&cat))
		return done_testing();
	if (!fixture_tmpdir(tmpdir, sizeof(tmpdir), "engine"))
		return done_testing();
	test_malformed();
	test_evaluate();
	test_problems();
	test_fixes();
	test_memo_order();
	test_hand_over_order();
	test_borrowing_result();
	test_read_index();
	test_reads_walk();
	test_intern();
	test_origin_describe_same();
	test_message_cache();
	rmdir(tmpdir);
	catalog_release(&cat);
	return done_testing();
}
