/*
 * prom.c - the Prometheus report: the text exposition format (version
 * 0.0.4) that node_exporter's textfile collector reads from *.prom files
 * (https://prometheus.io/docs/instrumenting/exposition_formats/, "Text-based
 * format"; https://github.com/prometheus/node_exporter#textfile-collector).
 * docs/report-formats.md has the metrics:
 *
 *   crashsafe_finding{target,rule,channel,severity,status} 1
 *       one series per distinct label set of the findings that are not a
 *       pass (issue 11): fail, could-not-evaluate, not-applicable and
 *       suppressed, each with its status label, so an alert selects what it
 *       wants (status="fail") and a rule that stopped applying is seen. A
 *       rule with several findings on one target (one per offending line)
 *       is one series; channel is "" for target rules
 *   crashsafe_target_up{target}          1 audited, 0 could not be audited
 *   crashsafe_targets                    targets in the run
 *   crashsafe_last_run_timestamp_seconds when the run was reported (UTC)
 *   crashsafe_run_duration_seconds       how long the run took
 *
 * Each family has its HELP and TYPE lines and all of its samples in one
 * group, as the format requires: finding samples are written as targets
 * stream by; the target_up samples, one short line per target, are kept
 * until the end. Label values are escaped as the format says (backslash,
 * double quote and line feed as \\, \" and \n); bytes that are not UTF-8
 * become U+FFFD, since the format is UTF-8; the other characters a terminal
 * acts on (util.h escape_codepoint_needed) read as util.h's escaping shows
 * them (ESC as the four characters \x1b, written \\x1b), so a label is
 * inert on a terminal, as every report is.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "../auditor/banned.h"

struct prom {
	FILE *fp;
	struct strbuf up;           /* crashsafe_target_up samples, written at the end */
	const struct report_run *run;
};

/* Append s as a label value (without the quotes). */
static void prom_label_value(struct strbuf *sb, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	for (size_t i = 0; i < n;) {
		unsigned long cp;
		size_t len;
		switch (s[i]) {
		case '\\': strbuf_addstr(sb, "\\\\"); i++; continue;
		case '"': strbuf_addstr(sb, "\\\""); i++; continue;
		case '\n': strbuf_addstr(sb, "\\n"); i++; continue;
		default: break;
		}
		len = report_utf8_decode(s + i, n - i, &cp);
		if (len && escape_codepoint_needed(cp)) {
			/* What a terminal acts on: shown as util.h's escaping shows it, its backslash escaped. */
			strbuf_addf(sb, cp < 0x80 ? "\\\\x%02lx" : "\\\\u%04lx", cp);
			i += len;
		} else if (len) {
			strbuf_add(sb, s + i, len);
			i += len;
		} else {
			strbuf_addstr(sb, "\xef\xbf\xbd");
			i++;
		}
	}
}

static void prom_family(FILE *fp, const char *name, const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static int prom_begin(void *state, FILE *fp, const struct report_options *o, const struct report_run *run)
{
	struct prom *p = state;
	p->fp = fp;
	p->run = run;
	strbuf_init(&p->up);
	prom_family(fp, "crashsafe_finding",
		    "A crashsafe finding that is not a pass: failed, could not be evaluated, "
		    "not applicable or suppressed (1 per label set).");
	return ferror(fp) ? -1 : 0;
}

/* The labels that make a finding's series, for sorting out duplicates. */
static int prom_finding_cmp(const void *pa, const void *pb)
{
	const struct finding *a = *(const struct finding *const *)pa;
	const struct finding *b = *(const struct finding *const *)pb;
	int c = strcmp(a->rule_id ? a->rule_id : "", b->rule_id ? b->rule_id : "");
	if (c)
		return c;
	c = strcmp(a->channel ? a->channel : "", b->channel ? b->channel : "");
	if (c)
		return c;
	if (a->severity != b->severity)
		return a->severity < b->severity ? -1 : 1;
	if (a->status != b->status)
		return a->status < b->status ? -1 : 1;
	return 0;
}

static int prom_target(void *state, const struct target_result *t)
{
	struct prom *p = state;
	struct strbuf sb = { 0 }, name = { 0 };
	const struct finding **v = NULL;
	size_t k = 0;

	prom_label_value(&name, t->name);
	if (t->n)
		v = xmalloc(t->n * sizeof(*v));
	for (size_t i = 0; i < t->n; i++)
		if (t->findings[i].status != FINDING_PASS)
			v[k++] = &t->findings[i];
	if (k > 1)
		qsort(v, k, sizeof(*v), prom_finding_cmp);
	for (size_t i = 0; i < k; i++) {
		if (i && !prom_finding_cmp(&v[i - 1], &v[i]))
			continue;   /* one series per label set */
		strbuf_reset(&sb);
		strbuf_addstr(&sb, "crashsafe_finding{target=\"");
		strbuf_addstr(&sb, name.buf ? name.buf : "");
		strbuf_addstr(&sb, "\",rule=\"");
		prom_label_value(&sb, v[i]->rule_id);
		strbuf_addstr(&sb, "\",channel=\"");
		prom_label_value(&sb, v[i]->channel);
		strbuf_addf(&sb, "\",severity=\"%s\",status=\"%s\"} 1\n", report_severity_name(v[i]->severity),
			    report_status_token(v[i]->status));
		fwrite(sb.buf, 1, sb.len, p->fp);
	}
	strbuf_addf(&p->up, "crashsafe_target_up{target=\"%s\"} %d\n", name.buf ? name.buf : "", t->error ? 0 : 1);
	free(v);
	strbuf_release(&sb);
	strbuf_release(&name);
	return ferror(p->fp) ? -1 : 0;
}

static int prom_end(void *state, const struct audit_summary *s)
{
	struct prom *p = state;
	FILE *fp = p->fp;
	prom_family(fp, "crashsafe_target_up", "1 when crashsafe could audit the target, 0 when it could not.");
	if (p->up.len)
		fwrite(p->up.buf, 1, p->up.len, fp);
	strbuf_release(&p->up);
	prom_family(fp, "crashsafe_targets", "Targets in the last crashsafe run.");
	fprintf(fp, "crashsafe_targets %zu\n", s->targets);
	prom_family(fp, "crashsafe_last_run_timestamp_seconds",
		    "When the last crashsafe run wrote its reports, in seconds since the Unix epoch.");
	fprintf(fp, "crashsafe_last_run_timestamp_seconds %.3f\n", p->run->generated);
	prom_family(fp, "crashsafe_run_duration_seconds", "How long the last crashsafe run took, in seconds.");
	fprintf(fp, "crashsafe_run_duration_seconds %.3f\n", p->run->duration);
	return ferror(fp) ? -1 : 0;
}

/* Added (issue 13, report.h reads_view): names, rules and statuses only; no sentence, no view. */
static int prom_reads_view(void *state, const struct target_result *t)
{
	(void)state;
	(void)t;
	return 0;
}

const struct report_writer report_prom_writer = {
	.format = REPORT_PROM,
	.name = "prom",
	.state_size = sizeof(struct prom),
	.begin = prom_begin,
	.target = prom_target,
	.end = prom_end,
	.reads_view = prom_reads_view,
};
