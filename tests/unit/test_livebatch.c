/*
 * test_livebatch.c - live_plan_predict() (live.h, issue 13): the statements
 * the transport sends in one batch with the first, as predicted from the
 * greeting, for each flavor and version the plan distinguishes, and the
 * prediction's agreement with what the plan then really asks for when
 * every answer is what the greeting suggested. tests/live-batch.t counts
 * the queries a real server and a scripted one receive. Runs from the
 * repository root (prove does): the catalog is rules/variables.ini.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "live.h"
#include "settings.h"
#include "fixture.h"
#include "tap.h"

#include "banned.h"

static struct catalog cat;
static struct live_conn conn;

/* The labels of the predicted statements, joined with " | ". */
static void predicted(const char *greeting, char *buf, size_t size, size_t *n)
{
	struct settings s;
	struct live_target t;
	struct live_plan p;
	struct live_stmt st;
	struct live_stmt_list l = { 0 };

	settings_init(&s, "db1:3306", "live");
	s.flavor = FLAVOR_UNKNOWN;
	live_target_init(&t, &s, "db1:3306");
	live_plan_init(&p, &t, &conn, &cat, greeting);
	buf[0] = '\0';
	*n = 0;
	if (live_plan_next(&p, &st)) {
		size_t len = (size_t)snprintf(buf, size, "%s", st.label);
		*n = live_plan_predict(&p, greeting, &l);
		for (size_t i = 0; i < l.n && len < size; i++)
			len += (size_t)snprintf(buf + len, size - len, " | %s", l.label[i]);
		for (size_t i = 0; i < l.n; i++)
			ok(l.sql[i] && *l.sql[i] && !strchr(l.sql[i], ';'), "%s: statement %zu is SQL without ';'",
			   greeting, i + 1);
	}
	live_stmts_release(&l);
	live_plan_release(&p);
	live_target_release(&t);
	settings_release(&s);
}

static void test_predict(void)
{
	static const struct {
		const char *greeting, *want;
		size_t n;
	} cases[] = {
		{ "10.11.6-MariaDB-log",
		  "information_schema.SYSTEM_VARIABLES | SHOW ALL SLAVES STATUS | information_schema.TABLES", 2 },
		{ "5.5.5-10.11.6-MariaDB",
		  "information_schema.SYSTEM_VARIABLES | SHOW ALL SLAVES STATUS | information_schema.TABLES", 2 },
		{ "8.0.36",
		  "SHOW GLOBAL VARIABLES | performance_schema.variables_info | performance_schema.persisted_variables"
		  " | performance_schema.replication_connection_configuration | SHOW REPLICA STATUS"
		  " | information_schema.TABLES", 5 },
		{ "8.0.21-12",
		  "SHOW GLOBAL VARIABLES | performance_schema.variables_info | performance_schema.persisted_variables"
		  " | performance_schema.replication_connection_configuration | SHOW SLAVE STATUS"
		  " | information_schema.TABLES", 5 },
		{ "5.7.44-log",
		  "SHOW GLOBAL VARIABLES | performance_schema.replication_connection_configuration | SHOW SLAVE STATUS"
		  " | information_schema.TABLES", 3 },
		{ "5.6.51", "SHOW GLOBAL VARIABLES | SHOW SLAVE STATUS | information_schema.TABLES", 2 },
		/* No version to go by: one statement at a time. */
		{ "", "SHOW GLOBAL VARIABLES", 0 },
		{ "proxy", "SHOW GLOBAL VARIABLES", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char got[1024], name[128];
		size_t n;
		predicted(cases[i].greeting, got, sizeof(got), &n);
		snprintf(name, sizeof(name), "greeting '%s': the batch", cases[i].greeting);
		is_str(got, cases[i].want, name);
		is_int((long)n, (long)cases[i].n, "... statements predicted after the first");
	}
}

/*
 * Predicted from the greeting, then the variables answer confirms it: the
 * plan's next statements are the predicted ones, text for text (the
 * transport hands a batched answer over only then).
 */
static void test_predict_agrees(void)
{
	struct settings s;
	struct live_target t;
	struct live_plan p;
	struct live_stmt st;
	struct live_stmt_list l = { 0 };
	struct live_result r;
	const char *why = NULL;
	static const char *const names[] = { "VARIABLE_NAME", "GLOBAL_VALUE", "GLOBAL_VALUE_ORIGIN",
					     "GLOBAL_VALUE_PATH" };
	static const char *const rows[][4] = {
		{ "version", "10.11.6-MariaDB-log", "COMPILE-TIME", NULL },
		{ "version_comment", "mariadb.org binary distribution", "COMPILE-TIME", NULL },
		{ "server_id", "7", "CONFIG", "/etc/mysql/my.cnf" },
	};

	settings_init(&s, "db1:3306", "live");
	live_target_init(&t, &s, "db1:3306");
	live_plan_init(&p, &t, &conn, &cat, "10.11.6-MariaDB-log");
	ok(live_plan_next(&p, &st), "MariaDB: a first statement");
	live_plan_predict(&p, "10.11.6-MariaDB-log", &l);
	live_result_init(&r);
	for (size_t i = 0; i < 4; i++)
		live_result_add_column(&r, names[i], strlen(names[i]), &why);
	for (size_t i = 0; i < 3; i++)
		live_result_add_row(&r, rows[i], NULL, &why);
	live_plan_answer(&p, &r);
	live_result_release(&r);
	for (size_t i = 0; i < l.n; i++) {
		int more = live_plan_next(&p, &st);
		ok(more && !strcmp(st.sql, l.sql[i]), "... statement %zu is the predicted one, text for text (%s)", i + 2,
		   more ? st.label : "none");
		if (!more)
			break;
		live_result_init(&r);
		live_plan_answer(&p, &r);   /* no result set: the reader's error, enough to go on here */
		live_result_release(&r);
		if (s.error)
			s.error = NULL;
	}
	live_stmts_release(&l);
	live_plan_release(&p);
	live_target_release(&t);
	settings_release(&s);
}

int main(void)
{
	if (!fixture_catalog(&cat))
		return done_testing();
	test_predict();
	test_predict_agrees();
	catalog_release(&cat);
	return done_testing();
}
