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
 *       <testcase name="RULE-ID[ [channel C]]" classname="crashsafe.TARGET">
 *         fail: <failure type=SEVERITY message=...>details</failure>
 *         unknown: <error type=SEVERITY message=...>details</error>
 *         not applicable, suppressed: <skipped message=REASON/>
 *         pass: <system-out>value and origin</system-out>
 *
 * A target that could not be audited gets one extra testcase named "audit"
 * holding an <error>. No timestamps, host names or durations: two runs over
 * the same input give the same bytes.
 *
 * XML 1.0 cannot carry most control characters, even as references, and
 * libxml2 expects UTF-8: every string is cleaned first, each invalid byte
 * and each character XML forbids becoming U+FFFD.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "report_int.h"
#include "../auditor/banned.h"

/* libxml2 takes const xmlChar *; BAD_CAST would cast the const away. */
#define XC(s) ((const xmlChar *)(s))

/* A copy of s that XML 1.0 accepts. Caller frees. */
static xmlChar *junit_clean(const char *s)
{
	size_t n = strlen(s);
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < n;) {
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
	if (!sb.buf)
		strbuf_addstr(&sb, "");
	return (xmlChar *)strbuf_detach(&sb);
}

struct junit {
	xmlTextWriterPtr w;
	int err;
};

static void junit_check(struct junit *j, int rc)
{
	if (rc < 0)
		j->err = 1;
}

static void junit_start(struct junit *j, const char *name)
{
	junit_check(j, xmlTextWriterStartElement(j->w, XC(name)));
}

static void junit_end(struct junit *j)
{
	junit_check(j, xmlTextWriterEndElement(j->w));
}

static void junit_attr(struct junit *j, const char *name, const char *value)
{
	if (!value)
		return;
	xmlChar *v = junit_clean(value);
	junit_check(j, xmlTextWriterWriteAttribute(j->w, XC(name), v));
	free(v);
}

static void junit_attr_count(struct junit *j, const char *name, size_t value)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%zu", value);
	junit_attr(j, name, buf);
}

static void junit_text(struct junit *j, const char *text)
{
	xmlChar *v = junit_clean(text);
	junit_check(j, xmlTextWriterWriteString(j->w, v));
	free(v);
}

static void junit_property(struct junit *j, const char *name, const char *value)
{
	junit_start(j, "property");
	junit_attr(j, "name", name);
	junit_attr(j, "value", value ? value : "");
	junit_end(j);
}

/* The finding's facts, one "label: value" per line, for an element's body. */
static char *junit_details(const struct finding *f, const char *target)
{
	struct strbuf sb = { 0 };
	char *value = report_value_text(f);
	char *origin = report_origin_text(f);
	const struct {
		const char *label;
		const char *text;
	} lines[] = {
		{ "rule", f->rule_id },
		{ "title", f->title },
		{ "target", target },
		{ "channel", f->channel },
		{ "status", report_status_name(f->status) },
		{ "severity", report_severity_name(f->severity) },
		{ "value", value },
		{ "origin", origin },
		{ "overridden", f->overridden },
		{ "expected", f->expected },
		{ "message", f->message },
		{ "fix", f->fix },
		{ "why", f->why },
		{ "doc", f->doc },
	};
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		if (lines[i].text)
			strbuf_addf(&sb, "%s: %s\n", lines[i].label, lines[i].text);
	free(value);
	free(origin);
	return strbuf_detach(&sb);
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
	char *name = f->channel ? xasprintf("%s [channel %s]", report_rule_id(f), f->channel)
				: xstrdup(report_rule_id(f));
	char *details = junit_details(f, t->name);
	char *line = report_finding_line(f);

	junit_start(j, "testcase");
	junit_attr(j, "name", name);
	junit_attr(j, "classname", classname);
	switch (f->status) {
	case FINDING_FAIL:
		junit_start(j, "failure");
		junit_attr(j, "type", report_severity_name(f->severity));
		junit_attr(j, "message", line);
		junit_text(j, details);
		junit_end(j);
		break;
	case FINDING_UNKNOWN:
		junit_start(j, "error");
		junit_attr(j, "type", report_severity_name(f->severity));
		junit_attr(j, "message", f->message ? f->message : "could not evaluate");
		junit_text(j, details);
		junit_end(j);
		break;
	case FINDING_NOT_APPLICABLE:
	case FINDING_SUPPRESSED: {
		const char *why = f->message ? f->message
				  : f->status == FINDING_SUPPRESSED ? "suppressed" : "not applicable";
		char *msg = f->status == FINDING_SUPPRESSED && strncmp(why, "suppressed", 10)
				    ? xasprintf("suppressed: %s", why) : xstrdup(why);
		junit_start(j, "skipped");
		junit_attr(j, "message", msg);
		junit_end(j);
		free(msg);
		break;
	}
	case FINDING_PASS:
	default:
		junit_start(j, "system-out");
		junit_text(j, details);
		junit_end(j);
		break;
	}
	junit_end(j);
	free(name);
	free(details);
	free(line);
}

static void junit_suite(struct junit *j, const struct target_result *t, size_t index)
{
	char vbuf[32];
	struct report_counts c;
	const struct finding **sorted = report_sorted_findings(t);
	char *classname = junit_classname(t->name);
	size_t audit_error = t->error ? 1 : 0;

	report_count_target(t, &c);
	junit_start(j, "testsuite");
	junit_attr(j, "name", t->name);
	junit_attr_count(j, "tests", c.total + audit_error);
	junit_attr_count(j, "failures", c.by_status[FINDING_FAIL]);
	junit_attr_count(j, "errors", c.by_status[FINDING_UNKNOWN] + audit_error);
	junit_attr_count(j, "skipped", c.by_status[FINDING_NOT_APPLICABLE] + c.by_status[FINDING_SUPPRESSED]);
	junit_attr_count(j, "id", index);
	junit_attr(j, "package", "crashsafe");

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
	junit_end(j);

	if (t->error) {
		junit_start(j, "testcase");
		junit_attr(j, "name", "audit");
		junit_attr(j, "classname", classname);
		junit_start(j, "error");
		junit_attr(j, "type", "audit");
		junit_attr(j, "message", t->error);
		junit_text(j, "the target could not be audited; no rule was checked beyond the findings listed\n");
		junit_end(j);
		junit_end(j);
	}
	for (size_t i = 0; i < t->n; i++)
		junit_testcase(j, t, classname, sorted[i]);
	junit_end(j);
	free(classname);
	free(sorted);
}

int report_junit_write(const struct audit_result *r, const struct report_options *o, FILE *fp)
{
	struct junit j = { 0 };
	size_t tests = 0, failures = 0, errors = 0;
	xmlBufferPtr buf = xmlBufferCreate();
	int rc = -1;

	if (!buf)
		return -1;
	j.w = xmlNewTextWriterMemory(buf, 0);
	if (!j.w) {
		xmlBufferFree(buf);
		return -1;
	}
	for (size_t i = 0; i < r->n; i++) {
		struct report_counts c;
		report_count_target(&r->targets[i], &c);
		tests += c.total + (r->targets[i].error ? 1 : 0);
		failures += c.by_status[FINDING_FAIL];
		errors += c.by_status[FINDING_UNKNOWN] + (r->targets[i].error ? 1 : 0);
	}

	junit_check(&j, xmlTextWriterSetIndent(j.w, 1));
	junit_check(&j, xmlTextWriterSetIndentString(j.w, XC("  ")));
	junit_check(&j, xmlTextWriterStartDocument(j.w, "1.0", "UTF-8", NULL));
	junit_start(&j, "testsuites");
	{
		char *name = xasprintf("crashsafe %s", o && o->command ? o->command : "audit");
		junit_attr(&j, "name", name);
		free(name);
	}
	junit_attr_count(&j, "tests", tests);
	junit_attr_count(&j, "failures", failures);
	junit_attr_count(&j, "errors", errors);
	for (size_t i = 0; i < r->n; i++)
		junit_suite(&j, &r->targets[i], i);
	junit_end(&j);
	junit_check(&j, xmlTextWriterEndDocument(j.w));
	xmlFreeTextWriter(j.w);

	if (!j.err) {
		size_t len = (size_t)xmlBufferLength(buf);
		if (fwrite(xmlBufferContent(buf), 1, len, fp) == len && !ferror(fp))
			rc = 0;
	}
	xmlBufferFree(buf);
	return rc;
}
