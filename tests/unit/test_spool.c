/*
 * test_spool.c - target results written to a temporary file and read back
 * (spool.c, issue 13: check streams its targets through it, so a field lost
 * on the way would change every report).
 *
 * 1. A target with every kind of field (header, includes, findings with
 *    peers, a suppression, an expired one, a baseline mark, a channel and
 *    a source pointer; a view with variables and overridden values, an
 *    unknown value, channels, problems, the group header) reads back equal,
 *    field by field, with its blob; the view's index finds every variable.
 * 2. Parts: findings only, the view only, and into an existing target (its
 *    findings replaced, its header kept); a record written without the view
 *    reads back with an empty view; the view after the findings, from the
 *    record read (spool_read_view), once; into a target given, its header
 *    too (SPOOL_HEADER), findings after its own (SPOOL_APPEND).
 * 3. Records are read in any order (seeking) and in order after a write.
 * 4. A record out of range or a spool after an error gives NULL, not a
 *    misread target.
 * 5. A string the record has already (the same address: a view's strings
 *    are interned) is written as a reference to it: such a record is
 *    smaller than one with copies, and both read back the same.
 * 6. target_result_merge(): findings appended to sorted ones end in the
 *    order target_result_sort() gives the whole (ties keep their order),
 *    over random findings.
 * 7. target_result_sort() gives the documented order, stable, over random
 *    findings (rule ids sharing long prefixes), against an insertion sort.
 * 8. target_result_order() (issue 13): findings made rule by rule in the
 *    order of the ids (as the engine makes them) end in that same order
 *    without a sort, ties too; a status or severity out of range still
 *    ends sorted.
 * 9. Names that outlive the spool (spool_name_add()) are written by number
 *    and read back as the same pointers, the view's index finding them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "settings.h"
#include "spool.h"
#include "tap.h"

#include "banned.h"

/* Stand-ins for what the engine owns: written as pointers, read back as the same pointers. */
static const char rule_id[] = "server-id-unique", title[] = "server_id is unique";
static const int fake_rule;
static const struct settings fake_source;

static struct finding_peers peers = {
	.nclash = 2, .nshared = 1, .napplies = 7, .topology = "eu", .group = NULL,
	.clash = { "a.cnf", "b.cnf" }, .shared = { "c.cnf" },
};
static struct finding_suppression sup = {
	.file = "sup.ini", .line = 3, .reason = "known", .was = FINDING_FAIL, .kind = "file", .until = 20270101,
};
static struct finding_suppression old = {
	.file = "my.cnf", .line = 9, .reason = NULL, .was = FINDING_UNKNOWN, .kind = "inline", .until = 20200101,
};

static void fill(struct audit_result *r, struct target_result **out)
{
	struct target_result *t = audit_result_add_target(r, "db1/my.cnf", "file");
	static const char *includes[] = { "db1/conf.d/a.cnf", "db1/conf.d/b.cnf" };
	t->flavor = FLAVOR_MARIADB;
	t->version = (struct version){ 10, 11, 6 };
	t->role = ROLE_REPLICA;
	t->variant = FLAVOR_VARIANT_GALERA;
	t->flavor_source = "inferred";
	t->flavor_evidence = "group [mariadb] at db1/my.cnf:3";
	t->error = NULL;
	t->position = 41;
	t->tags = "eu,db";
	t->real_path = "db1/my.cnf";
	t->includes = includes;
	t->nincludes = 2;
	t->path_key = "db1/my.cnf";
	t->cluster = "eu";

	struct finding *f = target_result_add(t);
	f->rule_id = rule_id;
	f->title = title;
	f->rule = (const struct rule *)(const void *)&fake_rule;
	f->severity = SEV_ERROR;
	f->status = FINDING_SUPPRESSED;
	f->basis = FINDING_BY_FLEET;
	f->peers = &peers;
	f->suppression = &sup;
	f->baseline = FINDING_BASELINE_NEW;
	f = target_result_add(t);
	f->rule_id = rule_id;
	f->status = FINDING_UNKNOWN;
	f->channel = "east";
	f->channel_no = 1;
	f->problem_no = 2;
	f->cause_no = 1;
	f->expired = &old;
	f->source = &fake_source;

	struct settings *v = &t->view;
	struct settings_origin file = { .source = SETTINGS_SRC_FILE, .file = "db1/my.cnf", .line = 12,
					.chain = "included from x.cnf:2" };
	struct settings_origin def = { .source = SETTINGS_SRC_DEFAULT, .detail = "default for MariaDB 10.11" };
	v->flavor = t->flavor;
	v->version = t->version;
	v->address = "10.0.0.1:3306";
	v->multi_writer = "no";
	v->channels_known = 1;
	settings_set(v, "server_id", "1", "server-id", &file);
	settings_set(v, "server_id", "2", "server_id", &file);
	settings_set(v, "gtid_domain_id", NULL, NULL, &def);
	settings_set(v, "topology.ring", "OFF", NULL, &def);
	struct settings_channel *c = settings_add_channel(v, "east");
	c->source_host = "10.0.0.2";
	c->source_port = 3307;
	c->source_index = 3;
	c->source_why = NULL;
	c->group_replication = 0;
	c->last_sql_error = "Duplicate entry";
	struct settings_problem p = { .fact = "removed_options", .kind = SETTINGS_PROBLEM_REMOVED,
				      .origin = file, .option = "skip-host-cache",
				      .version = { 8, 4, -1 }, .text = "removed" };
	settings_add_problem(v, &p);
	settings_add_problem(v, &p);
	v->group_header = (struct settings_origin){ .source = SETTINGS_SRC_FILE, .file = "db1/my.cnf", .line = 1,
						    .detail = "mysqld" };
	*out = t;
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int same_origin(const struct settings_origin *a, const struct settings_origin *b)
{
	return a->source == b->source && same_str(a->file, b->file) && a->line == b->line &&
	       same_str(a->chain, b->chain) && same_str(a->detail, b->detail);
}

static int same_value(const struct settings_value *a, const struct settings_value *b)
{
	return same_str(a->value, b->value) && same_str(a->spelled, b->spelled) && same_origin(&a->origin, &b->origin);
}

static int same_suppression(const struct finding_suppression *a, const struct finding_suppression *b)
{
	if (!a || !b)
		return a == b;
	return same_str(a->file, b->file) && a->line == b->line && same_str(a->reason, b->reason) &&
	       a->was == b->was && same_str(a->kind, b->kind) && a->until == b->until;
}

static int same_peers(const struct finding_peers *a, const struct finding_peers *b)
{
	if (!a || !b)
		return a == b;
	int same = a->nclash == b->nclash && a->nshared == b->nshared && a->napplies == b->napplies &&
		   same_str(a->topology, b->topology) && same_str(a->group, b->group);
	for (size_t i = 0; i < FINDING_PEERS_SHOWN; i++)
		same = same && same_str(a->clash[i], b->clash[i]) && same_str(a->shared[i], b->shared[i]);
	return same;
}

static int same_finding(const struct finding *a, const struct finding *b)
{
	return a->rule_id == b->rule_id && a->title == b->title && a->rule == b->rule && a->severity == b->severity &&
	       a->status == b->status && a->basis == b->basis && same_str(a->channel, b->channel) &&
	       a->channel_no == b->channel_no && a->problem_no == b->problem_no && a->cause_no == b->cause_no &&
	       same_peers(a->peers, b->peers) && same_suppression(a->suppression, b->suppression) &&
	       same_suppression(a->expired, b->expired) && a->baseline == b->baseline && a->source == b->source;
}

static int same_view(const struct settings *a, const struct settings *b)
{
	size_t at;
	int same = a->flavor == b->flavor && a->version.major == b->version.major &&
		   a->version.minor == b->version.minor && a->version.patch == b->version.patch &&
		   same_str(a->address, b->address) && same_str(a->multi_writer, b->multi_writer) &&
		   a->channels_known == b->channels_known && a->n == b->n && a->nchannels == b->nchannels &&
		   a->nproblems == b->nproblems && same_origin(&a->group_header, &b->group_header);
	for (size_t i = 0; same && i < a->n; i++) {
		const struct settings_var *x = &a->vars[i], *y = &b->vars[i];
		same = same_str(x->name, y->name) && same_value(&x->current, &y->current) &&
		       x->n_overridden == y->n_overridden && strmap_get(&b->index, x->name, &at) == 0 && at == i;
		for (size_t k = 0; same && k < x->n_overridden; k++)
			same = same_value(&x->overridden[k], &y->overridden[k]);
	}
	for (size_t i = 0; same && i < a->nchannels; i++) {
		const struct settings_channel *x = &a->channels[i], *y = &b->channels[i];
		same = same_str(x->name, y->name) && same_str(x->source_host, y->source_host) &&
		       x->source_port == y->source_port && x->source_index == y->source_index &&
		       same_str(x->source_why, y->source_why) && same_str(x->last_sql_error, y->last_sql_error) &&
		       x->group_replication == y->group_replication;
	}
	for (size_t i = 0; same && i < a->nproblems; i++) {
		const struct settings_problem *x = &a->problems[i], *y = &b->problems[i];
		same = same_str(x->fact, y->fact) && x->kind == y->kind && same_origin(&x->origin, &y->origin) &&
		       same_str(x->option, y->option) && x->version.major == y->version.major &&
		       x->version.patch == y->version.patch && same_str(x->text, y->text);
	}
	return same;
}

static int same_header(const struct target_result *a, const struct target_result *b)
{
	int same = same_str(a->name, b->name) && same_str(a->kind, b->kind) && a->flavor == b->flavor &&
		   a->version.minor == b->version.minor && a->role == b->role && a->variant == b->variant &&
		   same_str(a->flavor_source, b->flavor_source) && same_str(a->flavor_evidence, b->flavor_evidence) &&
		   same_str(a->error, b->error) && a->position == b->position && same_str(a->tags, b->tags) &&
		   same_str(a->real_path, b->real_path) && a->nincludes == b->nincludes &&
		   same_str(a->path_key, b->path_key) && same_str(a->cluster, b->cluster) &&
		   same_str(a->view.target, b->view.target);
	for (size_t i = 0; same && i < a->nincludes; i++)
		same = same_str(a->includes[i], b->includes[i]);
	return same;
}

/* 5: twenty variables from one file, by one pointer or by twenty copies of its name */
static void shared_view(struct audit_result *r, int copies, char names[][16], char files[][40])
{
	struct target_result *t = audit_result_add_target(r, "many.cnf", "file");
	static const char path[] = "/etc/mysql/conf.d/replication.cnf";
	for (int i = 0; i < 20; i++) {
		snprintf(names[i], 16, "var_%d", i);
		snprintf(files[i], 40, "%s", path);
		struct settings_var *v;
		ARRAY_GROW(t->view.vars, t->view.n + 1, t->view.cap);
		v = &t->view.vars[t->view.n++];
		memset(v, 0, sizeof(*v));
		v->name = names[i];
		v->current.value = "ON";
		v->current.origin.source = SETTINGS_SRC_FILE;
		v->current.origin.file = copies ? files[i] : path;
		v->current.origin.line = (unsigned)i + 1;
		strmap_put(&t->view.index, v->name, t->view.n - 1);
		struct finding *f = target_result_add(t);
		f->rule_id = rule_id;
		f->status = FINDING_PASS;
		f->channel = copies ? files[i] : path;
	}
}

static void shared_strings(struct spool *s)
{
	struct audit_result a, b, back;
	char names[2][20][16], files[2][20][40];
	audit_result_init(&a);
	audit_result_init(&b);
	shared_view(&a, 0, names[0], files[0]);
	shared_view(&b, 1, names[1], files[1]);
	ok(spool_write(s, &a.targets[0], NULL, 0, SPOOL_ALL) == 0 && spool_write(s, &b.targets[0], NULL, 0, SPOOL_ALL) == 0,
	   "a record whose strings share one address, and one with copies");
	/* the findings alone: the channel's 34 bytes once, then 19 references (a record of few strings: never evicted) */
	ok(spool_write(s, &a.targets[0], NULL, 0, SPOOL_FINDINGS) == 0 &&
		   spool_write(s, &b.targets[0], NULL, 0, SPOOL_FINDINGS) == 0,
	   "... and their findings alone");
	long shared = s->offsets[3] - s->offsets[2], copied = s->offsets[4] - s->offsets[3];
	ok(shared + 19 * 34 == copied, "... the first is smaller by 19 copies of the string (%ld bytes, %ld with copies)",
	   shared, copied);
	audit_result_init(&back);
	struct target_result *x = spool_read(s, 0, &back, NULL, SPOOL_ALL, NULL, NULL);
	struct target_result *y = spool_read(s, 1, &back, NULL, SPOOL_ALL, NULL, NULL);
	int same = x && y && x->view.n == 20 && y->view.n == 20 && x->n == 20 && y->n == 20;
	for (size_t i = 0; same && i < 20; i++)
		same = same_value(&x->view.vars[i].current, &a.targets[0].view.vars[i].current) &&
		       same_value(&y->view.vars[i].current, &b.targets[0].view.vars[i].current) &&
		       same_finding(&x->findings[i], &a.targets[0].findings[i]) &&
		       same_finding(&y->findings[i], &b.targets[0].findings[i]);
	ok(same, "... both read back the same");
	audit_result_release(&back);
	audit_result_release(&a);
	audit_result_release(&b);
}

/*
 * 9: names that outlive the spool (spool_name_add()): a view's variables
 * named by them are written by number (the record smaller by their bytes)
 * and read back as the same pointers, the index finding each; a name not
 * added is written by its bytes as before, in the same view.
 */
static void named_strings(void)
{
	struct spool s, plain;
	struct audit_result a, back;
	char names[20][16], files[20][40];
	audit_result_init(&a);
	shared_view(&a, 0, names, files);
	struct target_result *t = &a.targets[0];
	ok(spool_open(&s, 0) == 0 && spool_open(&plain, 0) == 0, "names: two spools");
	size_t bytes = 0;
	for (int i = 0; i < 19; i++) {   /* all but var_19 */
		spool_name_add(&s, names[i], util_strhash(names[i], 0));
		bytes += strlen(names[i]) + 1;
	}
	spool_name_add(&s, names[3], 0);   /* again: keeps its first number and hash */
	ok(s.nnames == 19, "names: 19 added, one of them twice (%zu)", s.nnames);
	ok(spool_write(&s, t, NULL, 0, SPOOL_ALL) == 0 && spool_write(&plain, t, NULL, 0, SPOOL_ALL) == 0,
	   "names: the same view written with and without them");
	long named = s.offsets[1] - s.offsets[0], copied = plain.offsets[1] - plain.offsets[0];
	/* at least: without them, the names take cache slots, which may cost a value's copy (addresses vary) */
	ok(named + (long)bytes <= copied, "names: the record is smaller by at least the 19 names' bytes (%ld, %ld "
	   "without)", named, copied);
	audit_result_init(&back);
	struct target_result *x = spool_read(&s, 0, &back, NULL, SPOOL_ALL, NULL, NULL);
	int same = x && x->view.n == 20;
	size_t at, pointers = 0;
	for (size_t i = 0; same && i < 20; i++) {
		same = !strcmp(x->view.vars[i].name, names[i]) &&
		       same_value(&x->view.vars[i].current, &t->view.vars[i].current) &&
		       strmap_get(&x->view.index, names[i], &at) == 0 && at == i;
		pointers += x->view.vars[i].name == names[i];
	}
	ok(same && pointers == 19, "names: read back the same, the index finds each, %zu of 20 the same pointer "
	   "(19 expected)", pointers);
	/* into a target whose view has an empty array with room (the report source reuses one): that array */
	struct target_result *into = audit_result_add_target(&back, "", "");
	struct settings_var *room = xmalloc(32 * sizeof(*room));
	into->view.vars = room;
	into->view.cap = 32;
	into = spool_read(&s, 0, &back, into, SPOOL_HEADER | SPOOL_FINDINGS, NULL, NULL);
	into = into ? spool_read_view(&s, &back, into) : NULL;
	ok(into && into->view.vars == room && into->view.n == 20 && into->view.cap == 32 &&
		   !strcmp(into->view.vars[7].name, "var_7") && strmap_get(&into->view.index, "var_19", &at) == 0 && at == 19,
	   "names: a view read into an array with room keeps that array");
	audit_result_release(&back);
	audit_result_release(&a);
	spool_close(&s);
	spool_close(&plain);
}

/* 6: random findings; cause_no numbers them, so that the order of ties shows */
static void random_findings(struct target_result *t, size_t n, unsigned *seed)
{
	static const char *const ids[] = { "a-rule", "b-rule", "binlog" };
	static const char *const channels[] = { NULL, "", "east" };
	for (size_t i = 0; i < n; i++) {
		struct finding *f = target_result_add(t);
		*seed = *seed * 1103515245u + 12345u;
		unsigned r = *seed >> 8;
		/* few values of each key: many ties */
		f->status = r % 2 ? FINDING_FAIL : FINDING_PASS;
		f->severity = (enum severity)(1 + (r >> 3) % 2);
		f->rule_id = ids[(r >> 5) % 2 + 1];
		f->channel = channels[(r >> 8) % 2 + 1];
		f->problem_no = (r >> 10) % 2;
		f->cause_no = (unsigned)t->n;
	}
}

/* 7: the order target_result_sort() documents (finding.h), stable, by insertion: the reference */
static int spec_before(const struct finding *a, const struct finding *b)
{
	if (a->status != b->status)
		return a->status > b->status;
	if (a->severity != b->severity)
		return a->severity > b->severity;
	int c = strcmp(a->rule_id ? a->rule_id : "", b->rule_id ? b->rule_id : "");
	if (c)
		return c < 0;
	c = strcmp(a->channel ? a->channel : "", b->channel ? b->channel : "");
	if (c)
		return c < 0;
	return a->problem_no < b->problem_no;
}

static void sort_cases(void)
{
	/* ids that share their first six bytes or more, one a prefix of another, one with a byte over 127 */
	static const char *const ids[] = { "innodb-flush-log", "innodb-flush-method", "innodb", "innodb-f",
					   "gtid-mode", "\xc3\xa9t\xc3\xa9", NULL, "sync-binlog" };
	static const char *const channels[] = { NULL, "", "east", "west" };
	unsigned seed = 11;
	int same = 1;
	size_t cases = 0;
	for (size_t n = 0; n <= 90 && same; n += 3, cases++) {
		struct target_result a;
		memset(&a, 0, sizeof(a));
		for (size_t i = 0; i < n; i++) {
			struct finding *f = target_result_add(&a);
			seed = seed * 1103515245u + 12345u;
			unsigned r = seed >> 8;
			f->status = (enum finding_status)(r % 5);
			f->severity = (enum severity)(r >> 3) % 4;
			f->rule_id = ids[(r >> 5) % ARRAY_SIZE(ids)];
			f->channel = channels[(r >> 8) % ARRAY_SIZE(channels)];
			f->problem_no = (r >> 10) % 3;
			f->cause_no = (unsigned)i;
		}
		struct finding *ref = xmalloc((n ? n : 1) * sizeof(*ref));
		for (size_t i = 0; i < n; i++) {
			size_t j = i;
			for (; j > 0 && spec_before(&a.findings[i], &ref[j - 1]); j--)
				ref[j] = ref[j - 1];
			ref[j] = a.findings[i];
		}
		target_result_sort(&a);
		for (size_t i = 0; same && i < n; i++)
			same = a.findings[i].cause_no == ref[i].cause_no;
		free(ref);
		free(a.findings);
	}
	ok(same, "target_result_sort(): status, severity worse first, rule id (shared prefixes, a prefix, bytes "
		 "over 127), channel, line; ties in their order (%zu random cases against an insertion sort)", cases);
}

/* 8: each rule's findings (1 to 4: channels, lines) in the order of the ids, random statuses and severities */
static void order_cases(void)
{
	static const char *const ids[] = { "aa", "gtid-mode", "innodb", "innodb-f", "innodb-flush-log",
					   "innodb-flush-method", "sync-binlog", "\xc3\xa9t\xc3\xa9" };
	static const char *const channels[] = { NULL, "", "east", "west", "north" };
	unsigned seed = 5;
	int same = 1, fallback = 1;
	size_t cases = 0;
	for (size_t round = 0; round < 200 && same; round++, cases++) {
		struct target_result a, b;
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		for (size_t k = 0; k < ARRAY_SIZE(ids); k++) {
			seed = seed * 1103515245u + 12345u;
			size_t nf = (seed >> 8) % 5;   /* 0: the rule made none */
			for (size_t j = 0; j < nf; j++) {
				struct finding *f = target_result_add(&a);
				seed = seed * 1103515245u + 12345u;
				unsigned r = seed >> 8;
				f->status = (enum finding_status)(r % 5);
				f->severity = (enum severity)(1 + (r >> 3) % 3);
				f->rule_id = ids[k];
				f->channel = channels[(r >> 6) % ARRAY_SIZE(channels)];
				f->problem_no = (r >> 9) % 3;
				f->cause_no = (unsigned)a.n;
			}
		}
		if (round % 50 == 49 && a.n) {
			a.findings[a.n / 2].severity = (enum severity)0;   /* out of range: sorted the slow way */
			a.findings[a.n / 2].status = (enum finding_status)(round % 5);
		}
		for (size_t i = 0; i < a.n; i++)
			*target_result_add(&b) = a.findings[i];
		target_result_order(&a);
		target_result_sort(&b);
		for (size_t i = 0; same && i < a.n; i++)
			same = a.findings[i].cause_no == b.findings[i].cause_no;
		if (round % 50 == 49)
			fallback &= same;
		free(a.findings);
		free(b.findings);
	}
	ok(same, "target_result_order() gives target_result_sort()'s order, ties too (%zu cases)", cases);
	ok(fallback, "... a severity out of range too");
}

static void merge_cases(void)
{
	unsigned seed = 7;
	int same = 1;
	size_t cases = 0;
	for (size_t head = 0; head <= 40 && same; head += 5) {
		for (size_t tail = 0; tail <= 12 && same; tail += 3, cases++) {
			struct target_result a, b;
			memset(&a, 0, sizeof(a));
			memset(&b, 0, sizeof(b));
			random_findings(&a, head, &seed);
			target_result_sort(&a);
			random_findings(&a, tail, &seed);
			for (size_t i = 0; i < a.n; i++)
				*target_result_add(&b) = a.findings[i];
			target_result_merge(&a, head);
			target_result_sort(&b);
			for (size_t i = 0; same && i < a.n; i++)
				same = a.findings[i].cause_no == b.findings[i].cause_no;
			free(a.findings);
			free(b.findings);
		}
	}
	ok(same, "target_result_merge() gives target_result_sort()'s order, ties too (%zu cases)", cases);
}

int main(void)
{
	struct audit_result src, back;
	struct target_result *t, *u;
	struct spool s;
	char *blob = NULL;
	size_t nblob = 0;
	static const char lines[] = "crashsafe: db1/my.cnf: warning: one\ncrashsafe: two\n";

	audit_result_init(&src);
	fill(&src, &t);
	ok(spool_open(&s, 0) == 0, "spool_open makes the temporary file");

	/* 1. every field, in order */
	ok(spool_write(&s, t, lines, sizeof(lines) - 1, SPOOL_ALL) == 0, "a whole record is written");
	audit_result_init(&back);
	u = spool_read(&s, 0, &back, NULL, SPOOL_ALL, &blob, &nblob);
	ok(u != NULL, "... and read back");
	ok(u && same_header(t, u), "... its header is the same (name, kind, flavor, version, paths, includes)");
	ok(u && u->n == 2 && same_finding(&t->findings[0], &u->findings[0]) &&
		   same_finding(&t->findings[1], &u->findings[1]),
	   "... its findings are the same (peers, suppression, expired, baseline, channel, source pointer)");
	ok(u && same_view(&t->view, &u->view), "... its view is the same (variables, overridden values, channels, "
					      "problems, group header) and indexed");
	ok(u && settings_get(&u->view, "gtid_domain_id") && !settings_get(&u->view, "gtid_domain_id")->current.value,
	   "... an unknown value stays NULL");
	ok(blob && nblob == sizeof(lines) - 1 && !strcmp(blob, lines), "... its blob is the same bytes");
	free(blob);
	blob = NULL;
	audit_result_release(&back);

	/* 2. parts */
	struct target_result copy = *t;
	copy.n = 1;    /* a second record, with one finding, without the view */
	ok(spool_write(&s, &copy, NULL, 0, SPOOL_FINDINGS) == 0, "a record of findings only is written");
	audit_result_init(&back);
	u = spool_read(&s, 1, &back, NULL, SPOOL_ALL, &blob, &nblob);
	ok(u && u->n == 1 && u->view.n == 0 && !blob, "... and reads back with one finding, no view, no blob");
	audit_result_release(&back);

	audit_result_init(&back);
	u = spool_read(&s, 0, &back, NULL, SPOOL_VIEW, NULL, NULL);
	ok(u && u->n == 0 && same_view(&t->view, &u->view) && same_header(t, u),
	   "the view alone: header and view, no findings");
	struct target_result *w = spool_read(&s, 1, &back, u, SPOOL_FINDINGS, NULL, NULL);
	ok(w == u && u->n == 1 && same_finding(&t->findings[0], &u->findings[0]) && same_header(t, u) &&
		   back.n == 1,
	   "into an existing target: its findings from the other record, its header kept, no target added");
	audit_result_release(&back);

	/* 2b. the view later, from the record already read */
	audit_result_init(&back);
	u = spool_read(&s, 0, &back, NULL, SPOOL_FINDINGS, NULL, NULL);
	ok(u && u->n == 2 && u->view.n == 0 && spool_read_view(&s, &back, u) == u && same_view(&t->view, &u->view),
	   "findings first, then the view from the same record (spool_read_view)");
	ok(spool_read_view(&s, &back, u) == NULL && s.err, "... once: a second time, or for another target, is an error");
	s.err = 0;
	audit_result_release(&back);

	/* 2c. into a target of the caller: the header too, then findings appended */
	audit_result_init(&back);
	u = audit_result_add_target(&back, "", "");
	ok(spool_read(&s, 0, &back, u, SPOOL_HEADER | SPOOL_FINDINGS, NULL, NULL) == u && same_header(t, u) && u->n == 2,
	   "into a given target with SPOOL_HEADER: the record's header and findings");
	ok(spool_read(&s, 1, &back, u, SPOOL_FINDINGS | SPOOL_APPEND, NULL, NULL) == u && u->n == 3 &&
		   same_finding(&t->findings[0], &u->findings[0]) && same_finding(&t->findings[1], &u->findings[1]) &&
		   same_finding(&t->findings[0], &u->findings[2]) && same_header(t, u),
	   "... another record's findings after them with SPOOL_APPEND, the header kept");
	audit_result_release(&back);

	/* 3. any order, and in order after another write */
	ok(spool_write(&s, t, NULL, 0, SPOOL_FINDINGS | SPOOL_VIEW) == 0, "a third record after reads");
	audit_result_init(&back);
	ok(spool_read(&s, 2, &back, NULL, SPOOL_ALL, NULL, NULL) && spool_read(&s, 0, &back, NULL, SPOOL_ALL, NULL, NULL) &&
		   spool_read(&s, 1, &back, NULL, SPOOL_ALL, NULL, NULL),
	   "records read back in any order (2, 0, 1)");
	ok(back.n == 3 && back.targets[0].n == 2 && back.targets[1].n == 2 && back.targets[2].n == 1 &&
		   same_view(&t->view, &back.targets[0].view) && same_view(&t->view, &back.targets[1].view),
	   "... each its own");
	audit_result_release(&back);

	/* 4. out of range */
	audit_result_init(&back);
	ok(spool_read(&s, 3, &back, NULL, SPOOL_ALL, NULL, NULL) == NULL && back.n == 0, "a record not written: NULL");
	s.err = 1;
	ok(spool_read(&s, 0, &back, NULL, SPOOL_ALL, NULL, NULL) == NULL && spool_write(&s, t, NULL, 0, SPOOL_ALL) == -1,
	   "after an error, reads and writes fail");
	audit_result_release(&back);

	spool_close(&s);

	/* 5. strings by reference */
	ok(spool_open(&s, 512) == 0, "a second spool, with a buffer smaller than a record");
	shared_strings(&s);
	spool_close(&s);

	/* 6. merge; 7. sort; 8. order; 9. names */
	merge_cases();
	sort_cases();
	order_cases();
	named_strings();

	audit_result_release(&src);
	return done_testing();
}
