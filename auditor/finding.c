#include "finding.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

static const char *const severity_names[] = {
	[SEV_INFO] = "info",
	[SEV_WARNING] = "warning",
	[SEV_ERROR] = "error",
};

static const char *const status_names[] = {
	[FINDING_PASS] = "pass",
	[FINDING_NOT_APPLICABLE] = "not-applicable",
	[FINDING_SUPPRESSED] = "suppressed",
	[FINDING_UNKNOWN] = "unknown",
	[FINDING_FAIL] = "fail",
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
	return status_names[s];
}

void audit_result_init(struct audit_result *r)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena);
}

void audit_result_release(struct audit_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->targets[i].findings);
	free(r->targets);
	arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
}

struct target_result *audit_result_add_target(struct audit_result *r, const char *name, const char *kind)
{
	ARRAY_GROW(r->targets, r->n + 1, r->cap);
	struct target_result *t = &r->targets[r->n++];
	memset(t, 0, sizeof(*t));
	t->name = arena_strdup(&r->arena, name);
	t->kind = arena_strdup(&r->arena, kind);
	return t;
}

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
	int c = strcmp(a->rule_id, b->rule_id);
	if (c)
		return c;
	return strcmp(a->channel ? a->channel : "", b->channel ? b->channel : "");
}

void audit_result_sort(struct audit_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->targets[i].n)
			qsort(r->targets[i].findings, r->targets[i].n, sizeof(struct finding), finding_worse_first);
}

void audit_result_count(const struct audit_result *r, struct audit_counts *c)
{
	memset(c, 0, sizeof(*c));
	c->targets = r->n;
	for (size_t i = 0; i < r->n; i++) {
		const struct target_result *t = &r->targets[i];
		if (t->error)
			c->targets_failed_to_audit++;
		for (size_t j = 0; j < t->n; j++) {
			c->by_status[t->findings[j].status]++;
			if (t->findings[j].status == FINDING_FAIL)
				c->fail_by_severity[t->findings[j].severity]++;
		}
	}
}

int audit_result_exit_status(const struct audit_result *r, int fail_on)
{
	int rc = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct target_result *t = &r->targets[i];
		if (t->error)
			return 3;
		for (size_t j = 0; j < t->n; j++) {
			const struct finding *f = &t->findings[j];
			if (f->status == FINDING_UNKNOWN && f->severity == SEV_ERROR)
				return 3;
			if (f->status == FINDING_FAIL && fail_on && (int)f->severity >= fail_on)
				rc = 1;
		}
	}
	return rc;
}
