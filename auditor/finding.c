#include "finding.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static const char *const severity_names[] = {
	[SEV_INFO] = "info",
	[SEV_WARNING] = "warning",
	[SEV_ERROR] = "error",
};

static const struct {
	const char *name;
	const char *token;
} status_names[] = {
	[FINDING_PASS] = { "pass", "pass" },
	[FINDING_NOT_APPLICABLE] = { "not applicable", "not-applicable" },
	[FINDING_SUPPRESSED] = { "suppressed", "suppressed" },
	[FINDING_UNKNOWN] = { "could not evaluate", "could-not-evaluate" },
	[FINDING_FAIL] = { "fail", "fail" },
};

const char *severity_name(enum severity s)
{
	return severity_names[s];
}

int severity_parse(enum severity *out, const char *s)
{
	for (int i = SEV_INFO; i <= SEV_ERROR; i++) {
		if (!ascii_strcasecmp(s, severity_names[i])) {
			*out = (enum severity)i;
			return 0;
		}
	}
	return -1;
}

const char *finding_status_name(enum finding_status s)
{
	return status_names[s].name;
}

const char *finding_status_token(enum finding_status s)
{
	return status_names[s].token;
}

void audit_result_init(struct audit_result *r)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena);
}

void audit_result_release(struct audit_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->targets[i].findings);
		settings_release(&r->targets[i].view);
	}
	free(r->targets);
	free(r->pool);
	arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
}

void audit_result_clear(struct audit_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->targets[i].findings);
		settings_release(&r->targets[i].view);
	}
	struct target_result *targets = r->targets;
	size_t cap = r->cap;
	r->n = 0;
	r->targets = NULL;
	audit_result_release(r);
	audit_result_init(r);
	r->targets = targets;
	r->cap = cap;
}

struct target_result *audit_result_add_target(struct audit_result *r, const char *name, const char *kind)
{
	/*
	 * A borrowing result is check's own for one target (issue 13): room for
	 * that one, not 8. Others keep 8 first: callers hold a target across a
	 * few adds (spool_read() into one result).
	 */
	if (!r->cap && r->borrow) {
		r->targets = xrealloc(r->targets, sizeof(*r->targets));
		r->cap = 1;
	}
	ARRAY_GROW(r->targets, r->n + 1, r->cap);
	struct target_result *t = &r->targets[r->n++];
	memset(t, 0, sizeof(*t));
	t->name = arena_strdup(&r->arena, name);
	t->kind = arena_strdup(&r->arena, kind);
	/* The view's strings live in the result's arena: its own stays empty. */
	memset(&t->view, 0, sizeof(t->view));
	arena_init(&t->view.arena);
	diag_list_init(&t->view.diags);
	strmap_init(&t->view.index, 0);
	t->view.target = t->name;
	t->view.kind = t->kind;
	return t;
}

/*
 * The pool's own hash of s[0..n) (issue 13: a target's values are
 * interned one by one, most a few bytes long): 8 bytes a step and the tail
 * byte by byte, with no library call. Only the pool's layout depends on it.
 */
static inline size_t intern_hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, x;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&x, s + i, 8);
		h = (h ^ x) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 32;
	}
	for (x = 0; i < n; i++)
		x = x << 8 | (unsigned char)s[i];
	h = (h ^ x) * 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 31;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 29;
	return (size_t)h;
}

/* The first pool size: a target's own result interns a few dozen strings (issue 13). */
#define INTERN_POOL_FIRST 128

static void intern_grow(struct audit_result *r)
{
	size_t cap = r->pool_cap ? r->pool_cap * 2 : INTERN_POOL_FIRST;
	const char **pool = xcalloc(cap, sizeof(*pool));
	for (size_t i = 0; i < r->pool_cap; i++) {
		if (!r->pool[i])
			continue;
		size_t k = intern_hash(r->pool[i], strlen(r->pool[i])) & (cap - 1);
		while (pool[k])
			k = (k + 1) & (cap - 1);
		pool[k] = r->pool[i];
	}
	free(r->pool);
	r->pool = pool;
	r->pool_cap = cap;
}

const char *audit_result_intern(struct audit_result *r, const char *s)
{
	if (!s || r->borrow)
		return s;
	if ((r->pool_n + 1) * 2 > r->pool_cap)
		intern_grow(r);
	size_t n = strlen(s);
	size_t k = intern_hash(s, n) & (r->pool_cap - 1);
	while (r->pool[k]) {
		if (!strcmp(r->pool[k], s))   /* not memcmp(): the entry may be shorter than s */
			return r->pool[k];
		k = (k + 1) & (r->pool_cap - 1);
	}
	char *copy = arena_alloc(&r->arena, n + 1);
	memcpy(copy, s, n + 1);
	r->pool[k] = copy;
	r->pool_n++;
	return copy;
}

const char *audit_result_keep(struct audit_result *r, const char *s)
{
	if (s && r->borrow)
		return arena_strdup(&r->arena, s);
	return audit_result_intern(r, s);
}

_Static_assert(sizeof(void *) != 8 || sizeof(struct finding) == 96, "struct finding grew past 96 bytes on LP64");

struct finding *target_result_add(struct target_result *t)
{
	ARRAY_GROW(t->findings, t->n + 1, t->cap);
	struct finding *f = &t->findings[t->n++];
	memset(f, 0, sizeof(*f));
	return f;
}

static int finding_worse_first(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	if (a->status != b->status)
		return a->status > b->status ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	/* one rule's findings share the engine's id (and a channel's, the view's name): no strcmp then */
	int c = a->rule_id == b->rule_id ? 0 : strcmp(a->rule_id ? a->rule_id : "", b->rule_id ? b->rule_id : "");
	if (c)
		return c;
	c = a->channel == b->channel ? 0 : strcmp(a->channel ? a->channel : "", b->channel ? b->channel : "");
	if (c)
		return c;
	/* Several findings of one rule (one per offending line): in the order of the lines. */
	return a->problem_no < b->problem_no ? -1 : a->problem_no > b->problem_no;
}

void target_result_sort(struct target_result *t)
{
	/*
	 * Findings already in order stay as they are, as the stable sort (glibc's
	 * merge sort) would leave them: a result is sorted after evaluation and
	 * again before reports (issue 13: the second sort was 1.6% of a check).
	 */
	size_t i = 1;
	while (i < t->n && finding_worse_first(&t->findings[i - 1], &t->findings[i]) <= 0)
		i++;
	if (i < t->n)
		qsort(t->findings, t->n, sizeof(struct finding), finding_worse_first);
}

/* The place of f's status and severity in the worse-first order, or -1 when out of range. */
static int finding_bucket(const struct finding *f)
{
	if ((unsigned)f->status > FINDING_FAIL || f->severity < SEV_INFO || f->severity > SEV_ERROR)
		return -1;
	return (int)(FINDING_FAIL - f->status) * SEV_ERROR + (int)(SEV_ERROR - f->severity);
}

#define FINDING_BUCKETS ((FINDING_FAIL + 1) * SEV_ERROR)
#define ORDER_STACK 128

void target_result_order(struct target_result *t)
{
	size_t start[FINDING_BUCKETS + 1] = { 0 };
	unsigned char key_buf[ORDER_STACK], *key;
	size_t n = t->n;
	if (n < 2)
		return;
	key = n <= ORDER_STACK ? key_buf : xmalloc(n);
	for (size_t i = 0; i < n; i++) {
		int b = finding_bucket(&t->findings[i]);
		if (b < 0) {
			if (key != key_buf)
				free(key);
			target_result_sort(t);
			return;
		}
		key[i] = (unsigned char)b;
		start[b + 1]++;
	}
	for (size_t b = 0; b < FINDING_BUCKETS; b++)
		start[b + 1] += start[b];
	/* stable: within a status and severity the findings keep the rules' (ids') order */
	struct finding *f = xmalloc(t->cap * sizeof(*f));
	for (size_t i = 0; i < n; i++)
		f[start[key[i]]++] = t->findings[i];
	free(t->findings);
	t->findings = f;
	if (key != key_buf)
		free(key);
	/* one rule's findings of one status and severity (channels, lines): by insertion, stable */
	for (size_t i = 1; i < n; i++) {
		if (f[i].rule_id != f[i - 1].rule_id || finding_worse_first(&f[i - 1], &f[i]) <= 0)
			continue;
		struct finding x = f[i];
		size_t j = i;
		for (; j > 0 && f[j - 1].rule_id == x.rule_id && finding_worse_first(&f[j - 1], &x) > 0; j--)
			f[j] = f[j - 1];
		f[j] = x;
	}
}

void target_result_merge(struct target_result *t, size_t from)
{
	struct finding *f = t->findings;
	if (from >= t->n)
		return;
	/* the tail, by insertion (stable: only a worse finding moves before another) */
	for (size_t i = from + 1; i < t->n; i++) {
		struct finding x = f[i];
		size_t j = i;
		for (; j > from && finding_worse_first(&f[j - 1], &x) > 0; j--)
			f[j] = f[j - 1];
		f[j] = x;
	}
	if (!from || finding_worse_first(&f[from - 1], &f[from]) <= 0)
		return;
	/* from the back: on a tie the head's finding (it came first) stays before the tail's */
	size_t nt = t->n - from, i = from, j = nt, k = t->n;
	struct finding *tail = xmalloc(nt * sizeof(*tail));
	memcpy(tail, f + from, nt * sizeof(*tail));
	while (j > 0) {
		if (i > 0 && finding_worse_first(&f[i - 1], &tail[j - 1]) > 0)
			f[--k] = f[--i];
		else
			f[--k] = tail[--j];
	}
	free(tail);
}

void audit_result_sort(struct audit_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		target_result_sort(&r->targets[i]);
}

/* ---- counts and the exit status ------------------------------------------ */

void audit_summary_init(struct audit_summary *s)
{
	memset(s, 0, sizeof(*s));
}

int finding_blocks_audit(const struct finding *f)
{
	return f->status == FINDING_UNKNOWN && f->severity == SEV_ERROR && !f->cause_no;
}

void audit_summary_add(struct audit_summary *s, const struct target_result *t)
{
	s->targets++;
	if (t->error) {
		s->targets_not_audited++;
		if (t->error_kind == TARGET_ERROR_INPUT)
			s->targets_input_errors++;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct finding *f = &t->findings[i];
		int sev = f->severity >= SEV_INFO && f->severity <= SEV_ERROR ? (int)f->severity : 0;
		if ((unsigned)f->status > FINDING_FAIL)
			continue;
		s->findings++;
		s->by_status[f->status]++;
		if (sev && f->status == FINDING_FAIL)
			s->fail_by_severity[sev]++;
		if (sev && f->status == FINDING_UNKNOWN)
			s->unknown_by_severity[sev]++;
		if (finding_blocks_audit(f))
			s->unknown_blocking++;
		else if (f->status == FINDING_UNKNOWN && f->cause_no)
			s->unknown_caused++;
	}
}

void audit_summary_of_target(struct audit_summary *s, const struct target_result *t)
{
	audit_summary_init(s);
	audit_summary_add(s, t);
}

int audit_summary_exit_status(const struct audit_summary *s, int fail_on)
{
	if (s->targets_input_errors || s->input_errors)
		return 2;
	if (s->targets_not_audited || s->unknown_blocking)
		return 3;
	if (fail_on)
		for (int sev = fail_on; sev <= SEV_ERROR; sev++)
			if (s->fail_by_severity[sev])
				return 1;
	return 0;
}

void audit_result_summary(const struct audit_result *r, struct audit_summary *s)
{
	audit_summary_init(s);
	for (size_t i = 0; i < r->n; i++)
		audit_summary_add(s, &r->targets[i]);
}

int audit_result_exit_status(const struct audit_result *r, int fail_on)
{
	struct audit_summary s;
	audit_result_summary(r, &s);
	return audit_summary_exit_status(&s, fail_on);
}
