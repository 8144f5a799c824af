/*
 * junit.c - the JUnit XML report, written with libxml2's xmlTextWriter so
 * that escaping and encoding are right by construction. It validates
 * against ../shared/schemas/junit-10.xsd; docs/report-formats.md has the
 * mapping:
 *
 *   <testsuites name="crashsafe CMD" tests failures errors>
 *     <testsuite name=TARGET tests failures errors skipped id package>
 *       <properties> flavor, build, version, flavor_source (and
 *                    flavor_evidence), role, kind (and error) </properties>
 *       <testcase name="RULE-ID[ [SUBJECT]]" classname="crashsafe.TARGET">
 *         fail: <failure type=SEVERITY message=...>details</failure>
 *         could not evaluate: <error type=SEVERITY message="could not evaluate: ...">details</error>
 *         not applicable, suppressed: <skipped message="not applicable: REASON"/>
 *                                     (or "suppressed: ...")
 *         pass: <system-out>value and origin</system-out>
 *
 * A target that could not be audited gets one extra testcase named "audit"
 * holding an <error>. No timestamps, host names or durations: two runs over
 * the same input give the same bytes.
 *
 * XML 1.0 cannot carry most control characters, even as references, and
 * libxml2 expects UTF-8: every string is cleaned first, each invalid byte
 * and each character XML forbids becoming U+FFFD.
 *
 * libxml2 escapes (DESIGN.md). A string in which libxml2's escaping would
 * change no byte is handed to it as it is (issue 13: the escaping copies
 * were a third of a JUnit report): text without '<', '>', '&', '"' or CR
 * (the bytes xmlEncodeSpecialChars() replaces) goes through
 * xmlTextWriterWriteRawLen(), which is what xmlTextWriterWriteString()
 * itself calls with the escaped copy; an attribute value of printable
 * ASCII without those (libxml2's attribute serializer also replaces TAB,
 * LF and every byte from 0x80) goes between xmlTextWriterStartAttribute()
 * and xmlTextWriterEndAttribute(), as xmlTextWriterWriteAttribute() does.
 * Every other attribute value goes to xmlTextWriterWriteAttribute() as
 * before; every other text in runs: the bytes between those libxml2
 * replaces as they are, each byte it replaces handed to
 * xmlTextWriterWriteString() alone (xmlEncodeSpecialChars() replaces byte
 * by byte, so the pieces make the same bytes as the whole).
 * tests/unit/test_reports.c compares both ways over every byte.
 */
#include "report.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "report_int.h"
#include "../auditor/banned.h"

/* libxml2 takes const xmlChar *; BAD_CAST would cast the const away. */
#define XC(s) ((const xmlChar *)(s))

/* What a byte asks of the writer (junit_scan()). */
enum {
	JUNIT_CLEAN = 1,      /* XML 1.0 may refuse it: junit_clean() decides */
	JUNIT_ESC_TEXT = 2,   /* xmlEncodeSpecialChars() replaces it */
	JUNIT_ESC_ATTR = 4,   /* libxml2's attribute serializer replaces it */
};

static unsigned junit_byte_class(unsigned char c)
{
	if (c >= 0x80)
		return JUNIT_CLEAN | JUNIT_ESC_ATTR;
	if (c == '\t' || c == '\n')
		return JUNIT_ESC_ATTR;
	if (c == '\r')
		return JUNIT_ESC_TEXT | JUNIT_ESC_ATTR;
	if (c < 0x20)
		return JUNIT_CLEAN;
	if (c == '<' || c == '>' || c == '&' || c == '"')
		return JUNIT_ESC_TEXT | JUNIT_ESC_ATTR;
	return 0;
}

/* A copy of s that XML 1.0 accepts. Caller frees. */
static xmlChar *junit_clean(const char *s)
{
	size_t n = strlen(s);
	struct strbuf sb = { 0 };
	ARRAY_GROW(sb.buf, n + 1, sb.cap);
	for (size_t i = 0; i < n;) {
		/* Printable ASCII, tab, newline and carriage return go as one run (issue 13). */
		size_t run = i;
		while (run < n && (((unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x80) ||
				   s[run] == '\t' || s[run] == '\n' || s[run] == '\r'))
			run++;
		if (run > i) {
			strbuf_add(&sb, s + i, run - i);
			i = run;
			continue;
		}
		unsigned long cp;
		size_t len = report_utf8_decode(s + i, n - i, &cp);
		int allowed = len && (cp == 0x9 || cp == 0xa || cp == 0xd ||
				      (cp >= 0x20 && cp <= 0xfffd && cp != 0xfffe) || cp >= 0x10000);
		if (allowed) {
			strbuf_add(&sb, s + i, len);
			i += len;
		} else {
			strbuf_addstr(&sb, "\xef\xbf\xbd");
			i += len ? len : 1;
		}
	}
	if (!sb.len)
		strbuf_addstr(&sb, "");
	return (xmlChar *)strbuf_detach(&sb);
}

struct junit {
	xmlTextWriterPtr w;
	int err;
	FILE *out;            /* the report's stream */
	FILE *sink;           /* where the writer writes: out, or the spool */
	FILE *spool;          /* the targets, while the totals are not known yet; else NULL */
	long spool_body;      /* offset in the spool where the header ends */
	const char *command;
	struct explainer *x;
	size_t index;         /* the next testsuite's id */
	const struct report_run *run;   /* for --timestamp */
	unsigned char byte_class[256];  /* junit_byte_class() of every byte */
	struct strbuf details;          /* a testcase's details, reused */
};

/*
 * The classes of s's bytes, or-ed; its length into *len. Eight bytes at a
 * time while none is below 0x20, from 0x80, '<', '>', '&' or '"' (each
 * test exact as to whether there is one: issue 13), else byte by byte.
 */
static unsigned junit_scan(const struct junit *j, const char *s, size_t *len)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	unsigned acc = 0;
	size_t n = strlen(s), i = 0;
	while (i + 8 <= n) {
		uint64_t x, lt, gt, amp, quot;
		memcpy(&x, s + i, 8);
		lt = x ^ (ones * '<');
		gt = x ^ (ones * '>');
		amp = x ^ (ones * '&');
		quot = x ^ (ones * '"');
		/* lt, gt, amp and quot have x's high bits; x's own are the bytes from 0x80 */
		if (((((x - ones * 0x20) | (lt - ones) | (gt - ones) | (amp - ones) | (quot - ones)) & ~x) | x) & highs) {
			for (size_t k = i; k < i + 8; k++)
				acc |= j->byte_class[(unsigned char)s[k]];
		}
		i += 8;
	}
	for (; i < n; i++)
		acc |= j->byte_class[(unsigned char)s[i]];
	*len = n;
	return acc;
}

/*
 * s as XML 1.0 accepts it: s itself, or a cleaned copy left in *copy for
 * the caller to free; its byte classes into *cls and its length into *len.
 */
static const char *junit_accepted(const struct junit *j, const char *s, xmlChar **copy, unsigned *cls,
				  size_t *len)
{
	*copy = NULL;
	*cls = junit_scan(j, s, len);
	if (!(*cls & JUNIT_CLEAN))
		return s;
	*copy = junit_clean(s);
	*cls = junit_scan(j, (const char *)*copy, len);
	return (const char *)*copy;
}

static int junit_sink_write(void *ctx, const char *buf, int len)
{
	struct junit *j = ctx;
	if (len > 0 && fwrite(buf, 1, (size_t)len, j->sink) != (size_t)len)
		return -1;
	return len;
}

/* libxml2 prints I/O errors on stderr by itself; the caller reports a failed write once. */
static void junit_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static int junit_sink_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static void junit_check(struct junit *j, int rc)
{
	if (rc < 0)
		j->err = 1;
}

static void junit_start(struct junit *j, const char *name)
{
	junit_check(j, xmlTextWriterStartElement(j->w, XC(name)));
}

static void junit_end_element(struct junit *j)
{
	junit_check(j, xmlTextWriterEndElement(j->w));
}

static void junit_attr(struct junit *j, const char *name, const char *value)
{
	xmlChar *copy;
	unsigned cls;
	size_t len;
	if (!value)
		return;
	const char *v = junit_accepted(j, value, &copy, &cls, &len);
	if ((cls & JUNIT_ESC_ATTR) || len > INT_MAX) {
		junit_check(j, xmlTextWriterWriteAttribute(j->w, XC(name), XC(v)));
	} else {
		junit_check(j, xmlTextWriterStartAttribute(j->w, XC(name)));
		junit_check(j, xmlTextWriterWriteRawLen(j->w, XC(v), (int)len));
		junit_check(j, xmlTextWriterEndAttribute(j->w));
	}
	free(copy);
}

static void junit_attr_count(struct junit *j, const char *name, size_t value)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%zu", value);
	junit_attr(j, name, buf);
}

static void junit_text(struct junit *j, const char *text)
{
	xmlChar *copy;
	unsigned cls;
	size_t len;
	const char *v = junit_accepted(j, text, &copy, &cls, &len);
	if (len > INT_MAX) {
		junit_check(j, xmlTextWriterWriteString(j->w, XC(v)));
	} else if (!(cls & JUNIT_ESC_TEXT)) {
		junit_check(j, xmlTextWriterWriteRawLen(j->w, XC(v), (int)len));
	} else {
		/*
		 * xmlEncodeSpecialChars() replaces byte by byte: the runs between
		 * the bytes it replaces go as they are, each such byte through it
		 * (a whole long text through it cost 25,000 instructions).
		 */
		size_t i = 0;
		while (i < len) {
			size_t run = i;
			while (run < len && !(j->byte_class[(unsigned char)v[run]] & JUNIT_ESC_TEXT))
				run++;
			if (run > i)
				junit_check(j, xmlTextWriterWriteRawLen(j->w, XC(v + i), (int)(run - i)));
			if (run < len) {
				char one[2] = { v[run], '\0' };
				junit_check(j, xmlTextWriterWriteString(j->w, XC(one)));
				run++;
			}
			i = run;
		}
	}
	free(copy);
}

int report_junit_put(void *writer, const char *attr, const char *s)
{
	struct junit j;
	memset(&j, 0, sizeof(j));
	j.w = writer;
	for (unsigned c = 0; c < 256; c++)
		j.byte_class[c] = (unsigned char)junit_byte_class((unsigned char)c);
	if (attr)
		junit_attr(&j, attr, s);
	else
		junit_text(&j, s);
	return j.err ? -1 : 0;
}

static void junit_property(struct junit *j, const char *name, const char *value)
{
	junit_start(j, "property");
	junit_attr(j, "name", name);
	junit_attr(j, "value", value ? value : "");
	junit_end_element(j);
}

/* The finding's facts, one "label: value" per line, for an element's body. */
static const char *junit_details(struct strbuf *sb, const struct finding *f, const struct explanation *e,
				 const char *target)
{
	char *value = explanation_value_text(e);
	const struct {
		const char *label;
		const char *text;
	} lines[] = {
		{ "rule", e->rule_id },
		{ "title", e->title },
		{ "target", target },
		{ "channel", f->channel },
		{ "status", report_status_name(f->status) },
		{ "severity", report_severity_name(f->severity) },
		{ "value", value },
		{ "origin", e->origin_text },
		{ "overridden", e->overridden },
		{ "expected", e->expected },
		{ "message", e->message },
		{ "fix", e->fix },
		{ "why", e->why },
		{ "doc", e->doc },
	};
	strbuf_reset(sb);
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		if (!lines[i].text)
			continue;
		strbuf_addstr(sb, lines[i].label);
		strbuf_add(sb, ": ", 2);
		strbuf_addstr(sb, lines[i].text);
		strbuf_addch(sb, '\n');
	}
	free(value);
	return sb->buf ? sb->buf : "";
}

static char *junit_classname(const char *target)
{
	/*
	 * Jenkins splits a classname at its last dot into package and class;
	 * dots in the target become underscores so that the package stays
	 * "crashsafe" and the whole target is the class.
	 */
	char *s = xasprintf("crashsafe.%s", target);
	for (char *p = s + strlen("crashsafe."); *p; p++)
		if (*p == '.')
			*p = '_';
	return s;
}

static void junit_testcase(struct junit *j, const struct target_result *t, const char *classname,
			   const struct finding *f)
{
	struct explanation e;
	explain_finding(j->x, t, f, &e);
	char *subject = report_case_subject(t, f, &e);
	char *name = subject ? xasprintf("%s [%s]", e.rule_id, subject) : xstrdup(e.rule_id);
	free(subject);
	/* the details and the one-line message only where they are written (issue 13) */
	int detailed = f->status != FINDING_NOT_APPLICABLE && f->status != FINDING_SUPPRESSED;
	/* into the writer's own buffer, reused from finding to finding (issue 13) */
	const char *details = detailed ? junit_details(&j->details, f, &e, t->name) : NULL;
	char *line = f->status == FINDING_FAIL ? explanation_line(&e) : NULL;

	junit_start(j, "testcase");
	junit_attr(j, "name", name);
	junit_attr(j, "classname", classname);
	switch (f->status) {
	case FINDING_FAIL:
		junit_start(j, "failure");
		junit_attr(j, "type", report_severity_name(f->severity));
		junit_attr(j, "message", line);
		junit_text(j, details);
		junit_end_element(j);
		break;
	case FINDING_UNKNOWN:
		junit_start(j, "error");
		junit_attr(j, "type", report_severity_name(f->severity));
		junit_attr(j, "message", e.message ? e.message : "could not evaluate");
		junit_text(j, details);
		junit_end_element(j);
		break;
	case FINDING_NOT_APPLICABLE:
	case FINDING_SUPPRESSED: {
		const char *why = e.message ? e.message
				  : f->status == FINDING_SUPPRESSED ? "suppressed" : "not applicable";
		/* the status's name first, as in the text report: "not applicable: role is primary" */
		const char *word = report_status_name(f->status);
		char *msg = strncmp(why, word, strlen(word)) ? xasprintf("%s: %s", word, why) : xstrdup(why);
		junit_start(j, "skipped");
		junit_attr(j, "message", msg);
		junit_end_element(j);
		free(msg);
		break;
	}
	case FINDING_PASS:
	default:
		junit_start(j, "system-out");
		junit_text(j, details);
		junit_end_element(j);
		break;
	}
	junit_end_element(j);
	free(name);
	free(line);
}

static void junit_suite(struct junit *j, const struct target_result *t, size_t index)
{
	char vbuf[32];
	struct audit_summary c;
	const struct finding **sorted = report_sorted_findings(t);
	char *classname = junit_classname(t->name);
	size_t audit_error = t->error ? 1 : 0;

	audit_summary_of_target(&c, t);
	junit_start(j, "testsuite");
	junit_attr(j, "name", t->name);
	junit_attr_count(j, "tests", c.findings + audit_error);
	junit_attr_count(j, "failures", c.by_status[FINDING_FAIL]);
	junit_attr_count(j, "errors", c.by_status[FINDING_UNKNOWN] + audit_error);
	junit_attr_count(j, "skipped", c.by_status[FINDING_NOT_APPLICABLE] + c.by_status[FINDING_SUPPRESSED]);
	junit_attr_count(j, "id", index);
	junit_attr(j, "package", "crashsafe");
	if (j->run->timestamp) {
		char when[40];
		junit_attr(j, "timestamp", report_time_iso(j->run->generated, 0, when, sizeof(when)));
	}

	junit_start(j, "properties");
	junit_property(j, "flavor", flavor_name(t->flavor));
	junit_property(j, "build", flavor_variant_name(t->variant));
	junit_property(j, "version", report_version_text(&t->version, vbuf, sizeof(vbuf)));
	if (t->flavor_source)
		junit_property(j, "flavor_source", t->flavor_source);
	if (t->flavor_evidence)
		junit_property(j, "flavor_evidence", t->flavor_evidence);
	junit_property(j, "role", role_name(t->role));
	junit_property(j, "kind", t->kind);
	if (t->error)
		junit_property(j, "error", t->error);
	if (j->run->timestamp)
		junit_property(j, "crashsafe_version", j->run->tool_version);
	junit_end_element(j);

	if (t->error) {
		junit_start(j, "testcase");
		junit_attr(j, "name", "audit");
		junit_attr(j, "classname", classname);
		junit_start(j, "error");
		junit_attr(j, "type", "audit");
		junit_attr(j, "message", t->error);
		junit_text(j, "the target could not be audited; no rule was checked beyond the findings listed\n");
		junit_end_element(j);
		junit_end_element(j);
	}
	for (size_t i = 0; i < t->n; i++)
		junit_testcase(j, t, classname, sorted[i]);
	junit_end_element(j);
	free(classname);
	free(sorted);
}

/* Totals of <testsuites>: tests, failures, errors. */
static void junit_totals(struct junit *j, const struct audit_summary *s)
{
	junit_attr_count(j, "tests", s->findings + s->targets_not_audited);
	junit_attr_count(j, "failures", s->by_status[FINDING_FAIL]);
	junit_attr_count(j, "errors", s->by_status[FINDING_UNKNOWN] + s->targets_not_audited);
}

/* The XML declaration and <testsuites name=... [totals]: up to, not including, the '>'. */
static void junit_header(struct junit *j, const struct audit_summary *totals)
{
	junit_check(j, xmlTextWriterSetIndent(j->w, 1));
	junit_check(j, xmlTextWriterSetIndentString(j->w, XC("  ")));
	junit_check(j, xmlTextWriterStartDocument(j->w, "1.0", "UTF-8", NULL));
	junit_start(j, "testsuites");
	char *name = xasprintf("crashsafe %s", j->command ? j->command : "audit");
	junit_attr(j, "name", name);
	free(name);
	if (totals)
		junit_totals(j, totals);
	if (j->run && j->run->timestamp) {
		char secs[32];
		snprintf(secs, sizeof(secs), "%.3f", j->run->duration);
		junit_attr(j, "time", secs);
	}
	junit_check(j, xmlTextWriterFlush(j->w));
}

static xmlTextWriterPtr junit_writer_new(struct junit *j)
{
	xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(junit_sink_write, junit_sink_close, j, NULL);
	if (!ob)
		return NULL;
	xmlTextWriterPtr w = xmlNewTextWriter(ob);
	if (!w)
		xmlOutputBufferClose(ob);
	return w;
}

static int junit_begin(void *state, FILE *fp, const struct report_options *o, const struct report_run *run)
{
	struct junit *j = state;
	j->out = fp;
	j->command = run->command;
	j->run = run;
	for (unsigned c = 0; c < 256; c++)
		j->byte_class[c] = (unsigned char)junit_byte_class((unsigned char)c);
	xmlSetGenericErrorFunc(NULL, junit_quiet);
	j->x = run->explainer;
	if (run->totals) {
		j->sink = fp;
	} else {
		/* Totals come first in the document: spool the targets until they are known. */
		j->spool = tmpfile();
		if (!j->spool) {
			j->err = 1;
			return -1;
		}
		j->sink = j->spool;
	}
	j->w = junit_writer_new(j);
	if (!j->w) {
		j->err = 1;
		return -1;
	}
	junit_header(j, run->totals);
	if (j->spool)
		j->spool_body = ftell(j->spool);
	return j->err ? -1 : 0;
}

static int junit_target(void *state, const struct target_result *t)
{
	struct junit *j = state;
	if (j->err)
		return -1;
	junit_suite(j, t, j->index++);
	junit_check(j, xmlTextWriterFlush(j->w));
	return j->err ? -1 : 0;
}

/* The spooled report: a header with the totals, then the spool after its own header. */
static int junit_unspool(struct junit *j, const struct audit_summary *totals)
{
	char buf[8192];
	size_t n;
	j->sink = j->out;
	xmlTextWriterPtr body = j->w;
	j->w = junit_writer_new(j);
	if (!j->w)
		return -1;
	junit_header(j, totals);
	xmlFreeTextWriter(j->w);
	j->w = body;
	if (fflush(j->spool) || fseek(j->spool, j->spool_body, SEEK_SET))
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), j->spool)) > 0)
		if (fwrite(buf, 1, n, j->out) != n)
			return -1;
	return ferror(j->spool) ? -1 : 0;
}

static int junit_end(void *state, const struct audit_summary *summary)
{
	struct junit *j = state;
	if (j->w) {
		junit_end_element(j);
		junit_check(j, xmlTextWriterEndDocument(j->w));
		xmlFreeTextWriter(j->w);   /* flushes into the sink */
		j->w = NULL;
	}
	if (j->spool) {
		if (!j->err && junit_unspool(j, summary))
			j->err = 1;
		fclose(j->spool);
		j->spool = NULL;
	}
	if (ferror(j->out))
		j->err = 1;
	xmlSetGenericErrorFunc(NULL, NULL);
	strbuf_release(&j->details);
	return j->err ? -1 : 0;
}

const struct report_writer report_junit_writer = {
	.format = REPORT_JUNIT,
	.name = "junit",
	.state_size = sizeof(struct junit),
	.begin = junit_begin,
	.target = junit_target,
	.end = junit_end,
};
