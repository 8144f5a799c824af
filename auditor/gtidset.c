/*
 * gtidset.c - MySQL GTID sets and MariaDB GTID lists (see gtidset.h).
 */
#include "gtidset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* ---- MySQL: keys and intervals ----------------------------------------- */

static int key_cmp(const unsigned char *ua, const char *ta, const unsigned char *ub, const char *tb)
{
	int c = memcmp(ua, ub, 16);
	return c ? c : strcmp(ta, tb);
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct gtid_uuid_set *a = pa, *b = pb;
	return key_cmp(a->uuid, a->tag, b->uuid, b->tag);
}

static int interval_cmp(const void *pa, const void *pb)
{
	const struct gtid_interval *a = pa, *b = pb;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return a->hi < b->hi ? -1 : a->hi > b->hi ? 1 : 0;
}

static void entry_push(struct gtid_uuid_set *e, uint64_t lo, uint64_t hi)
{
	ARRAY_GROW(e->iv, e->n + 1, e->cap);
	e->iv[e->n].lo = lo;
	e->iv[e->n].hi = hi;
	e->n++;
}

/* Sort and merge one entry's intervals (overlapping or adjacent runs become one). */
static void entry_normalize(struct gtid_uuid_set *e)
{
	size_t out = 0;
	if (e->n < 2)
		return;
	qsort(e->iv, e->n, sizeof(*e->iv), interval_cmp);
	for (size_t i = 1; i < e->n; i++) {
		struct gtid_interval *last = &e->iv[out];
		if (e->iv[i].lo <= last->hi || e->iv[i].lo - 1 == last->hi) {
			if (e->iv[i].hi > last->hi)
				last->hi = e->iv[i].hi;
		} else {
			e->iv[++out] = e->iv[i];
		}
	}
	e->n = out + 1;
}

static void entry_release(struct gtid_uuid_set *e)
{
	free(e->iv);
	e->iv = NULL;
	e->n = e->cap = 0;
}

void gtidset_init(struct gtidset *s)
{
	memset(s, 0, sizeof(*s));
}

void gtidset_release(struct gtidset *s)
{
	for (size_t i = 0; i < s->n; i++)
		entry_release(&s->e[i]);
	free(s->e);
	memset(s, 0, sizeof(*s));
}

static void gtidset_clear(struct gtidset *s)
{
	for (size_t i = 0; i < s->n; i++)
		entry_release(&s->e[i]);
	s->n = 0;
}

/* Compaction step: entry i is kept as entry *out (moved down over dropped ones). */
static void gtidset_keep(struct gtidset *s, size_t *out, size_t i)
{
	if (*out != i) {
		s->e[*out] = s->e[i];
		memset(&s->e[i], 0, sizeof(s->e[i]));
	}
	(*out)++;
}

/* Sort the entries, fold entries with one key together, normalise each; drop empty ones. */
static void gtidset_normalize(struct gtidset *s)
{
	size_t out = 0;
	if (!s->n)
		return;
	qsort(s->e, s->n, sizeof(*s->e), entry_cmp);
	for (size_t i = 0; i < s->n; i++) {
		struct gtid_uuid_set *e = &s->e[i];
		if (out && !entry_cmp(&s->e[out - 1], e)) {
			struct gtid_uuid_set *into = &s->e[out - 1];
			for (size_t k = 0; k < e->n; k++)
				entry_push(into, e->iv[k].lo, e->iv[k].hi);
			entry_release(e);
			continue;
		}
		gtidset_keep(s, &out, i);
	}
	s->n = out;
	out = 0;
	for (size_t i = 0; i < s->n; i++) {
		entry_normalize(&s->e[i]);
		if (!s->e[i].n) {
			entry_release(&s->e[i]);
			continue;
		}
		gtidset_keep(s, &out, i);
	}
	s->n = out;
}

/*
 * Binary search of the sorted entries for (uuid, tag): 1 and its index in
 * *at when present, else 0 and in *at the index it would be inserted at.
 */
static int gtidset_search(const struct gtidset *s, const unsigned char uuid[16], const char *tag, size_t *at)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = key_cmp(s->e[mid].uuid, s->e[mid].tag, uuid, tag);
		if (!c) {
			*at = mid;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return 0;
}

/* The entry for (uuid, tag), created in sorted position when absent. */
static struct gtid_uuid_set *gtidset_entry(struct gtidset *s, const unsigned char uuid[16], const char *tag)
{
	size_t lo;
	if (gtidset_search(s, uuid, tag, &lo))
		return &s->e[lo];
	ARRAY_GROW(s->e, s->n + 1, s->cap);
	memmove(&s->e[lo + 1], &s->e[lo], (s->n - lo) * sizeof(*s->e));
	memset(&s->e[lo], 0, sizeof(s->e[lo]));
	memcpy(s->e[lo].uuid, uuid, 16);
	snprintf(s->e[lo].tag, sizeof(s->e[lo].tag), "%s", tag);
	s->n++;
	return &s->e[lo];
}

static const struct gtid_uuid_set *gtidset_find(const struct gtidset *s, const unsigned char uuid[16],
						const char *tag)
{
	size_t at;
	return gtidset_search(s, uuid, tag, &at) ? &s->e[at] : NULL;
}

void gtidset_add(struct gtidset *s, const unsigned char uuid[16], const char *tag, uint64_t lo, uint64_t hi)
{
	struct gtid_uuid_set *e = gtidset_entry(s, uuid, tag ? tag : "");
	int in_order = !e->n || lo > e->iv[e->n - 1].hi + 1;
	entry_push(e, lo, hi);
	if (!in_order)
		entry_normalize(e);
}

/* ---- MySQL: parsing and printing --------------------------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static const char *skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* A UUID at p, 8-4-4-4-12 or 32 hex digits. Returns the end, or NULL. */
static const char *parse_uuid(const char *p, unsigned char out[16])
{
	static const int dash_at[] = { 8, 12, 16, 20 };   /* digits before each '-' */
	int digits = 0, dashes = 0;
	const char *q = p;
	while (digits < 32) {
		int v = hexval((unsigned char)*q);
		if (v < 0) {
			if (*q == '-' && dashes < 4 && digits == dash_at[dashes]) {
				/* a '-' only where the canonical form has one; all four or none (below) */
				dashes++;
				q++;
				continue;
			}
			return NULL;
		}
		if (digits % 2 == 0)
			out[digits / 2] = (unsigned char)(v << 4);
		else
			out[digits / 2] |= (unsigned char)v;
		digits++;
		q++;
	}
	if (dashes != 0 && dashes != 4)
		return NULL;
	if (hexval((unsigned char)*q) >= 0 || *q == '-')
		return NULL;
	return q;
}

/* An unsigned decimal at p no larger than max. Returns the end, or NULL. */
static const char *parse_ull(const char *p, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *q = p;
	if (*q < '0' || *q > '9')
		return NULL;
	while (*q >= '0' && *q <= '9') {
		unsigned d = (unsigned)(*q - '0');
		if (v > (max - d) / 10)
			return NULL;
		v = v * 10 + d;
		q++;
	}
	*out = v;
	return q;
}

/* A transaction number 1..GTID_NUMBER_MAX at p. Returns the end, or NULL. */
static const char *parse_number(const char *p, uint64_t *out)
{
	uint64_t v;
	const char *q = parse_ull(p, GTID_NUMBER_MAX, &v);
	if (!q || v == 0)
		return NULL;
	*out = v;
	return q;
}

static int is_tag_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_tag_char(int c)
{
	return is_tag_start(c) || (c >= '0' && c <= '9');
}

static int parse_fail(struct gtidset *s, struct strbuf *err, const char *text, const char *at, const char *what)
{
	if (err)
		strbuf_addf(err, "column %zu: %s", (size_t)(at - text) + 1, what);
	gtidset_clear(s);
	return -1;
}

int gtidset_parse(struct gtidset *s, const char *text, struct strbuf *err)
{
	const char *p = skip_blank(text);
	gtidset_clear(s);
	/* Collect every interval unsorted, then normalise once: O(n log n) for any input order. */
	while (*p) {
		unsigned char uuid[16];
		char tag[GTID_TAG_MAX + 1] = "";
		const char *q = parse_uuid(p, uuid);
		int intervals_for_tag = 0, any = 0;
		struct gtid_uuid_set *e = NULL;
		if (!q)
			return parse_fail(s, err, text, p, "expected a UUID (8-4-4-4-12 hex digits)");
		p = skip_blank(q);
		if (*p != ':')
			return parse_fail(s, err, text, p, "expected ':' and an interval after the UUID");
		while (*p == ':') {
			p = skip_blank(p + 1);
			if (is_tag_start((unsigned char)*p)) {
				size_t n = 0;
				if (any && !intervals_for_tag)
					return parse_fail(s, err, text, p, "a tag without an interval");
				while (is_tag_char((unsigned char)p[n]))
					n++;
				if (n > GTID_TAG_MAX)
					return parse_fail(s, err, text, p, "a tag longer than 32 characters");
				for (size_t k = 0; k < n; k++)
					tag[k] = (char)(p[k] >= 'A' && p[k] <= 'Z' ? p[k] - 'A' + 'a' : p[k]);
				tag[n] = '\0';
				p = skip_blank(p + n);
				intervals_for_tag = 0;
				any = 1;
				e = NULL;
				continue;
			}
			uint64_t lo, hi;
			q = parse_number(p, &lo);
			if (!q)
				return parse_fail(s, err, text, p, "expected a transaction number from 1 to 2^63-1");
			p = skip_blank(q);
			hi = lo;
			if (*p == '-') {
				const char *at = p = skip_blank(p + 1);
				q = parse_number(p, &hi);
				if (!q)
					return parse_fail(s, err, text, p, "expected the end of the interval");
				if (hi < lo)
					return parse_fail(s, err, text, at, "an interval that ends before it starts");
				p = skip_blank(q);
			}
			if (!e) {
				ARRAY_GROW(s->e, s->n + 1, s->cap);
				e = &s->e[s->n++];
				memset(e, 0, sizeof(*e));
				memcpy(e->uuid, uuid, 16);
				memcpy(e->tag, tag, sizeof(tag));
			}
			entry_push(e, lo, hi);
			intervals_for_tag++;
			any = 1;
		}
		if (!intervals_for_tag)
			return parse_fail(s, err, text, p, any ? "a tag without an interval" : "a UUID without an interval");
		if (*p == ',') {
			p = skip_blank(p + 1);
			if (!*p)
				return parse_fail(s, err, text, p, "expected a UUID after ','");
		} else if (*p) {
			return parse_fail(s, err, text, p, "expected ',' or the end of the set");
		}
	}
	gtidset_normalize(s);
	return 0;
}

static void format_uuid(struct strbuf *sb, const unsigned char u[16])
{
	static const char hex[] = "0123456789abcdef";
	char buf[37];
	size_t k = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[k++] = '-';
		buf[k++] = hex[u[i] >> 4];
		buf[k++] = hex[u[i] & 15];
	}
	buf[k] = '\0';
	strbuf_addstr(sb, buf);
}

void gtidset_format(const struct gtidset *s, struct strbuf *sb, size_t max)
{
	size_t start = sb->len, total = gtidset_intervals(s), written = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct gtid_uuid_set *e = &s->e[i];
		int same_uuid = i && !memcmp(s->e[i - 1].uuid, e->uuid, 16);
		if (!same_uuid) {
			if (i)
				strbuf_addch(sb, ',');
			format_uuid(sb, e->uuid);
		}
		if (*e->tag)
			strbuf_addf(sb, ":%s", e->tag);
		for (size_t k = 0; k < e->n; k++) {
			if (max && sb->len - start > max) {
				strbuf_addf(sb, " ... (%zu more interval%s)", total - written,
					    total - written == 1 ? "" : "s");
				return;
			}
			if (e->iv[k].lo == e->iv[k].hi)
				strbuf_addf(sb, ":%llu", (unsigned long long)e->iv[k].lo);
			else
				strbuf_addf(sb, ":%llu-%llu", (unsigned long long)e->iv[k].lo,
					    (unsigned long long)e->iv[k].hi);
			written++;
		}
	}
}

/* ---- MySQL: set operations --------------------------------------------- */

/* out = a | b for one key's sorted interval lists (a linear merge). */
static void intervals_union(struct gtid_uuid_set *out, const struct gtid_interval *a, size_t na,
			    const struct gtid_interval *b, size_t nb)
{
	size_t i = 0, j = 0;
	while (i < na || j < nb) {
		const struct gtid_interval *next = j >= nb || (i < na && a[i].lo <= b[j].lo) ? &a[i++] : &b[j++];
		if (out->n) {
			struct gtid_interval *last = &out->iv[out->n - 1];
			if (next->lo <= last->hi || next->lo - 1 == last->hi) {
				if (next->hi > last->hi)
					last->hi = next->hi;
				continue;
			}
		}
		entry_push(out, next->lo, next->hi);
	}
}

void gtidset_union(struct gtidset *dst, const struct gtidset *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct gtid_uuid_set *e = &src->e[i];
		struct gtid_uuid_set *d = gtidset_entry(dst, e->uuid, e->tag);
		struct gtid_uuid_set merged;
		memset(&merged, 0, sizeof(merged));
		intervals_union(&merged, d->iv, d->n, e->iv, e->n);
		free(d->iv);
		d->iv = merged.iv;
		d->n = merged.n;
		d->cap = merged.cap;
	}
}

/* out gets a - b for one key's sorted, disjoint interval lists (a linear sweep). */
static void intervals_subtract(struct gtid_uuid_set *out, const struct gtid_interval *a, size_t na,
			       const struct gtid_interval *b, size_t nb)
{
	size_t j = 0;
	for (size_t i = 0; i < na; i++) {
		uint64_t lo = a[i].lo, hi = a[i].hi;
		while (j < nb && b[j].hi < lo)
			j++;
		size_t k = j;
		while (lo <= hi && k < nb && b[k].lo <= hi) {
			if (b[k].lo > lo)
				entry_push(out, lo, b[k].lo - 1);
			if (b[k].hi >= hi) {
				lo = hi + 1;   /* fully covered from here on */
				break;
			}
			lo = b[k].hi + 1;
			k++;
		}
		if (lo <= hi && lo != 0)
			entry_push(out, lo, hi);
	}
}

void gtidset_subtract(struct gtidset *out, const struct gtidset *a, const struct gtidset *b)
{
	size_t j = 0;
	gtidset_clear(out);
	for (size_t i = 0; i < a->n; i++) {
		const struct gtid_uuid_set *e = &a->e[i];
		while (j < b->n && entry_cmp(&b->e[j], e) < 0)
			j++;
		const struct gtid_uuid_set *f = j < b->n && !entry_cmp(&b->e[j], e) ? &b->e[j] : NULL;
		ARRAY_GROW(out->e, out->n + 1, out->cap);
		struct gtid_uuid_set *o = &out->e[out->n];
		memset(o, 0, sizeof(*o));
		memcpy(o->uuid, e->uuid, 16);
		memcpy(o->tag, e->tag, sizeof(o->tag));
		if (f)
			intervals_subtract(o, e->iv, e->n, f->iv, f->n);
		else
			for (size_t k = 0; k < e->n; k++)
				entry_push(o, e->iv[k].lo, e->iv[k].hi);
		if (o->n)
			out->n++;
		else
			entry_release(o);
	}
}

int gtidset_is_empty(const struct gtidset *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->e[i].n)
			return 0;
	return 1;
}

uint64_t gtidset_count(const struct gtidset *s)
{
	uint64_t total = 0;
	for (size_t i = 0; i < s->n; i++) {
		for (size_t k = 0; k < s->e[i].n; k++) {
			uint64_t n = s->e[i].iv[k].hi - s->e[i].iv[k].lo + 1;
			if (total > UINT64_MAX - n)
				return UINT64_MAX;
			total += n;
		}
	}
	return total;
}

size_t gtidset_intervals(const struct gtidset *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		n += s->e[i].n;
	return n;
}

void gtidset_drop_tails(struct gtidset *s, const struct gtidset *seen)
{
	size_t out = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct gtid_uuid_set *e = &s->e[i];
		const struct gtid_uuid_set *f = gtidset_find(seen, e->uuid, e->tag);
		if (f && f->n) {
			uint64_t top = f->iv[f->n - 1].hi;
			size_t k = 0;
			while (k < e->n && e->iv[k].lo <= top)
				k++;
			e->n = k;
			if (k && e->iv[k - 1].hi > top)
				e->iv[k - 1].hi = top;
		}
		if (!e->n) {
			entry_release(e);
			continue;
		}
		gtidset_keep(s, &out, i);
	}
	s->n = out;
}

/* ---- MariaDB ------------------------------------------------------------ */

void mariadb_gtid_list_init(struct mariadb_gtid_list *l)
{
	memset(l, 0, sizeof(*l));
}

void mariadb_gtid_list_release(struct mariadb_gtid_list *l)
{
	free(l->g);
	memset(l, 0, sizeof(*l));
}

static int mariadb_gtid_cmp(const void *pa, const void *pb)
{
	const struct mariadb_gtid *a = pa, *b = pb;
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->server != b->server)
		return a->server < b->server ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq ? 1 : 0;
}

int mariadb_gtid_list_parse(struct mariadb_gtid_list *l, const char *text, struct strbuf *err)
{
	static const char *const part[] = { "domain id", "server id", "sequence number" };
	const char *p = skip_blank(text);
	l->n = 0;
	while (*p) {
		uint64_t v[3];
		for (int k = 0; k < 3; k++) {
			const char *q = parse_ull(p, k < 2 ? 0xffffffffULL : UINT64_MAX, &v[k]);
			if (!q) {
				if (err)
					strbuf_addf(err, "column %zu: expected a %s (DOMAIN-SERVER-SEQUENCE)",
						    (size_t)(p - text) + 1, part[k]);
				l->n = 0;
				return -1;
			}
			p = q;
			if (k < 2) {
				if (*p != '-') {
					if (err)
						strbuf_addf(err, "column %zu: expected '-' after the %s",
							    (size_t)(p - text) + 1, part[k]);
					l->n = 0;
					return -1;
				}
				p++;
			}
		}
		ARRAY_GROW(l->g, l->n + 1, l->cap);
		l->g[l->n].domain = (uint32_t)v[0];
		l->g[l->n].server = (uint32_t)v[1];
		l->g[l->n].seq = v[2];
		l->n++;
		p = skip_blank(p);
		if (*p == ',') {
			p = skip_blank(p + 1);
			if (!*p) {
				if (err)
					strbuf_addf(err, "column %zu: expected a GTID after ','", (size_t)(p - text) + 1);
				l->n = 0;
				return -1;
			}
		} else if (*p) {
			if (err)
				strbuf_addf(err, "column %zu: expected ',' or the end of the list",
					    (size_t)(p - text) + 1);
			l->n = 0;
			return -1;
		}
	}
	if (l->n > 1) {
		size_t out = 0;
		qsort(l->g, l->n, sizeof(*l->g), mariadb_gtid_cmp);
		for (size_t i = 1; i < l->n; i++) {
			if (l->g[i].domain == l->g[out].domain && l->g[i].server == l->g[out].server)
				l->g[out].seq = l->g[i].seq;   /* sorted: the later one is the highest */
			else
				l->g[++out] = l->g[i];
		}
		l->n = out + 1;
	}
	return 0;
}

void mariadb_gtid_list_format(const struct mariadb_gtid_list *l, struct strbuf *sb, size_t max)
{
	size_t start = sb->len;
	for (size_t i = 0; i < l->n; i++) {
		if (max && sb->len - start > max) {
			strbuf_addf(sb, " ... (%zu more)", l->n - i);
			return;
		}
		strbuf_addf(sb, "%s%lu-%lu-%llu", i ? "," : "", (unsigned long)l->g[i].domain,
			    (unsigned long)l->g[i].server, (unsigned long long)l->g[i].seq);
	}
}

/* The GTID of l with this (domain, server), or NULL (l is sorted). */
static const struct mariadb_gtid *mariadb_gtid_find(const struct mariadb_gtid_list *l, uint32_t domain,
						    uint32_t server)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct mariadb_gtid *g = &l->g[mid];
		if (g->domain == domain && g->server == server)
			return g;
		if (g->domain < domain || (g->domain == domain && g->server < server))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void mariadb_gtid_errant(struct mariadb_gtid_list *out, const struct mariadb_gtid_list *replica,
			 const struct mariadb_gtid_list *const *sources, size_t nsources)
{
	out->n = 0;
	for (size_t i = 0; i < replica->n; i++) {
		const struct mariadb_gtid *g = &replica->g[i];
		int produced = 0;
		for (size_t k = 0; k < nsources && !produced; k++)
			produced = mariadb_gtid_find(sources[k], g->domain, g->server) != NULL;
		if (produced)
			continue;
		ARRAY_GROW(out->g, out->n + 1, out->cap);
		out->g[out->n++] = *g;
	}
}
