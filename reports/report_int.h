/*
 * report_int.h - what the report writers share; internal to reports/.
 *
 * The writers format findings and decide nothing. So that every format
 * shows the same facts in the same order, they take the ordering and the
 * handling of hostile bytes from here, and every sentence from the
 * explainer (auditor/explain.h).
 */
#ifndef CRASHSAFE_REPORT_INT_H
#define CRASHSAFE_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"
#include "../auditor/util.h"

/*
 * The target's findings, worst first: status (fail, unknown, suppressed,
 * not applicable, pass), then severity, then rule id, then channel, then
 * the problem's number, then the engine's order: target_result_sort()'s
 * order (finding.h). The writers do not rely on audit_result_sort() having
 * run (check's report source hands its findings over unsorted). Returns a heap array of t->n pointers (NULL when t->n is 0) that the
 * caller frees; the findings themselves stay owned by the result.
 */
const struct finding **report_sorted_findings(const struct target_result *t);

/*
 * What tells f apart from the other findings of its rule on t, for test
 * case names and fingerprints: the explanation's subject ("channel east",
 * "master_info_repository"), with ", line N" when one target has the same
 * option refused on two lines. Heap string or NULL; the caller frees.
 */
char *report_case_subject(const struct target_result *t, const struct finding *f, const struct explanation *e);
/* Nonzero when another finding of f's rule on t is about a refused line of the same option. */
int report_subject_repeats(const struct target_result *t, const struct finding *f);
/*
 * What was found, said once (explanation_found), without the leading
 * "could not evaluate: " that the status already says; for a suppressed
 * finding, what it was before. Heap string or NULL; the caller frees.
 */
char *report_found(const struct finding *f, const struct explanation *e);

/* severity_name(), or "none" for a value outside the enum. */
const char *report_severity_name(enum severity s);
/* finding_status_name(), or "unknown" for a value outside the enum. */
const char *report_status_name(enum finding_status s);
/* finding_status_token(), or "unknown" for a value outside the enum. */
const char *report_status_token(enum finding_status s);
/* The origin's source as a word: "default", "file", "snapshot", "live". */
const char *report_source_name(enum settings_source s);

/*
 * Added (issue 11, --timestamp): t (seconds since the epoch) as ISO 8601
 * UTC, "2026-11-29T17:14:31Z", or with millis "2026-11-29T17:14:31.250Z".
 * Writes into buf (at least 32 bytes) and returns it.
 */
const char *report_time_iso(double t, int millis, char *buf, size_t size);

/*
 * Templates of a finding's report bytes, made once per kept explanation
 * (explanation.kept, explain.h; issue 13: the JSON and JUnit writers), with
 * holes where each target's name goes. A writer's template struct begins
 * with this head: what both writers check before using one.
 */
struct report_tmpl_head {
	const struct explain_full *kept;   /* NULL: an empty slot */
	unsigned char refused;             /* no template: written member by member */
	unsigned char nholes;
	unsigned tag;                      /* the finding's severity << 8 | status */
	const char *rule_id, *title, *expected, *why, *doc;   /* what it was made with */
};

enum report_tmpl_state {
	REPORT_TMPL_NONE,   /* no template: write the finding member by member */
	REPORT_TMPL_USE,    /* a template made with the same rule, texts, severity and status */
	REPORT_TMPL_MAKE,   /* a new slot for e->kept (kept set, refused 1): make it, or leave it refused */
};

/*
 * The slot for finding f, explained as e (e->kept non-NULL), in a writer's
 * open-addressing table of (1 << bits) slots of slot_size bytes, each
 * beginning with a struct report_tmpl_head (*table: xcalloc()ed at the first
 * call; *used: the slots taken). plain: the target's name goes out as it is;
 * rule_id: the rule id the writer writes. NULL with REPORT_TMPL_NONE when
 * the finding has a part templates do not hold (a channel, a subject, an
 * overridden value, a cause), the name is not plain, the slot's template was
 * made with another identity or refused, or the table is three quarters
 * full; else the slot, with *state REPORT_TMPL_USE or REPORT_TMPL_MAKE.
 */
static inline void *report_tmpl_slot(void **table, size_t slot_size, unsigned bits, size_t *used, int plain,
				     const char *rule_id, const struct finding *f, const struct explanation *e,
				     enum report_tmpl_state *state)
{
	size_t nslots = (size_t)1 << bits, mask = nslots - 1;
	unsigned tag = (unsigned)f->severity << 8 | (unsigned)f->status;
	*state = REPORT_TMPL_NONE;
	if (!plain || f->channel || e->subject || e->overridden || e->cause_rule || e->cause.file)
		return NULL;
	if (!*table)
		*table = xcalloc(nslots, slot_size);
	size_t at = (size_t)(((uint64_t)(uintptr_t)e->kept * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
	struct report_tmpl_head *h = (struct report_tmpl_head *)((char *)*table + at * slot_size);
	while (h->kept && h->kept != e->kept) {
		at = (at + 1) & mask;
		h = (struct report_tmpl_head *)((char *)*table + at * slot_size);
	}
	if (h->kept) {
		if (h->refused || h->rule_id != rule_id || h->title != e->title || h->expected != e->expected ||
		    h->why != e->why || h->doc != e->doc || h->tag != tag)
			return NULL;
		*state = REPORT_TMPL_USE;
		return h;
	}
	if (4 * (*used + 1) > 3 * nslots)
		return NULL;
	(*used)++;
	h->kept = e->kept;
	h->refused = 1;
	*state = REPORT_TMPL_MAKE;
	return h;
}

/* Record in h what its template was made with (the identity report_tmpl_slot() checks). */
static inline void report_tmpl_seal(struct report_tmpl_head *h, const char *rule_id, const struct finding *f,
				    const struct explanation *e)
{
	h->tag = (unsigned)f->severity << 8 | (unsigned)f->status;
	h->rule_id = rule_id;
	h->title = e->title;
	h->expected = e->expected;
	h->why = e->why;
	h->doc = e->doc;
}

/* "8.4", "10.11.6", or "unknown" when the version is 0.0 (never learned). */
const char *report_version_text(const struct version *v, char *buf, unsigned size);

/*
 * Decode one UTF-8 character at s (n bytes available). Returns its length
 * (1-4) and stores the code point in *cp, or returns 0 when the bytes there
 * are not valid UTF-8 (truncated, overlong, surrogate, above U+10FFFF).
 */
size_t report_utf8_decode(const char *s, size_t n, unsigned long *cp);

/* ---- the JSON emitter shared by the JSON and SARIF writers (json.c) ---- */

#define JSONW_MAX_DEPTH 32

/*
 * A pretty-printing JSON writer (two-space indent, one member per line).
 * Strings are escaped per RFC 8259; bytes that are not valid UTF-8 become
 * U+FFFD; U+2028 and U+2029 are escaped too. Errors stick: check
 * jsonw_finish().
 *
 * Output is gathered in the writer's own buffer and handed to fp in large
 * writes (issue 13: one stdio call per character or piece was 39% of a
 * JSON report's time): nothing reaches fp before jsonw_flush() or
 * jsonw_finish(), or when the buffer is full. The buffer is the writer's
 * own JSONW_BUF bytes until jsonw_grow() gives it a larger one.
 */
#define JSONW_BUF 32768
struct jsonw {
	FILE *fp;
	int depth;
	int has_items[JSONW_MAX_DEPTH];
	int overflow;
	size_t len;                  /* bytes waiting in buf */
	char *buf;                   /* own, or a larger one from jsonw_grow() */
	size_t cap;                  /* buf's bytes */
	char own[JSONW_BUF];
};

void jsonw_init(struct jsonw *w, FILE *fp);
/*
 * Added (issue 13, json7): a buffer of cap bytes from now on (what waits
 * is handed to fp first), for reports of many targets: the kernel takes
 * 256 KB writes for less system time than 32 KB ones (10,000 files JSON,
 * 823 MB: 0.21-0.27 s instead of 0.30-0.36 s). Freed by jsonw_finish(),
 * which must then be called. Nothing when the buffer has cap bytes already.
 */
void jsonw_grow(struct jsonw *w, size_t cap);
/* Open an object or array; key is the member name inside an object, NULL inside an array or at top level. */
void jsonw_open(struct jsonw *w, const char *key, char bracket);
void jsonw_close(struct jsonw *w, char bracket);
/* A string member or element; NULL writes null. */
void jsonw_str(struct jsonw *w, const char *key, const char *value);
void jsonw_uint(struct jsonw *w, const char *key, unsigned long long value);
void jsonw_int(struct jsonw *w, const char *key, long long value);
void jsonw_bool(struct jsonw *w, const char *key, int value);
/* A number with three decimals (seconds: "1.250"). Added (issue 11). */
void jsonw_seconds(struct jsonw *w, const char *key, double value);
void jsonw_null(struct jsonw *w, const char *key);
/*
 * Added (issue 13): bytes the caller spells itself, a member's separator,
 * indentation and key ("," "\n      " "\"key\": "), which must be right for
 * the current depth (the caller knows its document's shape); the current
 * container then has items. jsonw_value_of() writes the member's value
 * after it: the string escaped, or null.
 */
void jsonw_raw(struct jsonw *w, const char *s, size_t n);
void jsonw_value_of(struct jsonw *w, const char *value);
/* Ends the document with a newline and flushes. Returns 0, or -1 on an I/O error or misuse. */
int jsonw_finish(struct jsonw *w);
/* Hand what is buffered to fp (after each target, so that memory stays flat). */
void jsonw_flush(struct jsonw *w);

/*
 * Added (issue 13, for tests/unit/test_reports.c): the bytes the JUnit
 * writer writes for s: cleaned for XML 1.0, then escaped as an attribute
 * value (what goes between the quotes) when attr is nonzero, else as text,
 * with what libxml2 writes in place of each byte it replaces (junit.c
 * says how). Returns 0 and a heap string in *out, or -1 when libxml2
 * reports an error.
 */
int report_junit_escape(const char *s, int attr, char **out);

#endif
