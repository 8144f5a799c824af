/*
 * test_expr.c - the rule condition language: parsing, parse errors with
 * their column, Kleene truth tables, typed and version-aware comparisons,
 * defined()/isset(), explanations and descriptions.
 *
 * Runs from the repository root (prove does): the catalog is rules/variables.ini.
 */
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "fixture.h"
#include "tap.h"
#include "banned.h"

static struct catalog cat;
static struct arena arena;

static struct settings *target_new(enum flavor f, const char *version, const char *kind)
{
	struct settings *s = xcalloc(1, sizeof(*s));
	settings_init(s, "t.cnf", kind);
	s->flavor = f;
	version_parse(&s->version, version);
	return s;
}

static void target_free(struct settings *s)
{
	settings_release(s);
	free(s);
}

static void set_file(struct settings *s, const char *name, const char *value, unsigned line)
{
	struct settings_origin o = { .source = SETTINGS_SRC_FILE, .file = "t.cnf", .line = line };
	settings_set(s, name, value, name, &o);
}

static void set_default(struct settings *s, const char *name, const char *value)
{
	struct settings_origin o = { .source = SETTINGS_SRC_DEFAULT, .detail = "default" };
	settings_set(s, name, value, NULL, &o);
}

/* Parse, bind (target scope) and evaluate; -1 when parsing or binding failed. */
static int eval_on(const char *text, const struct settings *s)
{
	struct expr_error err;
	struct strbuf berr = { 0 };
	struct expr *e = expr_parse(&arena, text, &err);
	if (!e) {
		printf("# parse error in '%s': %s (column %u)\n", text, err.message, err.column);
		return -1;
	}
	if (expr_bind(e, &arena, &cat, 0, &berr)) {
		printf("# bind error in '%s': %s\n", text, berr.buf);
		strbuf_release(&berr);
		return -1;
	}
	struct expr_env env = { .catalog = &cat, .target = s };
	return (int)expr_eval(e, &env);
}

static void is_tri(const char *text, const struct settings *s, enum tri want)
{
	int got = eval_on(text, s);
	ok(got == (int)want, "%s is %s", text, tri_name(want));
	if (got != (int)want)
		printf("#   got: %s\n", got < 0 ? "error" : tri_name((enum tri)got));
}

static void parse_fails(const char *text, unsigned column, const char *fragment)
{
	struct expr_error err;
	struct expr *e = expr_parse(&arena, text, &err);
	ok(!e, "'%s' does not parse", text);
	is_int(err.column, column, "  at the right column");
	ok(strstr(err.message, fragment) != NULL, "  message says '%s' (%s)", fragment, err.message);
}

static void bind_fails(const char *text, int channel, const char *fragment)
{
	struct expr_error err;
	struct strbuf berr = { 0 };
	struct expr *e = expr_parse(&arena, text, &err);
	ok(e && expr_bind(e, &arena, &cat, channel, &berr) == -1, "'%s' is refused when bound", text);
	ok(berr.buf && strstr(berr.buf, fragment), "  because of '%s' (%s)", fragment, berr.buf ? berr.buf : "");
	strbuf_release(&berr);
}

static void explains_how(const char *text, const struct settings *s, const char *want, int require)
{
	struct expr_error err;
	struct strbuf berr = { 0 }, sb = { 0 };
	struct expr *e = expr_parse(&arena, text, &err);
	if (e)
		expr_bind(e, &arena, &cat, 0, &berr);
	struct expr_env env = { .catalog = &cat, .target = s };
	if (e && require)
		expr_explain_require(e, &env, &sb);
	else if (e)
		expr_explain(e, &env, &sb);
	char name[300];
	snprintf(name, sizeof(name), "%s(%s)", require ? "explain_require" : "explain", text);
	is_str(sb.buf, want, name);
	strbuf_release(&sb);
	strbuf_release(&berr);
}

static void explains(const char *text, const struct settings *s, const char *want)
{
	explains_how(text, s, want, 0);
}

static void describes(const char *text, const char *want)
{
	struct expr_error err;
	struct strbuf berr = { 0 }, sb = { 0 };
	struct expr *e = expr_parse(&arena, text, &err);
	if (e) {
		expr_bind(e, &arena, &cat, 0, &berr);
		expr_describe(e, &sb);
	}
	char name[300];
	snprintf(name, sizeof(name), "describe(%s)", text);
	is_str(sb.buf, want, name);
	strbuf_release(&sb);
	strbuf_release(&berr);
}

static void test_truth_tables(void)
{
	/* Kleene: a fact with no value is unknown; true/false are constants. */
	struct settings *s = target_new(FLAVOR_MYSQL, "8.4", "file");
	struct settings_origin o = { .source = SETTINGS_SRC_LIVE, .detail = "denied" };
	settings_set(s, "option_file_errors", NULL, NULL, &o);
	static const struct {
		const char *name;
		enum tri v;
	} vals[] = { { "false", TRI_FALSE }, { "true", TRI_TRUE }, { "option_file_errors", TRI_UNKNOWN } };
	for (size_t i = 0; i < 3; i++) {
		char text[128];
		snprintf(text, sizeof(text), "!%s", vals[i].name);
		is_tri(text, s, vals[i].v == TRI_UNKNOWN ? TRI_UNKNOWN : vals[i].v == TRI_TRUE ? TRI_FALSE : TRI_TRUE);
		for (size_t j = 0; j < 3; j++) {
			enum tri a = vals[i].v, b = vals[j].v, and, or;
			if (a == TRI_FALSE || b == TRI_FALSE)
				and = TRI_FALSE;
			else if (a == TRI_TRUE && b == TRI_TRUE)
				and = TRI_TRUE;
			else
				and = TRI_UNKNOWN;
			if (a == TRI_TRUE || b == TRI_TRUE)
				or = TRI_TRUE;
			else if (a == TRI_FALSE && b == TRI_FALSE)
				or = TRI_FALSE;
			else
				or = TRI_UNKNOWN;
			snprintf(text, sizeof(text), "%s && %s", vals[i].name, vals[j].name);
			is_tri(text, s, and);
			snprintf(text, sizeof(text), "%s || %s", vals[i].name, vals[j].name);
			is_tri(text, s, or);
		}
	}
	/* precedence: && binds tighter than ||; ! tighter than && */
	is_tri("true || false && false", s, TRI_TRUE);
	is_tri("(true || false) && false", s, TRI_FALSE);
	is_tri("!false && false", s, TRI_FALSE);
	is_tri("!(false && false)", s, TRI_TRUE);
	/* a comparison over an unknown value is unknown, never true or false */
	is_tri("option_file_errors == \"\"", s, TRI_UNKNOWN);
	is_tri("option_file_errors != \"\"", s, TRI_UNKNOWN);
	is_tri("option_file_errors in (a, b)", s, TRI_UNKNOWN);
	target_free(s);
}

static void test_typed(void)
{
	struct settings *s = target_new(FLAVOR_MYSQL, "8.4", "file");
	set_file(s, "log_bin", "1", 1);
	set_file(s, "read_only", "on", 2);
	set_file(s, "sync_binlog", "1", 3);
	set_file(s, "relay_log_space_limit", "1048576", 4);
	set_file(s, "binlog_format", "row", 5);
	set_file(s, "log_replica_updates", "OFF", 6);
	set_default(s, "relay_log_recovery", "OFF");
	set_file(s, "removed_options", "", 7);

	/* booleans compare as ON/OFF whatever the spelling */
	is_tri("log_bin == ON", s, TRI_TRUE);
	is_tri("log_bin == true", s, TRI_TRUE);
	is_tri("log_bin == 1", s, TRI_TRUE);
	is_tri("log_bin != OFF", s, TRI_TRUE);
	is_tri("read_only == ON", s, TRI_TRUE);
	is_tri("log_bin", s, TRI_TRUE);
	is_tri("relay_log_recovery", s, TRI_FALSE);
	is_tri("relay_log_recovery == off", s, TRI_TRUE);
	/* aliases resolve through the catalog */
	is_tri("log_slave_updates == OFF", s, TRI_TRUE);
	is_tri("log-slave-updates == OFF", s, TRI_TRUE);
	/* sizes: K/M/G suffixes, numeric order */
	is_tri("sync_binlog == 1", s, TRI_TRUE);
	is_tri("sync_binlog > 0", s, TRI_TRUE);
	is_tri("sync_binlog >= 2", s, TRI_FALSE);
	is_tri("relay_log_space_limit == 1M", s, TRI_TRUE);
	is_tri("relay_log_space_limit == 1024k", s, TRI_TRUE);
	is_tri("relay_log_space_limit < 1G", s, TRI_TRUE);
	is_tri("relay_log_space_limit > 1023K", s, TRI_TRUE);
	/* enums: case-insensitive */
	is_tri("binlog_format == ROW", s, TRI_TRUE);
	is_tri("binlog_format in (MIXED, STATEMENT)", s, TRI_FALSE);
	is_tri("binlog_format in (mixed, row)", s, TRI_TRUE);
	/* facts: text */
	is_tri("removed_options == \"\"", s, TRI_TRUE);
	is_tri("removed_options != \"\"", s, TRI_FALSE);
	/* keywords */
	is_tri("role == any", s, TRI_TRUE);
	is_tri("role != primary", s, TRI_TRUE);
	is_tri("role in (primary, replica)", s, TRI_FALSE);
	is_tri("flavor == mysql", s, TRI_TRUE);
	is_tri("flavor == MySQL", s, TRI_TRUE);
	is_tri("kind == file", s, TRI_TRUE);
	is_tri("cluster == \"\"", s, TRI_TRUE);
	/* a variable the catalog knows but the target lacks (no value recorded) is unknown */
	is_tri("sync_relay_log == 1", s, TRI_UNKNOWN);

	/*
	 * issue 13: == and != by an inline case-insensitive equality (enums,
	 * facts): case, a prefix, a longer text, the first byte, the last byte
	 */
	struct settings *t = target_new(FLAVOR_MYSQL, "8.4", "file");
	set_file(t, "binlog_format", "Statement", 1);
	set_file(t, "removed_options", "Foo-Bar", 2);
	set_file(t, "replica_exec_mode", "strict", 3);
	is_tri("binlog_format == STATEMENT", t, TRI_TRUE);
	is_tri("binlog_format != statement", t, TRI_FALSE);
	is_tri("binlog_format == MIXED", t, TRI_FALSE);
	is_tri("binlog_format != ROW", t, TRI_TRUE);
	is_tri("binlog_format in (ROW, MIXED)", t, TRI_FALSE);
	is_tri("replica_exec_mode == STRICT", t, TRI_TRUE);
	is_tri("replica_exec_mode != IDEMPOTENT", t, TRI_TRUE);
	is_tri("removed_options == \"foo-bar\"", t, TRI_TRUE);
	is_tri("removed_options != \"FOO-BAR\"", t, TRI_FALSE);
	is_tri("removed_options == \"Foo-Ba\"", t, TRI_FALSE);
	is_tri("removed_options == \"Foo-Barr\"", t, TRI_FALSE);
	is_tri("removed_options == \"Goo-Bar\"", t, TRI_FALSE);
	is_tri("removed_options == \"Foo-Baq\"", t, TRI_FALSE);
	is_tri("removed_options != \"Foo_Bar\"", t, TRI_TRUE);
	target_free(t);

	/* literals the variable's type refuses, and operators it does not have */
	bind_fails("log_bin == yes", 0, "not a value of log_bin");
	bind_fails("binlog_format == BOGUS", 0, "not a value of binlog_format");
	bind_fails("binlog_format < ROW", 0, "only == and != compare it");
	bind_fails("sync_binlog == many", 0, "not a number");
	bind_fails("role == boss", 0, "role is one of");
	bind_fails("role < replica", 0, "compares only with");
	bind_fails("flavor == oracle", 0, "flavor is one of");
	bind_fails("kind == disk", 0, "kind is one of");
	bind_fails("version >= eight", 0, "not a version");
	bind_fails("channel.auto_position == 1", 0, "scope = channel");
	bind_fails("channel.colour == red", 1, "unknown channel field");
	bind_fails("isset(role)", 0, "isset() takes a variable");
	target_free(s);
}

static void test_versions(void)
{
	struct settings *s80 = target_new(FLAVOR_MYSQL, "8.0", "file");
	struct settings *s8026 = target_new(FLAVOR_MYSQL, "8.0.26", "file");
	struct settings *s57 = target_new(FLAVOR_MYSQL, "5.7.44", "file");
	struct settings *ma = target_new(FLAVOR_MARIADB, "10.11.6", "file");

	/* "8.0" stands for the newest 8.0 release */
	is_tri("version >= 8.0.27", s80, TRI_TRUE);
	is_tri("version < 8.0.27", s80, TRI_FALSE);
	is_tri("version == 8.0", s80, TRI_TRUE);
	is_tri("version >= 8.0.26", s8026, TRI_TRUE);
	is_tri("version >= 8.0.27", s8026, TRI_FALSE);
	is_tri("version < 8.0.27", s8026, TRI_TRUE);
	is_tri("version == 8.0", s8026, TRI_TRUE);
	is_tri("version < 8.0", s57, TRI_TRUE);
	is_tri("version >= 5.7.8", s57, TRI_TRUE);
	is_tri("version < 5.7.100", s57, TRI_TRUE);
	/* numeric, not textual: 10.11 > 10.2 */
	is_tri("version >= 10.10", ma, TRI_TRUE);
	is_tri("version > 10.2.4", ma, TRI_TRUE);
	is_tri("version < 10.6", ma, TRI_FALSE);

	/* defined(): the variable exists on the target's flavor and version */
	struct settings *s84 = target_new(FLAVOR_MYSQL, "8.4", "file");
	is_tri("defined(master_info_repository)", s80, TRI_TRUE);
	is_tri("defined(master_info_repository)", s84, TRI_FALSE);
	is_tri("defined(super_read_only)", s57, TRI_TRUE);
	is_tri("defined(super_read_only)", ma, TRI_FALSE);
	is_tri("defined(gtid_strict_mode)", ma, TRI_TRUE);
	is_tri("defined(gtid_strict_mode)", s84, TRI_FALSE);
	is_tri("defined(log_slave_updates)", ma, TRI_TRUE);
	/* a variable that does not exist there is unknown to a comparison; the guard makes it false */
	is_tri("super_read_only == ON", ma, TRI_UNKNOWN);
	is_tri("defined(super_read_only) && super_read_only == ON", ma, TRI_FALSE);
	is_tri("!defined(super_read_only) || super_read_only == ON", ma, TRI_TRUE);
	target_free(s80);
	target_free(s8026);
	target_free(s57);
	target_free(ma);
	target_free(s84);
}

static void test_isset(void)
{
	struct settings *f = target_new(FLAVOR_MYSQL, "8.4", "file");
	set_file(f, "server_id", "3", 9);
	set_default(f, "read_only", "OFF");
	is_tri("isset(server_id)", f, TRI_TRUE);
	is_tri("isset(server-id)", f, TRI_TRUE);
	is_tri("isset(read_only)", f, TRI_FALSE);
	is_tri("isset(sync_binlog)", f, TRI_FALSE);   /* nothing recorded in a file target: not set */
	struct settings *snap = target_new(FLAVOR_MYSQL, "8.4", "snapshot");
	is_tri("isset(sync_binlog)", snap, TRI_UNKNOWN);   /* a snapshot does not say */
	target_free(f);
	target_free(snap);
}

static void test_parse_errors(void)
{
	parse_fails("", 1, "empty condition");
	parse_fails("relay_log_recovery ==", 22, "expected a value");
	parse_fails("(role == any", 13, "expected ')'");
	parse_fails("relay_log_recovery = ON", 20, "use '=='");
	parse_fails("role == any primary", 13, "expected '&&', '||' or the end");
	parse_fails("&& role == any", 1, "expected a condition");
	parse_fails("role in any", 9, "'(' after 'in'");
	parse_fails("role in (any primary)", 14, "',' or ')'");
	parse_fails("kind == \"file", 9, "unterminated string");
	parse_fails("role == any & flavor == mysql", 13, "use '&&' or '||'");
	parse_fails("defined(1)", 9, "a variable name");
	parse_fails("role == any ||", 15, "expected a condition");
	/* nesting is bounded */
	char deep[400];
	memset(deep, '(', 100);
	memcpy(deep + 100, "true", 5);
	struct expr_error err;
	ok(!expr_parse(&arena, deep, &err) && strstr(err.message, "nested too deeply"),
	   "100 nested parentheses are refused (%s)", err.message);
	memset(deep, '!', 200);
	memcpy(deep + 200, "true", 5);
	ok(!expr_parse(&arena, deep, &err) && strstr(err.message, "nested too deeply"),
	   "200 nested negations are refused");
	/* what does parse */
	ok(expr_parse(&arena, "  role==any&&(flavor!=mariadb||version>=8.0.27)  ", &err) != NULL,
	   "spacing is free");
	ok(expr_parse(&arena, "option_file_errors == ''", &err) != NULL, "single-quoted strings");
}

static void test_explain(void)
{
	struct settings *ma = target_new(FLAVOR_MARIADB, "10.11", "file");
	ma->role = ROLE_PRIMARY;
	set_default(ma, "log_bin", "OFF");
	set_file(ma, "sync_binlog", "0", 7);
	explains("role != primary", ma, "role is primary");
	explains("log_bin == ON", ma, "log_bin is OFF (default for MariaDB 10.11)");
	explains("sync_binlog == 1", ma, "sync_binlog is 0 (t.cnf:7)");
	explains("defined(super_read_only) && super_read_only == ON", ma,
		 "super_read_only does not exist on MariaDB 10.11");
	explains("flavor != mariadb || log_bin == ON", ma,
		 "flavor is mariadb and log_bin is OFF (default for MariaDB 10.11)");
	explains("role == primary && sync_binlog == 0", ma,
		 "role is primary and sync_binlog is 0 (t.cnf:7)");
	explains("relay_log_recovery == ON", ma, "relay_log_recovery is unknown");
	explains("sync_binlog == 0 || relay_log_recovery == ON", ma, "sync_binlog is 0 (t.cnf:7)");
	/* A failed require names what is wrong, not the target's context ... */
	explains_how("flavor != mariadb || log_bin == ON", ma, "log_bin is OFF (default for MariaDB 10.11)", 1);
	/* ... only the per-flavor branch that applies ... */
	explains_how("(flavor == mysql && sync_binlog == 1) || (flavor == mariadb && sync_binlog in (1, 2))", ma,
		     "sync_binlog is 0 (t.cnf:7)", 1);
	/* ... never the same clause twice ... */
	explains_how("sync_binlog == 1 || sync_binlog == 2", ma, "sync_binlog is 0 (t.cnf:7)", 1);
	/* ... and the context when nothing else explains the outcome. */
	explains_how("role != primary", ma, "role is primary", 1);
	/* MariaDB spells it sync_master_info */
	set_default(ma, "sync_source_info", "10000");
	explains("sync_source_info == 1", ma, "sync_master_info is 10000 (default for MariaDB 10.11)");
	target_free(ma);

	describes("relay_log_recovery == ON", "relay_log_recovery = ON");
	describes("log_slave_updates == ON && (sync_binlog == 1 || role == primary)",
		  "log_replica_updates = ON and (sync_binlog = 1 or role = primary)");
	describes("!(binlog_format in (ROW, MIXED))", "not binlog_format in (ROW, MIXED)");
	describes("defined(super_read_only) && isset(server_id)",
		  "super_read_only exists and server_id is set explicitly");
	describes("removed_options == \"\"", "removed_options = \"\"");
}

/*
 * A capture without a version row (issue 7, fault 5): the version is
 * unknown, so is every comparison with it and the existence of every
 * variable the capture does not report; a reported one exists.
 */
static void test_unknown_version(void)
{
	struct settings *s = target_new(FLAVOR_MYSQL, "8.4", "snapshot");
	version_set_unknown(&s->version);
	struct settings_origin o = { .source = SETTINGS_SRC_SNAPSHOT, .file = "v.txt", .line = 1 };
	settings_set(s, "sync_binlog", "0", "sync_binlog", &o);
	is_tri("version >= 8.0", s, TRI_UNKNOWN);
	is_tri("version < 8.0", s, TRI_UNKNOWN);
	is_tri("version == 8.4", s, TRI_UNKNOWN);
	is_tri("version >= 8.0.19 || sync_binlog == 0", s, TRI_TRUE);
	is_tri("version >= 8.0.19 && sync_binlog == 1", s, TRI_FALSE);
	is_tri("defined(super_read_only)", s, TRI_UNKNOWN);
	is_tri("defined(gtid_strict_mode)", s, TRI_UNKNOWN);
	is_tri("defined(sync_binlog)", s, TRI_TRUE);
	is_tri("sync_binlog == 0", s, TRI_TRUE);
	is_tri("super_read_only == ON", s, TRI_UNKNOWN);
	is_tri("flavor == mysql", s, TRI_TRUE);
	explains("defined(super_read_only)", s, "whether super_read_only exists is unknown on MySQL (version unknown)");
	explains("version >= 8.0", s, "version is unknown");
	s->flavor = FLAVOR_UNKNOWN;
	is_tri("flavor == mysql", s, TRI_UNKNOWN);
	is_tri("flavor != mariadb", s, TRI_UNKNOWN);
	is_tri("flavor in (mysql, percona, mariadb)", s, TRI_UNKNOWN);
	/* a known version with an unknown flavor: existence is still unknown */
	version_parse(&s->version, "8.0.36");
	is_tri("defined(super_read_only)", s, TRI_UNKNOWN);
	is_tri("version >= 8.0", s, TRI_TRUE);
	target_free(s);
}

/* Parse and bind text (channel rules' permissions when channel); NULL with a diagnostic when it fails. */
static struct expr *bound(const char *text, int channel)
{
	struct expr_error err;
	struct strbuf berr = { 0 };
	struct expr *e = expr_parse(&arena, text, &err);
	if (e && expr_bind(e, &arena, &cat, channel, &berr)) {
		printf("# bind error in '%s': %s\n", text, berr.buf);
		e = NULL;
	}
	strbuf_release(&berr);
	return e;
}

/*
 * Issue 13: equal atoms share a place in a target's memo, evaluation fills
 * it and reads it back; existence is worked out when first asked.
 */
static void test_memo(void)
{
	struct strmap seen;
	unsigned n = 0;
	struct expr *a = bound("role != primary && log_bin == ON", 1);
	struct expr *b = bound("log_bin == ON || role != primary || defined(super_read_only)", 1);
	struct expr *c = bound("channel.problem == \"\" && log_bin == on && role != replica", 1);
	if (!ok(a && b && c, "the memo's conditions parse and bind"))
		return;
	strmap_init(&seen, 0);
	expr_memo_number(a, &arena, &seen, &n);
	expr_memo_number(b, &arena, &seen, &n);
	expr_memo_number(c, &arena, &seen, &n);
	strmap_release(&seen);
	is_int(n, 5, "five distinct atoms: role != primary, log_bin == ON, defined(), log_bin == on, role != replica");
	/* && and || group to the left: b is (log_bin == ON || role != primary) || defined(...) */
	ok(a->left->memo && a->left->memo == b->left->right->memo, "role != primary has one place in both conditions");
	ok(a->right->memo && a->right->memo == b->left->left->memo, "log_bin == ON has one place in both conditions");
	ok(a->left->memo != a->right->memo, "different atoms have different places");
	is_int(c->left->left->memo, 0, "an atom that reads the channel has no place");
	ok(c->left->right->memo && c->left->right->memo != a->right->memo,
	   "log_bin == on (another literal) has a place of its own");

	struct settings *s = target_new(FLAVOR_MARIADB, "10.11", "file");
	s->role = ROLE_REPLICA;
	set_file(s, "log_bin", "1", 1);
	signed char memo[5], exists[512];
	memset(memo, EXPR_MEMO_UNSET, sizeof(memo));
	memset(exists, EXPR_EXISTS_UNSET, sizeof(exists));
	ok(cat.n <= sizeof(exists), "the catalog fits the test's existence cache");
	struct expr_env env = { .catalog = &cat, .target = s, .memo = memo, .var_exists = exists };
	is_int(expr_eval(a, &env), TRI_TRUE, "evaluated with a memo: the value without one");
	is_int(memo[a->left->memo - 1], TRI_TRUE, "  the memo holds role != primary");
	is_int(memo[a->right->memo - 1], TRI_TRUE, "  and log_bin == ON");
	is_int(memo[4], EXPR_MEMO_UNSET, "  and nothing for an atom not evaluated");
	memo[a->right->memo - 1] = TRI_FALSE;
	memo[a->left->memo - 1] = TRI_FALSE;
	is_int(expr_eval(b, &env), TRI_FALSE, "an atom evaluated before is read from the memo");
	const struct catalog_var *sro = catalog_lookup(&cat, "super_read_only");
	if (ok(sro != NULL, "super_read_only is in the catalog")) {
		size_t i = (size_t)(sro - cat.vars);
		is_int(exists[i], 0, "  its existence on MariaDB 10.11 was worked out when defined() asked");
		env.memo = NULL;
		exists[i] = 1;
		is_int(expr_eval(b->right, &env), TRI_TRUE, "  and is read back from the cache after");
		exists[i] = EXPR_EXISTS_UNSET;
		is_int(expr_env_var_exists(&env, sro), TRI_FALSE, "expr_env_var_exists() works it out again");
		is_int(exists[i], 0, "  and stores it");
	}
	/* the name as the target spells it, kept per variable once asked */
	const char *names[512] = { 0 };
	const struct catalog_var *lru = catalog_lookup(&cat, "log_replica_updates");
	struct expr *atom = bound("log_replica_updates", 0);
	if (ok(lru && atom && cat.n <= ARRAY_SIZE(names), "log_replica_updates binds")) {
		struct expr_value v;
		struct expr_env nenv = { .catalog = &cat, .target = s, .var_name = names };
		expr_value_of(atom, &nenv, &v);
		is_str(v.name, "log_slave_updates", "MariaDB spells log_replica_updates log_slave_updates");
		is_str(names[lru - cat.vars], "log_slave_updates", "  and the spelling is kept");
		names[lru - cat.vars] = "kept";
		expr_value_of(atom, &nenv, &v);
		is_str(v.name, "kept", "  and read back after");
	}
	/*
	 * issue 13: with the engine's value cache (var_value) and the
	 * existence known, a value is read from the cache: absent when the
	 * variable does not exist, the cached entry when it does or cannot be
	 * told, and worked out as before while existence is unset
	 */
	const struct catalog_var *lb = catalog_lookup(&cat, "log_bin");
	struct expr *on = bound("log_bin == ON", 0);
	if (ok(lb && on && cat.n <= ARRAY_SIZE(names), "log_bin == ON binds")) {
		const struct settings_var *values[512] = { 0 };
		signed char ex[512];
		memset(ex, EXPR_EXISTS_UNSET, sizeof(ex));
		struct expr_env venv = { .catalog = &cat, .target = s, .var_exists = ex, .var_value = values };
		size_t i = (size_t)(lb - cat.vars);
		values[i] = settings_get(s, "log_bin");
		ex[i] = 0;
		is_int(expr_eval(on, &venv), TRI_UNKNOWN, "cached: a variable that does not exist has no value");
		ex[i] = 1;
		is_int(expr_eval(on, &venv), TRI_TRUE, "cached: one that exists, the cached entry (1)");
		ex[i] = -1;
		is_int(expr_eval(on, &venv), TRI_TRUE, "cached: existence unknown, the cached entry all the same");
		values[i] = NULL;
		is_int(expr_eval(on, &venv), TRI_UNKNOWN, "cached: no entry, unknown (the target is not asked again)");
		ex[i] = EXPR_EXISTS_UNSET;
		values[i] = settings_get(s, "log_bin");
		is_int(expr_eval(on, &venv), TRI_TRUE, "existence unset: worked out (MariaDB 10.11 has log_bin)");
		is_int(ex[i], 1, "  and stored");
		/* expr_value_of() (the explainer's way in) reads the same caches */
		struct expr_value val;
		expr_value_of(on, &venv, &val);
		ok(val.state == EXPR_VALUE_KNOWN && val.text && !strcmp(val.text, "1") && val.sv == values[i],
		   "expr_value_of(), cached: the entry's value");
		ex[i] = 0;
		expr_value_of(on, &venv, &val);
		ok(val.state == EXPR_VALUE_ABSENT && !val.text, "expr_value_of(), cached: absent");
	}
	target_free(s);
}

/*
 * Issue 13: source.NAME on a target whose channel has no known source (a
 * link rule offline) is unknown, said by its name, without the name being
 * looked up again; with a source, its value.
 */
static void test_source_unknown(void)
{
	struct expr_error err;
	struct strbuf berr = { 0 };
	struct expr *e = expr_parse(&arena, "source.log_bin && source.binlog_format == ROW", &err);
	int bound = e && !expr_bind_scope(e, &arena, &cat, EXPR_ALLOW_CHANNEL | EXPR_ALLOW_SOURCE | EXPR_ALLOW_REFS,
					  &berr);
	strbuf_release(&berr);
	if (!ok(bound, "source.NAME binds in a link rule's scope"))
		return;
	struct settings *s = target_new(FLAVOR_MYSQL, "8.4", "file");
	struct settings *src = target_new(FLAVOR_MYSQL, "8.4", "file");
	set_file(src, "log_bin", "ON", 1);
	set_file(src, "binlog_format", "MIXED", 2);
	struct expr_env env = { .catalog = &cat, .target = s };
	struct expr_value v;
	expr_value_of(e->left, &env, &v);
	ok(v.state == EXPR_VALUE_UNKNOWN && v.name && !strcmp(v.name, "source.log_bin") && !v.text && !v.sv,
	   "no source: source.log_bin is unknown, named source.log_bin");
	is_int(expr_eval(e, &env), TRI_UNKNOWN, "no source: the condition is unknown");
	env.source = src;
	expr_value_of(e->left, &env, &v);
	ok(v.state == EXPR_VALUE_KNOWN && v.text && !strcmp(v.text, "ON"), "with a source: its log_bin");
	is_int(expr_eval(e, &env), TRI_FALSE, "with a source: MIXED is not ROW");
	target_free(s);
	target_free(src);
}

/*
 * Issue 13: a boolean or enum value compares as catalog_normalize() says,
 * though the usual spellings no longer go through it: every boolean and
 * enum variable of the catalog, many spellings, every value of its type.
 */
static void test_normalize_all(void)
{
	static const char *const raws[] = {
		"ON", "on", "On", "1", "0", "true", "TRUE", "false", "False", "off", "OFF", "yes", "no", "2",
		"", "o", "of", "t", "f", "row", "ROW", "Mixed", "statement", "stat", "TABLE", "file", "ON_PERMISSIVE",
		"off_permissive", "AFTER_SYNC", "after_commit", "strict", "IDEMPOTENT", "3", "10", " ON",
	};
	size_t nvars = 0, bad = 0;
	for (size_t i = 0; i < cat.n; i++) {
		const struct catalog_var *v = &cat.vars[i];
		if (v->type != CATALOG_BOOL && v->type != CATALOG_ENUM)
			continue;
		nvars++;
		static const char *const bools[] = { "ON", "OFF" };
		const char *const *lits = v->type == CATALOG_BOOL ? bools : v->enum_values;
		size_t nlits = v->type == CATALOG_BOOL ? 2 : v->nenum;
		for (size_t r = 0; r < ARRAY_SIZE(raws); r++) {
			struct settings *s = target_new(FLAVOR_MYSQL, "8.4", "file");
			s->flavor = FLAVOR_UNKNOWN;   /* a value the file gives proves the variable exists */
			set_file(s, v->name, raws[r], 1);
			char *norm = NULL;
			const char *why;
			int refused = catalog_normalize(v, raws[r], &norm, &why) && !norm;
			for (size_t l = 0; l < nlits; l++) {
				char text[300], *lnorm = NULL;
				snprintf(text, sizeof(text), "%s == %s", v->name, lits[l]);
				catalog_normalize(v, lits[l], &lnorm, &why);
				int want = refused ? TRI_UNKNOWN
						   : !ascii_strcasecmp(norm ? norm : raws[r], lnorm ? lnorm : lits[l]) ? TRI_TRUE
														     : TRI_FALSE;
				int got = eval_on(text, s);
				if (got != want) {
					bad++;
					printf("# %s with %s = '%s': got %d, want %d\n", text, v->name, raws[r], got, want);
				}
				free(lnorm);
			}
			if (v->type == CATALOG_BOOL) {
				int want = refused ? TRI_UNKNOWN : !strcmp(norm ? norm : raws[r], "ON") ? TRI_TRUE : TRI_FALSE;
				int got = eval_on(v->name, s);
				if (got != want) {
					bad++;
					printf("# %s = '%s' as a truth value: got %d, want %d\n", v->name, raws[r], got, want);
				}
			}
			free(norm);
			target_free(s);
		}
	}
	ok(nvars > 10, "the catalog has boolean and enum variables (%zu)", nvars);
	is_int((long)bad, 0, "every spelling of every boolean and enum variable compares as catalog_normalize() says");
}

int main(void)
{
	arena_init(&arena);
	if (!fixture_catalog(&cat))
		return done_testing();
	test_truth_tables();
	test_typed();
	test_versions();
	test_isset();
	test_parse_errors();
	test_explain();
	test_unknown_version();
	test_memo();
	test_normalize_all();
	test_source_unknown();
	arena_release(&arena);
	catalog_release(&cat);
	return done_testing();
}
