/*
 * test_persisted.c - DATADIR/mysqld-auto.cnf (SET PERSIST), offline and live.
 *
 * The files here are written by hand from the format the server writes and
 * reads, sql/persisted_variable.cc (Persisted_variables_cache::flush_to_file,
 * read_persist_file, extract_variables_from_json, read_persist_file_v2; the
 * comment above extract_variables_from_json shows both layouts), and the
 * manual's "Persisted System Variables" page (the file is applied at startup
 * after the option files, unless persisted_globals_load=OFF). MySQL cannot
 * run here, so the live part runs on recorded performance_schema rows.
 * Runs from the repository root (prove does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "persisted.h"
#include "fixture.h"
#include "tap.h"
#include "banned.h"

static struct catalog cat;

/* Version 1, as 8.0's flush_to_file() writes it: one line, " : " and " , " separators. */
static const char v1[] =
	"{ \"Version\" : 1 , \"mysql_server\" : { \"sync_binlog\" : { \"Value\" : \"1\" , \"Metadata\" : "
	"{ \"Timestamp\" : 1700000000000000 , \"User\" : \"root\" , \"Host\" : \"localhost\" } } , "
	"\"mysql_server_static_options\" : { \"relay_log_recovery\" : { \"Value\" : \"OFF\" , \"Metadata\" : "
	"{ \"Timestamp\" : 1700000001000000 , \"User\" : \"admin\" , \"Host\" : \"10.0.0.9\" } } } } }\n";

/* Version 2, pretty-printed as a person might keep it. */
static const char v2[] =
	"{\n"
	"  \"Version\": 2,\n"
	"  \"mysql_dynamic_variables\": {\n"
	"    \"sync_binlog\": { \"Value\": \"0\", \"Metadata\": { \"Timestamp\": 1700000000000002, \"User\": \"root\", \"Host\": \"localhost\" } },\n"
	"    \"innodb_flush_log_at_trx_commit\": { \"Value\": \"2\", \"Metadata\": { \"Timestamp\": 1700000000000001, \"User\": \"root\", \"Host\": \"localhost\" } },\n"
	"    \"max_connections\": { \"Value\": 500, \"Metadata\": { \"Timestamp\": 1, \"User\": \"root\", \"Host\": \"\" } }\n"
	"  },\n"
	"  \"mysql_static_variables\": {\n"
	"    \"relay_log_recovery\": { \"Value\": \"OFF\", \"Metadata\": { \"Timestamp\": 1700000000000003, \"User\": \"root\", \"Host\": \"localhost\" } }\n"
	"  },\n"
	"  \"mysql_sensitive_variables\": {\n"
	"    \"master_key_id\": \"mysql_persisted_variables_key-1\",\n"
	"    \"mysql_sensitive_variables_blob\": \"0a1b\",\n"
	"    \"key_encryption_algorithm\": \"AES_256_CBC\",\n"
	"    \"data_encryption_algorithm\": \"AES_256_CBC\"\n"
	"  }\n"
	"}\n";

static const struct persisted_var *find(const struct persisted *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->vars[i].name, name))
			return &p->vars[i];
	return NULL;
}

static void test_v1(void)
{
	struct persisted p;
	persisted_init(&p);
	is_int(persisted_parse(&p, v1, sizeof(v1) - 1, "mysqld-auto.cnf"), 0, "v1: parses");
	is_int(p.version, 1, "v1: Version 1");
	is_int((long)p.n, 2, "v1: two variables");
	const struct persisted_var *r = find(&p, "relay_log_recovery");
	ok(r && r->section == PERSISTED_STATIC_PARSE_EARLY, "v1: mysql_server_static_options holds the read-only ones");
	ok(r && !strcmp(r->value, "OFF") && r->user && !strcmp(r->user, "admin") && r->timestamp == 1700000001000000ULL,
	   "v1: value and metadata");
	const struct persisted_var *s = find(&p, "sync_binlog");
	ok(s && s->section == PERSISTED_DYNAMIC, "v1: mysql_server entries are dynamic (SET PERSIST)");
	ok(p.n == 2 && p.vars[0].section <= p.vars[1].section, "v1: static before dynamic, as the server applies them");
	ok(r && r->line == 1, "v1: the one-line file: line 1");
	ok(!p.refused, "v1: not refused");
	persisted_release(&p);
}

static void test_v2(void)
{
	struct persisted p;
	persisted_init(&p);
	is_int(persisted_parse(&p, v2, sizeof(v2) - 1, "mysqld-auto.cnf"), 0, "v2: parses");
	is_int(p.version, 2, "v2: Version 2");
	is_int((long)p.n, 3, "v2: three variables (a non-string Value is skipped, as extract_set() skips it)");
	ok(p.sensitive, "v2: the encrypted sensitive section is noticed");
	const struct persisted_var *r = find(&p, "relay_log_recovery");
	ok(r && r->section == PERSISTED_STATIC && r->line == 9, "v2: mysql_static_variables, at its line");
	const struct persisted_var *s = find(&p, "sync_binlog");
	ok(s && s->section == PERSISTED_DYNAMIC && s->line == 4, "v2: mysql_dynamic_variables, at its line");
	ok(p.n == 3 && !strcmp(p.vars[0].name, "relay_log_recovery") &&
	   !strcmp(p.vars[1].name, "innodb_flush_log_at_trx_commit") && !strcmp(p.vars[2].name, "sync_binlog"),
	   "v2: static first, then dynamic by Timestamp");
	int warned = 0;
	for (size_t i = 0; i < p.diags.n; i++)
		warned |= p.diags.items[i].level == DIAG_WARNING && strstr(p.diags.items[i].message, "max_connections") &&
			  p.diags.items[i].line == 6;
	ok(warned, "v2: the skipped entry gets a warning at its line");
	persisted_release(&p);
}

static void refused(const char *text, const char *fragment, const char *name)
{
	struct persisted p;
	persisted_init(&p);
	int rc = persisted_parse(&p, text, strlen(text), "mysqld-auto.cnf");
	ok(rc == -1 && p.refused && strstr(p.refused, fragment), "refused: %s ('%s')", name, fragment);
	if (!(p.refused && strstr(p.refused, fragment)))
		printf("#   refused: %s\n", p.refused ? p.refused : "(not)");
	ok(p.n == 0, "refused: %s: nothing applies", name);
	persisted_release(&p);
}

static void test_refused(void)
{
	/* EVIDENCE: read_persist_file(): "Persisted config file corrupted." without Version, "version invalid"
	 * when it is not an integer 1 or 2; read_persist_file_v1(): ER_CONFIG_OPTION_WITHOUT_GROUP without
	 * mysql_server; load_persist_file() failing makes mysqld_main() return 1 */
	refused("not json", "not JSON", "text");
	refused("[1, 2]", "not a JSON object", "an array");
	refused("{ \"mysql_server\": {} }", "no \"Version\"", "no Version");
	refused("{ \"Version\": 3 }", "not 1 or 2", "Version 3");
	refused("{ \"Version\": \"2\" }", "not 1 or 2", "Version as a string");
	refused("{ \"Version\": 1 }", "without a \"mysql_server\"", "v1 without mysql_server");
	refused("{ \"Version\": 1, \"mysql_server\": { \"x\": { \"Value\": 5, \"Metadata\": {} } } }",
		"neither a string nor null", "v1 with a number Value");
	refused("{ \"Version\": 1, \"mysql_server\": { \"x\": 7 } }", "is not an object", "v1 entry not an object");
	refused("{ \"Version\": 2, \"mysql_static_variables\": [] }", "is not an object", "v2 section not an object");
	refused("{ \"Version\": 2, \"mysql_sensitive_variables\": 1 }", "is not an object", "v2 sensitive not an object");

	struct persisted p;
	persisted_init(&p);
	/* read_persist_file() appends each fgets() piece as a C string: a NUL drops the rest of its line */
	static const char nul[] = "{ \"Version\": 2 }\0garbage\n";
	ok(persisted_parse(&p, nul, sizeof(nul) - 1, "x") == 0, "a NUL byte drops the rest of its line, as the server reads it");
	persisted_release(&p);
	persisted_init(&p);
	static const char nul2[] = "{ \"Version\": 2,\0 junk\n \"mysql_static_variables\": {} }\n";
	ok(persisted_parse(&p, nul2, sizeof(nul2) - 1, "x") == 0, "  and the lines after it still count");
	persisted_release(&p);
	persisted_init(&p);
	ok(persisted_parse(&p, "{ \"Version\": 2 }", 16, "x") == 0 && p.n == 0, "an empty Version 2 file parses");
	persisted_release(&p);
}

static struct settings *target(enum flavor f, const char *version, const char *rlr)
{
	struct settings *s = xcalloc(1, sizeof(*s));
	settings_init(s, "my.cnf", "file");
	s->flavor = f;
	version_parse(&s->version, version);
	struct settings_origin o = { .source = SETTINGS_SRC_FILE, .file = "my.cnf", .line = 3 };
	settings_set(s, "relay_log_recovery", rlr, "relay_log_recovery", &o);
	return s;
}

static void done(struct settings *s)
{
	settings_release(s);
	free(s);
}

static void test_apply(void)
{
	struct persisted p;
	persisted_init(&p);
	persisted_parse(&p, v2, sizeof(v2) - 1, "data/mysqld-auto.cnf");

	/* the example: relay_log_recovery=ON in my.cnf, SET PERSIST_ONLY relay_log_recovery=OFF */
	struct settings *s = target(FLAVOR_MYSQL, "8.0.36", "ON");
	is_int((long)persisted_apply(s, &p, &cat), 3, "MySQL 8.0: every catalog variable applies");
	const struct settings_var *v = settings_get(s, "relay_log_recovery");
	ok(v && v->current.value && !strcmp(v->current.value, "OFF"), "the persisted OFF wins over my.cnf's ON");
	ok(v && v->current.origin.file && !strcmp(v->current.origin.file, "data/mysqld-auto.cnf") &&
	   v->current.origin.line == 9 && v->current.origin.detail && strstr(v->current.origin.detail, "PERSIST_ONLY"),
	   "its origin is the persisted file, its line, and SET PERSIST_ONLY");
	ok(v && v->n_overridden == 1 && !strcmp(v->overridden[0].value, "ON") && v->overridden[0].origin.line == 3,
	   "my.cnf's value is kept as overridden");
	const struct settings_var *t = settings_get(s, "innodb_flush_log_at_trx_commit");
	ok(t && t->current.value && !strcmp(t->current.value, "2"), "a dynamic persisted variable applies too");
	done(s);

	/* persisted_globals_load=OFF: the file is not applied */
	s = target(FLAVOR_MYSQL, "8.4", "ON");
	struct settings_origin o = { .source = SETTINGS_SRC_FILE, .file = "my.cnf", .line = 4 };
	settings_set(s, "persisted_globals_load", "OFF", "persisted_globals_load", &o);
	is_int((long)persisted_apply(s, &p, &cat), 0, "persisted_globals_load=OFF: nothing applies");
	v = settings_get(s, "relay_log_recovery");
	ok(v && !strcmp(v->current.value, "ON"), "  my.cnf's value stays");
	ok(s->build_diags.n && strstr(s->build_diags.items[s->build_diags.n - 1].message, "persisted_globals_load is OFF"),
	   "  with a warning that says why");
	done(s);

	s = target(FLAVOR_MARIADB, "10.11", "ON");
	is_int((long)persisted_apply(s, &p, &cat), 0, "MariaDB has no persisted variables: nothing applies");
	done(s);
	s = target(FLAVOR_MYSQL, "5.7", "ON");
	is_int((long)persisted_apply(s, &p, &cat), 0, "MySQL 5.7 has no persisted variables: nothing applies");
	done(s);
	s = target(FLAVOR_PERCONA, "8.0", "ON");
	is_int((long)persisted_apply(s, &p, &cat), 3, "Percona Server 8.0 applies them");
	done(s);
	persisted_release(&p);

	/* a file the server refuses: the server does not start */
	persisted_init(&p);
	persisted_parse(&p, "{ \"Version\": 9 }", 16, "data/mysqld-auto.cnf");
	s = target(FLAVOR_MYSQL, "8.4", "ON");
	struct settings_origin none = { .source = SETTINGS_SRC_FILE };
	settings_set(s, "option_file_errors", "", NULL, &none);
	persisted_apply(s, &p, &cat);
	v = settings_get(s, "option_file_errors");
	ok(v && v->current.value && strstr(v->current.value, "refuses to start") &&
	   !strcmp(v->current.origin.file, "data/mysqld-auto.cnf"), "a refused file sets option_file_errors at the file");
	done(s);
	persisted_release(&p);
}

static void put(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	chmod(path, mode);
}

static void test_load(void)
{
	char dir[] = "/tmp/crashsafe-persisted-XXXXXX";
	char path[128], backup[128];
	struct persisted p;
	if (!mkdtemp(dir)) {
		ok(0, "a temporary directory");
		return;
	}
	snprintf(path, sizeof(path), "%s/mysqld-auto.cnf", dir);
	snprintf(backup, sizeof(backup), "%s/mysqld-auto.cnf.backup", dir);

	persisted_init(&p);
	is_int(persisted_load(&p, dir), PERSISTED_NONE, "no file: nothing persisted");
	persisted_release(&p);

	put(path, v1, 0640);
	persisted_init(&p);
	is_int(persisted_load(&p, dir), PERSISTED_LOADED, "mysqld-auto.cnf is read");
	ok(p.n == 2 && !strcmp(p.path, path), "  from DIR/mysqld-auto.cnf");
	persisted_release(&p);

	put(backup, v2, 0640);
	persisted_init(&p);
	persisted_load(&p, dir);
	ok(p.version == 2 && !strcmp(p.path, backup), "a backup that parses is read instead (read_persist_file)");
	persisted_release(&p);
	put(backup, "{ broken", 0640);
	persisted_init(&p);
	persisted_load(&p, dir);
	ok(p.version == 1 && !strcmp(p.path, path), "a backup that does not parse is passed over");
	persisted_release(&p);
	unlink(backup);

	chmod(path, 0666);
	persisted_init(&p);
	is_int(persisted_load(&p, dir), PERSISTED_SKIPPED, "world-writable: skipped, as check_file_permissions() skips it");
	persisted_release(&p);
	unlink(path);

	mkdir(path, 0755);
	persisted_init(&p);
	is_int(persisted_load(&p, dir), PERSISTED_UNREADABLE, "a directory named mysqld-auto.cnf: refused");
	persisted_release(&p);
	rmdir(path);

	if (mkfifo(path, 0600) == 0) {
		persisted_init(&p);
		is_int(persisted_load(&p, dir), PERSISTED_UNREADABLE, "a FIFO: refused at once, never waited on");
		persisted_release(&p);
		unlink(path);
	}

	/* bounded: larger than the persisted kind's limit (fileio.h) is refused before reading */
	FILE *fp = fopen(path, "w");
	if (fp) {
		fclose(fp);
		if (truncate(path, 17 * 1024 * 1024) == 0) {
			persisted_init(&p);
			is_int(persisted_load(&p, dir), PERSISTED_UNREADABLE, "a 17 MiB file: refused (the limit is 16 MiB)");
			ok(p.diags.n && strstr(p.diags.items[0].message, "MiB"), "  saying the limit");
			persisted_release(&p);
		}
		unlink(path);
	}
	rmdir(dir);
}

static void test_live(void)
{
	/* recorded performance_schema.persisted_variables rows of a MySQL 8.4 replica */
	static const char *const names[] = { "relay_log_recovery", "sync_binlog", "max_connections", "read_only" };
	static const char *const values[] = { "OFF", "1", "500", "1" };
	struct settings *s = xcalloc(1, sizeof(*s));
	settings_init(s, "db1:3306", "live");
	version_parse(&s->version, "8.4.3");
	struct settings_origin o = { .source = SETTINGS_SRC_LIVE, .detail = "live" };
	settings_set(s, "relay_log_recovery", "ON", "relay_log_recovery", &o);
	settings_set(s, "sync_binlog", "1", "sync_binlog", &o);
	settings_set(s, "read_only", "ON", "read_only", &o);
	persisted_live_drift(s, names, values, ARRAY_SIZE(names), &cat);
	const struct settings_var *d = settings_get(s, PERSISTED_FACT_DRIFT);
	ok(d && d->current.value && strstr(d->current.value, "relay_log_recovery: running ON, persisted OFF: "
							   "the next restart uses OFF"),
	   "a persisted value that differs: the fact says which value the next restart uses");
	ok(d && d->current.value && !strstr(d->current.value, "sync_binlog") && !strstr(d->current.value, "read_only"),
	   "equal values are not drift (read_only 1 = ON, as the catalog reads it)");
	ok(d && d->current.value && !strstr(d->current.value, "max_connections"), "variables outside the catalog are not judged");

	struct settings_origin off = { .source = SETTINGS_SRC_LIVE, .detail = "live" };
	settings_set(s, "persisted_globals_load", "OFF", "persisted_globals_load", &off);
	persisted_live_drift(s, names, values, ARRAY_SIZE(names), &cat);
	d = settings_get(s, PERSISTED_FACT_DRIFT);
	ok(d && d->current.value && strstr(d->current.value, "the next restart ignores the persisted value"),
	   "persisted_globals_load=OFF: the next restart ignores it");

	persisted_live_drift(s, NULL, NULL, 0, &cat);
	d = settings_get(s, PERSISTED_FACT_DRIFT);
	ok(d && d->current.value && !*d->current.value, "nothing persisted: the fact is empty (the rule passes)");
	settings_release(s);
	free(s);
}

int main(void)
{
	if (!fixture_catalog(&cat))
		return done_testing();
	test_v1();
	test_v2();
	test_refused();
	test_apply();
	test_load();
	test_live();
	catalog_release(&cat);
	return done_testing();
}
