/*
 * junit.c - the JUnit XML report; libxml2 escapes and encodes, so that
 * escaping is right by construction (below). It validates
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
 * libxml2 escapes (DESIGN.md) and writes the document: the declaration and
 * <testsuites> through its xmlTextWriter calls, each <testsuite> as one
 * piece through xmlTextWriterWriteRawLen() (issue 13: a call into the
 * writer per element, attribute and string was two thirds of a JUnit
 * report). junit.c assembles that piece with the indentation the
 * xmlTextWriter gives (two spaces a level, "/>" for an empty element, an
 * end tag right after text) and every escaped byte from libxml2: at the
 * start of a report, libxml2's own xmlTextWriterWriteString() and
 * xmlTextWriterWriteAttribute() are asked, on a memory writer set up as
 * the report's (UTF-8), what they write for each ASCII byte they replace
 * (both replace byte by byte); a string is copied as it is when libxml2
 * would change none of its bytes, with those answers in place of the
 * bytes it would replace, and an attribute value with a byte from 0x80
 * goes to that memory writer's xmlTextWriterWriteAttribute() whole.
 * tests/unit/test_reports.c compares the result with libxml2's own calls
 * over every byte.
 */
#include "report.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* The most an escape of one byte is ("&quot;", "&#13;"): room in the tables below. */
#define JUNIT_ESC_MAX 8
/* Bytes for the sink gathered into writes this large (issue 13: libxml2 hands them over 4,000 at a time). */
#define JUNIT_SINK_BUF 65536

/*
 * A rule's texts (title, expected, why, doc) come back in the details of
 * every finding of the rule that has details: each is cleaned and escaped
 * once and its bytes copied afterwards (issue 13: they were three quarters
 * of the bytes looked at). A slot is found by the text's address and used
 * only when the bytes there are still those it was made from. Fixed room:
 * when it is full, texts are cleaned and escaped each time.
 */
#define JUNIT_CACHE_BITS 9
#define JUNIT_CACHE_SLOTS (1u << JUNIT_CACHE_BITS)
#define JUNIT_CACHE_BYTES (512 * 1024)

struct junit_cached {
	const char *src;   /* the text's address; NULL: empty slot */
	size_t off;        /* in cache_bytes: the text, then what is written for it */
	size_t raw_len, out_len;
};

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
	size_t suites;        /* testsuites handed to w */
	const struct report_run *run;   /* for --timestamp */
	unsigned char byte_class[256];  /* junit_byte_class() of every byte */
	/* what libxml2 writes for each ASCII byte it replaces, in text and in an attribute value (junit_escapes()) */
	char text_esc[128][JUNIT_ESC_MAX];
	unsigned char text_esc_len[128];
	char attr_esc[128][JUNIT_ESC_MAX];
	unsigned char attr_esc_len[128];
	/* libxml2's attribute escaping for values with bytes from 0x80: an element open on a memory writer */
	xmlBufferPtr attr_mem;
	xmlTextWriterPtr attr_writer;
	/* the testsuite being assembled */
	char *suite;
	size_t suite_len, suite_cap;
	char *classname;      /* the testsuite's classname attribute, escaped */
	size_t classname_len;
	size_t sink_len;
	char sink_buf[JUNIT_SINK_BUF];
	struct junit_cached cache[JUNIT_CACHE_SLOTS];
	size_t cache_slots_used;   /* at most three quarters */
	size_t cache_used;
	char cache_bytes[JUNIT_CACHE_BYTES];
	/* testcases per kept explanation (junit_tmpl_find()) */
	struct junit_tmpl *tmpl;   /* JUNIT_TMPL_SLOTS, or NULL before the first */
	size_t tmpl_n;
	char *tmpl_bytes;
	size_t tmpl_used, tmpl_cap;
	int tname_plain;           /* the target's name goes out as it is, and is its view's name */
};

/*
 * Testcases of findings explained from a kept whole explanation (explain.h
 * explanation.kept; nine of ten findings of a fleet's report) are the
 * same bytes for every target but for the target's name, which stands in
 * them where the explanation and the details have it, and the testsuite's
 * classname (issue 13, json7: as the JSON writer's json_tmpl). They are
 * made once per kept explanation with the places of both, and used when
 * the finding's rule id, title, severity, status, expected, why and doc
 * are those they were made with (the same addresses). Only for targets
 * whose name is its view's, not empty, and has no byte the writer cleans
 * or escapes (junit_byte_class() 0): the bytes around such a name are
 * cleaned and escaped as they would be without it (and no text is empty
 * for one target and not for another); not for a skipped testcase whose
 * message starts with the name (whether the status's name goes first
 * depends on what the message starts with). A template is made by writing the
 * testcase again with marks in place of the name and the classname
 * (explain_kept_fill()); it is kept only when putting the name and the
 * classname in gives the testcase's bytes back. Fixed room, as the JSON
 * writer's; the explainer leaves a kept explanation's texts to the writer
 * (explainer.kept_lazy).
 */
#define JUNIT_TMPL_BITS 12
#define JUNIT_TMPL_SLOTS (1u << JUNIT_TMPL_BITS)
#define JUNIT_TMPL_HOLES 16
#define JUNIT_TMPL_MAX_BYTES (8u << 20)
#define JUNIT_TMPL_NAME "{{crashsafe-json7-name}}"
#define JUNIT_TMPL_CLASS "{{crashsafe-json7-class}}"

struct junit_tmpl {
	struct report_tmpl_head h;         /* its identity (report_int.h) */
	uint32_t off, len;                 /* its bytes in junit.tmpl_bytes, without the name */
	uint32_t hole[JUNIT_TMPL_HOLES];   /* where the name or the classname goes, as offsets into them */
	uint32_t class_holes;              /* bit k: hole k takes the classname */
};

/*
 * The classes of s's bytes, or-ed; its length into *len. Sixteen bytes at a
 * time where the compiler offers SSE2, each class exact for the block
 * (issue 13), else eight bytes at a time while none is below 0x20, from
 * 0x80, '<', '>', '&' or '"', else byte by byte.
 */
static unsigned junit_scan(const struct junit *j, const char *s, size_t *len)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	unsigned acc = 0;
	size_t n = strlen(s), i = 0;
#if defined(__SSE2__)
	const __m128i below = _mm_set1_epi8(0x20), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
		      amp = _mm_set1_epi8('&'), quot = _mm_set1_epi8('"'), tab = _mm_set1_epi8('\t'),
		      nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
	for (; i + 16 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned high = (unsigned)_mm_movemask_epi8(x);
		unsigned ctl = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(x, below));   /* below 0x20, and from 0x80 */
		unsigned esc = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(x, lt), _mm_cmpeq_epi8(x, gt)),
			_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, amp), _mm_cmpeq_epi8(x, quot)), _mm_cmpeq_epi8(x, cr))));
		unsigned tn = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, tab), _mm_cmpeq_epi8(x, nl)), _mm_cmpeq_epi8(x, cr)));
		/* the classes of junit_byte_class(), for the sixteen bytes at once */
		if (high)
			acc |= JUNIT_CLEAN | JUNIT_ESC_ATTR;
		if (ctl & ~high & ~tn)
			acc |= JUNIT_CLEAN;
		if (esc)
			acc |= JUNIT_ESC_TEXT | JUNIT_ESC_ATTR;
		if (tn)
			acc |= JUNIT_ESC_ATTR;
	}
#endif
	while (i + 8 <= n) {
		uint64_t x, l, g, a, q;
		memcpy(&x, s + i, 8);
		l = x ^ (ones * '<');
		g = x ^ (ones * '>');
		a = x ^ (ones * '&');
		q = x ^ (ones * '"');
		/* l, g, a and q have x's high bits; x's own are the bytes from 0x80 */
		if (((((x - ones * 0x20) | (l - ones) | (g - ones) | (a - ones) | (q - ones)) & ~x) | x) & highs) {
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

/* ---- the sink: what libxml2 writes goes to the report or the spool in large writes ---- */

static void junit_sink_flush(struct junit *j)
{
	if (j->sink_len && fwrite(j->sink_buf, 1, j->sink_len, j->sink) != j->sink_len)
		j->err = 1;
	j->sink_len = 0;
}

static int junit_sink_write(void *ctx, const char *buf, int len)
{
	struct junit *j = ctx;
	size_t n = len > 0 ? (size_t)len : 0;
	if (n > sizeof(j->sink_buf) - j->sink_len) {
		junit_sink_flush(j);
		if (n > sizeof(j->sink_buf)) {
			if (fwrite(buf, 1, n, j->sink) != n) {
				j->err = 1;
				return -1;
			}
			return len;
		}
	}
	memcpy(j->sink_buf + j->sink_len, buf, n);
	j->sink_len += n;
	return j->err ? -1 : len;
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

/* An attribute through libxml2's own call (the document's frame: <testsuites>). */
static void junit_frame_attr(struct junit *j, const char *name, const char *value)
{
	xmlChar *copy;
	unsigned cls;
	size_t len;
	const char *v = junit_accepted(j, value, &copy, &cls, &len);
	junit_check(j, xmlTextWriterWriteAttribute(j->w, XC(name), XC(v)));
	free(copy);
}

static void junit_frame_count(struct junit *j, const char *name, size_t value)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%zu", value);
	junit_frame_attr(j, name, buf);
}

/* ---- libxml2's escapes --------------------------------------------------- */

/* The bytes a memory writer's buffer gained since at, then the buffer emptied. */
static const char *junit_mem_since(xmlTextWriterPtr w, xmlBufferPtr b, size_t at, size_t *len)
{
	if (xmlTextWriterFlush(w) < 0 || xmlBufferLength(b) < 0 || (size_t)xmlBufferLength(b) < at) {
		*len = 0;
		return NULL;
	}
	*len = (size_t)xmlBufferLength(b) - at;
	return (const char *)xmlBufferContent(b) + at;
}

/*
 * Ask libxml2 what it writes for each ASCII byte it replaces: as text
 * (xmlTextWriterWriteString()) and in an attribute value
 * (xmlTextWriterWriteAttribute()), on memory writers begun as the report
 * is (UTF-8). The attribute writer stays, with its element open, for the
 * values with bytes from 0x80 (junit_attr_value()). Returns 0 or -1.
 */
static int junit_escapes(struct junit *j)
{
	int rc = 0;
	xmlBufferPtr b = xmlBufferCreate();
	xmlTextWriterPtr w = b ? xmlNewTextWriterMemory(b, 0) : NULL;
	if (!w || xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(w, XC("e")) < 0 || xmlTextWriterWriteString(w, XC("")) < 0 ||
	    xmlTextWriterFlush(w) < 0)
		rc = -1;
	else
		xmlBufferEmpty(b);
	for (unsigned c = 1; c < 128 && !rc; c++) {
		if (!(j->byte_class[c] & JUNIT_ESC_TEXT))
			continue;
		size_t len;
		char one[2] = { (char)c, '\0' };
		const char *got = xmlTextWriterWriteString(w, XC(one)) < 0 ? NULL : junit_mem_since(w, b, 0, &len);
		if (!got || !len || len > JUNIT_ESC_MAX)
			rc = -1;
		else
			memcpy(j->text_esc[c], got, (j->text_esc_len[c] = (unsigned char)len));
		xmlBufferEmpty(b);
	}
	if (w)
		xmlFreeTextWriter(w);
	if (b)
		xmlBufferFree(b);
	j->attr_mem = xmlBufferCreate();
	j->attr_writer = j->attr_mem ? xmlNewTextWriterMemory(j->attr_mem, 0) : NULL;
	if (!j->attr_writer || xmlTextWriterStartDocument(j->attr_writer, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(j->attr_writer, XC("e")) < 0 || xmlTextWriterFlush(j->attr_writer) < 0)
		return -1;
	xmlBufferEmpty(j->attr_mem);
	for (unsigned c = 1; c < 128 && !rc; c++) {
		if (!(j->byte_class[c] & JUNIT_ESC_ATTR))
			continue;
		char one[2] = { (char)c, '\0' };
		size_t len;
		const char *got = xmlTextWriterWriteAttribute(j->attr_writer, XC("a"), XC(one)) < 0
					  ? NULL
					  : junit_mem_since(j->attr_writer, j->attr_mem, 0, &len);
		/* ' a="' ESCAPE '"' */
		if (!got || len < 6 || len - 5 > JUNIT_ESC_MAX || memcmp(got, " a=\"", 4) || got[len - 1] != '"')
			rc = -1;
		else
			memcpy(j->attr_esc[c], got + 4, (j->attr_esc_len[c] = (unsigned char)(len - 5)));
		xmlBufferEmpty(j->attr_mem);
	}
	return rc;
}

/* ---- the testsuite, assembled ---------------------------------------------- */

static inline char *junit_room(struct junit *j, size_t n)
{
	if (n > j->suite_cap - j->suite_len) {
		size_t cap = j->suite_cap ? j->suite_cap : 65536;
		while (cap - j->suite_len < n)
			cap *= 2;
		j->suite = xrealloc(j->suite, cap);
		j->suite_cap = cap;
	}
	return j->suite + j->suite_len;
}

static inline void junit_put(struct junit *j, const char *s, size_t n)
{
	if (!n)
		return;   /* nothing to copy, and no buffer yet to copy into */
	memcpy(junit_room(j, n), s, n);
	j->suite_len += n;
}

#define junit_lit(j, lit) junit_put((j), (lit), sizeof(lit) - 1)

/* v (len bytes, its classes cls) with each byte in class `which` replaced by its escape in tab. */
static void junit_escaped(struct junit *j, const char *v, size_t len, unsigned cls, unsigned which,
			  char (*tab)[JUNIT_ESC_MAX], const unsigned char *tablen)
{
	if (!(cls & which) || !len) {
		junit_put(j, v, len);
		return;
	}
	char *d = junit_room(j, len * JUNIT_ESC_MAX), *d0 = d;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c < 128 && (j->byte_class[c] & which)) {
			memcpy(d, tab[c], JUNIT_ESC_MAX);
			d += tablen[c];
		} else {
			*d++ = (char)c;
		}
	}
	j->suite_len += (size_t)(d - d0);
}

/* s as text: cleaned, escaped where libxml2 would replace a byte. */
static void junit_text(struct junit *j, const char *s)
{
	xmlChar *copy;
	unsigned cls;
	size_t len;
	const char *v = junit_accepted(j, s, &copy, &cls, &len);
	junit_escaped(j, v, len, cls, JUNIT_ESC_TEXT, j->text_esc, j->text_esc_len);
	free(copy);
}

/* junit_text() of a rule's text, through the cache above. */
static void junit_rule_text(struct junit *j, const char *s)
{
	size_t n = strlen(s);
	size_t mask = JUNIT_CACHE_SLOTS - 1;
	size_t at = (size_t)(((uint64_t)(uintptr_t)s * 0x9e3779b97f4a7c15ULL) >> (64 - JUNIT_CACHE_BITS));
	struct junit_cached *c = &j->cache[at];
	while (c->src && c->src != s) {
		at = (at + 1) & mask;
		c = &j->cache[at];
	}
	if (c->src == s && c->raw_len == n && !memcmp(j->cache_bytes + c->off, s, n)) {
		junit_put(j, j->cache_bytes + c->off + n, c->out_len);
		return;
	}
	size_t start = j->suite_len;
	junit_text(j, s);
	size_t len = j->suite_len - start;
	if (n + len > sizeof(j->cache_bytes) - j->cache_used)
		return;
	if (!c->src) {
		if (4 * (j->cache_slots_used + 1) > 3 * JUNIT_CACHE_SLOTS)
			return;
		j->cache_slots_used++;
	}
	c->src = s;
	c->off = j->cache_used;
	c->raw_len = n;
	c->out_len = len;
	memcpy(j->cache_bytes + c->off, s, n);
	memcpy(j->cache_bytes + c->off + n, j->suite + start, len);
	j->cache_used += n + len;
}

/* s inside an attribute value: cleaned, escaped as libxml2 escapes attribute values. */
static void junit_attr_value(struct junit *j, const char *s)
{
	xmlChar *copy;
	unsigned cls;
	size_t len;
	const char *v = junit_accepted(j, s, &copy, &cls, &len);
	if (!(cls & JUNIT_ESC_ATTR)) {
		junit_put(j, v, len);
	} else if (!(cls & JUNIT_CLEAN)) {
		/* ASCII only (a cleaned string has no byte below 0x20 but TAB, LF, CR) */
		junit_escaped(j, v, len, cls, JUNIT_ESC_ATTR, j->attr_esc, j->attr_esc_len);
	} else {
		size_t n;
		const char *got = xmlTextWriterWriteAttribute(j->attr_writer, XC("a"), XC(v)) < 0
					  ? NULL
					  : junit_mem_since(j->attr_writer, j->attr_mem, 0, &n);
		if (!got || n < 5 || memcmp(got, " a=\"", 4) || got[n - 1] != '"')
			j->err = 1;
		else
			junit_put(j, got + 4, n - 5);
		xmlBufferEmpty(j->attr_mem);
	}
	free(copy);
}

/* ' NAME="VALUE"' (NAME=" is given as one literal), nothing when value is NULL. */
#define junit_attr(j, name_eq, value) \
	do { \
		const char *junit_attr_v = (value); \
		if (junit_attr_v) { \
			junit_lit((j), name_eq); \
			junit_attr_value((j), junit_attr_v); \
			junit_lit((j), "\""); \
		} \
	} while (0)

static void junit_count(struct junit *j, size_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	junit_put(j, p, (size_t)(buf + sizeof(buf) - p));
}

int report_junit_escape(const char *s, int attr, char **out)
{
	struct junit *j = xcalloc(1, sizeof(*j));
	for (unsigned c = 0; c < 256; c++)
		j->byte_class[c] = (unsigned char)junit_byte_class((unsigned char)c);
	int rc = junit_escapes(j);
	if (!rc) {
		if (attr)
			junit_attr_value(j, s);
		else
			junit_text(j, s);
		junit_lit(j, "");
		*out = xstrndup(j->suite ? j->suite : "", j->suite_len);
	}
	rc = rc || j->err ? -1 : 0;
	if (j->attr_writer)
		xmlFreeTextWriter(j->attr_writer);
	if (j->attr_mem)
		xmlBufferFree(j->attr_mem);
	free(j->suite);
	free(j);
	return rc;
}

/* <property name="NAME" value="VALUE"/>: NAME is a literal, plain ASCII */
#define junit_property(j, name, value) \
	do { \
		const char *junit_prop_v = (value); \
		junit_lit((j), "      <property name=\"" name "\" value=\""); \
		junit_attr_value((j), junit_prop_v ? junit_prop_v : ""); \
		junit_lit((j), "\"/>\n"); \
	} while (0)

/* A line of a finding's details: "label: text\n" (text cleaned and escaped alone: both work byte by byte). */
#define junit_detail(j, label, text) \
	do { \
		const char *junit_detail_t = (text); \
		if (junit_detail_t) { \
			junit_lit((j), label ": "); \
			junit_text((j), junit_detail_t); \
			junit_lit((j), "\n"); \
		} \
	} while (0)

/* The same for a rule's text, through junit_rule_text(). */
#define junit_detail_rule(j, label, text) \
	do { \
		const char *junit_detail_t = (text); \
		if (junit_detail_t) { \
			junit_lit((j), label ": "); \
			junit_rule_text((j), junit_detail_t); \
			junit_lit((j), "\n"); \
		} \
	} while (0)

/* The finding's facts, one "label: value" per line, for an element's body. */
static void junit_details(struct junit *j, const struct finding *f, const struct explanation *e,
			  const char *target)
{
	char *value = explanation_value_text(e);
	junit_detail(j, "rule", e->rule_id);
	junit_detail_rule(j, "title", e->title);
	junit_detail(j, "target", target);
	junit_detail(j, "channel", f->channel);
	junit_detail(j, "status", report_status_name(f->status));
	junit_detail(j, "severity", report_severity_name(f->severity));
	junit_detail(j, "value", value);
	junit_detail(j, "origin", e->origin_text);
	junit_detail(j, "overridden", e->overridden);
	junit_detail_rule(j, "expected", e->expected);
	junit_detail(j, "message", e->message);
	junit_detail(j, "fix", e->fix);
	junit_detail_rule(j, "why", e->why);
	junit_detail_rule(j, "doc", e->doc);
	free(value);
}

/* The classname attribute's value, escaped, for every testcase of t. */
static void junit_classname(struct junit *j, const char *target)
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
	size_t at = j->suite_len;
	junit_attr_value(j, s);
	free(j->classname);
	j->classname_len = j->suite_len - at;
	j->classname = xstrndup(j->suite + at, j->classname_len);
	j->suite_len = at;
	free(s);
}

/* Finding f of target t as a testcase, explained by e, the target called name in its details. */
static void junit_testcase_write(struct junit *j, const struct target_result *t, const struct finding *f,
				 const struct explanation *e, const char *name)
{
	char *subject = report_case_subject(t, f, e);
	junit_lit(j, "    <testcase name=\"");
	junit_attr_value(j, e->rule_id);
	if (subject) {
		junit_lit(j, " [");
		junit_attr_value(j, subject);
		junit_lit(j, "]");
	}
	free(subject);
	junit_lit(j, "\" classname=\"");
	junit_put(j, j->classname, j->classname_len);
	junit_lit(j, "\">\n");
	switch (f->status) {
	case FINDING_FAIL: {
		char *line = explanation_line(e);
		junit_lit(j, "      <failure");
		junit_attr(j, " type=\"", report_severity_name(f->severity));
		junit_attr(j, " message=\"", line);
		junit_lit(j, ">");
		junit_details(j, f, e, name);
		junit_lit(j, "</failure>\n");
		free(line);
		break;
	}
	case FINDING_UNKNOWN:
		junit_lit(j, "      <error");
		junit_attr(j, " type=\"", report_severity_name(f->severity));
		junit_attr(j, " message=\"", e->message ? e->message : "could not evaluate");
		junit_lit(j, ">");
		junit_details(j, f, e, name);
		junit_lit(j, "</error>\n");
		break;
	case FINDING_NOT_APPLICABLE:
	case FINDING_SUPPRESSED: {
		const char *why = e->message ? e->message
				  : f->status == FINDING_SUPPRESSED ? "suppressed" : "not applicable";
		/* the status's name first, as in the text report: "not applicable: role is primary" */
		const char *word = report_status_name(f->status);
		junit_lit(j, "      <skipped message=\"");
		if (strncmp(why, word, strlen(word))) {
			junit_attr_value(j, word);
			junit_lit(j, ": ");
		}
		junit_attr_value(j, why);
		junit_lit(j, "\"/>\n");
		break;
	}
	case FINDING_PASS:
	default:
		junit_lit(j, "      <system-out>");
		junit_details(j, f, e, name);
		junit_lit(j, "</system-out>\n");
		break;
	}
	junit_lit(j, "    </testcase>\n");
}


/*
 * The template from the testcase's bytes (real, n bytes) and the same
 * testcase with the marks (marked, m bytes), into the template bytes
 * (room made): 0 when the name and the classname are not where the marks
 * are.
 */
static int junit_tmpl_split(struct junit *j, struct junit_tmpl *tp, const char *real, size_t n, const char *marked,
			    size_t m, const char *name, size_t name_len)
{
	static const char mark_name[] = JUNIT_TMPL_NAME, mark_class[] = JUNIT_TMPL_CLASS;
	char *d = j->tmpl_bytes + j->tmpl_used, *d0 = d;
	size_t from = 0, got = 0;
	unsigned nh = 0;
	tp->class_holes = 0;
	for (size_t i = 0; i < m;) {
		const char *at = memchr(marked + i, '{', m - i);
		if (!at)
			break;
		i = (size_t)(at - marked);
		int is_class = m - i >= sizeof(mark_class) - 1 && !memcmp(at, mark_class, sizeof(mark_class) - 1);
		int is_name = !is_class && m - i >= sizeof(mark_name) - 1 && !memcmp(at, mark_name, sizeof(mark_name) - 1);
		if (!is_class && !is_name) {
			i++;
			continue;
		}
		if (nh == JUNIT_TMPL_HOLES)
			return 0;
		const char *put = is_class ? j->classname : name;
		size_t put_len = is_class ? j->classname_len : name_len;
		size_t k = i - from;
		if (got + k + put_len > n || memcmp(real + got, marked + from, k) || memcmp(real + got + k, put, put_len))
			return 0;
		memcpy(d, marked + from, k);
		d += k;
		got += k + put_len;
		if (is_class)
			tp->class_holes |= 1u << nh;
		tp->hole[nh++] = (uint32_t)(d - d0);
		i += is_class ? sizeof(mark_class) - 1 : sizeof(mark_name) - 1;
		from = i;
	}
	if (got + (m - from) != n || memcmp(real + got, marked + from, m - from))
		return 0;
	memcpy(d, marked + from, m - from);
	d += m - from;
	tp->off = (uint32_t)j->tmpl_used;
	tp->len = (uint32_t)(d - d0);
	tp->h.nholes = (unsigned char)nh;
	j->tmpl_used += (size_t)(d - d0);
	return 1;
}

/*
 * Make template tp from the testcase of f just written from start on (e:
 * its kept explanation, texts filled): the testcase again with the marks,
 * after it, then taken away. Returns 1 when kept.
 */
static int junit_tmpl_make(struct junit *j, struct junit_tmpl *tp, const struct target_result *t,
			   const struct finding *f, const struct explanation *e, size_t start)
{
	static char mark_class[] = JUNIT_TMPL_CLASS;   /* j->classname's type; never written */
	size_t end = j->suite_len;
	struct explanation marked = *e;
	char *classname = j->classname;
	size_t classname_len = j->classname_len;
	explain_kept_fill(j->x, e->kept, JUNIT_TMPL_NAME, &marked);
	/* a skipped testcase's message gets its status's name in front unless it starts with it: never by the name */
	if ((f->status == FINDING_NOT_APPLICABLE || f->status == FINDING_SUPPRESSED) && marked.message &&
	    !strncmp(marked.message, JUNIT_TMPL_NAME, sizeof(JUNIT_TMPL_NAME) - 1)) {
		explain_kept_fill(j->x, e->kept, t->view.target, &marked);
		return 0;
	}
	j->classname = mark_class;
	j->classname_len = sizeof(mark_class) - 1;
	junit_testcase_write(j, t, f, &marked, JUNIT_TMPL_NAME);
	j->classname = classname;
	j->classname_len = classname_len;
	size_t n = end - start, m = j->suite_len - end;
	int ok = !j->err && n <= JUNIT_TMPL_MAX_BYTES - j->tmpl_used;
	if (ok && n > j->tmpl_cap - j->tmpl_used) {
		size_t cap = j->tmpl_cap ? j->tmpl_cap : 64 * 1024;
		while (cap - j->tmpl_used < n)
			cap *= 2;
		j->tmpl_bytes = xrealloc(j->tmpl_bytes, cap);
		j->tmpl_cap = cap;
	}
	/* the name's bytes: the target's own, as the testcase has them */
	ok = ok && junit_tmpl_split(j, tp, j->suite + start, n, j->suite + end, m, t->name, strlen(t->name));
	j->suite_len = end;
	if (!ok)
		return 0;
	report_tmpl_seal(&tp->h, e->rule_id, f, e);
	return 1;
}

/*
 * The template for finding f and its explanation e when there is one;
 * else NULL with e's texts filled, and *make the slot for a template to
 * be made from the testcase about to be written (or NULL).
 */
static const struct junit_tmpl *junit_tmpl_find(struct junit *j, const struct target_result *t,
						const struct finding *f, struct explanation *e,
						struct junit_tmpl **make)
{
	*make = NULL;
	if (!e->kept)
		return NULL;
	enum report_tmpl_state state;
	struct junit_tmpl *tp = report_tmpl_slot((void **)&j->tmpl, sizeof(*j->tmpl), JUNIT_TMPL_BITS, &j->tmpl_n,
						 j->tname_plain, e->rule_id, f, e, &state);
	if (state == REPORT_TMPL_USE)
		return tp;
	if (state == REPORT_TMPL_MAKE)
		*make = tp;   /* refused until junit_tmpl_make() keeps it */
	/* the explainer left the kept explanation's texts to the writer (explainer.kept_lazy) */
	explain_kept_fill(j->x, e->kept, t->view.target, e);
	return NULL;
}

/* A testcase from template tp, with the target's name and the classname put in. */
static void junit_tmpl_put(struct junit *j, const struct junit_tmpl *tp, const char *name, size_t name_len)
{
	const char *b = j->tmpl_bytes + tp->off;
	size_t ncls = (size_t)__builtin_popcount(tp->class_holes);
	size_t total = tp->len + (tp->h.nholes - ncls) * name_len + ncls * j->classname_len, from = 0;
	char *d = junit_room(j, total), *d0 = d;
	for (unsigned k = 0; k < tp->h.nholes; k++) {
		memcpy(d, b + from, tp->hole[k] - from);
		d += tp->hole[k] - from;
		if (tp->class_holes >> k & 1u) {
			memcpy(d, j->classname, j->classname_len);
			d += j->classname_len;
		} else {
			memcpy(d, name, name_len);
			d += name_len;
		}
		from = tp->hole[k];
	}
	memcpy(d, b + from, tp->len - from);
	d += tp->len - from;
	j->suite_len += (size_t)(d - d0);
}

static void junit_testcase(struct junit *j, const struct target_result *t, const struct finding *f, size_t name_len)
{
	struct explanation e;
	struct junit_tmpl *make;
	explain_finding(j->x, t, f, &e);
	const struct junit_tmpl *tp = junit_tmpl_find(j, t, f, &e, &make);
	if (tp) {
		junit_tmpl_put(j, tp, t->name, name_len);
		return;
	}
	size_t start = j->suite_len;
	junit_testcase_write(j, t, f, &e, t->name);
	if (make && junit_tmpl_make(j, make, t, f, &e, start))
		make->h.refused = 0;
}

static void junit_suite(struct junit *j, const struct target_result *t, size_t index)
{
	char vbuf[32];
	struct audit_summary c;
	const struct finding **sorted = report_sorted_findings(t);
	size_t audit_error = t->error ? 1 : 0;

	audit_summary_of_target(&c, t);
	j->suite_len = 0;
	/* the first testsuite follows the '>' libxml2 closes <testsuites with: a new line first */
	if (!j->suites)
		junit_lit(j, "\n");
	junit_lit(j, "  <testsuite");
	junit_attr(j, " name=\"", t->name);
	junit_lit(j, " tests=\"");
	junit_count(j, c.findings + audit_error);
	junit_lit(j, "\" failures=\"");
	junit_count(j, c.by_status[FINDING_FAIL]);
	junit_lit(j, "\" errors=\"");
	junit_count(j, c.by_status[FINDING_UNKNOWN] + audit_error);
	junit_lit(j, "\" skipped=\"");
	junit_count(j, c.by_status[FINDING_NOT_APPLICABLE] + c.by_status[FINDING_SUPPRESSED]);
	junit_lit(j, "\" id=\"");
	junit_count(j, index);
	junit_lit(j, "\" package=\"crashsafe\"");
	if (j->run->timestamp) {
		char when[40];
		junit_attr(j, " timestamp=\"", report_time_iso(j->run->generated, 0, when, sizeof(when)));
	}
	junit_lit(j, ">\n    <properties>\n");
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
	junit_lit(j, "    </properties>\n");

	junit_classname(j, t->name);
	if (t->error) {
		junit_lit(j, "    <testcase name=\"audit\" classname=\"");
		junit_put(j, j->classname, j->classname_len);
		junit_lit(j, "\">\n      <error type=\"audit\"");
		junit_attr(j, " message=\"", t->error);
		junit_lit(j, ">");
		junit_text(j, "the target could not be audited; no rule was checked beyond the findings listed\n");
		junit_lit(j, "</error>\n    </testcase>\n");
	}
	/* a name kept testcases can take (junit_tmpl above) */
	size_t name_len = t->name ? strlen(t->name) : 0;
	j->tname_plain = t->name && t->view.target && !strcmp(t->name, t->view.target) && name_len && name_len < 4096;
	for (size_t i = 0; j->tname_plain && i < name_len; i++)
		if (j->byte_class[(unsigned char)t->name[i]])
			j->tname_plain = 0;
	j->x->kept_lazy = 1;   /* junit_tmpl_find() fills a kept explanation's texts when it needs them */
	for (size_t i = 0; i < t->n; i++)
		junit_testcase(j, t, sorted[i], name_len);
	j->x->kept_lazy = 0;
	junit_lit(j, "  </testsuite>\n");
	free(sorted);
	if (j->suite_len > INT_MAX) {
		j->err = 1;
		return;
	}
	if (!j->suites) {
		/*
		 * libxml2 closes <testsuites with '>' (its writer then knows the
		 * element has content, and ends it with </testsuites>) and writes the
		 * new line; nothing of it waits in the writer afterwards, so the
		 * testsuites follow it in the sink, as they are.
		 */
		junit_check(j, xmlTextWriterWriteRawLen(j->w, XC(j->suite), 1));
		junit_check(j, xmlTextWriterFlush(j->w));
		junit_sink_write(j, j->suite + 1, (int)j->suite_len - 1);
	} else {
		junit_sink_write(j, j->suite, (int)j->suite_len);
	}
	j->suites++;
}

/* Totals of <testsuites>: tests, failures, errors. */
static void junit_totals(struct junit *j, const struct audit_summary *s)
{
	junit_frame_count(j, "tests", s->findings + s->targets_not_audited);
	junit_frame_count(j, "failures", s->by_status[FINDING_FAIL]);
	junit_frame_count(j, "errors", s->by_status[FINDING_UNKNOWN] + s->targets_not_audited);
}

/* The XML declaration and <testsuites name=... [totals]: up to, not including, the '>'. */
static void junit_header(struct junit *j, const struct audit_summary *totals)
{
	junit_check(j, xmlTextWriterSetIndent(j->w, 1));
	junit_check(j, xmlTextWriterSetIndentString(j->w, XC("  ")));
	junit_check(j, xmlTextWriterStartDocument(j->w, "1.0", "UTF-8", NULL));
	junit_start(j, "testsuites");
	char *name = xasprintf("crashsafe %s", j->command ? j->command : "audit");
	junit_frame_attr(j, "name", name);
	free(name);
	if (totals)
		junit_totals(j, totals);
	if (j->run && j->run->timestamp) {
		char secs[32];
		snprintf(secs, sizeof(secs), "%.3f", j->run->duration);
		junit_frame_attr(j, "time", secs);
	}
	junit_check(j, xmlTextWriterFlush(j->w));
	junit_sink_flush(j);
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
	if (junit_escapes(j)) {
		j->err = 1;
		return -1;
	}
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
	explainer_target_begin(j->x, t);   /* issue 13: what the target's findings share is worked out once */
	junit_suite(j, t, j->index++);
	explainer_target_end(j->x);
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
	junit_sink_flush(j);
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
	if (j->sink)
		junit_sink_flush(j);
	if (j->spool) {
		if (!j->err && junit_unspool(j, summary))
			j->err = 1;
		fclose(j->spool);
		j->spool = NULL;
	}
	if (ferror(j->out))
		j->err = 1;
	if (j->attr_writer)
		xmlFreeTextWriter(j->attr_writer);
	if (j->attr_mem)
		xmlBufferFree(j->attr_mem);
	xmlSetGenericErrorFunc(NULL, NULL);
	free(j->suite);
	free(j->classname);
	free(j->tmpl);
	free(j->tmpl_bytes);
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
