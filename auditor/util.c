#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "banned.h"

static void die_oom(void)
{
	fputs("crashsafe: fatal: out of memory\n", stderr);
	exit(70);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die_oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom();
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	if (n)   /* s may be NULL when n is 0 (an empty strbuf's buf) */
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void free_secret(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/*
 * The formats crashsafe's sentences use, without printf (issue 13: vsnprintf
 * was a tenth of a JSON report): literal text and %s, %c, %d, %u, %ld,
 * %lu, %lld, %llu, %zu, %% without flags, width or precision, as printf
 * writes them. Appends to sb and returns 0; returns -1, sb as it was, at
 * anything else (a NULL %s too), for the caller to use vsnprintf.
 */
static int util_format_plain(struct strbuf *sb, const char *fmt, va_list ap)
{
	size_t start = sb->len;
	const char *p = fmt;
	for (;;) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			strbuf_addstr(sb, p);
			return 0;
		}
		if (pct > p)
			strbuf_add(sb, p, (size_t)(pct - p));
		p = pct + 1;
		int longs = 0, size = 0;
		while (*p == 'l' && longs < 2) {
			longs++;
			p++;
		}
		if (!longs && *p == 'z') {
			size = 1;
			p++;
		}
		char digits[24], *d = digits + sizeof(digits);
		unsigned long long u;
		int neg = 0;
		switch (*p) {
		case '%':
			if (longs || size)
				goto fail;
			strbuf_addch(sb, '%');
			break;
		case 'c':
			if (longs || size)
				goto fail;
			strbuf_addch(sb, (char)va_arg(ap, int));
			break;
		case 's': {
			if (longs || size)
				goto fail;
			const char *str = va_arg(ap, const char *);
			if (!str)
				goto fail;
			strbuf_addstr(sb, str);
			break;
		}
		case 'd':
		case 'u': {
			if (*p == 'd') {
				long long v = size ? (long long)va_arg(ap, ssize_t)
					      : longs == 2 ? va_arg(ap, long long)
					      : longs == 1 ? va_arg(ap, long) : va_arg(ap, int);
				neg = v < 0;
				u = neg ? 0ULL - (unsigned long long)v : (unsigned long long)v;
			} else {
				u = size ? va_arg(ap, size_t)
				    : longs == 2 ? va_arg(ap, unsigned long long)
				    : longs == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			}
			d = util_digits(d, u);
			if (neg)
				*--d = '-';
			strbuf_add(sb, d, (size_t)(digits + sizeof(digits) - d));
			break;
		}
		default:
			goto fail;
		}
		p++;
	}
fail:
	sb->len = start;
	if (sb->buf)
		sb->buf[start] = '\0';
	return -1;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	{
		struct strbuf sb = { 0 };
		va_list cp;
		va_copy(cp, ap);
		int rc = util_format_plain(&sb, fmt, cp);
		va_end(cp);
		if (!rc)
			return sb.buf ? strbuf_detach(&sb) : xstrdup("");
		strbuf_release(&sb);
	}
	/* One formatting pass when the text fits a small buffer (most do): issue 13. */
	char small[256];
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0)
		die_oom();
	char *p = xmalloc((size_t)n + 1);
	if ((size_t)n < sizeof(small))
		memcpy(p, small, (size_t)n + 1);
	else
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void strbuf_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->cap = 0;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb);
}

char *strbuf_detach(struct strbuf *sb)
{
	char *p = sb->buf ? sb->buf : xstrdup("");
	strbuf_init(sb);
	return p;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	ARRAY_GROW(sb->buf, sb->len + n + 1, sb->cap);
	if (n)
		memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;
	strbuf_add(sb, &ch, 1);
}

void strbuf_add_uint(struct strbuf *sb, unsigned long long n)
{
	char buf[UTIL_DIGITS_MAX];
	char *d = util_digits(buf + sizeof(buf), n);
	strbuf_add(sb, d, (size_t)(buf + sizeof(buf) - d));
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	/* Format straight into the spare room; a second pass only when it was short (issue 13). */
	va_list ap;
	va_start(ap, fmt);
	int plain = util_format_plain(sb, fmt, ap);
	va_end(ap);
	if (!plain)
		return;
	ARRAY_GROW(sb->buf, sb->len + 128, sb->cap);
	va_start(ap, fmt);
	int n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		die_oom();
	if ((size_t)n >= sb->cap - sb->len) {
		ARRAY_GROW(sb->buf, sb->len + (size_t)n + 1, sb->cap);
		va_start(ap, fmt);
		vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
		va_end(ap);
	}
	sb->len += (size_t)n;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

size_t utf8_decode(const char *str, size_t n, unsigned long *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned long c, min;
	size_t len;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Code points a terminal acts on (or that reorder or break the line it shows). */
static int escape_codepoint(unsigned long cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

int escape_codepoint_needed(unsigned long cp)
{
	return escape_codepoint(cp);
}

typedef void escape_sink(void *ctx, const char *s, size_t n);

static void escape_to(escape_sink *put, void *ctx, const char *s, size_t n, const char *newline_indent)
{
	size_t i = 0;
	while (i < n) {
		size_t run = i, len = 0;
		unsigned long cp = 0;
		char esc[24];
		/* Pass the longest run of characters that need no escape in one go. */
		while (i < n) {
			unsigned char b = (unsigned char)s[i];
			if (b >= 0x20 && b < 0x7f) {   /* printable ASCII: never escaped, no decoding */
				i++;
				continue;
			}
			len = utf8_decode(s + i, n - i, &cp);
			if (len == 0 || escape_codepoint(cp))
				break;
			i += len;
		}
		if (i > run)
			put(ctx, s + run, i - run);
		if (i >= n)
			break;
		if (len == 0) {
			snprintf(esc, sizeof(esc), "\\x%02x", (unsigned char)s[i]);
			len = 1;
		} else if (cp == '\n' && newline_indent) {
			put(ctx, "\n", 1);
			put(ctx, newline_indent, strlen(newline_indent));
			i++;
			continue;
		} else if (cp == '\n' || cp == '\t') {
			snprintf(esc, sizeof(esc), "\\%c", cp == '\n' ? 'n' : 't');
		} else if (cp < 0x80) {
			snprintf(esc, sizeof(esc), "\\x%02lx", cp);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04lx", cp);
		}
		put(ctx, esc, strlen(esc));
		i += len;
	}
}

static void escape_sink_strbuf(void *ctx, const char *s, size_t n)
{
	strbuf_add(ctx, s, n);
}

static void escape_sink_file(void *ctx, const char *s, size_t n)
{
	fwrite(s, 1, n, ctx);
}

void strbuf_add_escaped(struct strbuf *sb, const char *s, size_t n, const char *newline_indent)
{
	escape_to(escape_sink_strbuf, sb, s, n, newline_indent);
}

void fputs_escaped(const char *s, FILE *fp, const char *newline_indent)
{
	escape_to(escape_sink_file, fp, s, strlen(s), newline_indent);
}

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	max_align_t data[];
};

#define ARENA_BLOCK 16384
#define ARENA_FIRST 512

void arena_init(struct arena *a)
{
	a->head = NULL;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t align = _Alignof(max_align_t);   /* 16 on x86-64; sizeof() is 32, which doubled every short string (issue 13) */
	n = (n + align - 1) / align * align;
	if (!a->head || a->head->size - a->head->used < n) {
		/* Blocks double from ARENA_FIRST: a target's arenas hold a few hundred bytes each, and
		 * 10,000 targets with three 16 KB blocks each were most of a run's memory (issue 13). */
		size_t size = a->head ? (a->head->size < ARENA_BLOCK ? a->head->size * 2 : ARENA_BLOCK) : ARENA_FIRST;
		if (size < n)
			size = n;
		struct arena_block *b = xmalloc(sizeof(*b) + size);
		b->used = 0;
		b->size = size;
		b->next = a->head;
		a->head = b;
	}
	void *p = (char *)a->head->data + a->head->used;
	a->head->used += n;
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *tmp = xvasprintf(fmt, ap);
	va_end(ap);
	char *p = arena_strdup(a, tmp);
	free(tmp);
	return p;
}

static int ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

struct strmap_slot {
	const char *key;    /* NULL: empty */
	size_t value;
	size_t hash;
};

void strmap_init(struct strmap *m, int fold_case)
{
	m->slots = NULL;
	m->cap = m->n = 0;
	m->fold_case = fold_case;
}

void strmap_release(struct strmap *m)
{
	free(m->slots);
	strmap_init(m, m->fold_case);
}

/*
 * Eight bytes at a time (issue 13: a byte at a time, FNV-1a, was a tenth of
 * a many-file check): each word, its ASCII capitals made small when folding,
 * is mixed in with a multiply and a rotation (the constants are the 64-bit
 * golden ratio and a 64-bit prime); the length, and a final mix, so that
 * the low bits a table uses depend on every byte.
 */
size_t util_strhash(const char *s, int fold_case)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	size_t n = strlen(s);
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	for (size_t i = 0; i < n; i += 8) {
		uint64_t x = 0;
		if (n - i >= 8)
			memcpy(&x, s + i, 8);   /* one load */
		else
			memcpy(&x, s + i, n - i);
		if (fold_case) {
			/* bytes from 'A' to 'Z' (below 0x80: no carry between bytes) get 0x20 */
			uint64_t y = x & ~highs;
			uint64_t upper = (y + ones * (0x80 - 'A')) & ~(y + ones * (0x80 - 'Z' - 1)) & ~x & highs;
			x |= upper >> 2;
		}
		h = (h ^ x) * 0xff51afd7ed558ccdULL;
		h = (h << 29) | (h >> 35);
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return (size_t)h;
}

static size_t strmap_hash(const struct strmap *m, const char *key)
{
	return util_strhash(key, m->fold_case);
}

static int strmap_same(const struct strmap *m, const char *a, const char *b)
{
	return m->fold_case ? !ascii_strcasecmp(a, b) : !strcmp(a, b);
}

static struct strmap_slot *strmap_slot_for(const struct strmap *m, const char *key, size_t hash)
{
	size_t mask = m->cap - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		struct strmap_slot *sl = &m->slots[i];
		if (!sl->key || (sl->hash == hash && strmap_same(m, sl->key, key)))
			return sl;
	}
}

size_t strmap_hash_of(const struct strmap *m, const char *key)
{
	return strmap_hash(m, key);
}

int strmap_get_hashed(const struct strmap *m, const char *key, size_t hash, size_t *out)
{
	if (!m->n)
		return -1;
	const struct strmap_slot *sl = strmap_slot_for(m, key, hash);
	if (!sl->key)
		return -1;
	*out = sl->value;
	return 0;
}

int strmap_get(const struct strmap *m, const char *key, size_t *out)
{
	if (!m->n)
		return -1;
	return strmap_get_hashed(m, key, strmap_hash(m, key), out);
}

static void strmap_resize(struct strmap *m, size_t cap)
{
	struct strmap old = *m;
	m->cap = cap;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (size_t i = 0; i < old.cap; i++) {
		if (old.slots[i].key)
			*strmap_slot_for(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
	}
	free(old.slots);
}

void strmap_reserve(struct strmap *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 16;
	while (n * 4 > cap * 3)
		cap *= 2;
	if (cap != m->cap)
		strmap_resize(m, cap);
}

void strmap_remap(struct strmap *m, const size_t *map, size_t nmap)
{
	struct strmap old = *m;
	size_t n = 0;
	for (size_t i = 0; i < old.cap; i++) {
		if (old.slots[i].key && old.slots[i].value < nmap && map[old.slots[i].value] != SIZE_MAX)
			n++;
	}
	m->slots = NULL;
	m->cap = m->n = 0;
	if (n) {
		strmap_reserve(m, n);
		size_t mask = m->cap - 1;
		for (size_t i = 0; i < old.cap; i++) {
			const struct strmap_slot *o = &old.slots[i];
			if (!o->key || o->value >= nmap || map[o->value] == SIZE_MAX)
				continue;
			/* the keys are distinct: the first empty slot of the probe is this one's */
			size_t j = o->hash & mask;
			while (m->slots[j].key)
				j = (j + 1) & mask;
			m->slots[j] = (struct strmap_slot){ o->key, map[o->value], o->hash };
		}
		m->n = n;
	}
	free(old.slots);
}

int strmap_get_or_put_hashed(struct strmap *m, const char *key, size_t hash, size_t value, size_t *out)
{
	if ((m->n + 1) * 4 > m->cap * 3)
		strmap_resize(m, m->cap ? m->cap * 2 : 16);
	struct strmap_slot *sl = strmap_slot_for(m, key, hash);
	if (sl->key) {
		*out = sl->value;
		return 1;
	}
	sl->key = key;
	sl->hash = hash;
	sl->value = value;
	m->n++;
	*out = value;
	return 0;
}

void strmap_put(struct strmap *m, const char *key, size_t value)
{
	strmap_put_hashed(m, key, strmap_hash(m, key), value);
}

void strmap_put_hashed(struct strmap *m, const char *key, size_t hash, size_t value)
{
	if ((m->n + 1) * 4 > m->cap * 3)
		strmap_resize(m, m->cap ? m->cap * 2 : 16);
	struct strmap_slot *sl = strmap_slot_for(m, key, hash);
	if (!sl->key) {
		sl->key = key;
		sl->hash = hash;
		m->n++;
	}
	sl->value = value;
}

int ascii_strcasecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = ascii_lower((unsigned char)*a), cb = ascii_lower((unsigned char)*b);
		if (ca != cb || !ca)
			return ca - cb;
	}
}

int optname_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (unsigned char)*a, cb = (unsigned char)*b;
		if (ca == '-')
			ca = '_';
		if (cb == '-')
			cb = '_';
		if (ca != cb || !ca)
			return ca - cb;
	}
}

int parse_uint_strict(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	if (!s || !*s)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		unsigned long d = (unsigned long)(*p - '0');
		if (d > max || v > (max - d) / 10)
			return -1;   /* above max (and never a wrap) */
		v = v * 10 + d;
	}
	if (v < min)
		return -1;
	*out = v;
	return 0;
}

int read_file(const char *path, char **out, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return -1;
	struct strbuf sb = { 0 };
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&sb, buf, n);
	int err = ferror(fp);
	int saved = errno;
	fclose(fp);
	if (err) {
		strbuf_release(&sb);
		errno = saved ? saved : EIO;
		return -1;
	}
	if (len)
		*len = sb.len;
	*out = strbuf_detach(&sb);
	return 0;
}

/*
 * The temporary file being written, for the signal handler: a fixed buffer
 * (the handler may only read it), set and cleared with the signals blocked.
 */
static char write_tmp_path[4096];
static volatile sig_atomic_t write_tmp_active;
static const int write_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void write_on_signal(int sig)
{
	if (write_tmp_active)
		unlink(write_tmp_path);   /* async-signal-safe */
	write_tmp_active = 0;
	raise(sig);   /* SA_RESETHAND restored the default action: the process ends as it would have */
}

struct write_guard {
	struct sigaction old[ARRAY_SIZE(write_signals)];
	int installed[ARRAY_SIZE(write_signals)];
	sigset_t mask;   /* the mask before write_guard_block() */
};

/* Hold the signals until the temporary file is known to the handler: none may slip in between. */
static void write_guard_block(struct write_guard *g)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(write_signals); i++)
		sigaddset(&set, write_signals[i]);
	sigprocmask(SIG_BLOCK, &set, &g->mask);
	memset(g->installed, 0, sizeof(g->installed));
}

/*
 * Remember tmp (NULL: it could not be made) for the handler, install the
 * handler (not over a signal the process ignores), and let the signals in.
 */
static void write_guard_arm(struct write_guard *g, const char *tmp)
{
	struct sigaction sa;
	if (tmp) {
		snprintf(write_tmp_path, sizeof(write_tmp_path), "%s", tmp);
		write_tmp_active = 1;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = write_on_signal;
		sa.sa_flags = SA_RESETHAND;
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < ARRAY_SIZE(write_signals); i++)
			if (sigaction(write_signals[i], NULL, &g->old[i]) == 0 && g->old[i].sa_handler != SIG_IGN)
				g->installed[i] = sigaction(write_signals[i], &sa, NULL) == 0;
	}
	sigprocmask(SIG_SETMASK, &g->mask, NULL);
}

static void write_guard_end(struct write_guard *g)
{
	sigset_t set, prev;
	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(write_signals); i++)
		sigaddset(&set, write_signals[i]);
	sigprocmask(SIG_BLOCK, &set, &prev);
	write_tmp_active = 0;
	for (size_t i = 0; i < ARRAY_SIZE(write_signals); i++)
		if (g->installed[i])
			sigaction(write_signals[i], &g->old[i], NULL);
	sigprocmask(SIG_SETMASK, &prev, NULL);
}

/* Write to an existing non-regular file (a device, a FIFO) in place. */
static int write_file_in_place(const char *path, int (*fn)(void *ctx, void *fp), void *ctx)
{
	FILE *fp = fopen(path, "w");
	if (!fp)
		return -1;
	int rc = fn(ctx, fp);
	int e = errno;
	if (fflush(fp) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	if (fclose(fp) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	errno = e;
	return rc;
}

/* Make the rename itself durable (best effort: not every file system syncs directories). */
static void write_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int write_file_atomic(const char *path, unsigned mode, int (*fn)(void *ctx, void *fp), void *ctx)
{
	struct stat st;
	struct write_guard guard;
	char *real = NULL, *dir = NULL, *tmp = NULL;
	FILE *fp = NULL;
	int fd = -1, rc = -1, e = 0, exists;
	mode_t mask;

	/* '>' writes through a symlink: replace its target, not the link. */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && (real = realpath(path, NULL)) != NULL)
		path = real;
	exists = stat(path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode)) {
		e = EISDIR;
		goto out;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		/* Renaming over /dev/null or /dev/stdout would replace the device itself. */
		rc = write_file_in_place(path, fn, ctx);
		e = errno;
		goto out;
	}
	if (exists && faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0) {
		e = errno;   /* a read-only report is refused, as '>' refuses it */
		goto out;
	}

	const char *slash = strrchr(path, '/');
	dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	tmp = xasprintf("%s/.crashsafe-XXXXXX", dir);
	mask = umask(0);
	umask(mask);
	write_guard_block(&guard);
	fd = mkstemp(tmp);   /* O_CREAT | O_EXCL, mode 0600: never an existing file or symlink */
	e = errno;
	write_guard_arm(&guard, fd >= 0 ? tmp : NULL);
	if (fd < 0) {
		if (exists && (e == EACCES || e == EPERM)) {
			/* '>' writes a file it may write in a directory it may not: so do we, in place. */
			rc = write_file_in_place(path, fn, ctx);
			e = rc ? errno : 0;
		}
		goto out;
	}
	errno = 0;
	if (exists) {
		/* Keep what the replaced file had: its mode, and its owner as far as we may. */
		if (fchown(fd, geteuid() == 0 ? st.st_uid : (uid_t)-1, st.st_gid) != 0) {
			/* not allowed to give it that group: it keeps ours */
		}
		if (fchmod(fd, st.st_mode & 07777) != 0)
			goto fail;
	} else if (fchmod(fd, (mode_t)mode & 0777 & ~mask) != 0) {
		goto fail;
	}
	fp = fdopen(fd, "w");
	if (!fp)
		goto fail;
	fd = -1;
	if (fn(ctx, fp) != 0)
		goto fail;
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		goto fail;
	if (fclose(fp) != 0) {
		fp = NULL;
		goto fail;
	}
	fp = NULL;
	if (rename(tmp, path) != 0)
		goto fail;
	write_guard_end(&guard);
	write_sync_dir(dir);
	rc = 0;
	goto out;

fail:
	e = errno ? errno : EIO;
	if (fp)
		fclose(fp);
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	write_guard_end(&guard);
out:
	free(real);
	free(dir);
	free(tmp);
	errno = e;
	return rc;
}
