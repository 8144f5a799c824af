/*
 * report.c - the table of report formats, writing to a stream or atomically
 * to a file, and the helpers every writer shares (report_int.h).
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report_int.h"
#include "../auditor/banned.h"

static const struct report_writer writers[] = {
	{ REPORT_TEXT, "text", report_text_write },
	{ REPORT_JSON, "json", report_json_write },
	{ REPORT_JUNIT, "junit", report_junit_write },
	{ REPORT_SARIF, "sarif", report_sarif_write },
};

const struct report_writer *report_writer_find(const char *name)
{
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		if (!strcmp(writers[i].name, name))
			return &writers[i];
	return NULL;
}

const struct report_writer *report_writer_get(enum report_format f)
{
	return &writers[f];
}

int report_write(enum report_format f, const struct audit_result *r,
		 const struct report_options *o, FILE *fp)
{
	return writers[f].write(r, o, fp);
}

struct write_ctx {
	enum report_format f;
	const struct audit_result *r;
	const struct report_options *o;
};

static int write_cb(void *ctx, void *fp)
{
	struct write_ctx *c = ctx;
	/*
	 * The temporary file is created 0600; a report is meant to be read by
	 * others (a dashboard, a CI artifact collector), so give it the mode a
	 * plain fopen() would have: 0666 less the umask.
	 */
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(fileno((FILE *)fp), 0666 & ~mask) != 0)
		return -1;
	return report_write(c->f, c->r, c->o, fp);
}

int report_write_file(enum report_format f, const struct audit_result *r,
		      const struct report_options *o, const char *path)
{
	struct write_ctx c = { f, r, o };
	return write_file_atomic(path, write_cb, &c);
}

/* ---- shared helpers ------------------------------------------------------ */

void report_count_target(const struct target_result *t, struct report_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < t->n; i++) {
		const struct finding *f = &t->findings[i];
		int sev = f->severity >= SEV_INFO && f->severity <= SEV_ERROR ? (int)f->severity : 0;
		if ((unsigned)f->status > FINDING_FAIL)
			continue;
		c->total++;
		c->by_status[f->status]++;
		if (sev && f->status == FINDING_FAIL)
			c->fail_by_severity[sev]++;
		if (sev && f->status == FINDING_UNKNOWN)
			c->unknown_by_severity[sev]++;
	}
}

static int str_cmp_null(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int finding_ptr_worse_first(const void *pa, const void *pb)
{
	const struct finding *a = *(const struct finding *const *)pa;
	const struct finding *b = *(const struct finding *const *)pb;
	if (a->status != b->status)
		return a->status > b->status ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	int c = str_cmp_null(a->rule_id, b->rule_id);
	if (c)
		return c;
	c = str_cmp_null(a->channel, b->channel);
	if (c)
		return c;
	/* Same rule and channel twice: keep the engine's order (the array order). */
	return a < b ? -1 : a > b;
}

const struct finding **report_sorted_findings(const struct target_result *t)
{
	if (!t->n)
		return NULL;
	const struct finding **v = xmalloc(t->n * sizeof(*v));
	for (size_t i = 0; i < t->n; i++)
		v[i] = &t->findings[i];
	qsort(v, t->n, sizeof(*v), finding_ptr_worse_first);
	return v;
}

const char *report_rule_id(const struct finding *f)
{
	return f->rule_id ? f->rule_id : "unnamed-rule";
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

const char *report_source_name(enum settings_source s)
{
	static const char *const names[] = {
		[SETTINGS_SRC_DEFAULT] = "default",
		[SETTINGS_SRC_FILE] = "file",
		[SETTINGS_SRC_SNAPSHOT] = "snapshot",
		[SETTINGS_SRC_LIVE] = "live",
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

char *report_origin_text(const struct finding *f)
{
	if (f->origin_text && *f->origin_text)
		return xstrdup(f->origin_text);
	if (f->origin.file || f->origin.detail)
		return settings_origin_describe(&f->origin);
	return NULL;
}

char *report_value_text(const struct finding *f)
{
	/* An empty value is shown as '' (as an option file would write it), not as nothing. */
	if (f->variable && f->value)
		return xasprintf("%s = %s", f->variable, *f->value ? f->value : "''");
	if (f->variable)
		return xasprintf("%s: unknown", f->variable);
	if (f->value)
		return xstrdup(*f->value ? f->value : "''");
	return NULL;
}

char *report_finding_line(const struct finding *f)
{
	struct strbuf sb = { 0 };
	char *value = report_value_text(f);
	char *origin = report_origin_text(f);
	if (value) {
		strbuf_addstr(&sb, value);
		if (origin)
			strbuf_addf(&sb, " (%s)", origin);
		if (f->expected)
			strbuf_addf(&sb, "; expected %s", f->expected);
	} else if (f->message) {
		strbuf_addstr(&sb, f->message);
	} else if (f->title) {
		strbuf_addstr(&sb, f->title);
	} else {
		strbuf_addstr(&sb, report_rule_id(f));
	}
	free(value);
	free(origin);
	return strbuf_detach(&sb);
}

size_t report_utf8_decode(const char *str, size_t n, unsigned long *cp)
{
	return utf8_decode(str, n, cp);
}
