/*
 * report.c - the table of report formats, writing to a stream or atomically
 * to a file, and the helpers every writer shares (report_int.h).
 */
#include "report.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report_int.h"
#include "../auditor/banned.h"

extern const struct report_writer report_text_writer, report_json_writer, report_junit_writer,
	report_sarif_writer, report_prom_writer, report_gcc_writer;

static const struct report_writer *const writers[REPORT_FORMAT_COUNT] = {
	[REPORT_TEXT] = &report_text_writer,
	[REPORT_JSON] = &report_json_writer,
	[REPORT_JUNIT] = &report_junit_writer,
	[REPORT_SARIF] = &report_sarif_writer,
	[REPORT_PROM] = &report_prom_writer,
	[REPORT_GCC] = &report_gcc_writer,
};

const struct report_writer *report_writer_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(writers); i++)
		if (!strcmp(writers[i]->name, name))
			return writers[i];
	return NULL;
}

const struct report_writer *report_writer_get(enum report_format f)
{
	return writers[f];
}

/* ---- streams ------------------------------------------------------------- */

int report_stream_begin(struct report_stream *s, enum report_format f, FILE *fp, const struct report_options *o,
			const struct report_run *run)
{
	static const struct report_options defaults = { 0 };
	memset(s, 0, sizeof(*s));
	s->w = writers[f];
	s->state = xcalloc(1, s->w->state_size);
	audit_summary_init(&s->summary);
	s->summary.input_errors = run->input_errors;
	if (s->w->begin(s->state, fp, o ? o : &defaults, run))
		s->err = 1;
	return s->err ? -1 : 0;
}

int report_stream_target(struct report_stream *s, const struct target_result *t)
{
	audit_summary_add(&s->summary, t);
	if (!s->err && s->w->target(s->state, t))
		s->err = 1;
	return s->err ? -1 : 0;
}

int report_stream_end(struct report_stream *s)
{
	/* end() also frees what begin() set up, so it runs after an error too */
	if (s->w->end(s->state, &s->summary))
		s->err = 1;
	free(s->state);
	s->state = NULL;
	return s->err ? -1 : 0;
}

static const struct target_result *report_result_get(void *ctx, size_t i, const struct report_stream *s)
{
	(void)s;
	const struct audit_result *r = ctx;
	return &r->targets[i];
}

void report_source_of(struct report_source *src, const struct audit_result *r)
{
	memset(src, 0, sizeof(*src));
	src->n = r->n;
	src->get = report_result_get;
	src->ctx = (void *)(uintptr_t)r;
}

uint32_t report_digest_findings(const struct finding *f, size_t n)
{
	uint32_t d = 0;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)f[i].status > FINDING_FAIL || (unsigned)f[i].severity > SEV_ERROR)
			d |= REPORT_DIGEST_ODD;
		else
			d |= REPORT_DIGEST_OF(f[i].status, f[i].severity);
		if (f[i].status == FINDING_UNKNOWN && finding_blocks_audit(&f[i]))
			d |= REPORT_DIGEST_BLOCKING;
	}
	return d;
}

uint32_t report_digest(const struct target_result *t)
{
	return report_digest_findings(t->findings, t->n) | (t->error ? REPORT_DIGEST_ERROR : 0);
}

int report_writes(enum report_format f, const struct report_options *o, int fail_on, uint32_t digest)
{
	static const struct report_options defaults = { 0 };
	const struct report_writer *w = writers[f];
	return !w->writes || w->writes(o ? o : &defaults, fail_on, digest);
}

int report_write_source(enum report_format f, const struct report_source *src, const struct report_options *o,
			const struct report_run *run, FILE *fp)
{
	struct report_stream s;
	int lost = 0;
	/* a target the writer writes nothing for is left unread: its counts are in the totals (report.h) */
	int skip = src->digest && run->totals && writers[f]->writes;
	size_t skipped = 0;
	report_stream_begin(&s, f, fp, o, run);
	for (size_t i = 0; i < src->n && !lost; i++) {
		if (skip && !report_writes(f, o, run->fail_on, src->digest(src->ctx, i))) {
			skipped++;
			continue;
		}
		const struct target_result *t = src->get(src->ctx, i, &s);
		if (t)
			report_stream_target(&s, t);
		else
			lost = errno ? errno : EIO;
	}
	if (skipped && !lost) {
		s.summary = *run->totals;
		s.summary.input_errors = run->input_errors;
	}
	int rc = report_stream_end(&s);
	if (lost) {
		errno = lost;
		return -1;
	}
	return rc;
}

int report_stream_reads_view(const struct report_stream *s, const struct target_result *t)
{
	return !s->w->reads_view || s->w->reads_view(s->state, t);
}

int report_write(enum report_format f, const struct audit_result *r, const struct report_options *o,
		 const struct report_run *run, FILE *fp)
{
	struct report_source src;
	report_source_of(&src, r);
	return report_write_source(f, &src, o, run, fp);
}

struct write_ctx {
	enum report_format f;
	const struct report_source *src;
	const struct report_options *o;
	const struct report_run *run;
};

static int write_cb(void *ctx, void *fp)
{
	struct write_ctx *c = ctx;
	return report_write_source(c->f, c->src, c->o, c->run, fp);
}

int report_write_file_source(enum report_format f, const struct report_source *src,
			     const struct report_options *o, const struct report_run *run, const char *path)
{
	struct write_ctx c = { f, src, o, run };
	/*
	 * A report is meant to be read by others (a dashboard, a CI artifact
	 * collector): a new one is 0644 less the umask; a replaced one keeps its
	 * mode. Temporary file, signals, full disk: write_file_atomic (util.h).
	 */
	return write_file_atomic(path, 0644, write_cb, &c);
}

int report_write_file(enum report_format f, const struct audit_result *r, const struct report_options *o,
		      const struct report_run *run, const char *path)
{
	struct report_source src;
	report_source_of(&src, r);
	return report_write_file_source(f, &src, o, run, path);
}

/* ---- shared helpers ------------------------------------------------------ */

const char *report_time_iso(double t, int millis, char *buf, size_t size)
{
	time_t sec = (time_t)t;
	struct tm tm;
	char base[24];
	gmtime_r(&sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	if (millis) {
		int ms = (int)((t - (double)sec) * 1000.0);
		snprintf(buf, size, "%s.%03dZ", base, ms < 0 ? 0 : ms > 999 ? 999 : ms);
	} else {
		snprintf(buf, size, "%sZ", base);
	}
	return buf;
}

static int str_cmp_null(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* finding_ptr_worse_first() past status and severity: rule id, channel, problem, the array's order */
static inline int finding_rest_cmp(const struct finding *a, const struct finding *b)
{
	int c = a->rule_id == b->rule_id ? 0 : str_cmp_null(a->rule_id, b->rule_id);
	if (c)
		return c;
	c = a->channel == b->channel ? 0 : str_cmp_null(a->channel, b->channel);
	if (c)
		return c;
	if (a->problem_no != b->problem_no)
		return a->problem_no < b->problem_no ? -1 : 1;
	return a < b ? -1 : a > b;
}

static int finding_ptr_worse_first(const void *pa, const void *pb)
{
	const struct finding *a = *(const struct finding *const *)pa;
	const struct finding *b = *(const struct finding *const *)pb;
	if (a->status != b->status)
		return a->status > b->status ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	return finding_rest_cmp(a, b);
}

/* Findings of one status and severity, at most this many, are put in order by insertion; more by qsort(3). */
#define REPORT_SORT_INSERTION 24

const struct finding **report_sorted_findings(const struct target_result *t)
{
	if (!t->n)
		return NULL;
	const struct finding **v = xmalloc(t->n * sizeof(*v));
	/*
	 * By status and severity first, counting (stable: the array's order
	 * within each), worst first; then each run of one status and severity by
	 * the rest of the order (rule id, channel, problem, the array's order),
	 * by insertion, which leaves a run already in order as it is (issue 13:
	 * check hands its findings over unsorted; a qsort(3) of them compared
	 * rule ids about 250 times a target). The order is total, so the result
	 * is the one qsort() gave.
	 */
	size_t count[5 * 4 + 1] = { 0 }, at[5 * 4 + 1];
	int odd = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct finding *f = &t->findings[i];
		if ((unsigned)f->status > FINDING_FAIL || (unsigned)f->severity > SEV_ERROR)
			odd = 1;
		else
			count[(FINDING_FAIL - (unsigned)f->status) * 4 + (SEV_ERROR - (unsigned)f->severity)]++;
	}
	if (odd) {
		for (size_t i = 0; i < t->n; i++)
			v[i] = &t->findings[i];
		qsort(v, t->n, sizeof(*v), finding_ptr_worse_first);
		return v;
	}
	size_t sum = 0;
	for (size_t b = 0; b < ARRAY_SIZE(count); b++) {
		at[b] = sum;
		sum += count[b];
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct finding *f = &t->findings[i];
		v[at[(FINDING_FAIL - (unsigned)f->status) * 4 + (SEV_ERROR - (unsigned)f->severity)]++] = f;
	}
	for (size_t b = 0, lo = 0; b < ARRAY_SIZE(count); lo += count[b], b++) {
		const struct finding **run = v + lo;
		size_t n = count[b];
		if (n > REPORT_SORT_INSERTION) {
			qsort(run, n, sizeof(*run), finding_ptr_worse_first);
			continue;
		}
		for (size_t i = 1; i < n; i++) {
			const struct finding *x = run[i];
			size_t j = i;
			for (; j && finding_rest_cmp(run[j - 1], x) > 0; j--)   /* one status and severity here */
				run[j] = run[j - 1];
			run[j] = x;
		}
	}
	return v;
}

int report_subject_repeats(const struct target_result *t, const struct finding *f)
{
	const struct settings *v = &t->view;
	if (!f->problem_no || f->problem_no > v->nproblems || !v->problems[f->problem_no - 1].option)
		return 0;
	const char *opt = v->problems[f->problem_no - 1].option;
	for (size_t i = 0; i < t->n; i++) {
		const struct finding *g = &t->findings[i];
		if (g == f || !g->problem_no || g->problem_no > v->nproblems || g->rule != f->rule)
			continue;
		const char *o = v->problems[g->problem_no - 1].option;
		if (o && !strcmp(o, opt))
			return 1;
	}
	return 0;
}

char *report_case_subject(const struct target_result *t, const struct finding *f, const struct explanation *e)
{
	if (!e->subject)
		return NULL;
	if (report_subject_repeats(t, f) && e->location.line)
		return xasprintf("%s, line %u", e->subject, e->location.line);
	return xstrdup(e->subject);
}

char *report_found(const struct finding *f, const struct explanation *e)
{
	static const char unknown_prefix[] = "could not evaluate: ";
	struct explanation base = *e;
	if (e->suppression)
		base.message = e->unsuppressed_message;
	char *found = explanation_found(&base);
	enum finding_status st = e->suppression ? e->suppression->was : f->status;
	if (found && st == FINDING_UNKNOWN && !strncmp(found, unknown_prefix, sizeof(unknown_prefix) - 1))
		memmove(found, found + sizeof(unknown_prefix) - 1, strlen(found) - (sizeof(unknown_prefix) - 1) + 1);
	return found;
}

const char *report_severity_name(enum severity s)
{
	if (s < SEV_INFO || s > SEV_ERROR)
		return "none";
	return severity_name(s);
}

const char *report_status_name(enum finding_status s)
{
	if ((unsigned)s > FINDING_FAIL)
		return "unknown";
	return finding_status_name(s);
}

const char *report_status_token(enum finding_status s)
{
	if ((unsigned)s > FINDING_FAIL)
		return "unknown";
	return finding_status_token(s);
}

const char *report_source_name(enum settings_source s)
{
	static const char *const names[] = {
		[SETTINGS_SRC_DEFAULT] = "default",
		[SETTINGS_SRC_FILE] = "file",
		[SETTINGS_SRC_SNAPSHOT] = "snapshot",
		[SETTINGS_SRC_LIVE] = "live",
		[SETTINGS_SRC_TOPOLOGY] = "topology",
	};
	if ((unsigned)s >= ARRAY_SIZE(names))
		return "unknown";
	return names[s];
}

const char *report_version_text(const struct version *v, char *buf, unsigned size)
{
	if (v->major == 0 && v->minor == 0) {
		snprintf(buf, size, "unknown");
		return buf;
	}
	return version_format(v, buf, size);
}

size_t report_utf8_decode(const char *str, size_t n, unsigned long *cp)
{
	return utf8_decode(str, n, cp);
}
