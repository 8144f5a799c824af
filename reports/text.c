/*
 * text.c - the human report: grouped by target in the order given, each
 * target's findings worst first (sorted here, not trusted from the engine),
 * then one summary line.
 *
 * examples/x.cnf (file, MySQL 8.4, role replica): 2 fail, 1 could not evaluate, 9 pass
 *   fail (error) relay-log-recovery: Replica rebuilds its relay log after a crash
 *       found:      relay_log_recovery is OFF (default for MySQL 8.4)
 *       overridden: set to ON at a.cnf:12, overridden ...     (only when earlier values were replaced)
 *       expected:   relay_log_recovery = ON
 *       fix:        relay_log_recovery = ON
 *                   (under [mysqld], x.cnf:3)
 *       why:        the rule's rationale                      (only with verbose)
 *
 * 3 targets: 2 fail (1 error, 1 warning, 0 info), 1 could not evaluate, ...
 *
 * One line for what was found (the value and where it comes from, as the
 * explainer says it), one for what is expected, one for the fix. The
 * statuses are named as everywhere: fail, could not evaluate, suppressed,
 * not applicable, pass. Fail and could-not-evaluate findings are always
 * listed; the others only with verbose, one line each. Quiet lists, one
 * line each, only what decides the exit status (failures at or above
 * --fail-on, could-not-evaluate findings that make it 3, targets that could
 * not be audited) and the summary. Colour only when o->color. Bytes that
 * could move a terminal's cursor (control characters, C1 controls, invalid
 * UTF-8) are shown as \xNN / \u00NN escapes, never written raw; a newline
 * is shown as \n in values, and kept (with the next line indented) in
 * texts that span lines (expected, found, fix).
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "../auditor/banned.h"

#define TEXT_RESET "\033[0m"
#define TEXT_BOLD "\033[1m"
#define TEXT_DIM "\033[2m"
#define TEXT_RED "\033[1;31m"
#define TEXT_YELLOW "\033[33m"
#define TEXT_CYAN "\033[36m"
#define TEXT_MAGENTA "\033[35m"
#define TEXT_GREEN "\033[32m"

/* The colour of each status word; NULL: the colour of the severity. */
static const char *const text_status_color_of[] = {
	[FINDING_PASS] = TEXT_GREEN,
	[FINDING_NOT_APPLICABLE] = TEXT_DIM,
	[FINDING_SUPPRESSED] = TEXT_DIM,
	[FINDING_UNKNOWN] = TEXT_MAGENTA,
	[FINDING_FAIL] = NULL,
};

static const char *const text_severity_color[] = {
	[0] = "",
	[SEV_INFO] = TEXT_CYAN,
	[SEV_WARNING] = TEXT_YELLOW,
	[SEV_ERROR] = TEXT_RED,
};

struct text {
	FILE *fp;
	int color;
	struct report_options o;
	struct explainer *x;
	int fail_on;
	const struct target_result *t;   /* the target being written */
};

/*
 * Write s with every byte a terminal could act on escaped. With a non-NULL
 * indent, a newline is kept and the next line indented (rule texts such as
 * a fix span lines); without, it is shown as \n.
 */
static void text_put_lines(struct text *x, const char *s, const char *indent)
{
	/*
	 * printable ASCII throughout (nearly every string) is written as it is:
	 * fputs_escaped() would write the same bytes, having looked at each
	 * (issue 13: a tenth of the text report's cost)
	 */
	const char *p = s;
	while ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f)
		p++;
	if (!*p)
		fwrite(s, 1, (size_t)(p - s), x->fp);
	else
		fputs_escaped(s, x->fp, indent);
}

/* n in decimal: fprintf("%zu") without the format's cost */
static void text_put_size(struct text *x, size_t n)
{
	char buf[UTIL_DIGITS_MAX], *p = util_digits(buf + sizeof(buf), n);
	fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), x->fp);
}

/* s, then spaces to width bytes: fprintf("%-WIDTHs") */
static void text_put_padded(struct text *x, const char *s, size_t width)
{
	static const char spaces[] = "                ";
	size_t n = strlen(s);
	fwrite(s, 1, n, x->fp);
	if (n < width)
		fwrite(spaces, 1, width - n < sizeof(spaces) - 1 ? width - n : sizeof(spaces) - 1, x->fp);
}

static void text_put(struct text *x, const char *s)
{
	text_put_lines(x, s, NULL);
}

static void text_on(struct text *x, const char *color)
{
	if (x->color && color && *color)
		fputs(color, x->fp);
}

static void text_off(struct text *x, const char *color)
{
	if (x->color && color && *color)
		fputs(TEXT_RESET, x->fp);
}

static const char *text_sev_color(enum severity s)
{
	return s >= SEV_INFO && s <= SEV_ERROR ? text_severity_color[s] : "";
}

static const char *text_status_color(const struct finding *f)
{
	if ((unsigned)f->status > FINDING_FAIL)
		return "";
	return text_status_color_of[f->status] ? text_status_color_of[f->status] : text_sev_color(f->severity);
}

/* "  fail (error) rule-id [channel C]": the status's name, the severity, the rule and what tells it apart. */
static void text_lead(struct text *x, const struct finding *f, const struct explanation *e)
{
	const char *color = text_status_color(f);
	fputs("  ", x->fp);
	text_on(x, color);
	fputs(report_status_name(f->status), x->fp);
	text_off(x, color);
	fputs(" (", x->fp);
	text_on(x, text_sev_color(f->severity));
	fputs(report_severity_name(f->severity), x->fp);
	text_off(x, text_sev_color(f->severity));
	fputs(") ", x->fp);
	text_on(x, TEXT_BOLD);
	text_put(x, e->rule_id);
	char *subject = report_case_subject(x->t, f, e);
	if (subject) {
		fputs(" [", x->fp);
		text_put(x, subject);
		fputc(']', x->fp);
	}
	free(subject);
	text_off(x, TEXT_BOLD);
}

#define TEXT_DETAIL_INDENT "                  " /* 6 + 12: under the text */

/* "found:      ..." under the lead line; multiline keeps the text's own line breaks. */
static void text_detail(struct text *x, const char *label, const char *value, int multiline)
{
	if (!value || !*value)
		return;
	fputs("      ", x->fp);   /* "%6s%-12s", "", label */
	text_put_padded(x, label, 12);
	text_put_lines(x, value, multiline ? TEXT_DETAIL_INDENT : NULL);
	fputc('\n', x->fp);
}

/*
 * What was found: the explainer's message (for a suppressed finding, the
 * suppression and what it was). The status leads the line already, so a
 * message that starts with it says the rest: "suppressed (warning) X: by
 * FILE:LINE: REASON; was: ...".
 */
static char *text_found(const struct finding *f, const struct explanation *e)
{
	if (!e->suppression)
		return report_found(f, e);
	const char *word = report_status_name(f->status);
	size_t n = strlen(word);
	const char *m = e->message ? e->message : "";
	if (!strncmp(m, word, n) && m[n] == ' ')
		m += n + 1;
	return xstrdup(m);
}

/* A fail or could-not-evaluate finding: the lead line, then found, expected, fix. */
static void text_finding_full(struct text *x, const struct finding *f, const struct explanation *e)
{
	char *found = text_found(f, e);
	text_lead(x, f, e);
	if (e->title) {
		fputs(": ", x->fp);
		text_put(x, e->title);
	}
	if (f->baseline == FINDING_BASELINE_NEW)
		fputs(" (new)", x->fp);   /* added (issue 10): not in the baseline, or introduced by the change */
	fputc('\n', x->fp);
	text_detail(x, "found:", found, 1);
	text_detail(x, "overridden:", e->overridden, 0);
	text_detail(x, "expected:", e->expected, 1);
	text_detail(x, "fix:", e->fix, 1);
	if (x->o.verbose)
		text_detail(x, "why:", e->why, 1);
	free(found);
}

/* Any finding on one line: the lead, then what was found (or why it does not apply). */
static void text_finding_short(struct text *x, const struct finding *f, const struct explanation *e)
{
	char *line = text_found(f, e);
	if (!line && e->title)
		line = xstrdup(e->title);
	text_lead(x, f, e);
	if (line) {
		fputs(": ", x->fp);
		text_put(x, line);
	}
	fputc('\n', x->fp);
	free(line);
}

/* Quiet: only what decides the exit status. */
static int text_decides_exit(const struct text *x, const struct finding *f)
{
	if (f->status == FINDING_FAIL)
		return x->fail_on && (int)f->severity >= x->fail_on;
	return finding_blocks_audit(f);
}

static int text_shows(const struct text *x, const struct finding *f)
{
	if (x->o.quiet)
		return text_decides_exit(x, f);
	if (f->status == FINDING_FAIL || f->status == FINDING_UNKNOWN)
		return 1;
	return x->o.verbose;
}

/* "2 fail, 1 could not evaluate, 9 pass, 3 not applicable" for one target. */
static void text_target_tally(struct text *x, const struct audit_summary *c)
{
	static const enum finding_status order[] = {
		FINDING_FAIL, FINDING_UNKNOWN, FINDING_SUPPRESSED, FINDING_PASS, FINDING_NOT_APPLICABLE,
	};
	int any = 0;
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		if (!c->by_status[order[i]])
			continue;
		if (any)
			fputs(", ", x->fp);
		text_put_size(x, c->by_status[order[i]]);
		fputc(' ', x->fp);
		fputs(report_status_name(order[i]), x->fp);
		any = 1;
	}
	if (!any)
		fputs("no findings", x->fp);
}

static void text_diff(struct text *x, const struct target_diff *d);

static void text_target(struct text *x, const struct target_result *t)
{
	const struct report_options *o = &x->o;
	char vbuf[32];
	struct audit_summary c;
	const struct finding **sorted = report_sorted_findings(t);
	size_t shown = 0;

	audit_summary_of_target(&c, t);
	x->t = t;
	for (size_t i = 0; i < t->n; i++)
		shown += text_shows(x, sorted[i]);
	if (o->quiet && !shown && !t->error)
		goto out;

	text_on(x, TEXT_BOLD);
	text_put(x, t->name);
	text_off(x, TEXT_BOLD);
	fputs(" (", x->fp);
	fputs(t->kind ? t->kind : "target", x->fp);
	fputs(", ", x->fp);
	fputs(flavor_build_display(t->flavor, t->variant), x->fp);
	if (t->version.major == 0 && t->version.minor == 0) {
		if (t->flavor != FLAVOR_UNKNOWN)
			fputs(" (version unknown)", x->fp);
	} else {
		fputc(' ', x->fp);
		fputs(report_version_text(&t->version, vbuf, sizeof(vbuf)), x->fp);
	}
	fputs(", role ", x->fp);
	fputs(role_name(t->role), x->fp);
	if (t->cluster) {
		/* added (issue 10): the declared cluster fleet rules compare it within */
		fputs(", cluster ", x->fp);
		text_put(x, t->cluster);
	}
	fputs("): ", x->fp);
	if (t->error) {
		fputs("could not be audited", x->fp);
		if (c.findings) {
			fputs("; ", x->fp);
			text_target_tally(x, &c);
		}
	} else {
		text_target_tally(x, &c);
	}
	fputc('\n', x->fp);
	/* what decided the flavor: shown when the files did (or with -v) */
	if (t->flavor_evidence && !o->quiet &&
	    (o->verbose || (t->flavor_source && !strcmp(t->flavor_source, "inferred")))) {
		fputs("  ", x->fp);
		text_on(x, TEXT_DIM);
		fputs("FLAVOR    ", x->fp);   /* %-10s */
		text_off(x, TEXT_DIM);
		fputc(' ', x->fp);
		text_put(x, t->flavor_evidence);
		fputc('\n', x->fp);
	}

	if (t->error) {
		fputs("  ", x->fp);
		text_on(x, TEXT_RED);
		fputs("ERROR     ", x->fp);   /* %-10s */
		text_off(x, TEXT_RED);
		fputc(' ', x->fp);
		text_put(x, t->error);
		fputc('\n', x->fp);
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct finding *f = sorted[i];
		struct explanation e;
		if (!text_shows(x, f))
			continue;
		explain_finding(x->x, t, f, &e);
		if (!o->quiet && (f->status == FINDING_FAIL || f->status == FINDING_UNKNOWN))
			text_finding_full(x, f, &e);
		else
			text_finding_short(x, f, &e);
	}
	if (t->diff)
		text_diff(x, t->diff);
	if (!o->quiet)
		fputc('\n', x->fp);
out:
	free(sorted);
}

/*
 * Added (issue 10): `crashsafe diff`: a "diff against OLD: ..." line, what
 * the NEW target no longer has ("fixed (SEVERITY) RULE: was: ...", in the
 * findings' own "STATUS (SEVERITY) RULE" shape) and the effective values
 * that changed ("changed VARIABLE: OLD (origin) -> NEW (origin)"), after its
 * own findings (which say "(new)" when the change introduced them).
 */
static void text_diff(struct text *x, const struct target_diff *d)
{
	fputs("  ", x->fp);
	text_on(x, TEXT_BOLD);
	fputs("diff", x->fp);
	text_off(x, TEXT_BOLD);
	fputs(" against ", x->fp);
	text_put(x, d->old_name ? d->old_name : "nothing");
	if (d->not_compared) {
		fputs(": not compared: ", x->fp);
		text_put(x, d->not_compared);
		fputc('\n', x->fp);
		return;
	}
	fprintf(x->fp, ": %zu introduced, %zu fixed, %zu unchanged; %zu value%s changed\n", d->introduced, d->nfixed,
		d->unchanged, d->nchanges, d->nchanges == 1 ? "" : "s");
	if (x->o.quiet)
		return;
	for (size_t i = 0; i < d->nfixed; i++) {
		const struct target_diff_fixed *f = &d->fixed[i];
		fputs("  ", x->fp);
		text_on(x, TEXT_GREEN);
		fputs("fixed", x->fp);
		text_off(x, TEXT_GREEN);
		fprintf(x->fp, " (%s) ", report_severity_name(f->severity));
		text_on(x, TEXT_BOLD);
		text_put(x, f->rule_id ? f->rule_id : "");
		if (f->channel) {
			fputs(" [channel ", x->fp);
			text_put(x, f->channel);
			fputc(']', x->fp);
		}
		text_off(x, TEXT_BOLD);
		if (f->message) {
			fputs(": was: ", x->fp);
			text_put(x, f->message);
		}
		fputc('\n', x->fp);
	}
	for (size_t i = 0; i < d->nchanges; i++) {
		const struct target_diff_change *c = &d->changes[i];
		fputs("  ", x->fp);
		text_on(x, TEXT_CYAN);
		fputs("changed", x->fp);
		text_off(x, TEXT_CYAN);
		fputc(' ', x->fp);
		text_put(x, c->variable);
		fputs(": ", x->fp);
		text_put(x, c->old_value ? (*c->old_value ? c->old_value : "''") : "unknown");
		if (c->old_origin) {
			fputs(" (", x->fp);
			text_put(x, c->old_origin);
			fputc(')', x->fp);
		}
		fputs(" -> ", x->fp);
		text_put(x, c->new_value ? (*c->new_value ? c->new_value : "''") : "unknown");
		if (c->new_origin) {
			fputs(" (", x->fp);
			text_put(x, c->new_origin);
			fputc(')', x->fp);
		}
		fputc('\n', x->fp);
	}
}

static void text_summary(struct text *x, const struct audit_summary *all)
{
	text_on(x, TEXT_BOLD);
	fprintf(x->fp, "%zu target%s: ", all->targets, all->targets == 1 ? "" : "s");
	text_off(x, TEXT_BOLD);
	text_on(x, all->by_status[FINDING_FAIL] ? TEXT_RED : NULL);
	fprintf(x->fp, "%zu fail", all->by_status[FINDING_FAIL]);
	text_off(x, all->by_status[FINDING_FAIL] ? TEXT_RED : NULL);
	fprintf(x->fp, " (%zu error, %zu warning, %zu info), %zu could not evaluate, %zu pass, "
		       "%zu not applicable, %zu suppressed",
		all->fail_by_severity[SEV_ERROR], all->fail_by_severity[SEV_WARNING], all->fail_by_severity[SEV_INFO],
		all->by_status[FINDING_UNKNOWN], all->by_status[FINDING_PASS],
		all->by_status[FINDING_NOT_APPLICABLE], all->by_status[FINDING_SUPPRESSED]);
	if (all->targets_not_audited)
		fprintf(x->fp, ", %zu target%s could not be audited", all->targets_not_audited,
			all->targets_not_audited == 1 ? "" : "s");
	fputc('\n', x->fp);
}

static int text_begin(void *state, FILE *fp, const struct report_options *o, const struct report_run *run)
{
	struct text *x = state;
	x->fp = fp;
	x->o = *o;
	x->color = o->color;
	x->x = run->explainer;
	x->fail_on = run->fail_on;
	return ferror(fp) ? -1 : 0;
}

static int text_target_cb(void *state, const struct target_result *t)
{
	struct text *x = state;
	text_target(x, t);
	return ferror(x->fp) ? -1 : 0;
}

static int text_end(void *state, const struct audit_summary *summary)
{
	struct text *x = state;
	text_summary(x, summary);
	return ferror(x->fp) ? -1 : 0;
}

/* Added (issue 13, report.h reads_view): only the explainer reads the view here, for the findings shown. */
static int text_reads_view(void *state, const struct target_result *t)
{
	const struct text *x = state;
	for (size_t i = 0; i < t->n; i++)
		if (text_shows(x, &t->findings[i]))
			return 1;
	return 0;
}

/*
 * Added (issue 13, report.h writes): all but quiet write every target's
 * line; quiet writes a target only when it could not be audited or has a
 * finding text_shows() lists (text_decides_exit()): a failure at or above
 * fail_on, or a could-not-evaluate finding that blocks the audit.
 */
static int text_writes(const struct report_options *o, int fail_on, uint32_t digest)
{
	if (!o->quiet || (digest & (REPORT_DIGEST_ERROR | REPORT_DIGEST_BLOCKING | REPORT_DIGEST_ODD)))
		return 1;
	for (int sev = fail_on > 0 ? fail_on : 0; fail_on && sev <= SEV_ERROR; sev++)
		if (digest & REPORT_DIGEST_OF(FINDING_FAIL, sev))
			return 1;
	return 0;
}

const struct report_writer report_text_writer = {
	.format = REPORT_TEXT,
	.name = "text",
	.state_size = sizeof(struct text),
	.begin = text_begin,
	.target = text_target_cb,
	.end = text_end,
	.reads_view = text_reads_view,
	.writes = text_writes,
};
