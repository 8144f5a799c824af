/*
 * test_config.c - option files to effective settings (config.c): prefixes,
 * aliases, the override chain with origins, include chains, defaults with
 * their detail, and the option_file_errors / removed_options facts.
 * Writes a small option-file tree under a temporary directory. Runs from the
 * repository root (prove does) to find rules/variables.ini.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "config.h"
#include "optfile.h"
#include "secret.h"
#include "settings.h"
#include "fixture.h"
#include "tap.h"

#include "banned.h"

static struct catalog cat;
static char dir[64];

static char *path_of(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void put(const char *name, const char *text)
{
	char *p = path_of(name);
	FILE *fp = fopen(p, "w");
	if (!fp) {
		printf("# cannot write %s\n", p);
		exit(1);
	}
	fputs(text, fp);
	fclose(fp);
	free(p);
}

/* A target read from dir/name for flavor f and version ver. */
struct target {
	struct settings s;
	struct optfile of;
	int rc;
};

static void load3(struct target *t, const char *name, enum flavor f, int major, int minor, int patch)
{
	char *p = path_of(name);
	struct optfile_groups g;
	settings_init(&t->s, p, "file");
	t->s.flavor = f;
	t->s.version.major = major;
	t->s.version.minor = minor;
	t->s.version.patch = patch;
	optfile_init(&t->of);
	optfile_groups_for(&g, f, &t->s.version, NULL);
	optfile_read(&t->of, p, &g);
	t->rc = config_load(&t->s, &t->of, &cat);
	free(p);
}

/* The same for the Galera build of f (Percona XtraDB Cluster for FLAVOR_PERCONA). */
static void load_galera(struct target *t, const char *name, enum flavor f, int major, int minor, int patch)
{
	char *p = path_of(name);
	struct optfile_groups g;
	settings_init(&t->s, p, "file");
	t->s.flavor = f;
	t->s.variant = FLAVOR_VARIANT_GALERA;
	t->s.version.major = major;
	t->s.version.minor = minor;
	t->s.version.patch = patch;
	optfile_init(&t->of);
	optfile_groups_for(&g, f, &t->s.version, NULL);
	optfile_read(&t->of, p, &g);
	t->rc = config_load(&t->s, &t->of, &cat);
	free(p);
}

static void load(struct target *t, const char *name, enum flavor f, int major, int minor)
{
	load3(t, name, f, major, minor, -1);
}

static void unload(struct target *t)
{
	settings_release(&t->s);
	optfile_release(&t->of);
}

static const char *value(struct target *t, const char *name)
{
	const struct settings_var *v = settings_get(&t->s, name);
	return v ? v->current.value : "(not set)";
}

static const struct settings_var *get(struct target *t, const char *name)
{
	const struct settings_var *v = settings_get(&t->s, name);
	if (!v)
		printf("# '%s' is not set\n", name);
	return v;
}

static char *origin(const struct settings_value *v)
{
	return settings_origin_describe(&v->origin);
}

static int diag_has(struct target *t, enum diag_level level, unsigned line, const char *text)
{
	/* the target's diagnostics: those printed with -v, and those printed always (build_diags) */
	const struct diag_list *lists[] = { &t->s.diags, &t->s.build_diags };
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < lists[k]->n; i++) {
			const struct diag *d = &lists[k]->items[i];
			if (d->level == level && (!line || d->line == line) && strstr(d->message, text))
				return 1;
		}
	printf("# no %s at line %u with '%s'; diagnostics:\n", diag_level_name(level), line, text);
	diag_print(&t->s.diags, stdout);
	diag_print(&t->s.build_diags, stdout);
	return 0;
}

/* Nonzero when t has any diagnostic of level at line (no output). */
static int diag_has_quiet(struct target *t, enum diag_level level, unsigned line)
{
	for (size_t i = 0; i < t->s.diags.n; i++)
		if (t->s.diags.items[i].level == level && t->s.diags.items[i].line == line)
			return 1;
	return 0;
}

static void test_prefixes(void)
{
	/* EVIDENCE: mysql-facts.md C5 (MySQL 8.0 mysys/my_getopt.cc handle_options, special_opt_prefix);
	 * EVIDENCE: mariadbd 10.11.19: --skip-relay-log-recovery=0 gives TRUE, --enable-... gives TRUE */
	put("prefix.cnf",
	    "[mysqld]\n"
	    "skip-relay-log-recovery=0\n"        /* 2: skip-x=0 is ON */
	    "disable-read-only\n"                /* 3: OFF */
	    "enable-gtid-strict-mode=0\n"        /* 4: enable-x=0 is OFF (MariaDB only variable) */
	    "loose-skip-log-slave-updates\n"     /* 5: chained prefixes: OFF */
	    "enable-relay-log-purge\n"           /* 6: ON */
	    "skip_slave_start\n"                 /* 7: a real name that starts with skip: ON */
	    "# line 8 is a comment\n"            /* 8 */
	    "skip-sync-binlog\n"                 /* 9: a number through skip-: 0 */
	    "loose-sync_binlog=3\n"              /* 10: loose- on a known option: set */
	    "super-read-only=1\n");              /* 11 */
	struct target t;
	load(&t, "prefix.cnf", FLAVOR_MYSQL, 8, 4);
	is_str(value(&t, "relay_log_recovery"), "ON", "skip-relay-log-recovery=0 is ON");
	is_str(get(&t, "relay_log_recovery")->current.spelled, "skip-relay-log-recovery", "spelled as written");
	is_str(value(&t, "read_only"), "OFF", "disable-read-only is OFF");
	is_str(value(&t, "log_replica_updates"), "OFF", "loose-skip-log-slave-updates is OFF");
	is_str(get(&t, "log_replica_updates")->current.spelled, "loose-skip-log-slave-updates", "chained spelling kept");
	is_str(value(&t, "relay_log_purge"), "ON", "enable-relay-log-purge is ON");
	is_str(value(&t, "skip_replica_start"), "ON", "skip_slave_start matches itself first");
	is_str(value(&t, "sync_binlog"), "3", "loose-sync_binlog=3 sets it");
	is_int((long)get(&t, "sync_binlog")->n_overridden, 1, "skip-sync-binlog (0) was overridden");
	is_str(get(&t, "sync_binlog")->overridden[0].value, "0", "skip-sync-binlog is 0");
	is_str(value(&t, "super_read_only"), "ON", "super-read-only=1");
	/* enable-gtid-strict-mode names a MariaDB-only variable: on MySQL it is an unknown option
	 * EVIDENCE: mysql-facts.md A2 (gtid_strict_mode is MariaDB's); C5 unknown option without loose- */
	ok(t.rc == -1, "MySQL: enable-gtid-strict-mode stops the server");
	const struct settings_var *mysql_errs = get(&t, "option_file_errors");
	ok(mysql_errs && strstr(mysql_errs->current.value, "unknown variable 'enable-gtid-strict-mode'") &&
	   strstr(mysql_errs->current.value, "MySQL 8.4"),
	   "MySQL: option_file_errors names it");
	is_int(mysql_errs ? mysql_errs->current.origin.line : 0, 4, "MySQL: at prefix.cnf:4");
	is_str(value(&t, "removed_options"), "", "removed_options empty");
	unload(&t);

	load(&t, "prefix.cnf", FLAVOR_MARIADB, 10, 11);
	is_str(value(&t, "gtid_strict_mode"), "OFF", "MariaDB: enable-gtid-strict-mode=0 is OFF");
	/* EVIDENCE: mariadbd 10.11.19 --super-read-only=ON: "unknown variable", exit 7 */
	ok(t.rc == -1, "MariaDB: super-read-only stops the server");
	const struct settings_var *errs = get(&t, "option_file_errors");
	ok(errs && strstr(errs->current.value, "unknown variable 'super-read-only'"), "MariaDB: option_file_errors names it");
	is_int(errs ? errs->current.origin.line : 0, 11, "MariaDB: at its line");
	unload(&t);
}

static void test_aliases_and_values(void)
{
	put("alias.cnf",
	    "[mysqld]\n"
	    "log_slave_updates = ON\n"           /* 2 */
	    "sync-master-info = 1\n"             /* 3 */
	    "slave_parallel_workers = 8\n"       /* 4 */
	    "read_only = yes\n"                  /* 5 */
	    "binlog_format = row\n"              /* 6 */
	    "innodb_flush_log_at_trx_commit = 5\n" /* 7 */
	    "relay-log-rec = ON\n"               /* 8: MariaDB abbreviation */
	    "log_replica_updates = OFF\n");      /* 9 */
	struct target t;
	load(&t, "alias.cnf", FLAVOR_MYSQL, 8, 4);
	/* EVIDENCE: mysql-facts.md A1 (H84): both spellings accepted on 8.4, the later one wins */
	is_str(value(&t, "log_replica_updates"), "OFF", "alias and canonical name are one variable; last wins");
	is_str(get(&t, "log_replica_updates")->overridden[0].spelled, "log_slave_updates", "the alias is in the overridden list");
	is_str(value(&t, "sync_source_info"), "1", "sync-master-info -> sync_source_info");
	is_str(value(&t, "replica_parallel_workers"), "8", "slave_parallel_workers -> replica_parallel_workers");
	/* EVIDENCE: MySQL 8.0 my_getopt.cc setval GET_BOOL: unrecognised value warns and sets OFF */
	is_str(value(&t, "read_only"), "OFF", "read_only = yes is OFF");
	ok(diag_has(&t, DIAG_WARNING, 5, "not a boolean"), "with a warning at alias.cnf:5");
	is_str(value(&t, "binlog_format"), "ROW", "binlog_format = row -> ROW");
	is_str(value(&t, "innodb_flush_log_at_trx_commit"), "2", "MySQL clamps 5 to 2");
	ok(diag_has(&t, DIAG_WARNING, 7, "out of range"), "with a warning");
	/* EVIDENCE: mysql-facts.md C5: MySQL 8.0+ rejects abbreviations (findopt needs the exact length) */
	is_str(get(&t, "relay_log_recovery")->current.value, "OFF", "MySQL: relay-log-rec is not relay_log_recovery");
	ok(get(&t, "relay_log_recovery")->current.origin.source == SETTINGS_SRC_DEFAULT, "MySQL: default stays");
	unload(&t);

	load(&t, "alias.cnf", FLAVOR_MYSQL, 8, 0);
	/* 8.0 without a patch is a current 8.0 (8.0.26+), where log_replica_updates exists; MySQL takes no
	 * abbreviations (findopt needs the whole name), so relay-log-rec is an unknown variable there */
	is_str(value(&t, "log_replica_updates"), "OFF", "MySQL 8.0: both spellings accepted");
	ok(t.rc == -1 && strstr(value(&t, "option_file_errors"), "unknown variable 'relay-log-rec'"),
	   "MySQL 8.0: relay-log-rec is an unknown variable, the server refuses to start");
	unload(&t);

	load(&t, "alias.cnf", FLAVOR_MARIADB, 10, 11);
	/* EVIDENCE: mariadbd 10.11.19 --relay-log-rec=ON: "Using unique option prefix 'relay-log-rec' is
	 * error-prone" and relay-log-recovery TRUE */
	is_str(value(&t, "relay_log_recovery"), "ON", "MariaDB: relay-log-rec abbreviates relay_log_recovery");
	ok(diag_has(&t, DIAG_WARNING, 8, "abbreviation"), "MariaDB: with a warning");
	is_str(value(&t, "innodb_flush_log_at_trx_commit"), "3", "MariaDB clamps 5 to 3");
	/* EVIDENCE: mariadbd 10.11.19 --log-replica-updates: "unknown option", exit 2 */
	ok(t.rc == -1, "MariaDB: log_replica_updates stops the server");
	const struct settings_var *errs = get(&t, "option_file_errors");
	ok(errs && strstr(errs->current.value, "log_replica_updates") &&
	   strstr(errs->current.value, "log_slave_updates"), "MariaDB: the error names the right spelling");
	is_int(errs ? errs->current.origin.line : 0, 9, "MariaDB: at line 9");
	is_str(value(&t, "log_replica_updates"), NULL, "MariaDB: the refused option leaves the value unknown");
	unload(&t);
}

static void test_chain_and_defaults(void)
{
	char *confd = path_of("conf.d");
	mkdir(confd, 0700);
	char *top = xasprintf("[mysqld]\n"
			      "sync_binlog = 0\n"           /* 2 */
			      "log-bin = OFF\n"             /* 3: a base name: binary log ON */
			      "!includedir %s\n"            /* 4 */
			      "server_id = 3\n",            /* 5 */
			      confd);
	put("top.cnf", top);
	free(top);
	put("conf.d/20-repl.cnf", "[mysqld]\n# replica settings\nsync_binlog = 1\nrelay_log_recovery = ON\n");
	put("conf.d/10-base.cnf", "[client]\nuser = x\n[mysqld]\nserver_id = 2\n");
	put("conf.d/README", "[mysqld]\nsync_binlog = 7\n");   /* not *.cnf: not read */

	struct target t;
	load(&t, "top.cnf", FLAVOR_MYSQL, 8, 4);
	const struct settings_var *sb = get(&t, "sync_binlog");
	is_str(sb->current.value, "1", "sync_binlog from the included file wins");
	char *o = origin(&sb->current);
	char *want = xasprintf("%s/20-repl.cnf:3 (included from %s/top.cnf:4)", confd, dir);
	is_str(o, want, "origin: file:line and the include chain");
	free(o);
	free(want);
	ok(sb->current.origin.source == SETTINGS_SRC_FILE, "source is FILE");
	is_int((long)sb->n_overridden, 1, "one overridden value");
	is_str(sb->overridden[0].value, "0", "overridden value 0");
	is_int(sb->overridden[0].origin.line, 2, "overridden at top.cnf:2");
	ok(sb->overridden[0].origin.chain == NULL, "top-level file: no chain");
	/* !includedir reads *.cnf sorted: 10-base before 20-repl; top.cnf:5 comes after both */
	const struct settings_var *sid = get(&t, "server_id");
	is_str(sid->current.value, "3", "server_id: the line after the include wins");
	is_int((long)sid->n_overridden, 1, "server_id overridden once (10-base.cnf)");
	/* EVIDENCE: mariadbd 10.11.19 --log-bin=OFF: log-bin OFF printed as the base name (binary log on);
	 * mysql-facts.md A1 "log-bin=OFF enables a binlog named OFF" */
	is_str(value(&t, "log_bin"), "ON", "log-bin = OFF turns the binary log ON");

	const struct settings_var *rp = get(&t, "relay_log_purge");
	is_str(rp->current.value, "ON", "relay_log_purge default ON");
	ok(rp->current.origin.source == SETTINGS_SRC_DEFAULT, "a default has source DEFAULT");
	is_str(rp->current.origin.detail, "default for MySQL 8.4", "default detail names flavor and version");
	ok(rp->current.spelled == NULL, "a default was not spelled");
	const struct settings_var *uuid = get(&t, "server_uuid");
	ok(uuid && uuid->current.value == NULL, "server_uuid: unknown offline");
	ok(uuid && strstr(uuid->current.origin.detail, "not known"), "server_uuid: says so");
	ok(settings_get(&t.s, "master_info_repository") == NULL, "8.4: no default for a removed variable");
	ok(settings_get(&t.s, "gtid_strict_mode") == NULL, "MySQL: no MariaDB-only variables");
	is_str(value(&t, "option_file_errors"), "", "nothing wrong");
	unload(&t);

	load(&t, "top.cnf", FLAVOR_MYSQL, 5, 7);
	/* EVIDENCE: mysql-facts.md A1 master_info_repository FILE on 5.7; log_bin default OFF before 8.0.3 */
	is_str(value(&t, "master_info_repository"), "FILE", "5.7: master_info_repository default FILE");
	is_str(get(&t, "master_info_repository")->current.origin.detail, "default for MySQL 5.7", "5.7 detail");
	unload(&t);

	load(&t, "top.cnf", FLAVOR_MARIADB, 10, 11);
	is_str(value(&t, "gtid_strict_mode"), "OFF", "MariaDB: gtid_strict_mode default OFF");
	is_str(get(&t, "gtid_strict_mode")->current.origin.detail, "default for MariaDB 10.11", "MariaDB detail");
	unload(&t);
	free(confd);
}

static void test_errors(void)
{
	struct target t;
	/* EVIDENCE: mariadbd 10.11.19 with "sync_binlog = 1 ; c": "Unknown suffix ' ' used for variable
	 * 'sync_binlog'", exit 9 */
	put("semi.cnf", "[mysqld]\nserver_id = 2\nsync_binlog = 1 ; must be 1\n");
	load(&t, "semi.cnf", FLAVOR_MARIADB, 10, 11);
	ok(t.rc == -1, "sync_binlog = 1 ; comment: the server would not start");
	const struct settings_var *e = get(&t, "option_file_errors");
	ok(e && e->current.value && strstr(e->current.value, "sync_binlog"), "option_file_errors names sync_binlog");
	ok(e && e->current.origin.line == 3 && strstr(e->current.origin.file, "semi.cnf"), "at semi.cnf:3");
	ok(diag_has(&t, DIAG_ERROR, 3, "unknown suffix"), "an error diagnostic at line 3");
	ok(t.s.nproblems == 1 && t.s.problems[0].kind == SETTINGS_PROBLEM_VALUE &&
		   !strcmp(t.s.problems[0].option, "sync_binlog") && !strcmp(t.s.problems[0].value, "1 ; must be 1") &&
		   !strcmp(t.s.problems[0].fact, "option_file_errors") && t.s.problems[0].detail,
	   "a refused value is a problem with the option, the value as written and why");
	is_str(value(&t, "sync_binlog"), NULL, "sync_binlog unknown (the server would not run)");
	unload(&t);

	/* EVIDENCE: MySQL 8.0 my_getopt.cc setval: EE_OPTION_WITH_EMPTY_VALUE; mariadbd 10.11.19 takes 0 */
	put("empty.cnf", "[mysqld]\ninnodb_flush_log_at_trx_commit =\n");
	load(&t, "empty.cnf", FLAVOR_MYSQL, 8, 4);
	ok(t.rc == -1, "MySQL: an empty numeric value stops the server");
	ok(strstr(value(&t, "option_file_errors"), "empty value") != NULL, "MySQL: option_file_errors says empty value");
	unload(&t);
	load(&t, "empty.cnf", FLAVOR_MARIADB, 10, 11);
	ok(t.rc == 0, "MariaDB: an empty numeric value is read as 0");
	is_str(value(&t, "innodb_flush_log_at_trx_commit"), "0", "MariaDB: innodb_flush_log_at_trx_commit = 0");
	ok(diag_has(&t, DIAG_WARNING, 2, "empty value"), "MariaDB: with a warning");
	unload(&t);

	/* the reader's fatal problems (mysql-facts.md C3/C4): option before a group, missing ] */
	put("orphan.cnf", "sync_binlog = 1\n[mysqld]\nserver_id = 2\n");
	load(&t, "orphan.cnf", FLAVOR_MYSQL, 8, 4);
	ok(t.rc == -1, "option before a group: the server would not start");
	e = get(&t, "option_file_errors");
	ok(e && *e->current.value && e->current.origin.line == 1, "option_file_errors at orphan.cnf:1");
	unload(&t);
	put("bracket.cnf", "[mysqld]\nserver_id = 2\n[mysqld\n");
	load(&t, "bracket.cnf", FLAVOR_MYSQL, 8, 4);
	ok(t.rc == -1 && *value(&t, "option_file_errors"), "missing ]: option_file_errors");
	unload(&t);
	put("bom.cnf", "\xEF\xBB\xBF[mysqld]\nserver_id = 2\n");
	load(&t, "bom.cnf", FLAVOR_MYSQL, 8, 4);
	ok(t.rc == -1 && *value(&t, "option_file_errors"), "a BOM: option_file_errors");
	unload(&t);
	put("nodir.cnf", "[mysqld]\n!includedir /nonexistent/crashsafe-conf.d\n");
	load(&t, "nodir.cnf", FLAVOR_MYSQL, 8, 4);
	ok(t.rc == -1 && *value(&t, "option_file_errors"), "missing !includedir directory: option_file_errors");
	unload(&t);

	/* EVIDENCE: mariadbd 10.11.19 --maximum-sync-binlog=5: "Maximum value of 'sync_binlog' cannot be set",
	 * exit 10; MySQL 8.0 my_getopt.cc setval: EE_FAILED_TO_ASSIGN_MAX_VALUE_TO_OPTION */
	put("maximum.cnf", "[mysqld]\nserver_id = 2\nmaximum-sync-binlog = 5\n");
	load(&t, "maximum.cnf", FLAVOR_MYSQL, 8, 4);
	ok(t.rc == -1 && strstr(value(&t, "option_file_errors"), "maximum"), "maximum-sync-binlog stops the server");
	is_str(value(&t, "sync_binlog"), "1", "maximum- does not set the global value");
	unload(&t);

	/* EVIDENCE: mariadbd 10.11.19 --autoset-sync-binlog: "automatic setup request is unsupported", exit 13 */
	put("autoset.cnf", "[mysqld]\nautoset-sync-binlog\n");
	load(&t, "autoset.cnf", FLAVOR_MARIADB, 10, 11);
	ok(t.rc == -1 && strstr(value(&t, "option_file_errors"), "automatic setup"), "MariaDB: autoset- on sync_binlog");
	unload(&t);
}

static void test_removed(void)
{
	struct target t;
	put("removed.cnf",
	    "[mysqld]\n"
	    "server_id = 2\n"
	    "master_info_repository = TABLE\n"       /* 3 */
	    "loose-relay-log-info-repository = TABLE\n" /* 4 */
	    "binlog_transaction_dependency_tracking = WRITESET\n"); /* 5 */
	/* EVIDENCE: mysql-facts.md A1: removed in 8.3.0; "On 8.4+ the name is an unknown option, so startup
	 * fails unless it has the loose- prefix"; binlog_transaction_dependency_tracking removed in 8.4.0 */
	load(&t, "removed.cnf", FLAVOR_MYSQL, 8, 4);
	ok(t.rc == -1, "8.4: a removed option stops the server");
	const struct settings_var *r = get(&t, "removed_options");
	ok(r && strstr(r->current.value, "master_info_repository") && strstr(r->current.value, "8.3.0"),
	   "removed_options names master_info_repository and 8.3.0");
	ok(r && !strstr(r->current.value, "more)"), "the fact is the first problem, not a fold of all of them");
	is_int(r ? r->current.origin.line : 0, 3, "at removed.cnf:3");
	/* issue 7 fault 12: one problem per offending line, with its facts */
	is_int((long)t.s.nproblems, 2, "one problem per offending line (3 and 5; loose- at 4 is none)");
	if (t.s.nproblems == 2) {
		const struct settings_problem *p3 = &t.s.problems[0], *p5 = &t.s.problems[1];
		ok(p3->kind == SETTINGS_PROBLEM_REMOVED && p3->origin.line == 3 &&
			   !strcmp(p3->fact, "removed_options") && !strcmp(p3->option, "master_info_repository") &&
			   !strcmp(p3->value, "TABLE") && p3->version.major == 8 && p3->version.minor == 3,
		   "line 3: removed in 8.3, option and value as written");
		ok(p5->kind == SETTINGS_PROBLEM_REMOVED && p5->origin.line == 5 && p5->version.minor == 4 &&
			   !strcmp(p5->option, "binlog_transaction_dependency_tracking"),
		   "line 5: removed in 8.4, its own problem");
	}
	ok(diag_has(&t, DIAG_WARNING, 4, "loose-"), "loose-relay-log-info-repository: only a warning");
	ok(diag_has(&t, DIAG_ERROR, 5, "removed in MySQL 8.4.0"), "binlog_transaction_dependency_tracking: an error");
	is_str(value(&t, "option_file_errors"), "", "removals are not counted twice");
	unload(&t);

	load(&t, "removed.cnf", FLAVOR_MYSQL, 8, 0);
	ok(t.rc == 0, "8.0: the same file starts");
	is_str(value(&t, "removed_options"), "", "8.0: removed_options empty");
	is_str(value(&t, "master_info_repository"), "TABLE", "8.0: master_info_repository = TABLE");
	unload(&t);

	/* EVIDENCE: mariadbd 10.11.19 --master-info-repository=TABLE: "is MySQL 5.6 / 5.7 compatible option.
	 * Not used or needed in MariaDB." (a warning; exit 0) */
	put("maria-compat.cnf", "[mysqld]\nmaster_info_repository = TABLE\nrelay_log_info_repository = TABLE\n");
	load(&t, "maria-compat.cnf", FLAVOR_MARIADB, 10, 11);
	ok(t.rc == 0, "MariaDB: master_info_repository is accepted and ignored");
	is_str(value(&t, "removed_options"), "", "MariaDB: removed_options empty");
	ok(settings_get(&t.s, "master_info_repository") == NULL, "MariaDB: no such variable is set");
	ok(diag_has(&t, DIAG_NOTE, 2, "ignored"), "MariaDB: a note says it is ignored");
	unload(&t);
}

/* Where a line for a variable left at its default belongs (settings.group_header). */
static void test_group_header(void)
{
	struct target t;
	put("groups.cnf",
	    "[client]\n"            /* 1: not a server group */
	    "port = 3306\n"
	    "[mysqld]\n"            /* 3 */
	    "server_id = 2\n"
	    "[mysqld-8.4]\n"        /* 5: read, but not where a DBA adds a line */
	    "sync_binlog = 1\n"
	    "[mariadb]\n"           /* 7: MariaDB only */
	    "gtid_strict_mode = ON\n");
	load(&t, "groups.cnf", FLAVOR_MYSQL, 8, 4);
	is_int(t.s.group_header.line, 3, "MySQL: the [mysqld] header");
	ok(t.s.group_header.file && strstr(t.s.group_header.file, "groups.cnf"), "in the file read");
	is_str(t.s.group_header.detail, "mysqld", "the group's name");
	unload(&t);
	load(&t, "groups.cnf", FLAVOR_MARIADB, 10, 11);
	is_int(t.s.group_header.line, 7, "MariaDB: the last of [mysqld] / [mariadb]");
	unload(&t);
	put("nogroup.cnf", "# nothing but a comment\n");
	load(&t, "nogroup.cnf", FLAVOR_MYSQL, 8, 4);
	ok(t.s.group_header.file && strstr(t.s.group_header.file, "nogroup.cnf") && t.s.group_header.line == 0,
	   "no group: the file, no line");
	unload(&t);
}

static void test_galera(void)
{
	struct target t;
	put("galera.cnf", "[galera]\nwsrep_on = ON\nwsrep_cluster_name = east\n[mysqld]\nlog-bin\nskip-log-bin\n");
	load(&t, "galera.cnf", FLAVOR_MARIADB, 10, 11);
	is_str(t.s.cluster, "east", "Galera: cluster from wsrep_cluster_name when wsrep_on is ON");
	is_str(value(&t, "log_bin"), "OFF", "skip-log-bin after log-bin: OFF");
	unload(&t);
	put("nogalera.cnf", "[mysqld]\nwsrep_cluster_name = east\ndisable-log-bin=0\n");
	load(&t, "nogalera.cnf", FLAVOR_MARIADB, 10, 11);
	ok(t.s.cluster == NULL, "no cluster without wsrep_on");
	is_str(value(&t, "log_bin"), "ON", "disable-log-bin=0 is ON");
	unload(&t);
}

static void cleanup(void)
{
	static const char *const files[] = {
		"prefix.cnf", "alias.cnf", "top.cnf", "conf.d/20-repl.cnf", "conf.d/10-base.cnf", "conf.d/README",
		"semi.cnf", "empty.cnf", "maximum.cnf", "orphan.cnf", "bracket.cnf", "bom.cnf", "nodir.cnf", "autoset.cnf",
		"removed.cnf", "maria-compat.cnf", "galera.cnf", "nogalera.cnf",
		"cache1.cnf", "cache2.cnf", "secret.ini", "secret1.cnf", "secret2.cnf",
	};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *p = path_of(files[i]);
		unlink(p);
		free(p);
	}
	char *confd = path_of("conf.d");
	rmdir(confd);
	free(confd);
	rmdir(dir);
}

/* Releases added by the catalog2 work: MySQL 8.4.8 and 9.x, Percona 8.4, and which list decided. */
static void test_new_releases(void)
{
	struct target t;
	/* EVIDENCE: optvar-changes-9-0: mysql-native-password removed in 9.0.0; the 8.4.8 list
	 * (Shannon-Data/ShannonBase@d1995626) has it */
	put("native.cnf", "[mysqld]\nmysql_native_password=ON\n");
	load3(&t, "native.cnf", FLAVOR_MYSQL, 8, 4, 8);
	ok(t.rc == 0 && !diag_has(&t, DIAG_ERROR, 2, "mysql_native_password"),
	   "MySQL 8.4.8: mysql_native_password=ON starts");
	unload(&t);
	load3(&t, "native.cnf", FLAVOR_MYSQL, 9, 7, 0);
	ok(t.rc == -1 && diag_has(&t, DIAG_ERROR, 2, "'mysql_native_password' was removed in MySQL 9.0.0"),
	   "MySQL 9.7.0: mysql_native_password was removed in 9.0.0 and stops the server");
	unload(&t);
	/* a release between two lists: the nearest listed release at or below decides, and says so */
	put("typo96.cnf", "[mysqld]\nrelay_log_recovey=ON\n");
	load3(&t, "typo96.cnf", FLAVOR_MYSQL, 9, 6, 1);
	ok(t.rc == -1 && diag_has(&t, DIAG_ERROR, 2, "judged by the option list of MySQL 9.6.0"),
	   "MySQL 9.6.1: a typo refuses, judged by the 9.6.0 list");
	ok(t.s.nproblems == 1 && t.s.problems[0].kind == SETTINGS_PROBLEM_UNKNOWN && t.s.problems[0].detail &&
		   strstr(t.s.problems[0].detail, "MySQL 9.6.0"),
	   "the problem's detail names the list that decided");
	unload(&t);
	load3(&t, "typo96.cnf", FLAVOR_MYSQL, 9, 6, 0);
	ok(t.rc == -1 && !diag_has(&t, DIAG_ERROR, 2, "judged by"), "MySQL 9.6.0: its own list, nothing to add");
	unload(&t);
	/* EVIDENCE: the 10.6 tree's option table (Olernov/server@9fbf1db5) lists time-format, the 11.4 tree's
	 * (DeanKamali/server@917c99f1) does not: refused on neither, a warning on 11.4 */
	put("timefmt.cnf", "[mysqld]\ntime_format=%H:%i:%s\nrelay_log_recovey=ON\n");
	load3(&t, "timefmt.cnf", FLAVOR_MARIADB, 10, 6, 20);
	ok(!diag_has(&t, DIAG_ERROR, 2, "time_format") && !diag_has(&t, DIAG_WARNING, 2, "time_format"),
	   "MariaDB 10.6.20: time_format is an option");
	ok(diag_has(&t, DIAG_ERROR, 3, "judged by the option list of MariaDB 10.6.1"),
	   "MariaDB 10.6.20: a typo refuses, judged by the 10.6.1 list");
	unload(&t);
	load3(&t, "timefmt.cnf", FLAVOR_MARIADB, 11, 4, 5);
	ok(!diag_has(&t, DIAG_ERROR, 2, "time_format") && diag_has(&t, DIAG_WARNING, 2, "not judged"),
	   "MariaDB 11.4.5: time_format gone from the table: a warning, not 'refuses to start'");
	unload(&t);
	/* EVIDENCE: villagesql/villagesql-server@0cec592 (Percona Server 8.4) option table lists userstat */
	put("userstat.cnf", "[mysqld]\nuserstat=ON\n");
	load3(&t, "userstat.cnf", FLAVOR_PERCONA, 8, 4, 5);
	ok(t.rc == 0 && !diag_has(&t, DIAG_ERROR, 2, "userstat"), "Percona 8.4.5: userstat starts");
	unload(&t);
}

/* Issue 7, fault 1: unknown and removed options beyond the crash-safety variables. */
static void test_unknown_and_removed(void)
{
	struct target t;
	/* EVIDENCE: MySQL Server Version Reference optvar-changes-8-4: default_authentication_plugin
	 * "Removed in version 8.4.0"; issue 7: skip-host-cache removed in 8.4.0 (host_cache_size=0) */
	put("upgrade84.cnf", "[mysqld]\nskip-host-cache\ndefault_authentication_plugin=mysql_native_password\n");
	load3(&t, "upgrade84.cnf", FLAVOR_MYSQL, 8, 4, 0);
	ok(t.rc == -1, "MySQL 8.4.0: skip-host-cache and default_authentication_plugin stop the server");
	const char *r = value(&t, "removed_options");
	ok(strstr(r, "'skip-host-cache' was removed in MySQL 8.4.0") && strstr(r, "host_cache_size"),
	   "removed_options: skip-host-cache, removed in 8.4.0, use host_cache_size");
	ok(t.s.nproblems == 2 && t.s.problems[0].kind == SETTINGS_PROBLEM_REMOVED &&
		   t.s.problems[1].kind == SETTINGS_PROBLEM_REMOVED && t.s.problems[0].version.major == 8 &&
		   t.s.problems[0].version.minor == 4 && t.s.problems[0].version.patch == 0 &&
		   t.s.problems[0].replacement && !strcmp(t.s.problems[0].replacement, "host_cache_size") &&
		   t.s.problems[1].replacement && !strcmp(t.s.problems[1].replacement, "authentication_policy"),
	   "two removal problems, removed in 8.4.0, each with its replacement");
	ok(diag_has(&t, DIAG_ERROR, 3, "'default_authentication_plugin' was removed in MySQL 8.4.0"),
	   "default_authentication_plugin: removed in 8.4.0, at its line");
	ok(diag_has(&t, DIAG_ERROR, 3, "authentication_policy"), "with its replacement authentication_policy");
	unload(&t);
	load3(&t, "upgrade84.cnf", FLAVOR_MYSQL, 8, 0, 43);
	ok(t.rc == 0, "MySQL 8.0.43: the same file starts");
	unload(&t);

	/* EVIDENCE: sql/mysqld.cc my_long_options has master-host at tag mysql-5.1.73 and not at mysql-5.5.0 */
	put("masterhost.cnf", "[mysqld]\nmaster-host = db1\n");
	for (int minor = 6; minor <= 7; minor++) {
		load(&t, "masterhost.cnf", FLAVOR_MYSQL, 5, minor);
		ok(t.rc == -1 && strstr(value(&t, "removed_options"), "removed in MySQL 5.5.0") &&
		   strstr(value(&t, "removed_options"), "CHANGE MASTER TO"),
		   "MySQL 5.%d: master-host was removed in 5.5.0 (use CHANGE MASTER TO)", minor);
		unload(&t);
	}
	load(&t, "masterhost.cnf", FLAVOR_MYSQL, 8, 4);
	ok(t.rc == -1, "MySQL 8.4: master-host stops the server");
	unload(&t);

	/* a typo: no server has it */
	put("typo.cnf", "[mysqld]\nrelay_log_recovey = ON\nloose-relay_log_recovey = ON\n");
	static const struct {
		enum flavor f;
		int major, minor;
		const char *label;
	} servers[] = {
		{ FLAVOR_MYSQL, 8, 4, "MySQL 8.4" }, { FLAVOR_MYSQL, 8, 0, "MySQL 8.0" },
		{ FLAVOR_MYSQL, 5, 7, "MySQL 5.7" }, { FLAVOR_PERCONA, 8, 0, "Percona Server 8.0" },
		{ FLAVOR_MARIADB, 10, 11, "MariaDB 10.11" },
	};
	for (size_t i = 0; i < sizeof(servers) / sizeof(servers[0]); i++) {
		load(&t, "typo.cnf", servers[i].f, servers[i].major, servers[i].minor);
		ok(t.rc == -1 && strstr(value(&t, "option_file_errors"), "unknown variable 'relay_log_recovey'"),
		   "%s: relay_log_recovey is an unknown variable, the server refuses to start", servers[i].label);
		ok(diag_has(&t, DIAG_WARNING, 3, "loose-"), "%s: with loose- only a warning", servers[i].label);
		is_str(value(&t, "relay_log_recovery"), "OFF", "the default stays");
		unload(&t);
	}
	/* a release without any option list: not judged (a warning at most), never "refuses" */
	load(&t, "typo.cnf", FLAVOR_MYSQL, 9, 1);
	ok(t.rc == 0, "MySQL 9.1 (no option list): a name the catalog cannot judge does not stop the server");
	unload(&t);

	/* plugins: known only when loaded */
	put("semisync.cnf", "[mysqld]\nrpl_semi_sync_master_enabled = 1\n");
	load(&t, "semisync.cnf", FLAVOR_MYSQL, 8, 0);
	ok(t.rc == 0 && diag_has(&t, DIAG_WARNING, 2, "plugin rpl_semi_sync_master"),
	   "MySQL: a semi-sync option without plugin-load-add: a warning, not an error");
	/* breaker7 #3: INSTALL PLUGIN state decides whether the value counts: unknown, not the default */
	ok(settings_get(&t.s, "rpl_semi_sync_source_enabled") &&
	   !settings_get(&t.s, "rpl_semi_sync_source_enabled")->current.value,
	   "... and its value is unknown (a rule reading it could not evaluate)");
	ok(t.s.build_diags.n == 1, "... the warning printed without -v (build_diags)");
	unload(&t);
	put("semisync-load.cnf",
	    "[mysqld]\nplugin-load-add = rpl_semi_sync_master=semisync_master.so\nrpl_semi_sync_master_enabled = 1\n");
	load(&t, "semisync-load.cnf", FLAVOR_MYSQL, 8, 0);
	ok(t.rc == 0 && t.s.diags.n == 0 && t.s.build_diags.n == 0,
	   "MySQL: with plugin-load-add the option is known (no warning)");
	is_str(value(&t, "rpl_semi_sync_source_enabled"), "ON", "... and its value counts (the catalog's name)");
	unload(&t);
	/* EVIDENCE: mariadbd 10.11.19 --server-audit-logging=ON without the plugin: unknown variable;
	 * with --plugin-load-add=server_audit.so --verbose --help it is listed */
	put("audit.cnf", "[mariadbd]\nserver_audit_logging = ON\n");
	load(&t, "audit.cnf", FLAVOR_MARIADB, 10, 11);
	ok(t.rc == 0 && diag_has(&t, DIAG_WARNING, 2, "SERVER_AUDIT"), "MariaDB: server_audit_* unloaded: a warning");
	unload(&t);
	put("audit2.cnf", "[mariadbd]\nplugin_load_add = server_audit\nserver_audit_logging = ON\n");
	load(&t, "audit2.cnf", FLAVOR_MARIADB, 10, 11);
	ok(t.rc == 0 && t.s.diags.n == 0, "MariaDB: plugin_load_add = server_audit makes it known");
	unload(&t);
	put("validate.cnf", "[mysqld]\nvalidate_password.length = 12\n");
	load(&t, "validate.cnf", FLAVOR_MYSQL, 8, 0);
	ok(t.rc == 0 && diag_has(&t, DIAG_WARNING, 2, "component"), "MySQL: validate_password.length: a warning");
	unload(&t);

	/* EVIDENCE: mariadbd 10.11.19: --master1.nosuch=5 "unknown variable", exit 7; --master1.sync_binlog=5
	 * prints sync-binlog 5; --conn.replicate_do_db=x and --hot.key_buffer_size=1M leave the globals */
	put("dotted.cnf", "[mariadbd]\nmaster1.sync_binlog = 5\nconn.replicate_do_db = app\n"
			  "hot.key_buffer_size = 1M\nmaster1.nosuch = 5\n");
	load(&t, "dotted.cnf", FLAVOR_MARIADB, 10, 11);
	is_str(value(&t, "sync_binlog"), "5", "MariaDB: master1.sync_binlog sets the global sync_binlog");
	ok(t.rc == -1 && strstr(value(&t, "option_file_errors"), "unknown variable 'master1.nosuch'"),
	   "MariaDB: a dotted name whose option does not exist is unknown");
	ok(settings_get(&t.s, "key_buffer_size") == NULL, "MariaDB: hot.key_buffer_size is a key cache of its own");
	unload(&t);

	/* EVIDENCE: mariadbd 10.11.19 --sync=1: "ambiguous option '--sync=1' (sync_frm, sync_master_info)" */
	put("ambiguous.cnf", "[mysqld]\nsync = 1\n");
	load(&t, "ambiguous.cnf", FLAVOR_MARIADB, 10, 11);
	ok(t.rc == -1 && strstr(value(&t, "option_file_errors"), "ambiguous"),
	   "MariaDB: an ambiguous prefix among all options stops the server");
	unload(&t);
}

/* Issue 7, fault 2: each flavor's value syntax. */
static void test_value_syntax(void)
{
	struct target t;
	/* EVIDENCE: MySQL sql/sys_vars.cc enforce_gtid_consistency_aliases {OFF ON WARN FALSE TRUE},
	 * Sys_var_multi_enum::fixup_command_line: exact alias (any case) or 0..2, no prefixes; mysqld.cc
	 * OPT_ENFORCE_GTID_CONSISTENCY: an invalid value is a warning */
	put("egc.cnf", "[mysqld]\nenforce_gtid_consistency = TRUE\n");
	load(&t, "egc.cnf", FLAVOR_MYSQL, 8, 0);
	ok(t.rc == 0, "MySQL 8.0: enforce_gtid_consistency = TRUE starts");
	is_str(value(&t, "enforce_gtid_consistency"), "ON", "and is ON");
	unload(&t);
	load(&t, "egc.cnf", FLAVOR_MYSQL, 8, 4);
	is_str(value(&t, "enforce_gtid_consistency"), "ON", "MySQL 8.4: TRUE is ON");
	unload(&t);
	put("egc-wa.cnf", "[mysqld]\nenforce_gtid_consistency = WA\n");
	load(&t, "egc-wa.cnf", FLAVOR_MYSQL, 8, 0);
	ok(t.rc == 0 && diag_has(&t, DIAG_WARNING, 2, "no abbreviations"), "WA: a warning, the server starts");
	is_str(value(&t, "enforce_gtid_consistency"), "OFF", "WA is not WARN: the value stays OFF");
	unload(&t);
	put("egc-warn.cnf", "[mysqld]\nenforce_gtid_consistency = ON\nenforce_gtid_consistency = 2\n");
	load(&t, "egc-warn.cnf", FLAVOR_MYSQL, 5, 7);
	is_str(value(&t, "enforce_gtid_consistency"), "WARN", "MySQL 5.7: 2 is WARN");
	unload(&t);
	put("egc-keep.cnf", "[mysqld]\nenforce_gtid_consistency = ON\nenforce_gtid_consistency = bogus\n");
	load(&t, "egc-keep.cnf", FLAVOR_MYSQL, 8, 0);
	is_str(value(&t, "enforce_gtid_consistency"), "ON", "an invalid value after ON keeps ON (the warning path)");
	unload(&t);
	put("egc-bare.cnf", "[mysqld]\nenforce-gtid-consistency\n");
	load(&t, "egc-bare.cnf", FLAVOR_MYSQL, 8, 0);
	is_str(value(&t, "enforce_gtid_consistency"), "ON", "bare enforce-gtid-consistency is ON");
	unload(&t);
	/* MySQL 5.6: still a boolean (Sys_var_mybool) */
	load(&t, "egc.cnf", FLAVOR_MYSQL, 5, 6);
	is_str(value(&t, "enforce_gtid_consistency"), "ON", "MySQL 5.6: TRUE (a boolean) is ON");
	unload(&t);
}

/* Issue 7, fault 3: options only one flavor's builds have. */
static void test_flavor_only(void)
{
	struct target t;
	/* EVIDENCE: mysql-test/r/mysqld--help-notwin.result at Percona-Server-5.6.21-70.0 lists
	 * super-read-only; at Percona-Server-5.6.20-68.0 and mysql-5.6.36 it does not */
	put("sro.cnf", "[mysqld]\nsuper_read_only = ON\n");
	load3(&t, "sro.cnf", FLAVOR_PERCONA, 5, 6, 21);
	ok(t.rc == 0, "Percona Server 5.6.21: super_read_only is an option");
	is_str(value(&t, "super_read_only"), "ON", "and is ON");
	unload(&t);
	load3(&t, "sro.cnf", FLAVOR_PERCONA, 5, 6, 20);
	ok(t.rc == -1, "Percona Server 5.6.20: super_read_only is unknown");
	unload(&t);
	load(&t, "sro.cnf", FLAVOR_MYSQL, 5, 6);
	ok(t.rc == -1, "MySQL 5.6: super_read_only is unknown");
	unload(&t);
	/* a Galera option on Percona Server: only PXC builds have it */
	put("wsrep.cnf", "[mysqld]\nwsrep_provider = /usr/lib/galera4/libgalera_smm.so\n");
	load(&t, "wsrep.cnf", FLAVOR_PERCONA, 5, 6);
	ok(t.rc == 0 && diag_has(&t, DIAG_WARNING, 2, "Percona XtraDB Cluster"),
	   "Percona Server 5.6: wsrep_provider exists only in PXC builds: a warning");
	unload(&t);
	load(&t, "wsrep.cnf", FLAVOR_MYSQL, 8, 4);
	ok(t.rc == 0 && diag_has(&t, DIAG_WARNING, 2, "Galera"), "MySQL 8.4: the same: a warning, never an error");
	unload(&t);
	/* EVIDENCE: PXC 5.7 (percona/percona-xtradb-cluster@031a1f5a) mysqld--help-notwin.result lists
	 * wsrep-sst-auth; the PXC 8.0 and 8.4 help results (venkatesh-prasad-v@49fc4aee, kamil-holubicki@2599271b)
	 * do not */
	put("pxc.cnf", "[mysqld]\nwsrep_provider = /usr/lib/galera4/libgalera_smm.so\nwsrep_sst_auth = sst:pw\n"
	    "wsrep_applier_threads = 4\n");
	load_galera(&t, "pxc.cnf", FLAVOR_PERCONA, 8, 4, 3);
	ok(t.rc == -1 && diag_has(&t, DIAG_ERROR, 3, "wsrep_sst_auth"),
	   "PXC 8.4.3: wsrep_sst_auth is unknown: the server refuses to start");
	/* gone between the 5.7.31 and 8.0.32 lists: no release is named as the one that removed it */
	ok(diag_has(&t, DIAG_ERROR, 3, "was removed after Percona XtraDB Cluster 5.7.31 (absent from the 8.0.32 list)"),
	   "PXC 8.4.3: the message says 'removed after 5.7.31', not 'removed in 8.0.32'");
	ok(!diag_has_quiet(&t, DIAG_ERROR, 4) && !diag_has_quiet(&t, DIAG_WARNING, 4),
	   "PXC 8.4.3: wsrep_applier_threads is known");
	unload(&t);
	load_galera(&t, "pxc.cnf", FLAVOR_PERCONA, 5, 7, 36);
	ok(diag_has(&t, DIAG_ERROR, 4, "wsrep_applier_threads") && !diag_has_quiet(&t, DIAG_ERROR, 3),
	   "PXC 5.7.36: wsrep_sst_auth is known, wsrep_applier_threads (new in 8.0) is unknown");
	unload(&t);
}

/* Read dir/name for f, version major.minor, with config_load_cached(cc) (NULL: config_load()) against c. */
static void load_with(struct target *t, const char *name, enum flavor f, int major, int minor,
		      const struct catalog *c, struct config_cache *cc)
{
	char *p = path_of(name);
	struct optfile_groups g;
	settings_init(&t->s, p, "file");
	t->s.flavor = f;
	t->s.version.major = major;
	t->s.version.minor = minor;
	t->s.version.patch = -1;
	optfile_init(&t->of);
	optfile_groups_for(&g, f, &t->s.version, NULL);
	optfile_read(&t->of, p, &g);
	t->rc = config_load_cached(&t->s, &t->of, c, cc);
	free(p);
}

/* Every variable of a and b the same, in the same order: name, value, spelling, origin. */
static int same_settings(const struct settings *a, const struct settings *b, int (*keep)(void *, const char *))
{
	size_t i = 0, j = 0;
	for (;;) {
		while (i < a->n && keep && !keep(NULL, a->vars[i].name))
			i++;
		while (j < b->n && keep && !keep(NULL, b->vars[j].name))
			j++;
		if (i == a->n || j == b->n)
			return i == a->n && j == b->n;
		const struct settings_value *x = &a->vars[i].current, *y = &b->vars[j].current;
		if (strcmp(a->vars[i].name, b->vars[j].name) || !x->value != !y->value ||
		    (x->value && strcmp(x->value, y->value)) || !x->spelled != !y->spelled ||
		    (x->spelled && strcmp(x->spelled, y->spelled)) || x->origin.line != y->origin.line ||
		    !x->origin.detail != !y->origin.detail || (x->origin.detail && strcmp(x->origin.detail, y->origin.detail)))
			return 0;
		i++, j++;
	}
}

static int keep_gtid(void *ctx, const char *name)
{
	(void)ctx;
	return !strncmp(name, "gtid", 4) || !strcmp(name, "option_file_errors");
}

/*
 * Issue 13: a run's config_cache gives every target the settings
 * config_load() gives it, whatever the releases before it; a secret's
 * value is masked on the cached path too; with config_cache_retain() the
 * names kept are the same.
 */
static void test_cache(void)
{
	struct catalog sc;
	struct diag_list d;
	struct config_cache *cc = config_cache_new(&cat);
	struct target a, b;
	put("cache1.cnf", "[mysqld]\ngtid_mode = ON\nskip-log-bin\nloose-sync_binlog = 1\nrelay-log-rec = ON\n");
	put("cache2.cnf", "[mariadb]\ngtid_strict_mode = 1\nlog_slave_updates\ngtid_mode = ON\n");
	static const struct {
		const char *file;
		enum flavor f;
		int major, minor;
	} runs[] = {
		{ "cache1.cnf", FLAVOR_MYSQL, 8, 4 },   { "cache2.cnf", FLAVOR_MARIADB, 10, 11 },
		{ "cache1.cnf", FLAVOR_MARIADB, 10, 6 }, { "cache1.cnf", FLAVOR_MYSQL, 5, 7 },
		{ "cache2.cnf", FLAVOR_MYSQL, 8, 4 },   { "cache1.cnf", FLAVOR_MYSQL, 8, 4 },
		{ "cache2.cnf", FLAVOR_MARIADB, 10, 11 },
	};
	int all = 1;
	for (size_t i = 0; i < ARRAY_SIZE(runs); i++) {
		load_with(&a, runs[i].file, runs[i].f, runs[i].major, runs[i].minor, &cat, NULL);
		load_with(&b, runs[i].file, runs[i].f, runs[i].major, runs[i].minor, &cat, cc);
		if (!same_settings(&a.s, &b.s, NULL) || a.rc != b.rc || a.s.nproblems != b.s.nproblems) {
			printf("# differs: %s as %d %d.%d (step %zu)\n", runs[i].file, (int)runs[i].f, runs[i].major,
			       runs[i].minor, i);
			all = 0;
		}
		unload(&a);
		unload(&b);
	}
	ok(all, "cache: seven targets of four releases, in turn, read as without the cache");
	config_cache_free(cc);

	/* only the kept names asked for: those are the same */
	cc = config_cache_new(&cat);
	config_cache_retain(cc, keep_gtid, NULL);
	load_with(&a, "cache2.cnf", FLAVOR_MARIADB, 10, 11, &cat, NULL);
	load_with(&b, "cache2.cnf", FLAVOR_MARIADB, 10, 11, &cat, cc);
	ok(same_settings(&a.s, &b.s, keep_gtid) && b.s.n < a.s.n,
	   "cache with retain: the kept names read the same, fewer defaults stored");
	ok(settings_get(&b.s, "wsrep_on") != NULL, "cache with retain: wsrep_on, read at load, stored anyway");
	unload(&a);
	unload(&b);
	config_cache_free(cc);

	/* a catalog with a secret's variable: masked on the cached path, default and option alike */
	put("secret.ini", "[wsrep_sst_auth]\ntitle = SST credentials\ntype = string\n"
			  "default.mariadb = 10.1:root:defaultpw\n\n"
			  "[server_id]\ntitle = server id\ntype = uint\ndefault.mariadb = 10.1:1\n");
	put("secret1.cnf", "[mariadb]\nserver_id = 3\n");
	put("secret2.cnf", "[mariadb]\nwsrep_sst_auth = sst:hunter2\n");
	char *ini = path_of("secret.ini");
	catalog_init(&sc);
	diag_list_init(&d);
	int loaded = catalog_load(&sc, ini, &d) == 0;
	if (!loaded)
		diag_print(&d, stdout);
	if (ok(loaded, "cache: a catalog with a secret's variable loads")) {
		cc = config_cache_new(&sc);
		load_with(&a, "secret1.cnf", FLAVOR_MARIADB, 10, 11, &sc, cc);
		load_with(&b, "secret2.cnf", FLAVOR_MARIADB, 10, 11, &sc, cc);
		is_str(value(&a, "wsrep_sst_auth"), SECRET_MASK, "cache: a secret's default is masked");
		is_str(value(&b, "wsrep_sst_auth"), SECRET_MASK, "cache: a secret's value from an option is masked");
		is_str(value(&a, "server_id"), "3", "cache: the other variable as read");
		unload(&a);
		unload(&b);
		load_with(&b, "secret2.cnf", FLAVOR_MARIADB, 10, 11, &sc, cc);
		is_str(value(&b, "wsrep_sst_auth"), SECRET_MASK, "cache: a secret's value replayed for a second target is masked");
		unload(&b);
		config_cache_free(cc);
	}
	diag_list_release(&d);
	catalog_release(&sc);
	free(ini);
}

/* a and b alike in everything config_load() writes: settings (with origins and overridden values), problems, diagnostics. */
static int same_all(const struct settings *a, const struct settings *b)
{
#define SAME(x, y) ((!(x) && !(y)) || ((x) && (y) && !strcmp((x), (y))))
	if (!same_settings(a, b, NULL) || a->n != b->n || a->nproblems != b->nproblems || a->diags.n != b->diags.n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct settings_var *x = &a->vars[i], *y = &b->vars[i];
		if (!SAME(x->current.origin.file, y->current.origin.file) ||
		    !SAME(x->current.origin.chain, y->current.origin.chain) || x->n_overridden != y->n_overridden)
			return 0;
		for (size_t k = 0; k < x->n_overridden; k++)
			if (!SAME(x->overridden[k].value, y->overridden[k].value) ||
			    x->overridden[k].origin.line != y->overridden[k].origin.line)
				return 0;
	}
	for (size_t i = 0; i < a->nproblems; i++) {
		const struct settings_problem *p = &a->problems[i], *q = &b->problems[i];
		if (!SAME(p->fact, q->fact) || p->kind != q->kind || !SAME(p->option, q->option) ||
		    !SAME(p->value, q->value) || !SAME(p->variable, q->variable) || !SAME(p->replacement, q->replacement) ||
		    !SAME(p->detail, q->detail) || !SAME(p->text, q->text) || !SAME(p->origin.file, q->origin.file) ||
		    p->origin.line != q->origin.line || !SAME(p->origin.chain, q->origin.chain) ||
		    p->version.major != q->version.major || p->version.minor != q->version.minor)
			return 0;
	}
	for (size_t i = 0; i < a->diags.n; i++) {
		const struct diag *d = &a->diags.items[i], *e = &b->diags.items[i];
		if (d->level != e->level || d->line != e->line || !SAME(d->file, e->file) || !SAME(d->message, e->message))
			return 0;
	}
	return 1;
#undef SAME
}

/*
 * Session 6: an option line's outcome is kept per release and replayed for
 * the next target with the same line (config.c config_build.outcomes):
 * each target reads as without the cache, whatever lines came before it:
 * the same lines at other places and in an include (origins, chains,
 * problems and diagnostics at the new place), a line whose check reads the
 * value set before it in the same target (optimizer_switch flags), and a
 * line whose meaning depends on the plugins the file loads.
 */
static void test_outcomes(void)
{
	struct config_cache *cc = config_cache_new(&cat);
	struct target a, b;
	put("oc1.cnf", "[mysqld]\nsync_binlog = 1\nloose-relay_log_info_repository = TABLE\nskip-log-bin\n"
		       "no_such_option = 3\nbinlog_format = ROW\noptimizer_switch = index_merge=off\n");
	put("oc-inc.cnf", "[mysqld]\nloose-relay_log_info_repository = TABLE\nno_such_option = 3\n");
	char *inc = path_of("oc-inc.cnf");
	char *text = xasprintf("[mysqld]\n# moved\nbinlog_format = ROW\n!include %s\nsync_binlog = 1\n", inc);
	put("oc2.cnf", text);
	free(text);
	free(inc);
	put("oc3.cnf", "[mysqld]\noptimizer_switch = mrr=off\noptimizer_switch = index_merge=off\n");
	put("op1.cnf", "[mariadb]\nplugin_load_add = server_audit\nserver_audit_logging = ON\n");
	put("op2.cnf", "[mariadb]\nserver_audit_logging = ON\n");
	put("os1.cnf", "[mysqld]\nreport_password = hunter2\nreport_host = db1\n");
	static const struct {
		const char *file;
		enum flavor f;
		int major, minor;
	} runs[] = {
		{ "oc1.cnf", FLAVOR_MYSQL, 8, 4 },   { "oc2.cnf", FLAVOR_MYSQL, 8, 4 },
		{ "oc3.cnf", FLAVOR_MYSQL, 8, 4 },   { "oc1.cnf", FLAVOR_MYSQL, 8, 4 },
		{ "oc2.cnf", FLAVOR_MYSQL, 8, 4 },   { "op1.cnf", FLAVOR_MARIADB, 10, 11 },
		{ "op2.cnf", FLAVOR_MARIADB, 10, 11 }, { "op1.cnf", FLAVOR_MARIADB, 10, 11 },
		{ "op2.cnf", FLAVOR_MARIADB, 10, 11 }, { "oc1.cnf", FLAVOR_MARIADB, 10, 11 },
		{ "oc2.cnf", FLAVOR_MARIADB, 10, 11 }, { "os1.cnf", FLAVOR_MYSQL, 8, 4 },
		{ "os1.cnf", FLAVOR_MYSQL, 8, 4 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(runs); i++) {
		load_with(&a, runs[i].file, runs[i].f, runs[i].major, runs[i].minor, &cat, NULL);
		load_with(&b, runs[i].file, runs[i].f, runs[i].major, runs[i].minor, &cat, cc);
		ok(same_all(&a.s, &b.s) && a.rc == b.rc, "outcomes: step %zu, %s as %s %d.%d reads as without the cache "
		   "(%zu settings, %zu problems, %zu diagnostics)", i + 1, runs[i].file, flavor_display(runs[i].f),
		   runs[i].major, runs[i].minor, a.s.n, a.s.nproblems, a.s.diags.n);
		if (i == 2)
			ok(strstr(value(&b, "optimizer_switch"), "mrr=off") != NULL,
			   "outcomes: a flag set on a line before stays (%s)", value(&b, "optimizer_switch"));
		if (i == 6)
			ok(diag_has(&b, DIAG_WARNING, 2, "exists only while the plugin"),
			   "outcomes: without the plugin loaded, the line is a warning");
		if (i == 3)
			ok(settings_get(&b.s, CONFIG_FACT_OPTION_FILE_ERRORS) && settings_get(&b.s, CONFIG_FACT_REMOVED_OPTIONS) &&
			   !strcmp(value(&b, CONFIG_FACT_OPTION_FILE_ERRORS), value(&a, CONFIG_FACT_OPTION_FILE_ERRORS)),
			   "outcomes: the two facts are found by name (%s)", value(&b, CONFIG_FACT_OPTION_FILE_ERRORS));
		if (i == 12) {
			is_str(value(&b, "report_password"), SECRET_MASK, "outcomes: a secret option replayed is masked");
			is_str(value(&b, "report_host"), "db1", "outcomes: and the line after it replayed as read");
		}
		unload(&a);
		unload(&b);
	}
	config_cache_free(cc);

	/* one name, many values: each value its own outcome (bare, empty, set), past the list's length too */
	cc = config_cache_new(&cat);
	put("ob1.cnf", "[mysqld]\nlog_bin\nsync_binlog = 0\n");
	put("ob2.cnf", "[mysqld]\nlog_bin =\nsync_binlog = 1\n");
	put("ob3.cnf", "[mysqld]\nlog_bin = x\nsync_binlog = 2\n");
	int all = 1;
	char last[64] = "";
	for (int round = 0; round < 2; round++) {
		for (int i = 1; i <= 3 + 12; i++) {
			char name[32];
			if (i <= 3) {
				snprintf(name, sizeof(name), "ob%d.cnf", i);
			} else {
				char line[80];
				snprintf(name, sizeof(name), "om%d.cnf", i);
				snprintf(line, sizeof(line), "[mysqld]\nmax_connections = %d\nserver_id = %d\n", 100 + i, i);
				put(name, line);
			}
			load_with(&a, name, FLAVOR_MYSQL, 8, 4, &cat, NULL);
			load_with(&b, name, FLAVOR_MYSQL, 8, 4, &cat, cc);
			if (!same_all(&a.s, &b.s) || a.rc != b.rc) {
				printf("# differs: %s, round %d\n", name, round + 1);
				all = 0;
			}
			if (round == 1 && i == 15)
				snprintf(last, sizeof(last), "%s", value(&b, "max_connections"));
			unload(&a);
			unload(&b);
		}
	}
	ok(all, "outcomes: one name with a bare, an empty and a set value, and twelve values of another, twice: "
	   "each target reads as without the cache");
	is_str(last, "115", "outcomes: the last of twelve values read as written");
	config_cache_free(cc);
}

int main(void)
{
	if (!fixture_catalog(&cat))
		return done_testing();
	if (!fixture_tmpdir(dir, sizeof(dir), "test-config"))
		return done_testing();
	test_prefixes();
	test_aliases_and_values();
	test_chain_and_defaults();
	test_errors();
	test_removed();
	test_group_header();
	test_galera();
	test_unknown_and_removed();
	test_new_releases();
	test_value_syntax();
	test_flavor_only();
	test_cache();
	test_outcomes();
	cleanup();
	catalog_release(&cat);
	return done_testing();
}
