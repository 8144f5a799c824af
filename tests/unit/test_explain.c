/*
 * test_explain.c - the explainer (explain.h) over the built-in rules: what
 * it keeps from one finding to the next (explainer_target_begin(): the
 * atoms' results and the variables' entries of one target) and from one
 * target to the next (messages that depend on nothing the target sets)
 * never changes an explanation. Every field of every finding of targets
 * that differ in flavor, version, role, kind and in how each variable is
 * set (and copies of such targets under other names), explained through
 * one explainer in several orders, equals what an explainer of its own,
 * without target state, gives.
 *
 * Runs from the repository root (prove does): the catalog is
 * rules/variables.ini, the rules the .ini files beside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "explain.h"
#include "fixture.h"
#include "report.h"
#include "tap.h"
#include "banned.h"

static struct catalog cat;
static struct settings *targets;
static size_t ntargets;

/* A small fixed generator: the same targets every run. */
static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;
static unsigned rng(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static const struct {
	enum flavor flavor;
	const char *version;
} builds[] = {
	{ FLAVOR_MYSQL, "8.4" },   { FLAVOR_MYSQL, "8.0.40" }, { FLAVOR_MYSQL, "8.0.20" }, { FLAVOR_MYSQL, "5.7" },
	{ FLAVOR_PERCONA, "8.0" }, { FLAVOR_MARIADB, "10.11" }, { FLAVOR_MARIADB, "10.6.12" },
	{ FLAVOR_UNKNOWN, "8.0" }, { FLAVOR_MYSQL, "0.0" },
};
static const enum role roles[] = { ROLE_ANY, ROLE_PRIMARY, ROLE_REPLICA };
static const char *const kinds[] = { "file", "file", "snapshot", "live" };

/* The variables the built-in rules read most, and values of several types for them. */
static const char *const names[] = {
	"sync_binlog", "innodb_flush_log_at_trx_commit", "relay_log_recovery", "gtid_mode",
	"enforce_gtid_consistency", "log_replica_updates", "log_slave_updates", "binlog_format",
	"server_id", "replica_parallel_workers", "slave_parallel_threads", "replica_preserve_commit_order",
	"replica_parallel_type", "rpl_semi_sync_source_enabled", "rpl_semi_sync_master_wait_point",
	"relay_log_info_repository", "master_info_repository", "sync_relay_log", "sync_relay_log_info",
	"sync_master_info", "log_bin", "replica_skip_errors", "slave_skip_errors", "gtid_strict_mode",
	"wsrep_on", "wsrep_cluster_name", "replica_exec_mode", "relay_log_purge", "super_read_only",
	"read_only", "replicate_same_server_id", "auto_increment_increment", "auto_increment_offset",
};
/* Facts the built-in rules read (engine.c known_facts), set like the variables. */
static const char *const facts[] = {
	"option_file_errors", "removed_options", "metadata_tables_innodb", "runtime_only_changes", "config_drift",
	"replication_channels", "persisted_drift", "topology.ring", "topology.multi_writer", "topology.writers",
	"topology.writable_peers", "topology.auto_increment_clash", "topology.galera_async_ring",
};
static const char *const values[] = {
	"0", "1", "2", "ON", "OFF", "ROW", "STATEMENT", "LOGICAL_CLOCK", "TABLE", "FILE", "4", "1062,1032",
	"AFTER_SYNC", "", "dc one", "IDEMPOTENT",
};

/* Nonzero: every value is the target's own ("v17-3"), so that the explainer's texts outgrow its limit. */
static int unique_values;
/* Nonzero: every fourth target has a name that JSON escapes (a quote, UTF-8, a control byte). */
static int odd_names;

static void set_one(struct settings *s, const char *name, size_t i)
{
	struct settings_origin o = { 0 };
	char own[48];
	const char *value = values[rng(ARRAY_SIZE(values))];
	if (unique_values) {
		snprintf(own, sizeof(own), "v%s-%zu", s->target, i);
		value = own;
	}
	switch (rng(7)) {
	case 0:   /* not set at all */
		return;
	case 1:   /* the default */
	case 2:
		o.source = SETTINGS_SRC_DEFAULT;
		o.detail = "default";
		settings_set(s, name, value, NULL, &o);
		return;
	case 3:   /* the target's own file */
		o.source = SETTINGS_SRC_FILE;
		o.file = s->target;
		o.line = (unsigned)(10 + i);
		settings_set(s, name, value, name, &o);
		return;
	case 4:   /* an included file, overriding the target's own line */
		o.source = SETTINGS_SRC_FILE;
		o.file = s->target;
		o.line = (unsigned)(40 + i);
		settings_set(s, name, values[rng(ARRAY_SIZE(values))], name, &o);
		o.file = "conf.d/extra.cnf";
		o.line = (unsigned)(1 + i);
		o.chain = "included from the target";
		settings_set(s, name, value, name, &o);
		return;
	case 5:   /* known to be set, value unknown */
		o.source = SETTINGS_SRC_SNAPSHOT;
		o.detail = "not reported";
		settings_set(s, name, NULL, name, &o);
		return;
	default: { /* derived, with a detail that names the target (as topology.c's facts have) */
		char *detail = xasprintf("known for %s only (%s)", s->target, s->target);
		o.source = SETTINGS_SRC_TOPOLOGY;
		o.detail = detail;
		settings_set(s, name, rng(2) ? value : NULL, name, &o);
		free(detail);
		return;
	}
	}
}

/*
 * n targets made from n / copies templates: the copies of one template
 * differ only in their names (the file their values come from), as a
 * fleet's files made from one template do.
 */
static void make_targets(size_t n, size_t copies)
{
	targets = xcalloc(n, sizeof(*targets));
	for (size_t t = 0; t < n; t++) {
		struct settings *s = &targets[ntargets++];
		char name[32];
		rng_state = 0x9e3779b97f4a7c15ULL * (t / copies + 1);
		if (odd_names && t % 4 == 3)
			snprintf(name, sizeof(name), "t%zu \"q\" caf\xc3\xa9\x01.cnf", t);   /* escaped in JSON */
		else
			snprintf(name, sizeof(name), "t%zu.cnf", t);
		settings_init(s, name, kinds[rng(ARRAY_SIZE(kinds))]);
		size_t b = rng(ARRAY_SIZE(builds));
		s->flavor = builds[b].flavor;
		version_parse(&s->version, builds[b].version);
		s->role = roles[rng(ARRAY_SIZE(roles))];
		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			set_one(s, names[i], i);
		for (size_t i = 0; i < ARRAY_SIZE(facts); i++)
			set_one(s, facts[i], ARRAY_SIZE(names) + i);
		/* the group a line belongs in: in the target's file, another one, or none */
		unsigned g = rng(3);
		if (g < 2 && !strcmp(s->kind, "file"))
			s->group_header = (struct settings_origin){ .source = SETTINGS_SRC_FILE,
								    .file = g ? s->target : "conf.d/extra.cnf",
								    .line = 1 + g, .detail = g ? "mysqld" : "mariadb" };
	}
}

static void add_str(struct strbuf *sb, const char *key, const char *s)
{
	strbuf_addf(sb, " %s=%s%s%s", key, s ? "'" : "", s ? s : "NULL", s ? "'" : "");
}

static void add_origin(struct strbuf *sb, const char *key, const struct settings_origin *o)
{
	strbuf_addf(sb, " %s=(%d", key, (int)o->source);
	add_str(sb, "file", o->file);
	strbuf_addf(sb, " line=%u", o->line);
	add_str(sb, "chain", o->chain);
	add_str(sb, "detail", o->detail);
	strbuf_addch(sb, ')');
}

/* Every field of the explanation of each finding of target t, one line each. */
static void explain_target(struct explainer *x, const struct target_result *t, int begin, struct strbuf *sb)
{
	if (begin)
		explainer_target_begin(x, t);
	for (size_t i = 0; i < t->n; i++) {
		struct explanation e;
		explain_finding(x, t, &t->findings[i], &e);
		strbuf_addf(sb, "%s %s:", t->name, finding_status_name(t->findings[i].status));
		add_str(sb, "rule", e.rule_id);
		add_str(sb, "title", e.title);
		add_str(sb, "subject", e.subject);
		add_str(sb, "variable", e.variable);
		add_str(sb, "value", e.value);
		add_origin(sb, "origin", &e.origin);
		add_str(sb, "origin_text", e.origin_text);
		add_str(sb, "overridden", e.overridden);
		add_str(sb, "expected", e.expected);
		add_str(sb, "message", e.message);
		add_str(sb, "fix", e.fix);
		add_str(sb, "why", e.why);
		add_str(sb, "doc", e.doc);
		add_origin(sb, "location", &e.location);
		add_str(sb, "cause_rule", e.cause_rule);
		add_origin(sb, "cause", &e.cause);
		strbuf_addch(sb, '\n');
	}
	if (begin)
		explainer_target_end(x);
}

/* The first line where a and b differ, for the failure's note. */
static void show_first_difference(const char *a, const char *b)
{
	while (*a && *a == *b) {
		const char *na = strchr(a, '\n'), *nb = strchr(b, '\n');
		if (!na || !nb || na - a != nb - b || strncmp(a, b, (size_t)(na - a)))
			break;
		a = na + 1;
		b = nb + 1;
	}
	printf("#   got:  %.*s\n#   want: %.*s\n", (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
}

static void test_same_explanations(size_t n, size_t copies, const char *what)
{
	struct engine e;
	struct diag_list d;
	struct audit_result res;
	engine_init(&e);
	diag_list_init(&d);
	int loaded = engine_load_dir(&e, "rules", &d) == 0 && engine_bind(&e, &cat, &d) == 0;
	ok(loaded, "the built-in rules load");
	if (!loaded) {
		diag_print(&d, stdout);
		diag_list_release(&d);
		engine_release(&e);
		return;
	}
	make_targets(n, copies);
	audit_result_init(&res);
	for (size_t i = 0; i < ntargets; i++)
		engine_evaluate_target(&e, &cat, &targets[i], &res);

	/* what each target's findings say through an explainer of its own, one finding at a time */
	struct strbuf *want = xcalloc(res.n, sizeof(*want));
	size_t nfindings = 0;
	for (size_t i = 0; i < res.n; i++) {
		struct explainer own;
		explainer_init(&own, &e, &cat);
		explain_target(&own, &res.targets[i], 0, &want[i]);
		explainer_release(&own);
		nfindings += res.targets[i].n;
	}
	ok(res.n == ntargets && nfindings > 20 * ntargets, "%s: %zu targets, %zu findings", what, res.n, nfindings);

	/* one explainer for all, target state on: forward, backward, forward again */
	struct explainer shared;
	explainer_init(&shared, &e, &cat);
	size_t same = 0, total = 0;
	for (int round = 0; round < 3; round++)
		for (size_t k = 0; k < res.n; k++) {
			size_t i = round == 1 ? res.n - 1 - k : k;
			struct strbuf got = { 0 };
			explain_target(&shared, &res.targets[i], 1, &got);
			total++;
			if (!strcmp(got.buf ? got.buf : "", want[i].buf ? want[i].buf : ""))
				same++;
			else if (total - same <= 3)
				show_first_difference(got.buf ? got.buf : "", want[i].buf ? want[i].buf : "");
			strbuf_release(&got);
		}
	ok(same == total, "%s: every field of every finding, target state on, as an explainer of its own says it "
	   "(%zu of %zu targets, three rounds, both orders)", what, same, total);
	size_t kept = explainer_messages_kept(&shared);
	size_t whole = explainer_explanations_kept(&shared);
	if (unique_values)
		ok(shared.intern_n == 8192, "%s: the explainer's texts reached its limit (%zu)", what, shared.intern_n);
	if (copies > 1) {
		ok(kept >= 100, "%s: messages were kept for the next targets (%zu)", what, kept);
		ok(whole >= 100, "%s: whole explanations were kept for the next targets (%zu)", what, whole);
	}

	/* the same explainer without target state after it, and a target begun but another explained */
	same = 0;
	for (size_t i = 0; i < res.n; i++) {
		struct strbuf got = { 0 };
		explainer_target_begin(&shared, &res.targets[(i + 1) % res.n]);
		explain_target(&shared, &res.targets[i], 0, &got);
		explainer_target_end(&shared);
		if (!strcmp(got.buf ? got.buf : "", want[i].buf ? want[i].buf : ""))
			same++;
		else if (res.n - same <= 3)
			show_first_difference(got.buf ? got.buf : "", want[i].buf ? want[i].buf : "");
		strbuf_release(&got);
	}
	ok(same == res.n, "%s: a finding of another target than the one begun is explained as without target state "
	   "(%zu of %zu)", what, same, res.n);
	explainer_release(&shared);

	for (size_t i = 0; i < res.n; i++)
		strbuf_release(&want[i]);
	free(want);
	audit_result_release(&res);
	for (size_t i = 0; i < ntargets; i++)
		settings_release(&targets[i]);
	free(targets);
	targets = NULL;
	ntargets = 0;
	diag_list_release(&d);
	engine_release(&e);
}

/*
 * A rule whose fix depends on a variable its conditions do not read: two
 * targets alike in all else get different fixes, through one explainer as
 * through their own (the kept explanation's key has the fix chosen).
 */
static void test_fix_choice(void)
{
	static const char text[] =
		"[fixes]\nseverity = error\ntitle = fixes\nrequire = sync_binlog == 1\nwhy = w\n"
		"fix = sync_binlog = 1\nfix_if = binlog_format == ROW -> sync_binlog = 1 (row)\n";
	char dir[64];
	struct engine e;
	struct diag_list d;
	struct audit_result res;
	engine_init(&e);
	diag_list_init(&d);
	if (!fixture_tmpdir(dir, sizeof(dir), "explain"))
		return;
	char *path = xasprintf("%s/fixes.ini", dir);
	FILE *fp = fopen(path, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	ok(engine_load_file(&e, path, &d) == 0 && engine_bind(&e, &cat, &d) == 0, "fix_if: the rule loads");
	targets = xcalloc(6, sizeof(*targets));
	for (size_t t = 0; t < 6; t++) {
		struct settings *s = &targets[ntargets++];
		char name[32];
		snprintf(name, sizeof(name), "f%zu.cnf", t);
		settings_init(s, name, "file");
		s->flavor = FLAVOR_MYSQL;
		version_parse(&s->version, "8.4");
		struct settings_origin o = { .source = SETTINGS_SRC_FILE, .file = s->target, .line = 3 };
		settings_set(s, "sync_binlog", "0", "sync_binlog", &o);
		o.line = 4;
		settings_set(s, "binlog_format", t % 2 ? "ROW" : "MIXED", "binlog_format", &o);
	}
	audit_result_init(&res);
	for (size_t i = 0; i < ntargets; i++)
		engine_evaluate_target(&e, &cat, &targets[i], &res);
	struct explainer shared;
	explainer_init(&shared, &e, &cat);
	size_t same = 0;
	for (size_t i = 0; i < res.n; i++) {
		struct strbuf got = { 0 }, want = { 0 };
		struct explainer own;
		explainer_init(&own, &e, &cat);
		explain_target(&own, &res.targets[i], 0, &want);
		explainer_release(&own);
		explain_target(&shared, &res.targets[i], 1, &got);
		if (!strcmp(got.buf ? got.buf : "", want.buf ? want.buf : ""))
			same++;
		else
			show_first_difference(got.buf ? got.buf : "", want.buf ? want.buf : "");
		strbuf_release(&got);
		strbuf_release(&want);
	}
	ok(same == res.n && res.n == 6, "fix_if: each target's fix through one explainer as through its own (%zu of %zu)",
	   same, res.n);
	explainer_release(&shared);
	audit_result_release(&res);
	for (size_t i = 0; i < ntargets; i++)
		settings_release(&targets[i]);
	free(targets);
	targets = NULL;
	ntargets = 0;
	unlink(path);
	free(path);
	rmdir(dir);
	diag_list_release(&d);
	engine_release(&e);
}

/*
 * The explainer as installed by explainer_init(), wrapped: counts the
 * explanations filled from a kept one (explanation.kept) and, with clear
 * set, hides that from the writer (its texts filled), which then writes
 * every member itself.
 */
struct kept_wrap {
	void (*inner)(struct explainer *x, const struct target_result *t, const struct finding *f,
		      struct explanation *out);
	int clear;
	size_t kept;
};

static void kept_wrap_explain(struct explainer *x, const struct target_result *t, const struct finding *f,
			      struct explanation *out)
{
	struct kept_wrap *kw = x->data;
	kw->inner(x, t, f, out);
	if (out->kept)
		kw->kept++;
	if (kw->clear && out->kept) {
		/* the texts a writer asking for them lazily would fill (explainer.kept_lazy) */
		if (x->kept_lazy)
			explain_kept_fill(x, out->kept, t->view.target, out);
		out->kept = NULL;
	}
}

/* The report of res in format fmt through x, as a heap string (NULL on failure). */
static char *render_report(enum report_format fmt, const struct audit_result *res, struct explainer *x)
{
	struct report_options o = { 0 };
	struct report_run run = { .command = "check", .tool_version = "0", .explainer = x };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	if (!fp)
		return NULL;
	int rc = report_write(fmt, res, &o, &run, fp);
	fclose(fp);
	if (rc) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * Issue 13 (json7): the JSON and JUnit writers keep the bytes that come
 * from a kept explanation and put each target's name (and JUnit's
 * classname) in. Their report of targets made from templates (and of
 * targets whose names the format escapes, which they write member by
 * member) is byte for byte the report written member by member throughout.
 */
static void test_report_templates(enum report_format fmt, const char *what)
{
	struct engine e;
	struct diag_list d;
	struct audit_result res;
	engine_init(&e);
	diag_list_init(&d);
	if (engine_load_dir(&e, "rules", &d) || engine_bind(&e, &cat, &d)) {
		ok(0, "%s: the built-in rules load", what);
		diag_print(&d, stdout);
		diag_list_release(&d);
		engine_release(&e);
		return;
	}
	odd_names = 1;
	make_targets(120, 3);
	odd_names = 0;
	audit_result_init(&res);
	for (size_t i = 0; i < ntargets; i++)
		engine_evaluate_target(&e, &cat, &targets[i], &res);

	struct explainer with, without;
	struct kept_wrap kw_with = { 0 }, kw_without = { .clear = 1 };
	explainer_init(&with, &e, &cat);
	explainer_init(&without, &e, &cat);
	kw_with.inner = with.explain;
	kw_without.inner = without.explain;
	with.explain = without.explain = kept_wrap_explain;
	with.data = &kw_with;
	without.data = &kw_without;
	char *got = render_report(fmt, &res, &with);
	char *want = render_report(fmt, &res, &without);
	size_t nfindings = 0;
	for (size_t i = 0; i < res.n; i++)
		nfindings += res.targets[i].n;
	ok(kw_with.kept >= 1000 && kw_without.kept == kw_with.kept,
	   "%s: findings come from kept explanations (%zu of %zu)", what, kw_with.kept, nfindings);
	ok(got && want && strlen(want) > 100000 && !strcmp(got, want),
	   "%s: the report with kept explanations' bytes is the report written member by member (%zu bytes)", what,
	   want ? strlen(want) : 0);
	if (got && want && strcmp(got, want)) {
		size_t k = 0;
		while (got[k] && got[k] == want[k])
			k++;
		size_t from = k > 80 ? k - 80 : 0;
		printf("#   at byte %zu\n#   got:  %.160s\n#   want: %.160s\n", k, got + from, want + from);
	}
	free(got);
	free(want);
	explainer_release(&with);
	explainer_release(&without);
	audit_result_release(&res);
	for (size_t i = 0; i < ntargets; i++)
		settings_release(&targets[i]);
	free(targets);
	targets = NULL;
	ntargets = 0;
	diag_list_release(&d);
	engine_release(&e);
}

int main(void)
{
	if (!fixture_catalog(&cat))
		return done_testing();
	test_same_explanations(60, 3, "templates");
	/* 800 targets of their own values: past the explainer's limit of interned texts (8,192) */
	unique_values = 1;
	test_same_explanations(800, 1, "past the limit");
	unique_values = 0;
	test_fix_choice();
	test_report_templates(REPORT_JSON, "json");
	test_report_templates(REPORT_JUNIT, "junit");
	catalog_release(&cat);
	return done_testing();
}
