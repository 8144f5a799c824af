/*
 * json.c - the JSON report (schema "crashsafe-report/1", documented in
 * docs/report-formats.md) and the small JSON emitter it shares with the
 * SARIF writer. Written by hand: the only libraries allowed are the MySQL
 * client, inih and libxml2.
 */
#include "report.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "report_int.h"
#include "../auditor/engine.h"
#include "../auditor/suppress.h"
#include "../auditor/expr.h"
#include "../auditor/topology.h"
#include "../auditor/banned.h"

#define JSON_SCHEMA_ID "crashsafe-report/3"

/* ---- the emitter ----------------------------------------------------------- */

void jsonw_init(struct jsonw *w, FILE *fp)
{
	w->fp = fp;
	w->depth = 0;
	w->overflow = 0;
	w->len = 0;
	w->buf = w->own;
	w->cap = sizeof(w->own);
	memset(w->has_items, 0, sizeof(w->has_items));
}

void jsonw_flush(struct jsonw *w)
{
	if (w->len && fwrite(w->buf, 1, w->len, w->fp) != w->len)
		w->overflow = 1;   /* an I/O error; ferror(fp) says so too */
	w->len = 0;
}

void jsonw_grow(struct jsonw *w, size_t cap)
{
	if (cap <= w->cap)
		return;
	jsonw_flush(w);
	if (w->buf != w->own)
		free(w->buf);
	w->buf = xmalloc(cap);
	w->cap = cap;
}

/* jsonw_put() without room: what waits goes to fp first, and s too when the buffer cannot hold it. */
static void jsonw_put_flushing(struct jsonw *w, const char *s, size_t n)
{
	jsonw_flush(w);
	if (n > w->cap) {
		if (fwrite(s, 1, n, w->fp) != n)
			w->overflow = 1;
		return;
	}
	memcpy(w->buf, s, n);
	w->len = n;
}

static inline __attribute__((always_inline)) void jsonw_put(struct jsonw *w, const char *s, size_t n)
{
	if (n > w->cap - w->len) {
		jsonw_put_flushing(w, s, n);
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void jsonw_putc(struct jsonw *w, char c)
{
	if (w->len == w->cap)
		jsonw_flush(w);
	w->buf[w->len++] = c;
}

/* A literal: its length is known here, so the copy is a few moves (issue 13). */
#define jsonw_puts(w, lit) jsonw_put((w), (lit), sizeof(lit) - 1)

static void jsonw_indent(struct jsonw *w)
{
	static const char spaces[] = "\n                                                                ";
	size_t n = 1 + 2 * (size_t)w->depth;
	if (n > sizeof(spaces) - 1) {
		jsonw_putc(w, '\n');
		for (int i = 0; i < w->depth; i++)
			jsonw_puts(w, "  ");
		return;
	}
	jsonw_put(w, spaces, n);
}

/* Bytes that go out as they are inside a JSON string: printable ASCII (and DEL) but '"' and '\\'. */
static int jsonw_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/*
 * Nonzero when one of the eight bytes of x is below 0x20, from 0x80, '"' or
 * '\\' (exact as to whether there is one, not which).
 */
static inline uint64_t jsonw_word_care(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
	/* q and b have x's high bits; x's own are the bytes from 0x80 */
	return ((((x - ones * 0x20) | (q - ones) | (b - ones)) & ~x) | x) & highs;
}

/*
 * The end of the run of plain bytes from i: eight bytes at a time while no
 * byte of the word is below 0x20, at or above 0x80, '"' or '\\' (each test
 * exact as to whether such a byte is there), then byte by byte.
 */
static size_t jsonw_plain_run(const char *s, size_t i, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL;
#if defined(__SSE2__)
	/*
	 * Sixteen bytes at a time where the compiler offers SSE2 (every x86-64):
	 * a signed compare below 0x20 also takes the bytes from 0x80; the first
	 * byte that needs care ends the run exactly.
	 */
	const __m128i below = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	while (i + 16 <= n) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i care = _mm_or_si128(_mm_cmplt_epi8(x, below),
					    _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)));
		unsigned mask = (unsigned)_mm_movemask_epi8(care);
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
		i += 16;
	}
#endif
	while (i + 8 <= n) {
		uint64_t x;
		memcpy(&x, s + i, 8);
		if (jsonw_word_care(x))
			break;
		i += 8;
	}
	if (i < n && n - i < 8) {
		/* the last bytes in a word filled with a plain byte: short keys and values in one test */
		uint64_t x = ones * 'a';
		memcpy(&x, s + i, n - i);
		if (!jsonw_word_care(x))
			return n;
	}
	while (i < n && jsonw_plain((unsigned char)s[i]))
		i++;
	return i;
}

/*
 * Copy the n bytes of s to d and say whether all of them are plain (issue
 * 13: one pass instead of a scan and a copy). Reads and writes only those
 * n bytes: the last piece overlaps the one before instead of reading past
 * the end. When a byte is not plain, d holds the copy anyway; the caller
 * does not count it.
 */
static inline __attribute__((always_inline)) int jsonw_copy_plain(char *d, const char *s, size_t n)
{
#if defined(__SSE2__)
	if (n >= 16) {
		const __m128i below = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'),
			      bslash = _mm_set1_epi8('\\');
		__m128i care = _mm_setzero_si128(), x;
		for (size_t i = 0; i + 16 < n; i += 16) {
			x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			_mm_storeu_si128((__m128i *)(void *)(d + i), x);
			care = _mm_or_si128(care, _mm_or_si128(_mm_cmplt_epi8(x, below),
								 _mm_or_si128(_mm_cmpeq_epi8(x, quote),
									      _mm_cmpeq_epi8(x, bslash))));
		}
		x = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
		_mm_storeu_si128((__m128i *)(void *)(d + n - 16), x);
		care = _mm_or_si128(care, _mm_or_si128(_mm_cmplt_epi8(x, below),
							 _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash))));
		return !_mm_movemask_epi8(care);
	}
#endif
	if (n >= 8) {
		uint64_t care = 0, x;
		size_t i = 0;
		for (; i + 8 < n; i += 8) {
			memcpy(&x, s + i, 8);
			memcpy(d + i, &x, 8);
			care |= jsonw_word_care(x);
		}
		memcpy(&x, s + n - 8, 8);
		memcpy(d + n - 8, &x, 8);
		return !(care | jsonw_word_care(x));
	}
	if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &b, 4);
		return !jsonw_word_care((uint64_t)a | (uint64_t)b << 32);
	}
	if (n == 0)
		return 1;
	/* one to three bytes: the first, the middle and the last cover them */
	d[0] = s[0];
	d[n / 2] = s[n / 2];
	d[n - 1] = s[n - 1];
	return jsonw_plain((unsigned char)s[0]) && jsonw_plain((unsigned char)s[n / 2]) &&
	       jsonw_plain((unsigned char)s[n - 1]);
}

/* s of n bytes as a JSON string, escaped byte by byte where it needs it. */
static void jsonw_string_slow(struct jsonw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	jsonw_putc(w, '"');
	for (size_t i = 0; i < n;) {
		/* Printable ASCII other than '"' and '\\' goes out as one run. */
		size_t run = jsonw_plain_run(s, i, n);
		if (run > i) {
			jsonw_put(w, s + i, run - i);
			i = run;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		unsigned long cp;
		size_t len;
		switch (c) {
		case '"': jsonw_puts(w, "\\\""); i++; continue;
		case '\\': jsonw_puts(w, "\\\\"); i++; continue;
		case '\b': jsonw_puts(w, "\\b"); i++; continue;
		case '\f': jsonw_puts(w, "\\f"); i++; continue;
		case '\n': jsonw_puts(w, "\\n"); i++; continue;
		case '\r': jsonw_puts(w, "\\r"); i++; continue;
		case '\t': jsonw_puts(w, "\\t"); i++; continue;
		default: break;
		}
		if (c < 0x20) {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			jsonw_put(w, esc, sizeof(esc));
			i++;
			continue;
		}
		len = report_utf8_decode(s + i, n - i, &cp);
		if (len == 0) {
			/* Not UTF-8: one replacement character per offending byte. */
			jsonw_puts(w, "\\ufffd");
			i++;
		} else if (cp == 0x2028 || cp == 0x2029) {
			char esc[6] = { '\\', 'u', '2', '0', '2', cp == 0x2028 ? '8' : '9' };
			jsonw_put(w, esc, sizeof(esc));
			i += len;
		} else {
			jsonw_put(w, s + i, len);
			i += len;
		}
	}
	jsonw_putc(w, '"');
}

/*
 * s of n bytes as a JSON string, escaped, straight into the buffer, which
 * has room for the worst case (6 bytes for each byte) and 16 to spare:
 * sixteen bytes are copied at a time and the write position moves up to
 * the first byte that needs care (issue 13: the fix and message texts
 * carry newlines and quotes; a run and an escape at a time through
 * jsonw_put() was most of their cost). The same bytes as
 * jsonw_string_slow().
 */
static void jsonw_string_fast(struct jsonw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *d0 = w->buf + w->len, *d = d0;
	size_t i = 0;
	*d++ = '"';
	while (i < n) {
#if defined(__SSE2__)
		const __m128i below = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'),
			      bslash = _mm_set1_epi8('\\');
		while (i + 16 <= n) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			_mm_storeu_si128((__m128i *)(void *)d, x);
			unsigned mask = (unsigned)_mm_movemask_epi8(
				_mm_or_si128(_mm_cmplt_epi8(x, below),
					     _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash))));
			if (!mask) {
				i += 16;
				d += 16;
				continue;
			}
			size_t k = (size_t)__builtin_ctz(mask);
			i += k;
			d += k;
			break;
		}
		if (i >= n)
			break;
		if (n - i < 16 && jsonw_plain((unsigned char)s[i])) {
			/* the last bytes: copied into a block filled with plain bytes, handled as one */
			char tail[16];
			memset(tail, 'a', sizeof(tail));
			memcpy(tail, s + i, n - i);
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)tail);
			_mm_storeu_si128((__m128i *)(void *)d, x);
			unsigned mask = (unsigned)_mm_movemask_epi8(
				_mm_or_si128(_mm_cmplt_epi8(x, below),
					     _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash))));
			size_t k = mask ? (size_t)__builtin_ctz(mask) : n - i;
			i += k;
			d += k;
			if (i >= n)
				break;
		}
#endif
		unsigned char c = (unsigned char)s[i];
		unsigned long cp;
		size_t len;
		if (jsonw_plain(c)) {
			*d++ = (char)c;
			i++;
			continue;
		}
		switch (c) {
		case '"': memcpy(d, "\\\"", 2); d += 2; i++; continue;
		case '\\': memcpy(d, "\\\\", 2); d += 2; i++; continue;
		case '\b': memcpy(d, "\\b", 2); d += 2; i++; continue;
		case '\f': memcpy(d, "\\f", 2); d += 2; i++; continue;
		case '\n': memcpy(d, "\\n", 2); d += 2; i++; continue;
		case '\r': memcpy(d, "\\r", 2); d += 2; i++; continue;
		case '\t': memcpy(d, "\\t", 2); d += 2; i++; continue;
		default: break;
		}
		if (c < 0x20) {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			memcpy(d, esc, 6);
			d += 6;
			i++;
			continue;
		}
		len = report_utf8_decode(s + i, n - i, &cp);
		if (len == 0) {
			/* Not UTF-8: one replacement character per offending byte. */
			memcpy(d, "\\ufffd", 6);
			d += 6;
			i++;
		} else if (cp == 0x2028 || cp == 0x2029) {
			char esc[6] = { '\\', 'u', '2', '0', '2', cp == 0x2028 ? '8' : '9' };
			memcpy(d, esc, 6);
			d += 6;
			i += len;
		} else {
			memcpy(d, s + i, len);
			d += len;
			i += len;
		}
	}
	*d++ = '"';
	w->len += (size_t)(d - d0);
}

/* Room for jsonw_string_fast(): the worst case, the quotes and 16 bytes to spare. */
#define JSONW_ESC_ROOM(n) (6 * (n) + 2 + 16)

static void jsonw_string_n(struct jsonw *w, const char *s, size_t n)
{
	/* a plain string with room for it in the buffer: straight in (issue 13) */
	if (n + 2 <= w->cap - w->len) {
		char *d = w->buf + w->len;
		if (jsonw_copy_plain(d + 1, s, n)) {
			d[0] = '"';
			d[n + 1] = '"';
			w->len += n + 2;
			return;
		}
	}
	if (n <= (w->cap - 18) / 6) {
		if (JSONW_ESC_ROOM(n) > w->cap - w->len)
			jsonw_flush(w);
		jsonw_string_fast(w, s, n);
		return;
	}
	jsonw_string_slow(w, s, n);
}

static void jsonw_string(struct jsonw *w, const char *s)
{
	jsonw_string_n(w, s, strlen(s));
}

/*
 * A string value or null: what every member of a finding is (jsonw_str()
 * without the key). A short plain string is copied here, without a call
 * (issue 13).
 */
static inline __attribute__((always_inline)) void jsonw_value(struct jsonw *w, const char *s)
{
	if (!s) {
		jsonw_puts(w, "null");
		return;
	}
	size_t n = strlen(s);
	if (n < 16 && 18 <= w->cap - w->len) {
		char *d = w->buf + w->len;
		if (jsonw_copy_plain(d + 1, s, n)) {
			d[0] = '"';
			d[n + 1] = '"';
			w->len += n + 2;
			return;
		}
	}
	jsonw_string_n(w, s, n);
}

/* Decimal digits of v, into the end of buf[24]; returns where they start. */
static char *jsonw_digits(char *end, unsigned long long v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

/* A line number, or null for 0 (not known). */
static inline void jsonw_line(struct jsonw *w, unsigned line)
{
	char buf[24], *p;
	if (!line) {
		jsonw_puts(w, "null");
		return;
	}
	p = jsonw_digits(buf + sizeof(buf), line);
	jsonw_put(w, p, (size_t)(buf + sizeof(buf) - p));
}

/* Separator, newline and indent before an item, then "key": inside objects. */
static void jsonw_item(struct jsonw *w, const char *key)
{
	/*
	 * The common case: a plain key, shallow, with room (8 bytes to spare
	 * for the indent written a word at a time): straight into the buffer
	 * (issue 13).
	 */
	size_t klen = key ? strlen(key) : 0;
	size_t ind = 2 * (size_t)w->depth;
	size_t need = 2 + ind + 8 + (key ? klen + 4 : 0);
	if (w->depth > 0 && w->depth < 32 && need <= w->cap - w->len) {
		static const uint64_t spaces = 0x2020202020202020ULL;
		char *d = w->buf + w->len;
		char *at = d;
		if (w->has_items[w->depth])
			*d++ = ',';
		*d++ = '\n';
		for (size_t k = 0; k < ind; k += 8)
			memcpy(d + k, &spaces, 8);
		d += ind;
		if (key) {
			*d++ = '"';
			if (!jsonw_copy_plain(d, key, klen))
				goto slow;   /* nothing counted yet: w->len still ends before at */
			d += klen;
			memcpy(d, "\": ", 3);
			d += 3;
		}
		w->has_items[w->depth] = 1;
		w->len += (size_t)(d - at);
		return;
	}
slow:
	if (w->depth > 0) {
		if (w->has_items[w->depth])
			jsonw_putc(w, ',');
		w->has_items[w->depth] = 1;
		jsonw_indent(w);
	}
	if (key) {
		jsonw_string(w, key);
		jsonw_puts(w, ": ");
	}
}

void jsonw_open(struct jsonw *w, const char *key, char bracket)
{
	jsonw_item(w, key);
	jsonw_putc(w, bracket);
	if (w->depth + 1 >= JSONW_MAX_DEPTH) {
		w->overflow = 1;
		return;
	}
	w->depth++;
	w->has_items[w->depth] = 0;
}

void jsonw_close(struct jsonw *w, char bracket)
{
	if (w->depth == 0) {
		w->overflow = 1;
		return;
	}
	int had = w->has_items[w->depth];
	w->depth--;
	if (had)
		jsonw_indent(w);
	jsonw_putc(w, bracket);
}

void jsonw_raw(struct jsonw *w, const char *s, size_t n)
{
	if (w->depth > 0)
		w->has_items[w->depth] = 1;
	jsonw_put(w, s, n);
}

void jsonw_value_of(struct jsonw *w, const char *value)
{
	jsonw_value(w, value);
}

void jsonw_str(struct jsonw *w, const char *key, const char *value)
{
	jsonw_item(w, key);
	if (value)
		jsonw_string(w, value);
	else
		jsonw_puts(w, "null");
}

void jsonw_uint(struct jsonw *w, const char *key, unsigned long long value)
{
	char buf[24], *p;
	jsonw_item(w, key);
	p = jsonw_digits(buf + sizeof(buf), value);
	jsonw_put(w, p, (size_t)(buf + sizeof(buf) - p));
}

void jsonw_int(struct jsonw *w, const char *key, long long value)
{
	char buf[24], *p;
	unsigned long long mag = value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value;
	jsonw_item(w, key);
	p = jsonw_digits(buf + sizeof(buf), mag);
	if (value < 0)
		*--p = '-';
	jsonw_put(w, p, (size_t)(buf + sizeof(buf) - p));
}

void jsonw_seconds(struct jsonw *w, const char *key, double value)
{
	char buf[64];
	int n;
	jsonw_item(w, key);
	n = snprintf(buf, sizeof(buf), "%.3f", value);
	if (n > 0)
		jsonw_put(w, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void jsonw_bool(struct jsonw *w, const char *key, int value)
{
	jsonw_item(w, key);
	if (value)
		jsonw_puts(w, "true");
	else
		jsonw_puts(w, "false");
}

void jsonw_null(struct jsonw *w, const char *key)
{
	jsonw_item(w, key);
	jsonw_puts(w, "null");
}

int jsonw_finish(struct jsonw *w)
{
	jsonw_putc(w, '\n');
	jsonw_flush(w);
	if (w->buf != w->own) {
		free(w->buf);
		w->buf = w->own;
		w->cap = sizeof(w->own);
	}
	if (w->overflow || w->depth != 0)
		return -1;
	return ferror(w->fp) ? -1 : 0;
}

/* ---- the report ------------------------------------------------------------ */

static const enum finding_status json_status_order[] = {
	FINDING_FAIL, FINDING_UNKNOWN, FINDING_SUPPRESSED, FINDING_NOT_APPLICABLE, FINDING_PASS,
};

static const enum severity json_severity_order[] = { SEV_ERROR, SEV_WARNING, SEV_INFO };

static void json_severity_counts(struct jsonw *w, const char *key, const size_t *by_sev)
{
	jsonw_open(w, key, '{');
	for (size_t i = 0; i < ARRAY_SIZE(json_severity_order); i++)
		jsonw_uint(w, severity_name(json_severity_order[i]), by_sev[json_severity_order[i]]);
	jsonw_close(w, '}');
}

/* Added (issue 10): a suppression as the report carries it (suppress.h). */
static void json_suppression(struct jsonw *w, const char *key, const struct finding_suppression *s)
{
	if (!s) {
		jsonw_null(w, key);
		return;
	}
	jsonw_open(w, key, '{');
	jsonw_str(w, "kind", s->kind ? s->kind : "file");
	jsonw_str(w, "file", s->file);
	if (s->line)
		jsonw_uint(w, "line", s->line);
	else
		jsonw_null(w, "line");
	jsonw_str(w, "reason", s->reason);
	if (s->until) {
		char buf[48];
		snprintf(buf, sizeof(buf), "%04ld-%02ld-%02ld", s->until / 10000 % 10000, s->until / 100 % 100,
			 s->until % 100);
		jsonw_str(w, "until", buf);
	} else {
		jsonw_null(w, "until");
	}
	jsonw_close(w, '}');
}

static const char *const json_baseline_names[] = {
	[FINDING_BASELINE_NONE] = NULL,
	[FINDING_BASELINE_NEW] = "new",
	[FINDING_BASELINE_UNCHANGED] = "unchanged",
};

static void json_place(struct jsonw *w, const char *key, const struct settings_origin *o)
{
	jsonw_open(w, key, '{');
	jsonw_str(w, "file", o->file);
	if (o->line)
		jsonw_uint(w, "line", o->line);
	else
		jsonw_null(w, "line");
	jsonw_close(w, '}');
}

/* Added (issue 10): `crashsafe diff`: the OLD target, what it had that this one does not, what changed. */
static void json_diff(struct jsonw *w, const struct target_diff *d)
{
	if (!d) {
		jsonw_null(w, "diff");
		return;
	}
	jsonw_open(w, "diff", '{');
	jsonw_str(w, "old_name", d->old_name);
	jsonw_str(w, "not_compared", d->not_compared);
	jsonw_uint(w, "introduced", d->introduced);
	jsonw_uint(w, "unchanged", d->unchanged);
	jsonw_open(w, "fixed", '[');
	for (size_t i = 0; i < d->nfixed; i++) {
		const struct target_diff_fixed *f = &d->fixed[i];
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "rule_id", f->rule_id);
		jsonw_str(w, "title", f->title);
		jsonw_str(w, "severity", report_severity_name(f->severity));
		jsonw_str(w, "status", report_status_token(f->status));
		jsonw_str(w, "channel", f->channel);
		jsonw_str(w, "variable", f->variable);
		jsonw_str(w, "value", f->value);
		jsonw_str(w, "message", f->message);
		json_place(w, "location", &f->location);
		jsonw_str(w, "fingerprint", f->fingerprint);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_open(w, "changes", '[');
	for (size_t i = 0; i < d->nchanges; i++) {
		const struct target_diff_change *c = &d->changes[i];
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "variable", c->variable);
		jsonw_open(w, "old", '{');
		jsonw_str(w, "value", c->old_value);
		jsonw_str(w, "origin", c->old_origin);
		jsonw_str(w, "file", c->old_at.file);
		if (c->old_at.line)
			jsonw_uint(w, "line", c->old_at.line);
		else
			jsonw_null(w, "line");
		jsonw_close(w, '}');
		jsonw_open(w, "new", '{');
		jsonw_str(w, "value", c->new_value);
		jsonw_str(w, "origin", c->new_origin);
		jsonw_str(w, "file", c->new_at.file);
		if (c->new_at.line)
			jsonw_uint(w, "line", c->new_at.line);
		else
			jsonw_null(w, "line");
		jsonw_close(w, '}');
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_close(w, '}');
}


/*
 * The members of a finding, a target's fleet settings and its header are
 * written with their keys, separators and indentation as literals (issue
 * 13: an item's key, comma and indent were 40% of the writer). Their
 * depth is the document's shape (json_begin(): the object, "targets"; a
 * target at depth 2, its members at 3, a finding's members at 5); the
 * literals below spell that indentation, JSON_IND(N) a new line at depth N.
 * Containers are still opened with jsonw_open() and their first member
 * marks has_items, so that the general calls (jsonw_str(), json_place(),
 * json_suppression()) can be mixed in.
 */
#define JSON_IND3 "\n      "
#define JSON_IND4 "\n        "
#define JSON_IND5 "\n          "
#define JSON_IND6 "\n            "
#define JSON_IND7 "\n              "
#define JSON_TARGET_DEPTH 2

/* Close the container opened at depth d with the literal "\n<indent of d-1>" bracket. */
#define json_close_lit(w, lit) \
	do { \
		jsonw_puts((w), lit); \
		(w)->depth--; \
	} while (0)

/*
 * A rule's own texts (title, expected, why, doc) and what goes with them
 * come back for every finding of the rule: 28 of a report's 43 MB of
 * strings at 1,000 targets. The bytes of three runs of a finding are made
 * once and copied afterwards (issue 13): from rule_id to status (the rule
 * id, title, severity and status), expected, and why with doc. A run is
 * found by the addresses of its two texts and a tag (the run's kind,
 * severity and status), and used only when the bytes at those addresses
 * are still those it was made from, so a text that changed or moved is
 * made again; a rule's own texts (engine.h: read-only for the engine's
 * life) are known not to have changed, and are not compared. Runs are
 * kept from the second target on: the first has nothing to copy from, and
 * a one-target report touches no page of the cache. Fixed room (the state
 * is one allocation): when it is full, runs are made each time. The slots
 * are probed in turn from the key's hash (open addressing, filled to three
 * quarters: 384 runs; the built-in rules need 3 per rule and status).
 */
#define JSON_CACHE_BITS 9
#define JSON_CACHE_SLOTS (1u << JSON_CACHE_BITS)
#define JSON_CACHE_BYTES (1024 * 1024)

enum json_run_kind { JSON_RUN_HEAD = 1, JSON_RUN_EXPECTED, JSON_RUN_WHY_DOC };

/*
 * Findings explained from a kept whole explanation (explain.h
 * explanation.kept; nine of ten findings of a fleet's report): their
 * members from the rule id's value to the doc's are the same bytes for
 * every target but for the target's name, which stands in them where the
 * explanation has it (files, details, origin texts, messages). They are
 * made once per kept explanation, with the places of the name (issue 13,
 * json7: writing them member by member was half of the JSON writer), and
 * used when the finding's rule id, title, severity, status, expected,
 * why and doc are those they were made with (the same addresses). Only
 * for names, not empty, whose every byte goes out as it is (jsonw_plain()):
 * the bytes around such a name are escaped as they would be without it,
 * so that putting the name in gives what escaping the whole text gives
 * (and an origin text is never empty for one target and not another). A
 * template is made by writing the members twice, once with the target's
 * name and once with a mark (JSON_TMPL_MARK) in its place
 * (explain_kept_fill()); where the escaped mark stands, the name goes;
 * the template is kept only when putting the target's name in gives the
 * first bytes back. Fixed room: when the table or the bytes are full,
 * findings are written member by member. Slots probed in turn from the
 * kept explanation's address, filled to three quarters. The explainer is
 * asked to leave a kept explanation's texts out (explainer.kept_lazy):
 * they are made only when the writer needs them.
 */
#define JSON_TMPL_BITS 12
#define JSON_TMPL_SLOTS (1u << JSON_TMPL_BITS)
#define JSON_TMPL_HOLES 16
#define JSON_TMPL_MAX_BYTES (8u << 20)
#define JSON_TMPL_MARK "\x01\x02"
#define JSON_TMPL_MARK_ESC "\\u0001\\u0002"

struct json_tmpl {
	struct report_tmpl_head h;         /* its identity (report_int.h); h.tag as json_run()'s head */
	uint32_t off, len;                 /* its bytes in json.tmpl_bytes, without the name */
	uint32_t hole[JSON_TMPL_HOLES];    /* where the name goes, as offsets into those bytes */
};

struct json_cached {
	const char *p1, *p2;   /* the texts' addresses; kind 0: empty slot */
	unsigned tag;          /* kind | severity << 8 | status << 16 */
	size_t off;            /* in cache_bytes: the first text, the second (each with its '\0'), then the run */
	size_t n1, n2;
	size_t run_len;
};

struct json {
	struct jsonw w;
	struct explainer *x;
	int fail_on;
	const struct report_run *run;
	/* report_source_name() of each source as a JSON value, quotes included (json_begin()) */
	char source_json[SETTINGS_SRC_TOPOLOGY + 1][16];
	unsigned char source_json_len[SETTINGS_SRC_TOPOLOGY + 1];
	struct json_key *topo_keys;   /* json_keys_make() */
	char *keys_bytes;
	int counts_keys;              /* every key of the counts is in topo_keys */
	int cache_on;            /* from the second target on */
	struct json_cached cache[JSON_CACHE_SLOTS];
	size_t cache_slots_used; /* slots with a run: at most three quarters */
	size_t cache_used;
	char cache_bytes[JSON_CACHE_BYTES];
	/* findings' members per kept explanation (json_tmpl_get()), made from the second target on */
	struct json_tmpl *tmpl;       /* JSON_TMPL_SLOTS, or NULL before the first */
	size_t tmpl_n;
	char *tmpl_bytes;
	size_t tmpl_used, tmpl_cap;
	struct jsonw *scratch;        /* where a finding's members are made twice to find the name */
	/* util_strhash() of the run's fleet settings, topology_reads[] and topology_facts[], per case folding (json_name_hashes()) */
	size_t *name_hash[2];
	const char *tname;            /* the target's view name (explain.h explanation.kept) */
	size_t tname_len;
	int tname_plain;              /* every byte of it goes out as it is */
};

/* An origin's source as a JSON value (issue 13: the quoted names made once, in json_begin()). */
static void json_source(struct json *j, struct jsonw *w, enum settings_source src)
{
	if ((unsigned)src < ARRAY_SIZE(j->source_json) && j->source_json_len[src])
		jsonw_put(w, j->source_json[src], j->source_json_len[src]);
	else
		jsonw_value(w, report_source_name(src));
}

/* The bytes of a run (enum json_run_kind), as the general calls write them. */
static void json_run_make(struct jsonw *w, unsigned tag, const char *p1, const char *p2)
{
	switch (tag & 0xff) {
	case JSON_RUN_HEAD:
		jsonw_value(w, p1);
		jsonw_puts(w, "," JSON_IND5 "\"title\": ");
		jsonw_value(w, p2);
		jsonw_puts(w, "," JSON_IND5 "\"severity\": ");
		jsonw_value(w, report_severity_name((enum severity)(tag >> 8 & 0xff)));
		jsonw_puts(w, "," JSON_IND5 "\"status\": ");
		jsonw_value(w, report_status_token((enum finding_status)(tag >> 16 & 0xff)));
		break;
	case JSON_RUN_EXPECTED:
		jsonw_value(w, p1);
		break;
	case JSON_RUN_WHY_DOC:
	default:
		jsonw_value(w, p1);
		jsonw_puts(w, "," JSON_IND5 "\"doc\": ");
		jsonw_value(w, p2);
		break;
	}
}

/*
 * Whether p is NULL or one of r's own texts (engine.h: read-only, in the
 * engine's arena, which outlives every report of the run): then the bytes
 * at p are those a run was made from whenever the run's key has p, and
 * need no comparison.
 */
static int json_rule_owned(const struct rule *r, const char *p)
{
	if (!p)
		return 1;
	if (!r)
		return 0;
	if (p == r->id || p == r->title || p == r->why || p == r->doc || p == r->expect)
		return 1;
	for (size_t k = 0; k < ARRAY_SIZE(r->why_for); k++)
		if (p == r->why_for[k] || p == r->doc_for[k] || p == r->expect_for[k])
			return 1;
	return 0;
}

/*
 * A run's bytes from the cache above, made (and kept when there is room)
 * the first time; owned: both texts are the finding's rule's own
 * (json_rule_owned()).
 */
static void json_run(struct json *j, unsigned tag, const char *p1, const char *p2, int owned)
{
	struct jsonw *w = &j->w;
	if (!j->cache_on) {
		/* the first target: nothing to copy from yet, and a one-target report touches no page of the cache */
		json_run_make(w, tag, p1, p2);
		return;
	}
	size_t mask = JSON_CACHE_SLOTS - 1;
	uint64_t key = ((uint64_t)(uintptr_t)p1 * 31 + (uint64_t)(uintptr_t)p2) * 31 + tag;
	size_t at = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> (64 - JSON_CACHE_BITS));
	struct json_cached *c = &j->cache[at];
	while (c->tag && (c->p1 != p1 || c->p2 != p2 || c->tag != tag)) {
		at = (at + 1) & mask;
		c = &j->cache[at];
	}
	/* the texts are kept with their ends: one comparison each says whether they are still the same */
	if (c->tag &&
	    (owned || ((!p1 || !strcmp(j->cache_bytes + c->off, p1)) &&
		       (!p2 || !strcmp(j->cache_bytes + c->off + c->n1 + 1, p2))))) {
		jsonw_put(w, j->cache_bytes + c->off + c->n1 + 1 + c->n2 + 1, c->run_len);
		return;
	}
	size_t n1 = p1 ? strlen(p1) : 0, n2 = p2 ? strlen(p2) : 0;
	/* escaped, a byte becomes at most 6 ("\u001f"); with that much room (and the literals), nothing is flushed meanwhile */
	size_t bound = JSONW_ESC_ROOM(n1) + JSONW_ESC_ROOM(n2) + 256;
	int whole = bound <= w->cap;
	if (whole && bound > w->cap - w->len)
		jsonw_flush(w);
	size_t start = w->len;
	json_run_make(w, tag, p1, p2);
	size_t len = w->len - start;
	if (!whole || n1 + n2 + 2 + len > sizeof(j->cache_bytes) - j->cache_used)
		return;
	if (!c->tag) {
		if (4 * (j->cache_slots_used + 1) > 3 * JSON_CACHE_SLOTS)
			return;
		j->cache_slots_used++;
	}
	char *d = j->cache_bytes + j->cache_used;
	c->p1 = p1;
	c->p2 = p2;
	c->tag = tag;
	c->off = j->cache_used;
	c->n1 = n1;
	c->n2 = n2;
	c->run_len = len;
	if (n1)
		memcpy(d, p1, n1);
	d[n1] = '\0';
	if (n2)
		memcpy(d + n1 + 1, p2, n2);
	d[n1 + 1 + n2] = '\0';
	memcpy(d + n1 + 1 + n2 + 1, w->buf + start, len);
	j->cache_used += n1 + n2 + 2 + len;
}

/*
 * A finding's members from the rule id's value to the doc's, into w (the
 * report's writer, its rules' texts through the cache above, or the
 * scratch one, without it).
 */
static void json_finding_body(struct json *j, struct jsonw *w, const struct finding *f, const struct explanation *e)
{
	unsigned head = JSON_RUN_HEAD | ((unsigned)f->severity & 0xff) << 8 | ((unsigned)f->status & 0xff) << 16;
	int cached = w == &j->w;
	if (cached)
		json_run(j, head, f->rule_id, e->title,
			 json_rule_owned(f->rule, f->rule_id) && json_rule_owned(f->rule, e->title));
	else
		json_run_make(w, head, f->rule_id, e->title);
	jsonw_puts(w, "," JSON_IND5 "\"channel\": ");
	jsonw_value(w, f->channel);
	jsonw_puts(w, "," JSON_IND5 "\"subject\": ");
	jsonw_value(w, e->subject);
	jsonw_puts(w, "," JSON_IND5 "\"variable\": ");
	jsonw_value(w, e->variable);
	jsonw_puts(w, "," JSON_IND5 "\"value\": ");
	jsonw_value(w, e->value);
	jsonw_puts(w, "," JSON_IND5 "\"origin\": {" JSON_IND6 "\"source\": ");
	json_source(j, w, e->origin.source);
	jsonw_puts(w, "," JSON_IND6 "\"file\": ");
	jsonw_value(w, e->origin.file);
	jsonw_puts(w, "," JSON_IND6 "\"line\": ");
	jsonw_line(w, e->origin.line);
	jsonw_puts(w, "," JSON_IND6 "\"chain\": ");
	jsonw_value(w, e->origin.chain);
	jsonw_puts(w, "," JSON_IND6 "\"detail\": ");
	jsonw_value(w, e->origin.detail);
	jsonw_puts(w, "," JSON_IND6 "\"text\": ");
	jsonw_value(w, e->origin_text && *e->origin_text ? e->origin_text : NULL);
	jsonw_puts(w, JSON_IND5 "}," JSON_IND5 "\"location\": {" JSON_IND6 "\"file\": ");
	jsonw_value(w, e->location.file);
	jsonw_puts(w, "," JSON_IND6 "\"line\": ");
	jsonw_line(w, e->location.line);
	jsonw_puts(w, JSON_IND5 "}," JSON_IND5 "\"cause\": ");
	if (e->cause_rule || e->cause.file) {
		jsonw_puts(w, "{" JSON_IND6 "\"rule_id\": ");
		jsonw_value(w, e->cause_rule);
		jsonw_puts(w, "," JSON_IND6 "\"file\": ");
		jsonw_value(w, e->cause.file);
		jsonw_puts(w, "," JSON_IND6 "\"line\": ");
		jsonw_line(w, e->cause.line);
		jsonw_puts(w, JSON_IND5 "}");
	} else {
		jsonw_puts(w, "null");
	}
	jsonw_puts(w, "," JSON_IND5 "\"overridden\": ");
	jsonw_value(w, e->overridden);
	jsonw_puts(w, "," JSON_IND5 "\"expected\": ");
	if (cached)
		json_run(j, JSON_RUN_EXPECTED, e->expected, NULL, json_rule_owned(f->rule, e->expected));
	else
		json_run_make(w, JSON_RUN_EXPECTED, e->expected, NULL);
	jsonw_puts(w, "," JSON_IND5 "\"message\": ");
	jsonw_value(w, e->message);
	jsonw_puts(w, "," JSON_IND5 "\"fix\": ");
	jsonw_value(w, e->fix);
	jsonw_puts(w, "," JSON_IND5 "\"why\": ");
	if (cached)
		json_run(j, JSON_RUN_WHY_DOC, e->why, e->doc,
			 json_rule_owned(f->rule, e->why) && json_rule_owned(f->rule, e->doc));
	else
		json_run_make(w, JSON_RUN_WHY_DOC, e->why, e->doc);
}

/* At least the bytes json_finding_body() writes for f and e (each text escaped at its worst). */
static size_t json_body_room(const struct finding *f, const struct explanation *e)
{
	const char *texts[] = { f->rule_id, e->title, f->channel, e->subject, e->variable, e->value,
				e->origin.file, e->origin.chain, e->origin.detail, e->origin_text, e->location.file,
				e->cause_rule, e->cause.file, e->overridden, e->expected, e->message, e->fix,
				e->why, e->doc };
	size_t room = 2048;   /* the keys, indentation, source, severity, status, line numbers and nulls */
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		room += texts[i] ? JSONW_ESC_ROOM(strlen(texts[i])) : 0;
	return room;
}

/*
 * The template tp from the body's bytes with the target's name (real, n
 * bytes) and with the mark in its place (marked, m bytes), into the
 * template bytes (room made): 0 when the name is not where the marks are.
 */
static int json_tmpl_split(struct json *j, struct json_tmpl *tp, const char *real, size_t n, const char *marked,
			   size_t m)
{
	static const char esc[] = JSON_TMPL_MARK_ESC;
	const size_t elen = sizeof(esc) - 1;
	char *d = j->tmpl_bytes + j->tmpl_used, *d0 = d;
	size_t from = 0, got = 0;
	unsigned nh = 0;
	for (size_t i = 0; i + elen <= m;) {
		const char *at = memchr(marked + i, '\\', m - i - elen + 1);
		if (!at)
			break;
		i = (size_t)(at - marked);
		if (memcmp(at, esc, elen)) {
			i++;
			continue;
		}
		if (nh == JSON_TMPL_HOLES)
			return 0;
		/* the bytes before the mark, then the name where the real bytes have it */
		size_t k = i - from;
		if (got + k + j->tname_len > n || memcmp(real + got, marked + from, k) ||
		    memcmp(real + got + k, j->tname, j->tname_len))
			return 0;
		memcpy(d, marked + from, k);
		d += k;
		got += k + j->tname_len;
		tp->hole[nh++] = (uint32_t)(d - d0);
		i += elen;
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
 * Make template tp from finding f and its kept explanation e (json_tmpl
 * above), with e's texts filled; they are made again afterwards
 * (explain_kept_fill() with the target's name), so that e says what it
 * said whether or not the template is kept. Returns 1 when kept.
 */
static int json_tmpl_make(struct json *j, struct json_tmpl *tp, const struct finding *f, struct explanation *e)
{
	struct jsonw *sw = j->scratch;
	struct explanation marked = *e;
	size_t at[3];
	if (!sw) {
		sw = j->scratch = xmalloc(sizeof(*sw));
		jsonw_init(sw, NULL);
	}
	size_t real_room = json_body_room(f, e);
	explain_kept_fill(j->x, e->kept, JSON_TMPL_MARK, &marked);
	/* nothing is flushed from the scratch writer (it has no file): both versions fit whole */
	int fits = real_room + json_body_room(f, &marked) <= sw->cap;
	sw->len = 0;
	if (fits)
		json_finding_body(j, sw, f, &marked);
	at[0] = sw->len;
	explain_kept_fill(j->x, e->kept, j->tname, e);
	if (!fits)
		return 0;
	json_finding_body(j, sw, f, e);
	at[1] = sw->len;
	/* room for the bytes without the name: at most the real bytes */
	size_t need = at[1] - at[0];
	if (sw->overflow || need > JSON_TMPL_MAX_BYTES - j->tmpl_used)
		return 0;
	if (need > j->tmpl_cap - j->tmpl_used) {
		size_t cap = j->tmpl_cap ? j->tmpl_cap : 64 * 1024;
		while (cap - j->tmpl_used < need)
			cap *= 2;
		j->tmpl_bytes = xrealloc(j->tmpl_bytes, cap);
		j->tmpl_cap = cap;
	}
	if (!json_tmpl_split(j, tp, sw->buf + at[0], need, sw->buf, at[0]))
		return 0;
	report_tmpl_seal(&tp->h, f->rule_id, f, e);
	return 1;
}

/*
 * The template for finding f and its explanation e when there is one,
 * made the first time (json_tmpl above); NULL: write the members one by
 * one, e's texts filled.
 */
static const struct json_tmpl *json_tmpl_get(struct json *j, const struct finding *f, struct explanation *e)
{
	if (!e->kept)
		return NULL;
	enum report_tmpl_state state;
	struct json_tmpl *tp = report_tmpl_slot((void **)&j->tmpl, sizeof(*j->tmpl), JSON_TMPL_BITS, &j->tmpl_n,
						j->tname_plain, f->rule_id, f, e, &state);
	if (state == REPORT_TMPL_USE)
		return tp;
	if (state == REPORT_TMPL_MAKE) {
		explain_kept_fill(j->x, e->kept, j->tname, e);
		tp->h.refused = !json_tmpl_make(j, tp, f, e);
		return tp->h.refused ? NULL : tp;
	}
	/* the explainer left the kept explanation's texts to the writer (explainer.kept_lazy) */
	explain_kept_fill(j->x, e->kept, j->tname, e);
	return NULL;
}

/* A finding's body from template tp, with the target's name put in. */
static void json_tmpl_put(struct json *j, const struct json_tmpl *tp)
{
	struct jsonw *w = &j->w;
	const char *b = j->tmpl_bytes + tp->off;
	size_t total = tp->len + tp->h.nholes * j->tname_len, from = 0;
	if (total > w->cap - w->len) {
		jsonw_flush(w);
		if (total > w->cap) {
			for (unsigned k = 0; k < tp->h.nholes; k++) {
				jsonw_put(w, b + from, tp->hole[k] - from);
				jsonw_put(w, j->tname, j->tname_len);
				from = tp->hole[k];
			}
			jsonw_put(w, b + from, tp->len - from);
			return;
		}
	}
	char *d = w->buf + w->len;
	for (unsigned k = 0; k < tp->h.nholes; k++) {
		memcpy(d, b + from, tp->hole[k] - from);
		d += tp->hole[k] - from;
		memcpy(d, j->tname, j->tname_len);
		d += j->tname_len;
		from = tp->hole[k];
	}
	memcpy(d, b + from, tp->len - from);
	w->len += total;
}

static void json_tmpl_free(struct json *j)
{
	for (int fold = 0; fold < 2; fold++) {
		free(j->name_hash[fold]);
		j->name_hash[fold] = NULL;
	}
	free(j->tmpl);
	free(j->tmpl_bytes);
	free(j->scratch);
	j->tmpl = NULL;
	j->tmpl_bytes = NULL;
	j->scratch = NULL;
}

static void json_finding(struct json *j, const struct target_result *t, const struct finding *f,
			 struct explanation *e)
{
	struct jsonw *w = &j->w;
	char fp[17];
	const struct json_tmpl *tp = json_tmpl_get(j, f, e);
	/* jsonw_open(w, NULL, '{') and the first key: an element of "findings" (depth 4) */
	if (w->has_items[4])
		jsonw_puts(w, "," JSON_IND4 "{" JSON_IND5 "\"rule_id\": ");
	else
		jsonw_puts(w, JSON_IND4 "{" JSON_IND5 "\"rule_id\": ");
	w->has_items[4] = 1;
	w->depth = 5;
	w->has_items[5] = 1;
	if (tp)
		json_tmpl_put(j, tp);
	else
		json_finding_body(j, w, f, e);
	suppress_fingerprint(t, f, e, fp);
	jsonw_puts(w, "," JSON_IND5 "\"fingerprint\": ");
	jsonw_value(w, fp);
	jsonw_puts(w, "," JSON_IND5 "\"baseline\": ");
	jsonw_value(w, (unsigned)f->baseline < ARRAY_SIZE(json_baseline_names) ? json_baseline_names[f->baseline]
									     : NULL);
	if (!f->suppression && !f->expired) {
		jsonw_puts(w, "," JSON_IND5 "\"suppression\": null," JSON_IND5 "\"expired_suppression\": null");
	} else {
		json_suppression(w, "suppression", f->suppression);
		json_suppression(w, "expired_suppression", f->expired);
	}
	json_close_lit(w, JSON_IND4 "}");
}

static void json_status_counts(struct jsonw *w, const char *key, const size_t *by_status)
{
	jsonw_open(w, key, '{');
	for (size_t i = 0; i < ARRAY_SIZE(json_status_order); i++)
		jsonw_uint(w, report_status_token(json_status_order[i]), by_status[json_status_order[i]]);
	jsonw_close(w, '}');
}

static void json_origin_of(struct jsonw *w, const struct settings_origin *o)
{
	jsonw_open(w, "origin", '{');
	jsonw_str(w, "source", report_source_name(o->source));
	jsonw_str(w, "file", o->file);
	if (o->line)
		jsonw_uint(w, "line", o->line);
	else
		jsonw_null(w, "line");
	jsonw_str(w, "chain", o->chain);
	jsonw_str(w, "detail", o->detail);
	jsonw_close(w, '}');
}

static void json_setting_value(struct jsonw *w, const struct settings_value *v)
{
	jsonw_str(w, "value", v->value);
	jsonw_str(w, "spelled", v->spelled);
	json_origin_of(w, &v->origin);
}

/*
 * The names a target's view is asked for in every JSON target: the run's
 * fleet settings, then topology_reads[] and topology_facts[]; their hashes
 * as the view's index takes them (util_strhash() by its case folding),
 * made once per run for settings_get_hashed() (issue 13: settings_get()
 * hashed each name again, 60 times a target).
 */
static const size_t *json_name_hashes(struct json *j, const struct settings *v)
{
	int fold = v->index.fold_case ? 1 : 0;
	if (!j->name_hash[fold]) {
		size_t nf = j->run->nfleet_vars, n = nf + topology_nreads + topology_nfacts;
		size_t *h = j->name_hash[fold] = xmalloc((n ? n : 1) * sizeof(*h));
		for (size_t i = 0; i < n; i++)
			h[i] = util_strhash(i < nf ? j->run->fleet_vars[i]
					    : i < nf + topology_nreads ? topology_reads[i - nf]
					    : topology_facts[i - nf - topology_nreads], fold);
	}
	return j->name_hash[fold];
}

/*
 * Added (issue 11): the target's place in its run, its tags, and what the
 * fleet rules compare (the variables they read with their origins, the
 * channels), so that `crashsafe merge` can run them again over every shard.
 */
static void json_fleet(struct json *j, const struct target_result *t)
{
	struct jsonw *w = &j->w;
	const struct settings *v = &t->view;
	jsonw_uint(w, "position", t->position);
	jsonw_open(w, "tags", '[');
	for (const char *p = t->tags; p && *p;) {
		size_t len = strcspn(p, ",");
		char *tag = xstrndup(p, len);
		jsonw_str(w, NULL, tag);
		free(tag);
		p += len;
		if (*p)
			p++;
	}
	jsonw_close(w, ']');
	/* "fleet" (depth 3) and its first members (depth 4) with literal keys (issue 13) */
	jsonw_puts(w, "," JSON_IND3 "\"fleet\": {" JSON_IND4 "\"file\": ");
	w->depth = 4;
	w->has_items[4] = 1;
	jsonw_value(w, t->real_path);
	if (!t->nincludes) {
		jsonw_puts(w, "," JSON_IND4 "\"includes\": []");
	} else {
		jsonw_open(w, "includes", '[');
		for (size_t i = 0; i < t->nincludes; i++)
			jsonw_str(w, NULL, t->includes[i]);
		jsonw_close(w, ']');
	}
	jsonw_puts(w, "," JSON_IND4 "\"role_detected\": ");
	if (v->role_detected)
		jsonw_puts(w, "true");
	else
		jsonw_puts(w, "false");
	jsonw_puts(w, "," JSON_IND4 "\"version_detected\": ");
	if (v->version_detected)
		jsonw_puts(w, "true");
	else
		jsonw_puts(w, "false");
	/* where a line for a setting left at its default belongs: fleet findings are located there */
	if (v->group_header.file) {
		jsonw_puts(w, "," JSON_IND4 "\"group_header\": {" JSON_IND5 "\"file\": ");
		jsonw_value(w, v->group_header.file);
		jsonw_puts(w, "," JSON_IND5 "\"line\": ");
		jsonw_line(w, v->group_header.line);
		jsonw_puts(w, "," JSON_IND5 "\"chain\": ");
		jsonw_value(w, v->group_header.chain);
		jsonw_puts(w, "," JSON_IND5 "\"group\": ");
		jsonw_value(w, v->group_header.detail);
		jsonw_puts(w, JSON_IND4 "}");
	} else {
		jsonw_puts(w, "," JSON_IND4 "\"group_header\": null");
	}
	jsonw_open(w, "settings", '[');
	const size_t *hash = json_name_hashes(j, v);
	for (size_t i = 0; i < j->run->nfleet_vars; i++) {
		const struct settings_var *sv = settings_get_hashed(v, j->run->fleet_vars[i], hash[i]);
		if (!sv)
			continue;
		const struct settings_origin *o = &sv->current.origin;
		/* jsonw_str(name), json_setting_value(current) with literal keys: depth 6 */
		/* jsonw_open(w, NULL, '{') and the first key: an element of "settings" (depth 5) */
		if (w->has_items[5])
			jsonw_puts(w, "," JSON_IND5 "{" JSON_IND6 "\"name\": ");
		else
			jsonw_puts(w, JSON_IND5 "{" JSON_IND6 "\"name\": ");
		w->has_items[5] = 1;
		w->depth = 6;
		w->has_items[6] = 1;
		jsonw_value(w, sv->name);
		jsonw_puts(w, "," JSON_IND6 "\"value\": ");
		jsonw_value(w, sv->current.value);
		jsonw_puts(w, "," JSON_IND6 "\"spelled\": ");
		jsonw_value(w, sv->current.spelled);
		jsonw_puts(w, "," JSON_IND6 "\"origin\": {" JSON_IND7 "\"source\": ");
		json_source(j, w, o->source);
		jsonw_puts(w, "," JSON_IND7 "\"file\": ");
		jsonw_value(w, o->file);
		jsonw_puts(w, "," JSON_IND7 "\"line\": ");
		jsonw_line(w, o->line);
		jsonw_puts(w, "," JSON_IND7 "\"chain\": ");
		jsonw_value(w, o->chain);
		jsonw_puts(w, "," JSON_IND7 "\"detail\": ");
		jsonw_value(w, o->detail);
		jsonw_puts(w, JSON_IND6 "}");
		if (!sv->n_overridden) {
			jsonw_puts(w, "," JSON_IND6 "\"overridden\": []");
		} else {
			jsonw_open(w, "overridden", '[');
			for (size_t k = 0; k < sv->n_overridden; k++) {
				jsonw_open(w, NULL, '{');
				json_setting_value(w, &sv->overridden[k]);
				jsonw_close(w, '}');
			}
			jsonw_close(w, ']');
		}
		json_close_lit(w, JSON_IND5 "}");
	}
	jsonw_close(w, ']');
	if (!v->channels_known) {
		jsonw_null(w, "channels");
	} else {
		jsonw_open(w, "channels", '[');
		for (size_t i = 0; i < v->nchannels; i++) {
			const struct settings_channel *c = &v->channels[i];
			jsonw_open(w, NULL, '{');
			jsonw_str(w, "name", c->name);
			jsonw_str(w, "auto_position", c->auto_position);
			jsonw_str(w, "using_gtid", c->using_gtid);
			jsonw_str(w, "io_running", c->io_running);
			jsonw_str(w, "sql_running", c->sql_running);
			jsonw_str(w, "source_host", c->source_host);
			jsonw_uint(w, "source_port", c->source_port);
			jsonw_close(w, '}');
		}
		jsonw_close(w, ']');
	}
	jsonw_close(w, '}');
}

/*
 * What `crashsafe merge` needs to judge the topology rules again over shard
 * reports (topology.h): where the target is reached, its cluster and
 * multi-writer declaration, the values topology_link() compares, its
 * channels, and the topology.* facts this run derived.
 */
/*
 * "name": with its indentation at depth 5 (the members of a target's
 * topology variables and facts), made once per run for each of
 * topology_reads[] then topology_facts[] (issue 13); NULL for a name that
 * would need escaping (written by jsonw_item()).
 */
struct json_key {
	const char *bytes;   /* in json.keys_bytes */
	size_t len;
};

/* Then, in topo_keys, the counts' keys: each status token (json_status_order), each severity name. */
#define JSON_KEYS_STATUS (topology_nreads + topology_nfacts)
#define JSON_KEYS_SEVERITY (JSON_KEYS_STATUS + ARRAY_SIZE(json_status_order))
#define JSON_KEYS_N (JSON_KEYS_SEVERITY + ARRAY_SIZE(json_severity_order))

static const char *json_key_name(size_t i)
{
	return i < topology_nreads ? topology_reads[i]
	       : i < JSON_KEYS_STATUS ? topology_facts[i - topology_nreads]
	       : i < JSON_KEYS_SEVERITY ? report_status_token(json_status_order[i - JSON_KEYS_STATUS])
	       : severity_name(json_severity_order[i - JSON_KEYS_SEVERITY]);
}

/* Every key of topo_keys, in one allocation (a one-file report pays a few thousand instructions). */
static void json_keys_make(struct json *j)
{
	static const char ind[] = JSON_IND5 "\"";
	size_t total = 0;
	for (size_t i = 0; i < JSON_KEYS_N; i++)
		total += sizeof(ind) - 1 + strlen(json_key_name(i)) + 3;
	j->topo_keys = xcalloc(JSON_KEYS_N, sizeof(*j->topo_keys));
	j->keys_bytes = xmalloc(total ? total : 1);
	j->counts_keys = 1;
	char *d = j->keys_bytes;
	for (size_t i = 0; i < JSON_KEYS_N; i++) {
		const char *name = json_key_name(i);
		size_t len = strlen(name);
		if (jsonw_plain_run(name, 0, len) != len) {
			if (i >= JSON_KEYS_STATUS)
				j->counts_keys = 0;
			continue;
		}
		j->topo_keys[i].bytes = d;
		memcpy(d, ind, sizeof(ind) - 1);
		d += sizeof(ind) - 1;
		memcpy(d, name, len);
		d += len;
		memcpy(d, "\": ", 3);
		d += 3;
		j->topo_keys[i].len = (size_t)(d - j->topo_keys[i].bytes);
	}
}

static void json_keys_free(struct json *j)
{
	free(j->keys_bytes);
	free(j->topo_keys);
	j->keys_bytes = NULL;
	j->topo_keys = NULL;
}

/* A member of the open object at depth 5 under key i of topo_keys (name: its text), and its string value. */
static void json_key_value(struct json *j, size_t i, const char *name, const char *value)
{
	struct jsonw *w = &j->w;
	const struct json_key *k = &j->topo_keys[i];
	if (!k->bytes || w->depth != 5) {
		jsonw_str(w, name, value);
		return;
	}
	if (w->has_items[5])
		jsonw_putc(w, ',');
	w->has_items[5] = 1;
	jsonw_put(w, k->bytes, k->len);
	jsonw_value(w, value);
}

/* A number after key i of topo_keys (the first of its object without the comma). */
static void json_key_number(struct json *j, size_t i, int first, size_t value)
{
	char buf[24], *p;
	if (!first)
		jsonw_putc(&j->w, ',');
	jsonw_put(&j->w, j->topo_keys[i].bytes, j->topo_keys[i].len);
	p = jsonw_digits(buf + sizeof(buf), value);
	jsonw_put(&j->w, p, (size_t)(buf + sizeof(buf) - p));
}

/*
 * A target's "counts" (a member at depth 3, its members at 4, their counts
 * at 5), with the keys as literals and those of topo_keys (issue 13); the
 * same bytes as jsonw_open(), jsonw_uint(), json_status_counts() and
 * json_severity_counts() write.
 */
static void json_target_counts(struct json *j, const struct audit_summary *c)
{
	struct jsonw *w = &j->w;
	char buf[24], *p;
	if (!j->counts_keys || w->depth != 3) {
		jsonw_open(w, "counts", '{');
		jsonw_uint(w, "findings", c->findings);
		json_status_counts(w, "by_status", c->by_status);
		json_severity_counts(w, "fail_by_severity", c->fail_by_severity);
		json_severity_counts(w, "could_not_evaluate_by_severity", c->unknown_by_severity);
		jsonw_close(w, '}');
		return;
	}
	jsonw_puts(w, "," JSON_IND3 "\"counts\": {" JSON_IND4 "\"findings\": ");
	p = jsonw_digits(buf + sizeof(buf), c->findings);
	jsonw_put(w, p, (size_t)(buf + sizeof(buf) - p));
	jsonw_puts(w, "," JSON_IND4 "\"by_status\": {");
	for (size_t i = 0; i < ARRAY_SIZE(json_status_order); i++)
		json_key_number(j, JSON_KEYS_STATUS + i, i == 0, c->by_status[json_status_order[i]]);
	jsonw_puts(w, JSON_IND4 "}," JSON_IND4 "\"fail_by_severity\": {");
	for (size_t i = 0; i < ARRAY_SIZE(json_severity_order); i++)
		json_key_number(j, JSON_KEYS_SEVERITY + i, i == 0, c->fail_by_severity[json_severity_order[i]]);
	jsonw_puts(w, JSON_IND4 "}," JSON_IND4 "\"could_not_evaluate_by_severity\": {");
	for (size_t i = 0; i < ARRAY_SIZE(json_severity_order); i++)
		json_key_number(j, JSON_KEYS_SEVERITY + i, i == 0, c->unknown_by_severity[json_severity_order[i]]);
	jsonw_puts(w, JSON_IND4 "}" JSON_IND3 "}");
	w->has_items[3] = 1;
}

static void json_topology(struct json *j, const struct target_result *t)
{
	struct jsonw *w = &j->w;
	const struct settings *v = &t->view;
	const char *cluster = expr_target_cluster(NULL, v);
	/* "topology" (depth 3) and its first members (depth 4) with literal keys (issue 13) */
	jsonw_puts(w, "," JSON_IND3 "\"topology\": {" JSON_IND4 "\"address\": ");
	w->depth = 4;
	w->has_items[4] = 1;
	jsonw_value(w, v->address);
	jsonw_puts(w, "," JSON_IND4 "\"galera_cluster\": ");
	jsonw_value(w, *cluster ? cluster : NULL);
	jsonw_puts(w, "," JSON_IND4 "\"multi_writer\": ");
	jsonw_value(w, v->multi_writer);
	if (v->channels_known)
		jsonw_puts(w, "," JSON_IND4 "\"channels_known\": true");
	else
		jsonw_puts(w, "," JSON_IND4 "\"channels_known\": false");
	jsonw_open(w, "variables", '{');
	const size_t *hash = json_name_hashes(j, v) + j->run->nfleet_vars;
	for (size_t i = 0; i < topology_nreads; i++) {
		const struct settings_var *sv = settings_get_hashed(v, topology_reads[i], hash[i]);
		if (sv)
			json_key_value(j, i, topology_reads[i], sv->current.value);
	}
	jsonw_close(w, '}');
	jsonw_open(w, "facts", '{');
	for (size_t i = 0; i < topology_nfacts; i++) {
		const struct settings_var *sv = settings_get_hashed(v, topology_facts[i], hash[topology_nreads + i]);
		if (sv)
			json_key_value(j, topology_nreads + i, topology_facts[i], sv->current.value);
	}
	jsonw_close(w, '}');
	jsonw_open(w, "channels", '[');
	for (size_t i = 0; i < v->nchannels; i++) {
		const struct settings_channel *ch = &v->channels[i];
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "name", ch->name);
		jsonw_bool(w, "group_replication", ch->group_replication);
		jsonw_str(w, "source_host", ch->source_host);
		if (ch->source_port)
			jsonw_uint(w, "source_port", ch->source_port);
		else
			jsonw_null(w, "source_port");
		jsonw_str(w, "source_server_id", ch->source_server_id);
		jsonw_str(w, "source_uuid", ch->source_uuid);
		jsonw_str(w, "auto_position", ch->auto_position);
		jsonw_str(w, "using_gtid", ch->using_gtid);
		jsonw_str(w, "io_running", ch->io_running);
		jsonw_str(w, "sql_running", ch->sql_running);
		jsonw_str(w, "last_io_errno", ch->last_io_errno);
		jsonw_str(w, "last_io_error", ch->last_io_error);
		jsonw_str(w, "last_sql_errno", ch->last_sql_errno);
		jsonw_str(w, "last_sql_error", ch->last_sql_error);
		jsonw_str(w, "skip_counter", ch->skip_counter);
		jsonw_str(w, "source", ch->source_target);
		jsonw_str(w, "source_why", ch->source_why);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_close(w, '}');
}

static void json_target(struct json *j, const struct target_result *t)
{
	struct jsonw *w = &j->w;
	char vbuf[32];
	struct audit_summary c;
	const struct finding **sorted = report_sorted_findings(t);
	if (w->depth != JSON_TARGET_DEPTH) {
		/* not where json_begin() left the document: the literals' indentation would be wrong */
		w->overflow = 1;
		free(sorted);
		return;
	}
	audit_summary_of_target(&c, t);
	jsonw_open(w, NULL, '{');   /* depth 3 */
	jsonw_puts(w, JSON_IND3 "\"name\": ");
	w->has_items[w->depth] = 1;
	jsonw_value(w, t->name);
	jsonw_puts(w, "," JSON_IND3 "\"kind\": ");
	jsonw_value(w, t->kind);
	jsonw_puts(w, "," JSON_IND3 "\"flavor\": ");
	jsonw_value(w, flavor_name(t->flavor));
	jsonw_puts(w, "," JSON_IND3 "\"flavor_display\": ");
	jsonw_value(w, flavor_build_display(t->flavor, t->variant));
	jsonw_puts(w, "," JSON_IND3 "\"build\": ");
	jsonw_value(w, flavor_variant_name(t->variant));
	jsonw_puts(w, "," JSON_IND3 "\"version\": ");
	jsonw_value(w, report_version_text(&t->version, vbuf, sizeof(vbuf)));
	jsonw_puts(w, "," JSON_IND3 "\"flavor_source\": ");
	jsonw_value(w, t->flavor_source);
	jsonw_puts(w, "," JSON_IND3 "\"flavor_evidence\": ");
	jsonw_value(w, t->flavor_evidence);
	jsonw_puts(w, "," JSON_IND3 "\"role\": ");
	jsonw_value(w, role_name(t->role));
	jsonw_puts(w, "," JSON_IND3 "\"cluster\": ");
	jsonw_value(w, t->cluster);
	jsonw_puts(w, "," JSON_IND3 "\"path_key\": ");
	jsonw_value(w, t->path_key);
	json_diff(w, t->diff);
	jsonw_str(w, "error", t->error);
	json_fleet(j, t);
	json_topology(j, t);
	json_target_counts(j, &c);
	jsonw_open(w, "findings", '[');
	/* the name kept explanations put in (json_tmpl above) */
	j->tname = t->view.target;
	j->tname_len = j->tname ? strlen(j->tname) : 0;
	j->tname_plain = j->tname && j->tname_len && j->tname_len < 4096 &&
			 jsonw_plain_run(j->tname, 0, j->tname_len) == j->tname_len;
	explainer_target_begin(j->x, t);   /* issue 13: what the target's findings share is worked out once */
	j->x->kept_lazy = 1;               /* json_tmpl_get() fills a kept explanation's texts when it needs them */
	for (size_t i = 0; i < t->n; i++) {
		struct explanation e;
		explain_finding(j->x, t, sorted[i], &e);
		json_finding(j, t, sorted[i], &e);
	}
	j->x->kept_lazy = 0;
	explainer_target_end(j->x);
	jsonw_close(w, ']');
	jsonw_close(w, '}');
	free(sorted);
}

/* The exit status these counts give under each --fail-on value (exit_status: the one given). */
static void json_exit_status(struct jsonw *w, const struct audit_summary *s)
{
	static const struct {
		const char *name;
		int fail_on;
	} levels[] = {
		{ "error", SEV_ERROR },
		{ "warning", SEV_WARNING },
		{ "info", SEV_INFO },
		{ "never", 0 },
	};
	jsonw_open(w, "exit_status_by_fail_on", '{');
	for (size_t i = 0; i < ARRAY_SIZE(levels); i++)
		jsonw_int(w, levels[i].name, audit_summary_exit_status(s, levels[i].fail_on));
	jsonw_close(w, '}');
}

static int json_begin(void *state, FILE *fp, const struct report_options *o, const struct report_run *run)
{
	struct json *j = state;
	struct jsonw *w = &j->w;
	j->x = run->explainer;
	j->fail_on = run->fail_on;
	j->run = run;
	for (unsigned src = 0; src < ARRAY_SIZE(j->source_json); src++) {
		const char *name = report_source_name((enum settings_source)src);
		size_t n = strlen(name);
		j->source_json_len[src] = 0;
		if (n + 2 <= sizeof(j->source_json[src]) && jsonw_plain_run(name, 0, n) == n) {
			j->source_json[src][0] = '"';
			memcpy(j->source_json[src] + 1, name, n);
			j->source_json[src][n + 1] = '"';
			j->source_json_len[src] = (unsigned char)(n + 2);
		}
	}
	json_keys_make(j);
	jsonw_init(w, fp);
	jsonw_open(w, NULL, '{');
	jsonw_str(w, "schema", JSON_SCHEMA_ID);
	jsonw_open(w, "tool", '{');
	jsonw_str(w, "name", "crashsafe");
	jsonw_str(w, "version", run->tool_version);
	jsonw_close(w, '}');
	jsonw_str(w, "command", run->command);
	if (run->timestamp) {
		char when[40];
		jsonw_str(w, "generated", report_time_iso(run->generated, 1, when, sizeof(when)));
		jsonw_seconds(w, "duration_seconds", run->duration);
	}
	/* added (issue 11): the run this report is part of, for crashsafe merge */
	jsonw_open(w, "run", '{');
	jsonw_open(w, "rules", '[');
	for (size_t i = 0; run->rules && i < run->nrules; i++)
		jsonw_str(w, NULL, run->rules[i].id);
	for (size_t i = 0; !run->rules && i < run->nrule_ids; i++)
		jsonw_str(w, NULL, run->rule_ids[i]);
	jsonw_close(w, ']');
	jsonw_open(w, "fleet_settings", '[');
	for (size_t i = 0; i < run->nfleet_vars; i++)
		jsonw_str(w, NULL, run->fleet_vars[i]);
	jsonw_close(w, ']');
	if (run->shard_count) {
		jsonw_open(w, "shard", '{');
		jsonw_uint(w, "index", run->shard_index);
		jsonw_uint(w, "count", run->shard_count);
		jsonw_close(w, '}');
	} else {
		jsonw_null(w, "shard");
	}
	jsonw_uint(w, "targets", run->run_targets);
	jsonw_close(w, '}');
	jsonw_open(w, "targets", '[');
	return ferror(fp) ? -1 : 0;
}

/* The writer's buffer from a run's second target on (jsonw_grow()): a one-target report keeps its own. */
#define JSON_FLEET_BUF (256 * 1024)

static int json_target_cb(void *state, const struct target_result *t)
{
	struct json *j = state;
	if (j->cache_on)
		jsonw_grow(&j->w, JSON_FLEET_BUF);
	json_target(j, t);
	j->cache_on = 1;
	return ferror(j->w.fp) ? -1 : 0;
}

/* The summary comes last: it counts the targets written before it. */
static int json_end(void *state, const struct audit_summary *s)
{
	struct json *j = state;
	struct jsonw *w = &j->w;
	jsonw_close(w, ']');
	jsonw_open(w, "summary", '{');
	jsonw_uint(w, "targets", s->targets);
	jsonw_uint(w, "targets_failed_to_audit", s->targets_not_audited);
	jsonw_uint(w, "findings", s->findings);
	json_status_counts(w, "by_status", s->by_status);
	json_severity_counts(w, "fail_by_severity", s->fail_by_severity);
	json_severity_counts(w, "could_not_evaluate_by_severity", s->unknown_by_severity);
	jsonw_uint(w, "input_errors", s->input_errors + s->targets_input_errors);
	jsonw_int(w, "exit_status", audit_summary_exit_status(s, j->fail_on));
	json_exit_status(w, s);
	jsonw_close(w, '}');
	jsonw_close(w, '}');
	json_keys_free(j);
	json_tmpl_free(j);
	return jsonw_finish(w);
}

const struct report_writer report_json_writer = {
	.format = REPORT_JSON,
	.name = "json",
	.state_size = sizeof(struct json),
	.begin = json_begin,
	.target = json_target_cb,
	.end = json_end,
};
