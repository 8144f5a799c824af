/*
 * gcc.c - the compiler-style report (--format gcc): one line per failed
 * finding, in the form editors, CI problem matchers and `grep -n`-minded
 * tools parse:
 *
 *     FILE:LINE: SEVERITY: MESSAGE; expected EXPECTED [RULE-ID]
 *
 * FILE:LINE is the explainer's location (explain.h): where the value the
 * finding is about was set (the option file and line, a snapshot's line),
 * the offending line of a problem, or, for a value left at its default,
 * the header of the group a line for it belongs in. A finding without a
 * line (a live server) is "NAME: severity: ...". SEVERITY is "error", "warning" or "note" (for info: gcc's
 * word). A channel finding starts its message with "channel 'NAME': " ("the
 * default channel: " for the default one).
 * A target that could not be audited is one line
 * "NAME: error: could not audit: WHY [target]". Nothing else is written:
 * no summary, no passed, suppressed or baselined findings (the exit status
 * says the rest). Text from the files is escaped as everywhere on a
 * terminal, and newlines inside messages become spaces, so one finding is
 * always one line.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "../auditor/banned.h"

struct gcc {
	FILE *fp;
	struct explainer *x;
	struct strbuf line;
};

static const char *gcc_severity(enum severity s)
{
	switch (s) {
	case SEV_ERROR:
		return "error";
	case SEV_WARNING:
		return "warning";
	case SEV_INFO:
		return "note";
	}
	return "note";
}

/* Append s escaped, newlines as spaces. */
static void gcc_add(struct strbuf *sb, const char *s)
{
	size_t start = sb->len;
	strbuf_add_escaped(sb, s, strlen(s), " ");
	/* strbuf_add_escaped keeps a newline and indents after it: fold it into the line */
	for (size_t i = start; i < sb->len; i++)
		if (sb->buf[i] == '\n')
			sb->buf[i] = ' ';
}

static int gcc_begin(void *state, FILE *fp, const struct report_options *o, const struct report_run *run)
{
	struct gcc *g = state;
	g->fp = fp;
	g->x = run->explainer;
	strbuf_init(&g->line);
	return 0;
}

static int gcc_target(void *state, const struct target_result *t)
{
	struct gcc *g = state;
	struct strbuf *sb = &g->line;
	const struct finding **sorted;
	if (t->error) {
		strbuf_reset(sb);
		gcc_add(sb, t->name);
		strbuf_addstr(sb, ": error: could not audit: ");
		gcc_add(sb, t->error);
		strbuf_addstr(sb, " [target]\n");
		fwrite(sb->buf, 1, sb->len, g->fp);
	}
	sorted = report_sorted_findings(t);
	for (size_t i = 0; i < t->n; i++) {
		const struct finding *f = sorted[i];
		struct explanation e;
		if (f->status != FINDING_FAIL)
			continue;
		explain_finding(g->x, t, f, &e);
		strbuf_reset(sb);
		/* the explainer's location: the value's line, the offending line, or the group header */
		if (e.location.file) {
			gcc_add(sb, e.location.file);
			if (e.location.line)
				strbuf_addf(sb, ":%u", e.location.line);
		} else {
			gcc_add(sb, t->name);
		}
		strbuf_addf(sb, ": %s: ", gcc_severity(f->severity));
		if (f->channel && !*f->channel) {
			strbuf_addstr(sb, "the default channel: ");   /* never channel '' (report-live.t) */
		} else if (f->channel) {
			strbuf_addstr(sb, "channel '");
			gcc_add(sb, f->channel);
			strbuf_addstr(sb, "': ");
		}
		if (e.message && *e.message) {
			gcc_add(sb, e.message);
			if (e.expected && *e.expected) {
				strbuf_addstr(sb, "; expected ");
				gcc_add(sb, e.expected);
			}
		} else {
			char *l = explanation_line(&e);
			gcc_add(sb, l);
			free(l);
		}
		strbuf_addstr(sb, " [");
		gcc_add(sb, e.rule_id);
		strbuf_addstr(sb, "]\n");
		fwrite(sb->buf, 1, sb->len, g->fp);
	}
	free(sorted);
	return ferror(g->fp) ? -1 : 0;
}

static int gcc_end(void *state, const struct audit_summary *summary)
{
	struct gcc *g = state;
	strbuf_release(&g->line);
	return ferror(g->fp) ? -1 : 0;
}

/* Added (issue 13, report.h reads_view): only the explainer reads the view here, for the failed findings. */
static int gcc_reads_view(void *state, const struct target_result *t)
{
	(void)state;
	for (size_t i = 0; i < t->n; i++)
		if (t->findings[i].status == FINDING_FAIL)
			return 1;
	return 0;
}

/* Added (issue 13, report.h writes): a line for a target that could not be audited and for each failed finding. */
static int gcc_writes(const struct report_options *o, int fail_on, uint32_t digest)
{
	(void)o;
	(void)fail_on;
	uint32_t fails = 0;
	for (int sev = 0; sev <= SEV_ERROR; sev++)
		fails |= REPORT_DIGEST_OF(FINDING_FAIL, sev);
	return (digest & (fails | REPORT_DIGEST_ERROR | REPORT_DIGEST_ODD)) != 0;
}

const struct report_writer report_gcc_writer = {
	.format = REPORT_GCC,
	.name = "gcc",
	.state_size = sizeof(struct gcc),
	.begin = gcc_begin,
	.target = gcc_target,
	.end = gcc_end,
	.reads_view = gcc_reads_view,
	.writes = gcc_writes,
};
