/*
 * test_reports.c - the four report writers on hand-built results.
 *
 * With no arguments: TAP checks of each writer's key properties (ordering,
 * provenance, escaping of hostile bytes, counts, JUnit read back and
 * validated with libxml2, atomic file writing, I/O errors).
 * With --write-fixture DIR: writes the fixture result in all four formats
 * to DIR/report.txt, DIR/report.json, DIR/junit.xml and DIR/report.sarif
 * (tests/reports.t validates them with xmllint, junitparser and python).
 */
/* fopencookie() */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xmlwriter.h>

#include "engine.h"
#include "explain.h"
#include "finding.h"
#include "report.h"
#include "report_int.h"
#include "tap.h"
#include "util.h"
#include "banned.h"

/* Strings that try to break each format: markup, quotes, controls, bad UTF-8, an escape sequence. */
#define HOSTILE_NAME "odd <&\"'>\x01 dir/db\xff.cnf"
#define HOSTILE_VALUE "<&\"'>\x01\x1b[31mred\x7f\xff\xfe end"
#define UTF8_TEXT "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80"

/*
 * The writers take every sentence from the run's explainer: the fixture's
 * explainer hands back sentences written here by hand, per finding, so that
 * these tests see exactly what the writers do with them.
 */
struct canned {
	const char *target;     /* the target_result's name (arena pointer) */
	size_t index;           /* the finding's index in its target */
	struct explanation e;
};
static struct canned canned[32];
static size_t ncanned;

static void canned_explain(struct explainer *x, const struct target_result *t, const struct finding *f,
			   struct explanation *out)
{
	(void)x;
	for (size_t i = 0; i < ncanned; i++)
		if (canned[i].target == t->name && canned[i].index == (size_t)(f - t->findings))
			*out = canned[i].e;
}

static struct explainer fixture_explainer = { .explain = canned_explain };

static struct finding *add_finding(struct audit_result *r, struct target_result *t, const char *rule,
				   enum severity sev, enum finding_status st, struct explanation **e)
{
	struct finding *f = target_result_add(t);
	f->rule_id = arena_strdup(&r->arena, rule);
	f->severity = sev;
	f->status = st;
	if (ncanned == ARRAY_SIZE(canned))
		abort();
	memset(&canned[ncanned], 0, sizeof(canned[ncanned]));
	canned[ncanned].target = t->name;
	canned[ncanned].index = t->n - 1;
	*e = &canned[ncanned++].e;
	return f;
}

#define add(r, t, rule, sev, st) add_finding(r, t, rule, sev, st, &e)

/* The rules of the fixture, for SARIF's rule list (any order: the writer sorts them). */
static const struct rule fixture_rules[] = {
	{ .id = "sync-binlog", .title = "Binary log is synced at every commit", .severity = SEV_WARNING,
	  .why = "Without a sync at commit, the binary log and InnoDB can disagree after a crash.",
	  .fix = "sync_binlog = 1",
	  .doc = "https://dev.mysql.com/doc/refman/8.4/en/replication-options-binary-log.html" },
	{ .id = "relay-log-recovery", .title = "Replica rebuilds its relay log after a crash", .severity = SEV_ERROR,
	  .why = "Without it a restarted replica re-applies or skips events.", .fix = "relay_log_recovery = ON",
	  .doc = "https://dev.mysql.com/doc/refman/8.4/en/replication-solutions-unexpected-replica-halt.html" },
	{ .id = "replica-read-only", .title = "Replica is read-only", .severity = SEV_ERROR },
	{ .id = "option-file-syntax", .title = "Option files are readable", .severity = SEV_ERROR },
	{ .id = "gtid-strict-mode", .title = "GTID strict mode", .severity = SEV_WARNING },
	{ .id = "gtid-mode", .title = "GTID mode is ON", .severity = SEV_ERROR },
	{ .id = "preserve-commit-order", .title = "Parallel applier commits in order", .severity = SEV_WARNING },
	{ .id = "source-auto-position", .title = "Channel uses GTID auto-position", .severity = SEV_INFO },
	{ .id = "server-id-set", .title = "server_id is set", .severity = SEV_ERROR },
};

/*
 * The fixture: findings are added in no particular order, so that the
 * writers' own worst-first ordering is what the checks see.
 */
static void fixture(struct audit_result *r)
{
	struct target_result *t;
	struct finding *f;
	struct explanation *e;

	ncanned = 0;

	audit_result_init(r);

	/* 1: a MySQL 8.4 replica with one finding of every status. */
	t = audit_result_add_target(r, "conf.d/replica.cnf", "file");
	t->flavor = FLAVOR_MYSQL;
	t->version = (struct version){ 8, 4, -1 };
	t->role = ROLE_REPLICA;

	f = add(r, t, "replica-read-only", SEV_ERROR, FINDING_PASS);
	e->title = "Replica is read-only";
	e->variable = "read_only";
	e->value = "ON";
	e->origin = (struct settings_origin){ .source = SETTINGS_SRC_FILE, .file = "conf.d/replica.cnf", .line = 4 };
	e->origin_text = "conf.d/replica.cnf:4";
	e->expected = "read_only = ON";
	e->message = "read_only is ON (conf.d/replica.cnf:4)";

	f = add(r, t, "sync-binlog", SEV_WARNING, FINDING_FAIL);
	e->title = "Binary log is synced at every commit";
	e->variable = "sync_binlog";
	e->value = "0";
	e->origin = (struct settings_origin){ .source = SETTINGS_SRC_FILE, .file = "conf.d/replica.cnf", .line = 7, .chain =
					      "included from my.cnf:3", NULL };
	e->location = e->origin;
	e->origin_text = "conf.d/replica.cnf:7 (included from my.cnf:3)";
	e->overridden = "set to 1 at my.cnf:10, overridden to 0 at conf.d/replica.cnf:7";
	e->expected = "sync_binlog = 1";
	e->message = "sync_binlog is 0 (conf.d/replica.cnf:7, included from my.cnf:3)";
	e->fix = "sync_binlog = 1";
	e->why = "Without a sync at commit, the binary log and InnoDB can disagree after a crash.";
	e->doc = "https://dev.mysql.com/doc/refman/8.4/en/replication-options-binary-log.html";

	f = add(r, t, "option-file-syntax", SEV_ERROR, FINDING_PASS);
	e->variable = "option_file_errors";
	e->value = "";
	e->origin_text = "nothing found in the option files";

	f = add(r, t, "gtid-strict-mode", SEV_WARNING, FINDING_NOT_APPLICABLE);
	e->title = "GTID strict mode";
	e->message = "MariaDB only";

	f = add(r, t, "relay-log-recovery", SEV_ERROR, FINDING_FAIL);
	e->title = "Replica rebuilds its relay log after a crash";
	e->variable = "relay_log_recovery";
	e->value = "OFF";
	e->origin = (struct settings_origin){ .source = SETTINGS_SRC_DEFAULT,
					      .detail = "default for MySQL 8.4" };
	e->location = (struct settings_origin){ .source = SETTINGS_SRC_FILE, .file = "conf.d/replica.cnf", .line = 0 };
	e->origin_text = "not set: default OFF for MySQL 8.4";
	e->expected = "relay_log_recovery = ON";
	e->message = "relay_log_recovery is OFF (default for MySQL 8.4)";
	e->fix = "relay_log_recovery = ON\n(add under [mysqld], conf.d/replica.cnf:1)";
	e->why = "Without it a restarted replica re-applies or skips events.";
	e->doc = "https://dev.mysql.com/doc/refman/8.4/en/replication-solutions-unexpected-replica-halt.html";

	f = add(r, t, "gtid-mode", SEV_ERROR, FINDING_UNKNOWN);
	e->title = "GTID mode is ON";
	e->variable = "gtid_mode";
	e->message = "could not evaluate: gtid_mode is set from an environment variable the audit cannot see";
	e->expected = "gtid_mode = ON";
	e->fix = "gtid_mode = ON";

	f = add(r, t, "preserve-commit-order", SEV_WARNING, FINDING_SUPPRESSED);
	e->title = "Parallel applier commits in order";
	e->message = "suppressed by suppress.ini:4: ticket DBA-12; was: replica_preserve_commit_order is OFF "
		     "(conf.d/replica.cnf:9)";
	static const struct finding_suppression sup = { "suppress.ini", 4, "ticket DBA-12", FINDING_FAIL, "file", 0 };
	f->suppression = &sup;
	e->suppression = &sup;
	e->unsuppressed_message = "replica_preserve_commit_order is OFF (conf.d/replica.cnf:9)";

	f = add(r, t, "source-auto-position", SEV_INFO, FINDING_FAIL);
	e->title = "Channel uses GTID auto-position";
	f->channel = "ch1";
	e->subject = "channel ch1";
	e->message = "AUTO_POSITION is 0";
	e->fix = "CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION = 1 FOR CHANNEL 'ch1'\n"
		 "(MySQL 8.0.23 and later)";

	/* 2: a live server that could not be audited. */
	t = audit_result_add_target(r, "db-7.example:3306", "live");
	t->flavor = FLAVOR_UNKNOWN;
	t->error = "cannot connect: connection refused";

	/* 3: hostile strings everywhere. */
	t = audit_result_add_target(r, HOSTILE_NAME, "file");
	t->flavor = FLAVOR_MARIADB;
	t->version = (struct version){ 10, 11, 6 };
	t->role = ROLE_ANY;
	f = add(r, t, "server-id-set", SEV_ERROR, FINDING_FAIL);
	e->title = "server_id " UTF8_TEXT;
	e->variable = "server_id";
	e->value = HOSTILE_VALUE;
	e->origin = (struct settings_origin){ .source = SETTINGS_SRC_FILE, .file = HOSTILE_NAME, .line = 12 };
	e->location = e->origin;
	e->origin_text = HOSTILE_NAME ":12";
	e->message = "server_id is " HOSTILE_VALUE " (" HOSTILE_NAME ":12)\nline two\ttabbed\r";
	e->expected = "server_id != 0";
	e->fix = "server_id = <unique & non-zero>";
	e->overridden = "set to 1\nat x.cnf:1, overridden";
	f->channel = "it's <ch>";
	e->subject = "channel it's <ch>";

	/* 4: a MariaDB 10.11 replica with nothing wrong. */
	t = audit_result_add_target(r, "mariadb/etc/mysql/my.cnf", "file");
	t->flavor = FLAVOR_MARIADB;
	t->version = (struct version){ 10, 11, -1 };
	t->role = ROLE_REPLICA;
	f = add(r, t, "relay-log-recovery", SEV_ERROR, FINDING_PASS);
	e->title = "Replica rebuilds its relay log after a crash";
	e->variable = "relay_log_recovery";
	e->value = "ON";
	e->origin = (struct settings_origin){ .source = SETTINGS_SRC_FILE, .file = "mariadb/conf.d/50-replica.cnf",
					      .line = 9, .chain =
					      "included from mariadb/etc/mysql/my.cnf:14", NULL };
}

static struct report_run fixture_run = {
	.command = "check",
	.tool_version = "9.9.9",
	.rules = fixture_rules,
	.nrules = ARRAY_SIZE(fixture_rules),
	.explainer = &fixture_explainer,
};

/* Run a writer into a heap string. */
static char *render(enum report_format fmt, const struct audit_result *r, const struct report_options *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	if (!fp)
		return NULL;
	int rc = report_write(fmt, r, o, &fixture_run, fp);
	fclose(fp);
	if (rc != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

/* Offset of needle in hay, or -1. */
static long pos(const char *hay, const char *needle)
{
	const char *p = hay ? strstr(hay, needle) : NULL;
	return p ? p - hay : -1;
}

static const struct report_options plain = { 0 };

static void test_text(const struct audit_result *r)
{
	char *s = render(REPORT_TEXT, r, &plain);
	ok(s != NULL, "text: writes");
	ok(has(s, "conf.d/replica.cnf (file, MySQL 8.4, role replica): 3 fail, 1 could not evaluate, "
		  "1 suppressed, 2 pass, 1 not applicable\n"),
	   "text: target header has name, kind, flavor, version, role and a tally in the status words");
	ok(pos(s, "relay-log-recovery") < pos(s, "sync-binlog") &&
		   pos(s, "sync-binlog") < pos(s, "source-auto-position") &&
		   pos(s, "source-auto-position") < pos(s, "gtid-mode"),
	   "text: worst first (error fail, warning fail, info fail, could not evaluate) whatever the engine's order");
	ok(has(s, "  fail (error) relay-log-recovery: Replica rebuilds its relay log after a crash\n"),
	   "text: lead line has the status's name, severity, rule id and title");
	ok(has(s, "\n      found:      relay_log_recovery is OFF (default for MySQL 8.4)\n"
		  "      expected:   relay_log_recovery = ON\n"
		  "      fix:        relay_log_recovery = ON\n"
		  "                  (add under [mysqld], conf.d/replica.cnf:1)\n"),
	   "text: one line for what was found, one for what is expected, one for the fix (its lines kept)");
	ok(!has(s, "value:") && !has(s, "problem:") && !has(s, "relay_log_recovery = OFF"),
	   "text: the value is said once, in the found line");
	ok(has(s, "found:      sync_binlog is 0 (conf.d/replica.cnf:7, included from my.cnf:3)\n"),
	   "text: found says where the value comes from, with the include chain");
	ok(has(s, "overridden: set to 1 at my.cnf:10, overridden to 0 at conf.d/replica.cnf:7\n"),
	   "text: overridden chain");
	ok(!has(s, "why:"), "text: no rationale without verbose");
	ok(has(s, "  could not evaluate (error) gtid-mode: GTID mode is ON\n"
		  "      found:      gtid_mode is set from an environment variable the audit cannot see\n"),
	   "text: a could-not-evaluate finding is named so, and found says why (once)");
	ok(has(s, "source-auto-position [channel ch1]"), "text: channel shown");
	ok(!has(s, "replica-read-only") && !has(s, "gtid-strict-mode") && !has(s, "preserve-commit-order"),
	   "text: pass, not-applicable and suppressed hidden without verbose");
	ok(has(s, "db-7.example:3306 (live, unknown server, role any): could not be audited\n"
		  "  ERROR      cannot connect: connection refused\n"),
	   "text: a target that could not be audited shows the error");
	ok(has(s, "4 targets: 4 fail (2 error, 1 warning, 1 info), 1 could not evaluate, 3 pass, "
		  "1 not applicable, 1 suppressed, 1 target could not be audited\n"),
	   "text: summary line with every count, in the status words");
	ok(!has(s, "\x1b"), "text: no escape byte without colour, even from hostile input");
	ok(has(s, "odd <&\"'>\\x01 dir/db\\xff.cnf") && has(s, "\\x1b[31mred\\x7f\\xff\\xfe end"),
	   "text: control bytes and invalid UTF-8 shown as \\xNN");
	ok(has(s, "\n                  line two\\ttabbed\\x0d\n"),
	   "text: a found line spanning lines stays indented under its label; tab and CR escaped");
	ok(has(s, "fix:        CHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION = 1 FOR CHANNEL 'ch1'\n"
		  "                  (MySQL 8.0.23 and later)\n"),
	   "text: a multi-line fix keeps its lines");
	ok(has(s, UTF8_TEXT), "text: valid UTF-8 kept as is");
	ok(has(s, "overridden: set to 1\\nat x.cnf:1, overridden\n"), "text: a newline in a value stays escaped");
	free(s);

	struct report_options o = plain;
	o.verbose = 1;
	s = render(REPORT_TEXT, r, &o);
	ok(has(s, "  pass (error) replica-read-only: read_only is ON (conf.d/replica.cnf:4)\n"),
	   "text verbose: pass finding on one line with what was found");
	ok(has(s, "  not applicable (warning) gtid-strict-mode: MariaDB only\n"), "text verbose: not-applicable with reason");
	ok(has(s, "  pass (error) option-file-syntax: option_file_errors = '' (nothing found in the option files)\n"),
	   "text verbose: without a sentence, the value and origin; an empty value is shown as ''");
	ok(has(s, "  suppressed (warning) preserve-commit-order: by suppress.ini:4: ticket DBA-12; was: "
		  "replica_preserve_commit_order is OFF (conf.d/replica.cnf:9)\n"),
	   "text verbose: suppressed with reason");
	ok(has(s, "      why:        Without it a restarted replica re-applies or skips events.\n"),
	   "text verbose: the rule's rationale");
	ok(pos(s, "preserve-commit-order") < pos(s, "replica-read-only") &&
		   pos(s, "gtid-strict-mode") < pos(s, "replica-read-only"),
	   "text verbose: passes last");
	free(s);

	o = plain;
	o.quiet = 1;
	fixture_run.fail_on = SEV_ERROR;
	s = render(REPORT_TEXT, r, &o);
	ok(has(s, "  fail (error) relay-log-recovery: relay_log_recovery is OFF (default for MySQL 8.4)\n"),
	   "text quiet: a failure that decides the exit status is one line");
	ok(has(s, "  could not evaluate (error) gtid-mode: gtid_mode is set from an environment variable"),
	   "text quiet: a could-not-evaluate of error severity decides the exit status (3): shown");
	ok(!has(s, "sync-binlog") && !has(s, "source-auto-position"),
	   "text quiet: failures below --fail-on do not decide the exit status: left out");
	ok(!has(s, "fix:") && !has(s, "mariadb/etc/mysql/my.cnf"), "text quiet: no details, no clean targets");
	ok(has(s, "cannot connect: connection refused") && has(s, "4 targets: 4 fail"),
	   "text quiet: target errors and the summary stay");
	fixture_run.fail_on = SEV_WARNING;
	free(s);
	s = render(REPORT_TEXT, r, &o);
	ok(has(s, "  fail (warning) sync-binlog:") && !has(s, "source-auto-position"),
	   "text quiet --fail-on warning: the warning failure decides it too, the info one does not");
	fixture_run.fail_on = 0;
	free(s);

	o = plain;
	o.color = 1;
	s = render(REPORT_TEXT, r, &o);
	ok(has(s, "  \033[1;31mfail\033[0m (") && has(s, "  \033[35mcould not evaluate\033[0m ("),
	   "text colour: status coloured");
	ok(has(s, "\\x1b[31mred"), "text colour: hostile escape still escaped");
	free(s);

	struct audit_result empty;
	audit_result_init(&empty);
	s = render(REPORT_TEXT, &empty, &plain);
	is_str(s, "0 targets: 0 fail (0 error, 0 warning, 0 info), 0 could not evaluate, 0 pass, "
		  "0 not applicable, 0 suppressed\n", "text: empty result is just the summary");
	free(s);
	audit_result_release(&empty);
}

static void test_json(const struct audit_result *r)
{
	char *s = render(REPORT_JSON, r, &plain);
	ok(s != NULL, "json: writes");
	ok(has(s, "\"schema\": \"crashsafe-report/3\""), "json: versioned schema id");
	ok(has(s, "\"tool\": {\n    \"name\": \"crashsafe\",\n    \"version\": \"9.9.9\"\n  }"), "json: tool and version");
	ok(has(s, "\"exit_status\": 3,\n    \"exit_status_by_fail_on\": {\n      \"error\": 3,\n      \"warning\": 3,\n"
		  "      \"info\": 3,\n      \"never\": 3\n    }"),
	   "json: the exit status, and per --fail-on (3: a target could not be audited)");
	ok(has(s, "\"origin\": {\n            \"source\": \"file\",\n            \"file\": \"conf.d/replica.cnf\",\n"
		  "            \"line\": 7,\n            \"chain\": \"included from my.cnf:3\",\n"
		  "            \"detail\": null,\n"),
	   "json: origin carries source, file, line, chain, detail");
	ok(has(s, "\"source\": \"default\",\n            \"file\": null,\n            \"line\": null,\n"),
	   "json: default origin has null file and line");
	ok(has(s, "\"value\": \"<&\\\"'>\\u0001\\u001b[31mred\x7f\\ufffd\\ufffd end\""),
	   "json: quotes, control bytes escaped; each invalid byte becomes \\ufffd");
	ok(has(s, ".cnf:12)\\nline two\\ttabbed\\r\""), "json: \\n \\t \\r escapes");
	ok(has(s, "\"title\": \"server_id " UTF8_TEXT "\""), "json: valid UTF-8 kept raw");
	ok(has(s, "\"error\": \"cannot connect: connection refused\""), "json: target error");
	ok(pos(s, "\"rule_id\": \"relay-log-recovery\"") < pos(s, "\"rule_id\": \"sync-binlog\"") &&
		   pos(s, "\"rule_id\": \"gtid-mode\"") < pos(s, "\"rule_id\": \"preserve-commit-order\""),
	   "json: findings worst first");
	ok(has(s, "\"by_status\": {\n      \"fail\": 4,\n      \"could-not-evaluate\": 1,\n      \"suppressed\": 1,\n"
		  "      \"not-applicable\": 1,\n      \"pass\": 3\n    }"),
	   "json: summary counts by status");
	free(s);

	/* Exit statuses without the unreachable target. */
	struct audit_result one;
	audit_result_init(&one);
	struct target_result *t = audit_result_add_target(&one, "a.cnf", "file");
	struct explanation *e;
	add(&one, t, "sync-binlog", SEV_WARNING, FINDING_FAIL);
	s = render(REPORT_JSON, &one, &plain);
	ok(has(s, "\"error\": 0,\n      \"warning\": 1,\n      \"info\": 1,\n      \"never\": 0\n"),
	   "json: a warning fails --fail-on warning and info, not error or never");
	free(s);
	audit_result_release(&one);
}

static char *xpath_str(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr obj = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	xmlChar *v = obj ? xmlXPathCastToString(obj) : NULL;
	char *out = v ? xstrdup((const char *)v) : NULL;
	xmlFree(v);
	xmlXPathFreeObject(obj);
	xmlXPathFreeContext(ctx);
	return out;
}

static int xpath_has(xmlDocPtr doc, const char *expr, const char *needle)
{
	char *got = doc ? xpath_str(doc, expr) : NULL;
	int found = has(got, needle);
	if (!found)
		printf("#   %s is: '%s'\n", expr, got ? got : "(null)");
	free(got);
	return found;
}

static void is_xpath(xmlDocPtr doc, const char *expr, const char *want, const char *name)
{
	char *got = doc ? xpath_str(doc, expr) : NULL;
	is_str(got, want, name);
	free(got);
}

static const char *schema_path(void)
{
	static const char *const candidates[] = {
		"../shared/schemas/junit-10.xsd",
		"../../shared/schemas/junit-10.xsd",
		"/work/shared/schemas/junit-10.xsd",
	};
	const char *env = getenv("JUNIT_XSD");
	if (env && access(env, R_OK) == 0)
		return env;
	for (size_t i = 0; i < ARRAY_SIZE(candidates); i++)
		if (access(candidates[i], R_OK) == 0)
			return candidates[i];
	return NULL;
}

static void test_junit(const struct audit_result *r)
{
	char *s = render(REPORT_JUNIT, r, &plain);
	ok(s != NULL, "junit: writes");
	ok(s && !strncmp(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ",
			 strlen("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ")), "junit: XML declaration, UTF-8");
	xmlDocPtr doc = s ? xmlReadMemory(s, (int)strlen(s), "junit.xml", NULL, XML_PARSE_NONET) : NULL;
	ok(doc != NULL, "junit: well-formed XML despite hostile strings");

	is_xpath(doc, "string(/testsuites/@tests)", "11", "junit: testsuites counts every testcase");
	is_xpath(doc, "string(/testsuites/@failures)", "4", "junit: testsuites failures");
	is_xpath(doc, "string(/testsuites/@errors)", "2", "junit: testsuites errors (unknown + unauditable)");
	is_xpath(doc, "string(count(/testsuites/testsuite))", "4", "junit: one testsuite per target");
	is_xpath(doc, "string(/testsuites/testsuite[1]/@name)", "conf.d/replica.cnf", "junit: suite named by target");
	is_xpath(doc, "concat(/testsuites/testsuite[1]/@tests,' ',/testsuites/testsuite[1]/@failures,' ',"
		      "/testsuites/testsuite[1]/@errors,' ',/testsuites/testsuite[1]/@skipped)",
		 "8 3 1 2", "junit: suite tests/failures/errors/skipped");
	is_xpath(doc, "concat(//testsuite[1]/properties/property[@name='flavor']/@value,' ',"
		      "//testsuite[1]/properties/property[@name='version']/@value,' ',"
		      "//testsuite[1]/properties/property[@name='role']/@value,' ',"
		      "//testsuite[1]/properties/property[@name='kind']/@value)",
		 "mysql 8.4 replica file", "junit: properties flavor, version, role, kind");
	is_xpath(doc, "string(//testsuite[1]/testcase[1]/@name)", "relay-log-recovery", "junit: worst first, named by rule id");
	is_xpath(doc, "string(//testsuite[1]/testcase[1]/@classname)", "crashsafe.conf_d/replica_cnf",
		 "junit: classname crashsafe.TARGET, dots made underscores");
	is_xpath(doc, "string(//testcase[@name='relay-log-recovery']/failure/@type)", "error", "junit: failure type is the severity");
	is_xpath(doc, "string(//testsuite[1]/testcase[@name='relay-log-recovery']/failure/@message)",
		 "relay_log_recovery is OFF (default for MySQL 8.4); expected relay_log_recovery = ON",
		 "junit: failure message says what was found (value and origin, once) and what is expected");
	ok(xpath_has(doc, "string(//testcase[@name='sync-binlog']/failure)",
		      "origin: conf.d/replica.cnf:7 (included from my.cnf:3)\n"),
	   "junit: failure body carries the origin");
	is_xpath(doc, "string(//testcase[@name='source-auto-position [channel ch1]']/failure/@type)", "info",
		 "junit: channel in the testcase name after the rule id");
	is_xpath(doc, "string(//testcase[@name='gtid-mode']/error/@message)",
		 "could not evaluate: gtid_mode is set from an environment variable the audit cannot see",
		 "junit: could not evaluate is an <error>, and its message says so");
	is_xpath(doc, "string(//testcase[@name='gtid-strict-mode']/skipped/@message)",
		 "not applicable: MariaDB only", "junit: not applicable is <skipped>, its message starts with the status");
	is_xpath(doc, "string(//testcase[@name='preserve-commit-order']/skipped/@message)",
		 "suppressed by suppress.ini:4: ticket DBA-12; was: replica_preserve_commit_order is OFF "
		 "(conf.d/replica.cnf:9)", "junit: suppressed is <skipped>, says so (once)");
	is_xpath(doc, "string(count(//testcase[@name='replica-read-only']/*[name()!='system-out']))", "0",
		 "junit: a pass has no failure, error or skipped");
	is_xpath(doc, "string(//testsuite[@name='db-7.example:3306']/testcase[@name='audit']/error/@message)",
		 "cannot connect: connection refused", "junit: unauditable target is one testcase with an <error>");
	is_xpath(doc, "string(//testsuite[3]/@name)", "odd <&\"'>\xef\xbf\xbd dir/db\xef\xbf\xbd.cnf",
		 "junit: hostile target name round-trips, forbidden bytes become U+FFFD");
	is_xpath(doc, "string(//testsuite[3]/testcase/@name)", "server-id-set [channel it's <ch>]",
		 "junit: quotes and markup in names round-trip");
	is_xpath(doc, "string(//testsuite[3]//failure/@message)",
		 "server_id is <&\"'>\xef\xbf\xbd\xef\xbf\xbd[31mred\x7f\xef\xbf\xbd\xef\xbf\xbd end (" 
		 "odd <&\"'>\xef\xbf\xbd dir/db\xef\xbf\xbd.cnf:12)\nline two\ttabbed\r; expected server_id != 0",
		 "junit: attribute with control bytes and invalid UTF-8 is cleaned deterministically");
	ok(xpath_has(doc, "string(//testsuite[3]//failure)", "title: server_id " UTF8_TEXT "\n"),
	   "junit: valid UTF-8 kept");
	ok(!has(s, "timestamp") && !has(s, "hostname") && !has(s, "time="), "junit: no volatile fields");

	const char *xsd = schema_path();
	if (!xsd) {
		ok(1, "# SKIP junit-10.xsd not found");
	} else {
		xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
		xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
		xmlSchemaValidCtxtPtr vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
		int rc = vc && doc ? xmlSchemaValidateDoc(vc, doc) : -1;
		ok(rc == 0, "junit: validates against %s", xsd);
		xmlSchemaFreeValidCtxt(vc);
		xmlSchemaFree(schema);
		xmlSchemaFreeParserCtxt(pc);
	}
	xmlFreeDoc(doc);
	free(s);
}

static void test_sarif(const struct audit_result *r)
{
	char *s = render(REPORT_SARIF, r, &plain);
	ok(s != NULL, "sarif: writes");
	ok(has(s, "\"version\": \"2.1.0\"") && has(s, "\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\""),
	   "sarif: version and schema");
	ok(has(s, "\"physicalLocation\": {\n                \"artifactLocation\": {\n"
		  "                  \"uri\": \"conf.d/replica.cnf\"\n                },\n"
		  "                \"region\": {\n                  \"startLine\": 7\n"),
	   "sarif: result located at the option file and line");
	ok(has(s, "\"uri\": \"odd%20%3C%26%22%27%3E%01%20dir/db%FF.cnf\""), "sarif: uri percent-encoded");
	ok(has(s, "\"ruleId\": \"relay-log-recovery\",\n          \"ruleIndex\": 4,\n          \"kind\": \"fail\",\n"
		  "          \"level\": \"error\""),
	   "sarif: failure is kind fail, level from severity, ruleIndex into rules");
	ok(has(s, "\"ruleId\": \"gtid-mode\",\n          \"ruleIndex\": 0,\n          \"kind\": \"open\",\n"
		  "          \"level\": \"none\""),
	   "sarif: could-not-evaluate is kind open, level none");
	ok(has(s, "\"level\": \"note\""), "sarif: info is note");
	ok(!has(s, "\"ruleId\": \"replica-read-only\"") && !has(s, "\"ruleId\": \"gtid-strict-mode\""),
	   "sarif: pass and not-applicable are not results");
	ok(has(s, "\"suppressions\": [\n            {\n              \"kind\": \"external\",\n"
		  "              \"status\": \"accepted\",\n              \"justification\": \"ticket DBA-12\""),
	   "sarif: a suppressed finding is a result with suppressions[] (kind, status, justification)");
	ok(has(s, "conf.d/replica.cnf [channel ch1]: Channel uses GTID auto-position: AUTO_POSITION is 0. Fix: ")
	   && has(s, "conf.d/replica.cnf: Replica rebuilds its relay log after a crash: relay_log_recovery is OFF "
		     "(default for MySQL 8.4); expected relay_log_recovery = ON. Fix: relay_log_recovery = ON"),
	   "sarif: message.text says the value once: target, title, what was found, what is expected, fix");
	ok(has(s, "\"helpUri\": \"https://dev.mysql.com/doc/refman/8.4/en/replication-solutions-unexpected-replica-halt.html\",\n"
		  "            \"flavor\": \"mysql\""),
	   "sarif: each result carries the help link of its flavor");
	ok(has(s, "\"id\": \"preserve-commit-order\""), "sarif: every rule seen is in driver.rules");
	ok(has(s, "\"help\": {\n                \"text\": \"Fix: relay_log_recovery = ON\"\n              },\n"
		  "              \"helpUri\": \"https://dev.mysql.com/doc/refman/8.4/en/replication-solutions-unexpected-replica-halt.html\""),
	   "sarif: rule help has the fix, helpUri the doc");
	ok(has(s, "\"executionSuccessful\": false") && has(s, "db-7.example:3306: could not be audited: cannot connect"),
	   "sarif: unauditable target is a tool execution notification");
	free(s);
}

static void test_files(const struct audit_result *r)
{
	char dir[] = "/tmp/test_reports.XXXXXX";
	ok(mkdtemp(dir) != NULL, "files: temp dir");
	char *path = xasprintf("%s/r.json", dir);
	mode_t old = umask(022);
	ok(report_write_file(REPORT_JSON, r, &plain, &fixture_run, path) == 0, "files: report_write_file writes");
	struct stat st = { 0 };
	int st_rc = stat(path, &st);
	ok(st_rc == 0 && (st.st_mode & 0777) == 0644, "files: report has mode 0666 less the umask (got %o)",
	   (unsigned)(st.st_mode & 0777));
	umask(old);
	char *bad = xasprintf("%s/no/such/dir/r.json", dir);
	errno = 0;
	ok(report_write_file(REPORT_TEXT, r, &plain, &fixture_run, bad) == -1 && errno == ENOENT,
	   "files: unwritable path fails with errno");
	unlink(path);
	rmdir(dir);
	free(path);
	free(bad);

	static const enum report_format formats[] = { REPORT_TEXT, REPORT_JSON, REPORT_JUNIT, REPORT_SARIF };
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		FILE *full = fopen("/dev/full", "w");
		if (!full) {
			ok(1, "# SKIP /dev/full missing");
			continue;
		}
		setvbuf(full, NULL, _IONBF, 0);
		ok(report_write(formats[i], r, &plain, &fixture_run, full) == -1, "files: %s writer reports a write error",
		   report_writer_get(formats[i])->name);
		fclose(full);
	}
	ok(report_writer_find("sarif") && report_writer_find("sarif")->format == REPORT_SARIF &&
		   !report_writer_find("html"),
	   "formats: looked up by name");
}

/*
 * A report is a stream: begin, one target at a time, end. JUnit puts its
 * totals first; given before the targets (a pre-pass over the compact
 * findings) or not (spooled until the end), the bytes are the same.
 */
static void test_stream(const struct audit_result *r)
{
	struct audit_summary totals;
	audit_result_summary(r, &totals);
	static const enum report_format formats[] = { REPORT_TEXT, REPORT_JSON, REPORT_JUNIT, REPORT_SARIF };
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		char *spooled = render(formats[i], r, &plain);
		fixture_run.totals = &totals;
		char *direct = render(formats[i], r, &plain);
		fixture_run.totals = NULL;
		ok(spooled && direct && !strcmp(spooled, direct), "stream: %s is the same with and without totals "
		   "known before the targets", report_writer_get(formats[i])->name);
		free(spooled);
		free(direct);
	}
	ok(totals.targets == 4 && totals.findings == 10 && totals.by_status[FINDING_FAIL] == 4 &&
		   totals.targets_not_audited == 1,
	   "stream: the summary counts targets, findings, failures and targets not audited");

	/* Target by target, by hand: the summary is accumulated by the stream. */
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct report_stream st;
	int rc = report_stream_begin(&st, REPORT_TEXT, fp, &plain, &fixture_run);
	for (size_t i = 0; i < r->n; i++)
		rc |= report_stream_target(&st, &r->targets[i]);
	ok(st.summary.targets == r->n && st.summary.findings == totals.findings,
	   "stream: counts accumulate one target at a time");
	rc |= report_stream_end(&st);
	fclose(fp);
	char *whole = render(REPORT_TEXT, r, &plain);
	ok(rc == 0 && whole && !strcmp(buf, whole), "stream: target by target gives report_write()'s bytes");
	free(buf);
	free(whole);
}

/*
 * One explainer, built only for the findings a report prints: the text
 * report explains its failures and could-not-evaluate findings and not the
 * passes it only counts (unless -v), -q only what decides the exit status,
 * SARIF only its results; JSON and JUnit list every finding.
 */
static size_t explained;
static size_t asked;   /* targets a source was asked for (test_writes()) */
static void counting_explain(struct explainer *x, const struct target_result *t, const struct finding *f,
			     struct explanation *out)
{
	explained++;
	canned_explain(x, t, f, out);
}

static size_t count_status(const struct audit_result *r, enum finding_status st)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		for (size_t j = 0; j < r->targets[i].n; j++)
			n += r->targets[i].findings[j].status == st;
	return n;
}

static void test_explained_only_when_printed(const struct audit_result *r)
{
	struct explainer counting = { .explain = counting_explain };
	struct explainer *saved = fixture_run.explainer;
	fixture_run.explainer = &counting;
	size_t fails = count_status(r, FINDING_FAIL), unknown = count_status(r, FINDING_UNKNOWN),
	       suppressed = count_status(r, FINDING_SUPPRESSED);
	size_t all = fails + unknown + suppressed + count_status(r, FINDING_PASS) +
		     count_status(r, FINDING_NOT_APPLICABLE);

	explained = 0;
	free(render(REPORT_TEXT, r, &plain));
	ok(explained == fails + unknown, "explainer: text explains its %zu failures and could-not-evaluate "
	   "findings only (%zu calls of %zu findings)", fails + unknown, explained, all);
	struct report_options o = plain;
	o.verbose = 1;
	explained = 0;
	free(render(REPORT_TEXT, r, &o));
	ok(explained == all, "explainer: text -v prints every finding, explains every one (%zu of %zu)", explained, all);
	o = plain;
	o.quiet = 1;
	fixture_run.fail_on = SEV_ERROR;
	explained = 0;
	char *s = render(REPORT_TEXT, r, &o);
	size_t lines = 0;
	for (const char *p = s; p && (p = strstr(p, "\n  ")) != NULL; p++)
		lines++;
	size_t deciding = 0;   /* fail or could not evaluate, of error severity: what decides exit 1 or 3 */
	for (size_t i = 0; i < r->n; i++)
		for (size_t j = 0; j < r->targets[i].n; j++) {
			const struct finding *f = &r->targets[i].findings[j];
			deciding += (f->status == FINDING_FAIL || f->status == FINDING_UNKNOWN) && f->severity == SEV_ERROR;
		}
	ok(deciding < fails + unknown && explained == deciding && lines == deciding + 1,
	   "explainer: text -q explains only the %zu findings that decide the exit status (%zu calls; %zu indented "
	   "lines with the target error)", deciding, explained, lines);
	free(s);
	fixture_run.fail_on = 0;
	explained = 0;
	free(render(REPORT_SARIF, r, &plain));
	ok(explained == fails + unknown + suppressed, "explainer: SARIF explains its results only (%zu calls)",
	   explained);
	explained = 0;
	free(render(REPORT_JSON, r, &plain));
	ok(explained == all, "explainer: JSON lists and explains every finding (%zu of %zu)", explained, all);
	fixture_run.explainer = saved;
}

static int write_fixture(const char *dir)
{
	static const struct {
		enum report_format format;
		const char *file;
	} outputs[] = {
		{ REPORT_TEXT, "report.txt" },
		{ REPORT_JSON, "report.json" },
		{ REPORT_JUNIT, "junit.xml" },
		{ REPORT_SARIF, "report.sarif" },
	};
	struct audit_result r;
	int rc = 0;
	fixture(&r);
	for (size_t i = 0; i < ARRAY_SIZE(outputs); i++) {
		char *path = xasprintf("%s/%s", dir, outputs[i].file);
		if (report_write_file(outputs[i].format, &r, &plain, &fixture_run, path) != 0) {
			fprintf(stderr, "test_reports: %s: %s\n", path, strerror(errno));
			rc = 1;
		}
		free(path);
	}
	audit_result_release(&r);
	return rc;
}

/* The reference: what RFC 8259 escaping (with U+FFFD for bad bytes) gives, a byte at a time. */
static void json_reference(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	strbuf_addch(sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': strbuf_addstr(sb, "\\\""); break;
		case '\\': strbuf_addstr(sb, "\\\\"); break;
		case '\n': strbuf_addstr(sb, "\\n"); break;
		case '\t': strbuf_addstr(sb, "\\t"); break;
		case 0xff: strbuf_addstr(sb, "\\ufffd"); break;
		case 0xc3: strbuf_add(sb, p, 2); p++; break;   /* the test's only UTF-8: c3 a9 */
		default:
			if (*p < 0x20) {
				strbuf_addstr(sb, "\\u00");
				strbuf_addch(sb, hex[*p >> 4]);
				strbuf_addch(sb, hex[*p & 15]);
			} else {
				strbuf_addch(sb, *p);
			}
		}
	}
	strbuf_addstr(sb, "\"\n");
}

/* The JSON writer's word-at-a-time runs (issue 13): a special byte at every position of a string. */
static void test_json_escaping(void)
{
	static const char *const specials[] = { "\"", "\\", "\n", "\t", "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xff", " " };
	size_t bad = 0, cases = 0;
	/* strings of 1 to 40 plain bytes, the special one at every position (the writer looks at 16, 8, then the rest) */
	for (size_t k = 0; k < sizeof(specials) / sizeof(specials[0]); k++) {
		for (size_t len = 0, pos = 0; len <= 40; pos = pos < len ? pos + 1 : 0, len += pos == 0) {
			char in[64];
			memset(in, 'a' + (int)(pos % 26), len);
			in[len] = '\0';
			size_t sl = strlen(specials[k]);
			memmove(in + pos + sl, in + pos, len + 1 - pos);
			memcpy(in + pos, specials[k], sl);
			char *out = NULL;
			size_t outlen = 0;
			FILE *fp = open_memstream(&out, &outlen);
			struct jsonw *w = xcalloc(1, sizeof(*w));
			jsonw_init(w, fp);
			jsonw_str(w, NULL, in);
			int rc = jsonw_finish(w);
			fclose(fp);
			struct strbuf want = { 0 };
			json_reference(&want, in);
			if (rc || strcmp(out, want.buf))
				bad++;
			cases++;
			strbuf_release(&want);
			free(out);
			free(w);
		}
	}
	ok(bad == 0, "JSON strings: %zu of %zu strings with a special byte at each position escaped as byte by byte",
	   cases - bad, cases);
}

/* A stream that keeps what it is handed and the largest single write before and after a mark (fopencookie()). */
struct write_log {
	struct strbuf out;
	size_t largest[2];
	int after;
};

static ssize_t write_log_write(void *cookie, const char *buf, size_t n)
{
	struct write_log *l = cookie;
	strbuf_add(&l->out, buf, n);
	if (n > l->largest[l->after])
		l->largest[l->after] = n;
	return (ssize_t)n;
}

/*
 * Many strings into one writer (issue 13: the writer copies sixteen bytes
 * at a time straight into its buffer when there is room for the worst
 * case, else escapes piece by piece): every string as the reference says,
 * across the buffer's flushes, with several special bytes in one string and
 * strings longer than the buffer. With grow_at, the writer's buffer grows
 * to 256 KB (jsonw_grow()) before that string: the same bytes, and writes
 * of more than its own 32 KB from then on (json7).
 */
static void test_json_escaping_flushes(size_t grow_at)
{
	static const char *const pieces[] = { "plain text ", "\"", "\\", "\n", "\x01", "\xc3\xa9", "\xff",
					      "0123456789abcdef", "\t" };
	struct write_log log = { 0 };
	cookie_io_functions_t io = { .write = write_log_write };
	FILE *fp = fopencookie(&log, "w", io);
	struct jsonw *w = xcalloc(1, sizeof(*w));
	struct strbuf want = { 0 };
	unsigned seed = 7;
	jsonw_init(w, fp);
	jsonw_open(w, NULL, '[');
	strbuf_addch(&want, '[');
	for (size_t i = 0; i < 3000; i++) {
		struct strbuf in = { 0 };
		if (grow_at && i == grow_at) {
			fflush(fp);
			log.after = 1;
			jsonw_grow(w, 256 * 1024);
		}
		/* mostly short strings; every 500th longer than the writer's buffer */
		size_t npieces = i % 500 == 499 ? 5000 : (seed = seed * 1103515245u + 12345u) >> 16 & 31;
		for (size_t k = 0; k < npieces; k++) {
			seed = seed * 1103515245u + 12345u;
			strbuf_addstr(&in, pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))]);
		}
		jsonw_str(w, NULL, in.buf ? in.buf : "");
		strbuf_addstr(&want, i ? ",\n  " : "\n  ");
		json_reference(&want, in.buf ? in.buf : "");
		want.len--;   /* json_reference() ends with a newline */
		want.buf[want.len] = '\0';
		strbuf_release(&in);
	}
	jsonw_close(w, ']');
	strbuf_addstr(&want, "\n]\n");
	int rc = jsonw_finish(w);
	fclose(fp);
	ok(rc == 0 && log.out.len == want.len && !memcmp(log.out.buf, want.buf, want.len),
	   "JSON strings: 3,000 strings (six longer than the buffer) in one writer%s, as byte by byte (%zu bytes)",
	   grow_at ? ", its buffer grown on the way" : "", log.out.len);
	if (grow_at)
		ok(log.largest[0] <= JSONW_BUF && log.largest[1] > 4 * JSONW_BUF,
		   "JSON strings: the writer hands its file at most %d bytes at a time, then %zu after jsonw_grow()",
		   JSONW_BUF, log.largest[1]);
	strbuf_release(&want);
	strbuf_release(&log.out);
	free(w);
}

/*
 * <e x="s">s</e> as the JUnit writer writes it (report_junit_escape(): the
 * escapes it asked libxml2 for, fast) or as libxml2's own
 * xmlTextWriterWriteAttribute() and xmlTextWriterWriteString() write it on
 * a writer begun as the report's (UTF-8, so that characters from U+0080
 * stay as they are in attribute values).
 */
static char *junit_element(const char *s, int fast)
{
	if (fast) {
		char *attr = NULL, *text = NULL, *out = NULL;
		if (!report_junit_escape(s, 1, &attr) && !report_junit_escape(s, 0, &text))
			out = xasprintf("<e x=\"%s\">%s</e>", attr, text);
		free(attr);
		free(text);
		return out;
	}
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
	int rc = xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0 ? -1 : 0;
	rc |= xmlTextWriterStartElement(w, (const xmlChar *)"e") < 0 ? -1 : 0;
	rc |= xmlTextWriterWriteAttribute(w, (const xmlChar *)"x", (const xmlChar *)s) < 0 ? -1 : 0;
	rc |= xmlTextWriterWriteString(w, (const xmlChar *)s) < 0 ? -1 : 0;
	rc |= xmlTextWriterEndElement(w) < 0 ? -1 : 0;
	xmlFreeTextWriter(w);
	/* after the declaration, up to the end tag (the text may hold new lines) */
	const char *doc = (const char *)xmlBufferContent(buf);
	const char *e = doc ? strstr(doc, "<e") : NULL, *end = e ? strstr(e, "</e>") : NULL;
	while (end && strstr(end + 1, "</e>"))
		end = strstr(end + 1, "</e>");
	char *out = rc < 0 || !end ? NULL : xstrndup(e, (size_t)(end - e) + 4);
	xmlBufferFree(buf);
	return out;
}

/*
 * Issue 13: the JUnit writer assembles each testsuite itself, with the
 * escapes libxml2 gave it for each byte it replaces, and hands a whole
 * attribute value with a byte from 0x80 to libxml2. For every byte XML 1.0
 * carries (and UTF-8 characters), at every position of a string: the same
 * bytes as libxml2's xmlTextWriterWriteAttribute() and
 * xmlTextWriterWriteString() write.
 */
static void test_junit_escaping(void)
{
	static const char *const utf8[] = { "\xc3\xa9", "\xe2\x80\xa8", "\xf0\x9f\x98\x80", "\xef\xbf\xbd" };
	size_t bad = 0, cases = 0;
	for (unsigned b = 1; b < 0x80 + ARRAY_SIZE(utf8); b++) {
		char ch[8];
		if (b < 0x80) {
			/* XML 1.0 has no other control character: the writer replaces them (tested above) */
			if (b < 0x20 && b != '\t' && b != '\n' && b != '\r')
				continue;
			ch[0] = (char)b;
			ch[1] = '\0';
		} else {
			snprintf(ch, sizeof(ch), "%s", utf8[b - 0x80]);
		}
		for (int pos = 0; pos <= 20; pos++) {
			/* at each position of a 21-character string (the writer looks at sixteen bytes, eight, then one at a time) */
			char in[64];
			snprintf(in, sizeof(in), "%.*s%s%.*s", pos, "plain text plain text", ch, 20 - pos,
				 " more and more text ");
			char *fast = junit_element(in, 1), *slow = junit_element(in, 0);
			if (!fast || !slow || strcmp(fast, slow))
				bad++;
			cases++;
			free(fast);
			free(slow);
		}
	}
	/* several bytes libxml2 replaces, side by side and apart; nothing at all; longer than sixteen bytes */
	static const char *const several[] = {
		"<<>>&&\"\"\r\r", "x<y>z&w\"v\ru", "a < b and c > d & \"e\"\r\n\tf", "", "<", "\r",
		"caf\xc3\xa9 <\xe2\x9c\x93> & \"\xf0\x9f\x98\x80\"",
		"0123456789abcdef0123456789abcdef<0123456789abcdef\t0123456789abcdef\xc3\xa9\"",
		"a control \x01 byte and an invalid \xff one",
		"0123456789abcdef a control \x02 byte in a block of sixteen (no byte from 0x80)",
	};
	for (size_t k = 0; k < ARRAY_SIZE(several); k++) {
		char *fast = junit_element(several[k], 1), *slow = junit_element(several[k], 0);
		/* a control byte and an invalid one: the writer cleans them first, libxml2 would not */
		if (k == ARRAY_SIZE(several) - 2) {
			if (!fast || !strstr(fast, "control \xef\xbf\xbd byte") || !strstr(fast, "invalid \xef\xbf\xbd one"))
				bad++;
		} else if (k == ARRAY_SIZE(several) - 1) {
			if (!fast || !strstr(fast, "x=\"0123456789abcdef a control \xef\xbf\xbd byte") ||
			    !strstr(fast, ">0123456789abcdef a control \xef\xbf\xbd byte"))
				bad++;
		} else if (!fast || !slow || strcmp(fast, slow)) {
			bad++;
		}
		cases++;
		free(fast);
		free(slow);
	}
	ok(bad == 0, "JUnit strings: %zu of %zu attribute and text strings written as libxml2 writes them", cases - bad,
	   cases);
	char *got = junit_element("plain", 1);
	ok(got && !strcmp(got, "<e x=\"plain\">plain</e>"), "JUnit strings: a plain attribute and text as they are");
	free(got);
}

/*
 * Added (issue 13): report_stream_reads_view() says no only when the writer
 * reads no view: a target it says no for is written without one call of
 * the explainer (which reads the view), in every format and mode; text -q
 * with --fail-on never and prom say no, JSON (which writes view parts)
 * always yes.
 */
static void test_reads_view(const struct audit_result *r)
{
	static const struct {
		enum report_format f;
		int quiet, verbose, fail_on;
		const char *name;
	} cases[] = {
		{ REPORT_TEXT, 0, 0, SEV_ERROR, "text" },       { REPORT_TEXT, 0, 1, SEV_ERROR, "text -v" },
		{ REPORT_TEXT, 1, 0, SEV_ERROR, "text -q" },    { REPORT_TEXT, 1, 0, SEV_WARNING, "text -q --fail-on warning" },
		{ REPORT_TEXT, 1, 0, 0, "text -q --fail-on never" }, { REPORT_GCC, 0, 0, SEV_ERROR, "gcc" },
		{ REPORT_PROM, 0, 0, SEV_ERROR, "prom" },       { REPORT_JSON, 0, 0, SEV_ERROR, "JSON" },
		{ REPORT_JUNIT, 0, 0, SEV_ERROR, "JUnit" },     { REPORT_SARIF, 0, 0, SEV_ERROR, "SARIF" },
	};
	struct explainer counting = { .explain = counting_explain };
	struct explainer *saved = fixture_run.explainer;
	int saved_fail_on = fixture_run.fail_on;
	fixture_run.explainer = &counting;
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		struct report_options o = { .quiet = cases[c].quiet, .verbose = cases[c].verbose };
		struct report_stream st;
		char *buf = NULL;
		size_t len = 0, without = 0, wrong = 0;
		FILE *fp = open_memstream(&buf, &len);
		fixture_run.fail_on = cases[c].fail_on;
		report_stream_begin(&st, cases[c].f, fp, &o, &fixture_run);
		for (size_t i = 0; i < r->n; i++) {
			int reads = report_stream_reads_view(&st, &r->targets[i]);
			explained = 0;
			report_stream_target(&st, &r->targets[i]);
			without += !reads;
			wrong += !reads && explained;
		}
		report_stream_end(&st);
		fclose(fp);
		free(buf);
		/* prom never reads it; text -q --fail-on never only for a finding that blocks the audit (one here) */
		size_t expect = cases[c].f == REPORT_PROM ? r->n : cases[c].f == REPORT_TEXT && cases[c].quiet &&
									!cases[c].fail_on ? r->n - 1 : 0;
		int never_without = cases[c].f == REPORT_JSON || cases[c].f == REPORT_JUNIT || cases[c].f == REPORT_SARIF;
		ok(!wrong && without >= expect && (!never_without || !without),
		   "reads_view: %s: no view for %zu of %zu targets, and none of those explained (%zu wrong)", cases[c].name,
		   without, r->n, wrong);
	}
	fixture_run.explainer = saved;
	fixture_run.fail_on = saved_fail_on;
}


/* report.h source over r whose digest is report_digest() of each target (check's spool knows them before reading) */
static const struct target_result *digest_get(void *ctx, size_t i, const struct report_stream *s)
{
	(void)s;
	const struct audit_result *r = ctx;
	asked++;
	return &r->targets[i];
}

static uint32_t digest_of(void *ctx, size_t i)
{
	const struct audit_result *r = ctx;
	return report_digest(&r->targets[i]);
}

/*
 * Added (issue 13): report_writes() says no only for a target the writer
 * writes no byte for (its target() alone adds nothing to the stream), in
 * every format and mode; text -q skips every target without a failure at
 * or above --fail-on, a blocking could-not-evaluate finding or an error,
 * gcc every one without a failure or an error, the others none. A source
 * with digests and totals leaves those targets unread and gives the same
 * bytes as one without.
 */
static void test_writes(const struct audit_result *r)
{
	static const struct {
		enum report_format f;
		int quiet, verbose, fail_on;
		const char *name;
		size_t skips;   /* of the fixture's targets */
	} cases[] = {
		{ REPORT_TEXT, 0, 0, SEV_ERROR, "text", 0 },
		{ REPORT_TEXT, 0, 1, SEV_ERROR, "text -v", 0 },
		{ REPORT_TEXT, 1, 0, SEV_ERROR, "text -q", 1 },
		{ REPORT_TEXT, 1, 0, SEV_WARNING, "text -q --fail-on warning", 1 },
		{ REPORT_TEXT, 1, 0, SEV_INFO, "text -q --fail-on info", 1 },
		{ REPORT_TEXT, 1, 0, 0, "text -q --fail-on never", 2 },
		{ REPORT_GCC, 0, 0, SEV_ERROR, "gcc", 1 },
		{ REPORT_PROM, 0, 0, SEV_ERROR, "prom", 0 },
		{ REPORT_JSON, 0, 0, SEV_ERROR, "JSON", 0 },
		{ REPORT_JUNIT, 0, 0, SEV_ERROR, "JUnit", 0 },
		{ REPORT_SARIF, 0, 0, SEV_ERROR, "SARIF", 0 },
	};
	struct audit_summary totals;
	int saved_fail_on = fixture_run.fail_on;
	audit_result_summary(r, &totals);
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		struct report_options o = { .quiet = cases[c].quiet, .verbose = cases[c].verbose };
		struct report_stream st;
		char *buf = NULL;
		size_t len = 0, skips = 0, wrong = 0;
		FILE *fp = open_memstream(&buf, &len);
		fixture_run.fail_on = cases[c].fail_on;
		report_stream_begin(&st, cases[c].f, fp, &o, &fixture_run);
		for (size_t i = 0; i < r->n; i++) {
			int writes = report_writes(cases[c].f, &o, cases[c].fail_on, report_digest(&r->targets[i]));
			fflush(fp);
			size_t before = len;
			report_stream_target(&st, &r->targets[i]);
			fflush(fp);
			skips += !writes;
			wrong += !writes && len != before;
		}
		report_stream_end(&st);
		fclose(fp);
		free(buf);
		ok(!wrong && skips == cases[c].skips, "writes: %s: says no for %zu of %zu targets (%zu expected), none "
		   "of which writes a byte (%zu wrong)", cases[c].name, skips, r->n, cases[c].skips, wrong);

		/* the same report from a source that leaves those targets unread */
		struct report_source whole, digested;
		char *a = NULL, *b = NULL;
		size_t alen = 0, blen = 0;
		report_source_of(&whole, r);
		digested = whole;
		digested.get = digest_get;
		digested.digest = digest_of;
		fixture_run.totals = &totals;
		FILE *fa = open_memstream(&a, &alen), *fb = open_memstream(&b, &blen);
		asked = 0;
		int ra = report_write_source(cases[c].f, &whole, &o, &fixture_run, fa);
		int rb = report_write_source(cases[c].f, &digested, &o, &fixture_run, fb);
		fclose(fa);
		fclose(fb);
		fixture_run.totals = NULL;
		ok(!ra && !rb && alen == blen && !memcmp(a, b, alen) && asked == r->n - cases[c].skips,
		   "writes: %s: the same %zu bytes with %zu of %zu targets read from the source", cases[c].name, blen,
		   asked, r->n);
		free(a);
		free(b);
	}
	fixture_run.fail_on = saved_fail_on;
}

/*
 * report_sorted_findings() (issue 13: no sort when the findings are already
 * in order): the same order as a plain insertion sort by the documented
 * keys, for findings in order, in reverse and shuffled, with ties.
 */
static int sorted_key_cmp(const struct finding *a, const struct finding *b)
{
	if (a->status != b->status)
		return a->status > b->status ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	int c = strcmp(a->rule_id ? a->rule_id : "", b->rule_id ? b->rule_id : "");
	if (c)
		return c;
	c = strcmp(a->channel ? a->channel : "", b->channel ? b->channel : "");
	if (c)
		return c;
	if (a->problem_no != b->problem_no)
		return a->problem_no < b->problem_no ? -1 : 1;
	return a < b ? -1 : a > b;
}

static void test_sorted_findings(void)
{
	enum { N = 40 };
	static const char *const ids[] = { "b-rule", "a-rule", "c-rule", "a-rule" };
	static const char *const channels[] = { NULL, "east", NULL, "" };
	struct finding f[N];
	struct target_result t;
	size_t wrong = 0, same_as_array = 0;
	unsigned seed = 7;
	/* rounds 3 and 4: one status and severity for all (more than are sorted by insertion), a status out of range */
	for (int round = 0; round < 5; round++) {
		memset(f, 0, sizeof(f));
		for (size_t i = 0; i < N; i++) {
			size_t k = round == 0 ? i : round == 1 ? N - 1 - i : (seed = seed * 1103515245u + 12345u) >> 16;
			f[i].status = round == 3 ? FINDING_FAIL : round == 4 && i == 5 ? (enum finding_status)9
												: (enum finding_status)(k / 10 % 3);
			f[i].severity = round == 3 ? SEV_ERROR : (enum severity)(k / 5 % 2 + 1);
			f[i].rule_id = ids[k % 4];
			f[i].channel = channels[k / 2 % 4];
			/* against the array's order: ties of the keys above go by problem_no (target_result_sort()'s) */
			f[i].problem_no = (unsigned)(N - i) % 3;
		}
		if (round == 0) {
			/* round 0: put the array in the writers' order first, as check hands it over */
			for (size_t i = 1; i < N; i++)
				for (size_t j = i; j && sorted_key_cmp(&f[j - 1], &f[j]) > 0; j--) {
					struct finding x = f[j];
					f[j] = f[j - 1];
					f[j - 1] = x;
				}
		}
		memset(&t, 0, sizeof(t));
		t.findings = f;
		t.n = N;
		const struct finding **v = report_sorted_findings(&t);
		const struct finding *want[N];
		for (size_t i = 0; i < N; i++) {
			size_t j = i;
			want[i] = &f[i];
			for (; j && sorted_key_cmp(want[j - 1], &f[i]) > 0; j--)
				want[j] = want[j - 1];
			want[j] = &f[i];
		}
		for (size_t i = 0; i < N; i++) {
			if (v[i] != want[i])
				wrong++;
			if (round == 0 && v[i] == &f[i])
				same_as_array++;
		}
		free(v);
	}
	is_int((long)wrong, 0, "report_sorted_findings: in order, reversed, shuffled, all of one status and severity, "
	       "and with a status out of range: the documented order (problem_no before the array's order, as "
	       "target_result_sort())");
	is_int((long)same_as_array, N, "report_sorted_findings: findings already in order stay in the array's order");
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--write-fixture"))
		return write_fixture(argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: test_reports [--write-fixture DIR]\n");
		return 2;
	}
	struct audit_result r;
	fixture(&r);
	test_text(&r);
	test_json(&r);
	test_junit(&r);
	test_sarif(&r);
	test_stream(&r);
	test_explained_only_when_printed(&r);
	test_reads_view(&r);
	test_writes(&r);
	test_sorted_findings();
	test_json_escaping();
	test_json_escaping_flushes(0);
	test_json_escaping_flushes(1000);
	test_junit_escaping();
	test_files(&r);
	audit_result_release(&r);
	xmlCleanupParser();
	return done_testing();
}
