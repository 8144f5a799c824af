/*
 * util.h - small helpers shared by every module: allocation that dies on
 * out-of-memory, a growable string buffer, and a string arena.
 *
 * Allocation failure is the one condition crashsafe does not recover from:
 * every x*() function prints "crashsafe: fatal: out of memory" and exits 70.
 */
#ifndef CRASHSAFE_UTIL_H
#define CRASHSAFE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Clear a secret's bytes (a clearing the compiler cannot drop) and free it; NULL is fine. */
void free_secret(char *s);
/* Format into a new heap string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/*
 * Grow an array so that it can hold at least need elements.
 * Usage: ARRAY_GROW(list->items, list->n + 1, list->cap);
 */
#define ARRAY_GROW(ptr, need, cap)                                          \
	do {                                                                \
		if ((need) > (cap)) {                                       \
			size_t array_grow_n = (cap) ? (cap) * 2 : 8;        \
			while (array_grow_n < (need))                       \
				array_grow_n *= 2;                          \
			(ptr) = xrealloc((ptr), array_grow_n * sizeof(*(ptr))); \
			(cap) = array_grow_n;                               \
		}                                                           \
	} while (0)

/* A growable, always NUL-terminated byte buffer. Zero-initialise or call strbuf_init(). */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);         /* frees the buffer, leaves sb empty */
char *strbuf_detach(struct strbuf *sb);         /* returns the buffer; caller frees */
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_add_uint(struct strbuf *sb, unsigned long long n); /* n in decimal, as "%llu" writes it */

/*
 * util_digits(end, n): n in decimal, as "%llu" writes it, into the bytes just
 * before end (at most UTIL_DIGITS_MAX = 20 of them; no NUL); returns where the
 * digits start, so that they are [result, end). Inline: the writers call it per
 * number of a report (issue 13), where a call or a format was measurable.
 */
#define UTIL_DIGITS_MAX 20
static inline char *util_digits(char *end, unsigned long long n)
{
	do
		*--end = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	return end;
}
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_reset(struct strbuf *sb);

/*
 * Decode the UTF-8 sequence at s (at most n bytes): returns its length (1-4)
 * and stores the code point in *cp, or returns 0 when the bytes are not
 * well-formed UTF-8 (a stray continuation byte, an overlong form, a
 * surrogate, a value above U+10FFFF, a sequence cut short). Source: the
 * Unicode Standard, chapter 3, table 3-7 (well-formed byte sequences).
 */
size_t utf8_decode(const char *s, size_t n, unsigned long *cp);

/*
 * Terminal-safe text: the one escaping used for everything crashsafe prints
 * that came from outside (option files, snapshots, rule files, server
 * messages, file names, arguments): every diagnostic and stderr message
 * (diag.c, cli.c), resolve, and the text report.
 *
 * Appends s[0..n) to sb so that a terminal shows every byte and acts on
 * none: \t and \n for those, \xNN for the other C0 controls, DEL and
 * bytes that are not UTF-8; \uNNNN for the C1 controls (U+0080-U+009F) and
 * the characters that break or reorder a line (U+2028, U+2029, the bidi
 * embeddings, overrides and isolates U+202A-U+202E, U+2066-U+2069). Every
 * other character, a backslash included, is copied. With newline_indent
 * non-NULL a newline is kept and followed by newline_indent instead.
 */
void strbuf_add_escaped(struct strbuf *sb, const char *s, size_t n, const char *newline_indent);
/* The same for a NUL-terminated s, written to fp. */
void fputs_escaped(const char *s, FILE *fp, const char *newline_indent);
/*
 * Nonzero for a code point that escaping shows as \xNN or \uNNNN (the C0
 * and C1 controls, DEL, the line-breaking and bidi characters above): for
 * formats with escapes of their own (Prometheus labels) that must still
 * reach a terminal inert.
 */
int escape_codepoint_needed(unsigned long cp);

/*
 * A string arena: strings copied into it live until arena_release().
 * Used by settings and findings so that their many small strings have one owner.
 */
struct arena_block;
struct arena {
	struct arena_block *head;
};

void arena_init(struct arena *a);
void arena_release(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);
/* Copy s (NULL stays NULL) into the arena. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A hash index from strings to positions (size_t), for name lookups on hot
 * paths: settings by variable name, snapshot origins, live rows. Open
 * addressing with linear probing, FNV-1a hashes, grown at 1/2 load, so a
 * lookup costs O(1) whatever the number of names (a linear scan per
 * variable made reading 400,000 captured variables take minutes).
 *
 * Keys are not copied: each must stay valid, unchanged, as long as the map
 * (they usually live in an arena or in the array the positions index).
 * With fold_case, keys compare ASCII case-insensitively. Zero-initialised
 * memory is an empty map with fold_case 0.
 */
struct strmap_slot;
struct strmap {
	struct strmap_slot *slots;
	size_t cap;     /* a power of two, or 0 */
	size_t n;
	int fold_case;
};

void strmap_init(struct strmap *m, int fold_case);
void strmap_release(struct strmap *m);
/* The position stored for key: 0 and *out set, or -1 when key is absent. */
int strmap_get(const struct strmap *m, const char *key, size_t *out);
/* Store value for key, replacing the value an equal key had. */
void strmap_put(struct strmap *m, const char *key, size_t value);
/*
 * Added (issue 13): the same with the key's hash given, for a caller that
 * looks a key up and then stores it (one hash instead of two). hash must
 * be strmap_hash_of(m, key).
 */
size_t strmap_hash_of(const struct strmap *m, const char *key);
int strmap_get_hashed(const struct strmap *m, const char *key, size_t hash, size_t *out);
void strmap_put_hashed(struct strmap *m, const char *key, size_t hash, size_t value);
/*
 * Added (issue 13): one probe for a lookup that adds what it misses: when
 * m holds key (hash as above), its value in *out and 1; else key added
 * with value (key outlives m, as for strmap_put()), *out = value, and 0.
 */
int strmap_get_or_put_hashed(struct strmap *m, const char *key, size_t hash, size_t value, size_t *out);
/*
 * Added (issue 13): make room for n keys in all, so that putting up to n
 * grows the table at most once, here (growing from 16 by doubling rehashed
 * every key three or four times per target).
 */
void strmap_reserve(struct strmap *m, size_t n);
/*
 * Added (issue 13): keep only the keys whose value v is below nmap and has
 * map[v] != SIZE_MAX, each now with the value map[v] (map: nmap entries).
 * The table is rebuilt from the hashes it stores: no key
 * is hashed or compared again (settings_retain() dropped a third of every
 * target's names and put the rest back one by one).
 */
void strmap_remap(struct strmap *m, const size_t *map, size_t nmap);

/*
 * Added (issue 13): an index for interning records kept in an array of
 * their own (one copy of each distinct record; callers keep a 4-byte index
 * per use): open addressing over *table (*cap slots, a power of two), each
 * slot 0 when empty or 1 + a record's index; at most half full.
 *
 * util_index_probe() first makes room for one record more than the n
 * already there (rebuilding the table at twice its size, from min_cap slots
 * (a power of two), placing record i by hash_at(recs, i)), then walks the
 * probe sequence of hash and returns the first slot that is empty or whose
 * record same_at(recs, index, key) says equals key. The caller reads *slot:
 * 0: key is new (append it as record n, then set *slot = n + 1); else
 * *slot - 1 is its index. The table is the caller's to free().
 * Replaces four copies of the same loop (audit.c's kinds, values and slots
 * of the cross-target copies, topology.c's derived records).
 */
/* inline, so that the compiler can inline the caller's hash_at and same_at */
static inline unsigned *util_index_probe(unsigned **table, size_t *cap, size_t min_cap, size_t n, size_t hash,
					  size_t (*hash_at)(const void *recs, size_t i),
					  int (*same_at)(const void *recs, size_t i, const void *key), const void *recs,
					  const void *key)
{
	if (2 * (n + 1) > *cap) {
		size_t c = *cap ? *cap * 2 : min_cap;
		unsigned *t = xcalloc(c, sizeof(*t));
		for (size_t i = 0; i < n; i++) {
			size_t k = hash_at(recs, i) & (c - 1);
			while (t[k])
				k = (k + 1) & (c - 1);
			t[k] = (unsigned)i + 1;
		}
		free(*table);
		*table = t;
		*cap = c;
	}
	size_t k = hash & (*cap - 1);
	while ((*table)[k] && !same_at(recs, (*table)[k] - 1, key))
		k = (k + 1) & (*cap - 1);
	return &(*table)[k];
}

/*
 * Added (issue 13): a hash of the string s (NUL-terminated), eight bytes at
 * a time; with fold_case, ASCII letters hash as their lower case, so that
 * strings ascii_strcasecmp() finds equal hash alike. Not for storing: the
 * value may change between builds. Used by strmap and the result's
 * string pool (finding.c).
 */
size_t util_strhash(const char *s, int fold_case);

/* ASCII case-insensitive compare, independent of the locale. */
int ascii_strcasecmp(const char *a, const char *b);
/* Compare option names the server's way: '-' and '_' are the same, case matters. */
int optname_cmp(const char *a, const char *b);

/*
 * A whole number written as the command line's numbers are: decimal digits
 * only (no sign, no blank, no "0x"), from min to max. strtoul() alone also
 * takes " +5" and wraps "-1": every numeric option goes through this one
 * check so none of them does (issue 8: "db1: +5" was port 5).
 * Returns 0 with *out set, or -1 (*out unchanged).
 */
int parse_uint_strict(const char *s, unsigned long min, unsigned long max, unsigned long *out);
/* Read a whole file into a NUL-terminated heap buffer; returns -1 and sets errno on failure. */
int read_file(const char *path, char **out, size_t *len);

/*
 * Write a report or a capture safely: the content goes to a temporary file
 * that is renamed over path only once it is complete and on disk, so that
 * a reader never sees half a file and a failure (a full disk, a signal)
 * leaves the old file untouched.
 *
 * - The temporary file is DIR/.crashsafe-XXXXXX in path's own directory
 *   (a short name: a report name near NAME_MAX still works), created with
 *   O_CREAT|O_EXCL (mkstemp), so a symlink or any file already at that name
 *   is never followed or reused.
 * - A new file gets mode & ~umask (reports 0644, captures 0600: they name
 *   hosts). Replacing a file keeps its mode (a 0600 report stays 0600), and
 *   its owner and group as far as the caller may set them; a file the
 *   caller may not write is refused with EACCES, as the shell's '>' would.
 *   A symlink at path is followed: its target is replaced, as '>' writes it.
 * - The data is flushed and fsync()ed before the rename; a write error
 *   (ENOSPC, EDQUOT, EIO) fails the call with that errno.
 * - SIGINT, SIGTERM and SIGHUP while the temporary file exists remove it
 *   before the process dies of the signal (a signal the process ignores
 *   stays ignored).
 * - A path that exists and is not a regular file (/dev/null, /dev/stdout,
 *   a FIFO) is written in place, so that the device is never replaced; a
 *   directory is an error (EISDIR).
 * - An existing file the caller may write in a directory it may not (a
 *   report pre-created in /var/log for the auditing user) is written in
 *   place, as '>' writes it: not atomic, so there a full disk or a signal
 *   can leave it cut short. A new file in such a directory fails (EACCES).
 *
 * fn writes the content to the FILE * it is given and returns 0, or -1
 * with errno set. Returns 0, or -1 with errno set.
 */
int write_file_atomic(const char *path, unsigned mode, int (*fn)(void *ctx, void *fp), void *ctx);

#endif
