/*
 * spool.c - target results written to a temporary file and read back (spool.h).
 *
 * A record is a sequence of fields in a fixed order: numbers as 8 bytes
 * (host order: the file is this process's own), strings as a length + 1
 * (0 for NULL) and the bytes, or, for a string the record already has, a
 * reference to its first copy; pointers that outlive the spool as they
 * are. Arrays of structures (a finding, a view's variables) are written
 * as their memory, each string pointer in them replaced by the place of
 * the string's bytes in the record (+ 1; 0 for NULL), so that they are
 * read back by one copy and a fix-up of those pointers.
 * put_*() and get_*() go in pairs, in the same order.
 */
#include "spool.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "banned.h"

/* A record starts with this, so that a read out of step is caught, not misread. */
#define SPOOL_MAGIC 0x43535350554f4f4cULL   /* "CSSPOOL" */

const char *spool_dir(void)
{
	const char *dir = getenv("TMPDIR");
	return dir && *dir ? dir : "/tmp";
}

FILE *spool_tmpfile(char *buf, size_t size)
{
	const char *dir = spool_dir();
	char *path = xasprintf("%s/crashsafe-spool-XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd < 0) {
		free(path);
		return NULL;
	}
	/* unlinked at once: nothing is left behind, whatever ends the process */
	unlink(path);
	free(path);
	FILE *fp = fdopen(fd, "w+");
	if (!fp) {
		int e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	if (buf)
		setvbuf(fp, buf, _IOFBF, size);
	return fp;
}

int spool_open(struct spool *s, size_t buf)
{
	/* the buffer is the spool's own: given no buffer, glibc's setvbuf(3) ignores the size and takes 4 KB */
	if (!buf)
		buf = SPOOL_BUF;
	memset(s, 0, sizeof(*s));
	s->iobuf = xmalloc(buf);
	s->fp = spool_tmpfile(s->iobuf, buf);
	if (!s->fp) {
		int e = errno;
		free(s->iobuf);
		s->iobuf = NULL;
		errno = e;
		return -1;
	}
	return 0;
}

int spool_flush(struct spool *s)
{
	errno = 0;
	if (!s->err && s->fp && (fflush(s->fp) || ferror(s->fp))) {
		s->err = 1;
		s->err_no = errno ? errno : EIO;
	}
	return s->err ? -1 : 0;
}

void spool_close(struct spool *s)
{
	if (s->fp)
		fclose(s->fp);
	free(s->iobuf);   /* after fclose, which may still write from it */
	free(s->offsets);
	free(s->seen);
	free(s->names);
	free(s->name_slot);
	free(s->img);
	free(s->rbuf);
	strbuf_release(&s->rec);
	memset(s, 0, sizeof(*s));
}

/* ---- names that outlive the spool ----------------------------------------- */

/* A view variable's name field holding a name's number (spool_name_add()), not a place in the record. */
#define SPOOL_NAMED ((uintptr_t)1 << (sizeof(uintptr_t) * 8 - 2))

static inline size_t name_slot_of(const struct spool *s, const char *str)
{
	return (size_t)(((uint64_t)(uintptr_t)str * 0x9E3779B97F4A7C15ULL) >> 32) & (s->name_cap - 1);
}

/* The number + 1 of the name at str's address, or 0. */
static inline size_t name_number(const struct spool *s, const char *str)
{
	if (!s->nnames)
		return 0;
	for (size_t h = name_slot_of(s, str);; h = (h + 1) & (s->name_cap - 1)) {
		uint32_t k = s->name_slot[h];
		if (!k || s->names[k - 1].str == str)
			return k;
	}
}

void spool_name_add(struct spool *s, const char *name, size_t hash)
{
	if (!name || name_number(s, name) || s->nnames >= UINT32_MAX - 1)
		return;
	if (2 * (s->nnames + 1) > s->name_cap) {
		/* at most half full: a probe ends soon */
		free(s->name_slot);
		s->name_cap = s->name_cap ? 2 * s->name_cap : 64;
		s->name_slot = xcalloc(s->name_cap, sizeof(*s->name_slot));
		for (size_t k = 0; k < s->nnames; k++) {
			size_t h = name_slot_of(s, s->names[k].str);
			while (s->name_slot[h])
				h = (h + 1) & (s->name_cap - 1);
			s->name_slot[h] = (uint32_t)(k + 1);
		}
	}
	ARRAY_GROW(s->names, s->nnames + 1, s->names_cap);
	s->names[s->nnames].str = name;
	s->names[s->nnames].hash = hash;
	s->nnames++;
	size_t h = name_slot_of(s, name);
	while (s->name_slot[h])
		h = (h + 1) & (s->name_cap - 1);
	s->name_slot[h] = (uint32_t)s->nnames;
}

/* ---- writing -------------------------------------------------------------- */

/* Fields go to the record's buffer; spool_write() hands it to the file in one call. */
static void put_grow(struct spool *s, size_t n)
{
	ARRAY_GROW(s->rec.buf, s->rec.len + n + 1 + s->rec.len / 2, s->rec.cap);
}

static inline void put_bytes(struct spool *s, const void *p, size_t n)
{
	if (!n)
		return;
	if (s->rec.cap - s->rec.len < n + 1)
		put_grow(s, n);
	memcpy(s->rec.buf + s->rec.len, p, n);
	s->rec.len += n;
}

static inline void put_u64(struct spool *s, uint64_t v)
{
	if (s->rec.cap - s->rec.len < sizeof(v) + 1)
		put_grow(s, sizeof(v));
	memcpy(s->rec.buf + s->rec.len, &v, sizeof(v));
	s->rec.len += sizeof(v);
}

/* A length field with this bit is a reference: the string's place (+ 1) in the record, before it. */
#define SPOOL_REF ((uint64_t)1 << 63)

_Static_assert(SPOOL_SEEN == 128, "put_seen() takes 7 bits of the hash");

/* The place (+ 1) of str's bytes if the record being written has them already, else 0. */
/* The slots str may be in: SPOOL_SEEN_WAYS from where the Fibonacci hash of its address points. */
#define SPOOL_SEEN_WAYS 4

static inline size_t put_seen_slot(const char *str)
{
	return (size_t)(((uint64_t)(uintptr_t)str * 0x9E3779B97F4A7C15ULL) >> 57);
}

static inline uint64_t put_known(struct spool *s, const char *str)
{
	size_t h = put_seen_slot(str);
	for (size_t w = 0; w < SPOOL_SEEN_WAYS; w++) {
		const struct spool_seen *e = &s->seen[(h + w) % SPOOL_SEEN];
		if (e->str == str && e->record == s->n + 1)
			return e->place;
	}
	return 0;
}

/*
 * str's bytes, with their NUL, appended; returns their place + 1. Noted in
 * the first of its slots not used by this record (a cache: when all are,
 * the first is taken and that string is copied again if it comes back).
 */
static uint64_t put_text(struct spool *s, const char *str)
{
	size_t h = put_seen_slot(str);
	struct spool_seen *e = &s->seen[h];
	for (size_t w = 0; w < SPOOL_SEEN_WAYS; w++)
		if (s->seen[(h + w) % SPOOL_SEEN].record != s->n + 1) {
			e = &s->seen[(h + w) % SPOOL_SEEN];
			break;
		}
	uint64_t place = s->rec.len + 1;
	put_bytes(s, str, strlen(str) + 1);
	e->str = str;
	e->place = place;
	e->record = s->n + 1;
	return place;
}

static void put_str(struct spool *s, const char *str)
{
	if (!str) {
		put_u64(s, 0);
		return;
	}
	uint64_t place = put_known(s, str);
	if (place) {
		put_u64(s, SPOOL_REF | place);
		return;
	}
	size_t n = strlen(str) + 1;
	put_u64(s, (uint64_t)n);
	put_text(s, str);   /* with its NUL: read back in place */
}

/* A string pointer inside an array written as memory: the place (+ 1) of its bytes, 0 for NULL. */
static inline const char *put_place(struct spool *s, const char *str)
{
	uint64_t place = 0;
	if (str) {
		place = put_known(s, str);
		if (!place)
			place = put_text(s, str);
	}
	return (const char *)(uintptr_t)place;
}

/*
 * An array as memory: the strings its pointers point to first (a length,
 * then their bytes), then the array with those pointers as places. begin
 * returns the scratch space (size bytes) to encode the array into, with
 * put_place() for its strings; end appends it.
 */
static void *put_array_begin(struct spool *s, size_t size, size_t *len_at)
{
	*len_at = s->rec.len;
	put_u64(s, 0);
	if (s->img_cap < size) {
		free(s->img);
		s->img = xmalloc(size);
		s->img_cap = size;
	}
	return s->img;
}

static void put_array_end(struct spool *s, size_t size, size_t len_at)
{
	uint64_t len = s->rec.len - len_at - sizeof(len);
	memcpy(s->rec.buf + len_at, &len, sizeof(len));
	put_bytes(s, s->img, size);
}

static void put_value_places(struct spool *s, struct settings_value *v)
{
	v->value = put_place(s, v->value);
	v->spelled = put_place(s, v->spelled);
	v->origin.file = put_place(s, v->origin.file);
	v->origin.chain = put_place(s, v->origin.chain);
	v->origin.detail = put_place(s, v->origin.detail);
}

static void put_version(struct spool *s, const struct version *v)
{
	put_u64(s, (uint64_t)(int64_t)v->major);
	put_u64(s, (uint64_t)(int64_t)v->minor);
	put_u64(s, (uint64_t)(int64_t)v->patch);
}

static void put_origin(struct spool *s, const struct settings_origin *o)
{
	put_u64(s, (uint64_t)o->source);
	put_str(s, o->file);
	put_u64(s, o->line);
	put_str(s, o->chain);
	put_str(s, o->detail);
}

static void put_suppression(struct spool *s, const struct finding_suppression *x)
{
	put_u64(s, x != NULL);
	if (!x)
		return;
	put_str(s, x->file);
	put_u64(s, x->line);
	put_str(s, x->reason);
	put_u64(s, (uint64_t)x->was);
	put_str(s, x->kind);
	put_u64(s, (uint64_t)(int64_t)x->until);
}

static void put_peers(struct spool *s, const struct finding_peers *p)
{
	put_u64(s, p != NULL);
	if (!p)
		return;
	put_u64(s, p->nclash);
	put_u64(s, p->nshared);
	put_u64(s, p->napplies);
	put_str(s, p->topology);
	put_str(s, p->group);
	for (size_t i = 0; i < FINDING_PEERS_SHOWN; i++) {
		put_str(s, p->clash[i]);
		put_str(s, p->shared[i]);
	}
}

/*
 * A finding as its struct (its numbers and the engine-owned pointers as
 * they are: one copy, not a field at a time), then by value what its
 * pointers that do not outlive the spool point to, for those not NULL:
 * channel, peers, suppression, expired. Padding after read_no (none on
 * LP64, where read_no took the 4 bytes after cause_no) is written as zeroes
 * (no uninitialised byte reaches write(2)).
 */
#define SPOOL_FINDING_PAD_AT (offsetof(struct finding, read_no) + sizeof(unsigned))
#define SPOOL_FINDING_PAD (offsetof(struct finding, peers) - SPOOL_FINDING_PAD_AT)

static void put_finding(struct spool *s, const struct finding *f)
{
	size_t at = s->rec.len;
	put_bytes(s, f, sizeof(*f));
	memset(s->rec.buf + at + SPOOL_FINDING_PAD_AT, 0, SPOOL_FINDING_PAD);
	if (f->channel)
		put_str(s, f->channel);
	if (f->peers)
		put_peers(s, f->peers);
	if (f->suppression)
		put_suppression(s, f->suppression);
	if (f->expired)
		put_suppression(s, f->expired);
}

static void put_channel(struct spool *s, const struct settings_channel *c)
{
	const char *const strs[] = {
		c->name, c->auto_position, c->using_gtid, c->io_running, c->sql_running, c->source_host,
		c->last_io_errno, c->last_io_error, c->last_sql_errno, c->last_sql_error, c->skip_counter,
		c->source_server_id, c->source_uuid, c->problem, c->source_target, c->source_why,
	};
	for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
		put_str(s, strs[i]);
	put_u64(s, c->source_port);
	put_u64(s, (uint64_t)(int64_t)c->group_replication);
	put_u64(s, c->source_index);
}

static void put_problem(struct spool *s, const struct settings_problem *p)
{
	put_str(s, p->fact);
	put_u64(s, (uint64_t)p->kind);
	put_origin(s, &p->origin);
	put_str(s, p->option);
	put_str(s, p->value);
	put_str(s, p->variable);
	put_str(s, p->replacement);
	put_version(s, &p->version);
	put_str(s, p->detail);
	put_str(s, p->text);
}

/* The view (finding.h): what view_fill() and topology_link() set; never a project, diagnostics or an arena. */
static void put_view(struct spool *s, const struct settings *v)
{
	put_u64(s, (uint64_t)v->flavor);
	put_u64(s, (uint64_t)v->variant);
	put_version(s, &v->version);
	put_u64(s, (uint64_t)(int64_t)v->version_detected);
	put_str(s, v->flavor_source);
	put_str(s, v->flavor_evidence);
	put_u64(s, (uint64_t)v->role);
	put_u64(s, (uint64_t)(int64_t)v->role_detected);
	put_str(s, v->cluster);
	put_str(s, v->topology);
	put_str(s, v->path_key);
	put_str(s, v->address);
	put_str(s, v->multi_writer);
	put_str(s, v->error);
	put_u64(s, v->position);
	put_str(s, v->tags);
	put_str(s, v->real_path);
	put_u64(s, v->nincludes);
	for (size_t i = 0; i < v->nincludes; i++)
		put_str(s, v->includes[i]);
	put_u64(s, (uint64_t)(int64_t)v->channels_known);
	put_u64(s, v->nchannels);
	for (size_t i = 0; i < v->nchannels; i++)
		put_channel(s, &v->channels[i]);
	put_origin(s, &v->group_header);
	put_u64(s, v->nproblems);
	for (size_t i = 0; i < v->nproblems; i++)
		put_problem(s, &v->problems[i]);
	/* the variables as memory, then each one's overridden values likewise */
	size_t len_at, size = v->n * sizeof(*v->vars);
	put_u64(s, v->n);
	if (!v->n)
		return;
	struct settings_var *img = put_array_begin(s, size, &len_at);
	for (size_t i = 0; i < v->n; i++) {
		img[i] = v->vars[i];
		size_t k = name_number(s, img[i].name);
		img[i].name = k ? (const char *)(SPOOL_NAMED | (uintptr_t)(k - 1)) : put_place(s, img[i].name);
		put_value_places(s, &img[i].current);
		img[i].overridden = NULL;
		img[i].overridden_cap = 0;
	}
	put_array_end(s, size, len_at);
	for (size_t i = 0; i < v->n; i++) {
		const struct settings_var *sv = &v->vars[i];
		if (!sv->n_overridden)
			continue;
		size = sv->n_overridden * sizeof(*sv->overridden);
		struct settings_value *vals = put_array_begin(s, size, &len_at);
		for (size_t k = 0; k < sv->n_overridden; k++) {
			vals[k] = sv->overridden[k];
			put_value_places(s, &vals[k]);
		}
		put_array_end(s, size, len_at);
	}
}

/*
 * A section: whether it is there, and its length (patched by
 * spool_section_end()), so that a reader may skip it.
 */
static void spool_section(struct spool *s, int present)
{
	put_u64(s, present != 0);
	s->section_at = s->rec.len;
	put_u64(s, 0);
}

static void spool_section_end(struct spool *s)
{
	uint64_t len = s->rec.len - s->section_at - sizeof(uint64_t);
	memcpy(s->rec.buf + s->section_at, &len, sizeof(len));
}

int spool_write(struct spool *s, const struct target_result *t, const void *blob, size_t nblob, unsigned parts)
{
	if (s->err)
		return -1;
	if (t->diff) {
		s->err = 1;
		s->err_no = EINVAL;
		return -1;
	}
	if (s->reading) {
		/* back to the end after reads */
		if (fseek(s->fp, 0, SEEK_END)) {
			s->err = 1;
			s->err_no = errno;
			return -1;
		}
		s->reading = 0;
	}
	if (!s->seen)
		s->seen = xcalloc(SPOOL_SEEN, sizeof(*s->seen));
	ARRAY_GROW(s->offsets, s->n + 2, s->cap);
	if (!s->n)
		s->offsets[0] = 0;
	s->rec.len = 0;
	put_u64(s, SPOOL_MAGIC);
	put_str(s, t->name);
	put_str(s, t->kind);
	put_u64(s, (uint64_t)t->flavor);
	put_version(s, &t->version);
	put_u64(s, (uint64_t)t->role);
	put_u64(s, (uint64_t)t->variant);
	put_str(s, t->flavor_source);
	put_str(s, t->flavor_evidence);
	put_str(s, t->error);
	put_u64(s, (uint64_t)t->error_kind);
	put_u64(s, t->position);
	put_str(s, t->tags);
	put_str(s, t->real_path);
	put_u64(s, t->nincludes);
	for (size_t i = 0; i < t->nincludes; i++)
		put_str(s, t->includes[i]);
	put_str(s, t->path_key);
	put_str(s, t->cluster);
	spool_section(s, parts & SPOOL_FINDINGS);
	if (parts & SPOOL_FINDINGS) {
		put_u64(s, t->n);
		for (size_t i = 0; i < t->n; i++)
			put_finding(s, &t->findings[i]);
	}
	spool_section_end(s);
	spool_section(s, parts & SPOOL_BLOB);
	if (parts & SPOOL_BLOB) {
		put_u64(s, nblob);
		put_bytes(s, blob, nblob);
	}
	spool_section_end(s);
	spool_section(s, parts & SPOOL_VIEW);
	if (parts & SPOOL_VIEW)
		put_view(s, &t->view);
	spool_section_end(s);
	if (s->rec.len && fwrite(s->rec.buf, 1, s->rec.len, s->fp) != s->rec.len) {
		s->err = 1;
		s->err_no = errno;
		return -1;
	}
	s->offsets[s->n + 1] = s->offsets[s->n] + (long)s->rec.len;
	s->n++;
	return 0;
}

/* ---- reading -------------------------------------------------------------- */

/* A record read whole into s->rec, taken apart from pos. */
struct spool_in {
	struct spool *s;
	struct arena *a;
	const char *buf;   /* the record, in the result's arena: strings are read back in place */
	size_t len, pos;
};

static inline void get_bytes(struct spool_in *in, void *p, size_t n)
{
	if (in->s->err || !n)
		return;
	if (n > in->len - in->pos) {
		in->s->err = 1;
		in->s->err_no = EIO;
		memset(p, 0, n);
		return;
	}
	memcpy(p, in->buf + in->pos, n);
	in->pos += n;
}

static inline uint64_t get_u64(struct spool_in *in)
{
	uint64_t v = 0;
	if (in->len - in->pos >= sizeof(v)) {
		memcpy(&v, in->buf + in->pos, sizeof(v));
		in->pos += sizeof(v);
	} else {
		get_bytes(in, &v, sizeof(v));
	}
	return v;
}

/* A length read back is bounded: a record out of step must not allocate gigabytes. */
#define SPOOL_MAX_STRING ((uint64_t)1 << 31)

/* The string at place (+ 1) of the record; the record's copy ends with a NUL, so any place inside it reads a string. */
static inline const char *get_place(struct spool_in *in, const char *place)
{
	uint64_t at = (uint64_t)(uintptr_t)place;
	if (!at)
		return NULL;
	if (at - 1 >= in->len) {
		in->s->err = 1;
		in->s->err_no = EIO;
		return NULL;
	}
	return in->buf + at - 1;
}

static const char *get_str(struct spool_in *in)
{
	uint64_t n = get_u64(in);
	if (!n || in->s->err)
		return NULL;
	if (n & SPOOL_REF)
		return get_place(in, (const char *)(uintptr_t)(n & ~SPOOL_REF));
	if (n > SPOOL_MAX_STRING) {
		in->s->err = 1;
		in->s->err_no = EIO;
		return NULL;
	}
	if (n > in->len - in->pos || in->buf[in->pos + n - 1] != '\0') {
		in->s->err = 1;
		in->s->err_no = EIO;
		return NULL;
	}
	const char *str = in->buf + in->pos;
	in->pos += (size_t)n;
	return str;
}

/* A count of things read back, bounded likewise. */
static size_t get_count(struct spool_in *in)
{
	uint64_t n = get_u64(in);
	if (n > SPOOL_MAX_STRING) {
		in->s->err = 1;
		in->s->err_no = EIO;
		return 0;
	}
	return (size_t)n;
}

static void get_version(struct spool_in *in, struct version *v)
{
	v->major = (int)(int64_t)get_u64(in);
	v->minor = (int)(int64_t)get_u64(in);
	v->patch = (int)(int64_t)get_u64(in);
}

static void get_origin(struct spool_in *in, struct settings_origin *o)
{
	o->source = (enum settings_source)get_u64(in);
	o->file = get_str(in);
	o->line = (unsigned)get_u64(in);
	o->chain = get_str(in);
	o->detail = get_str(in);
}

/* put_array_begin/end(): past the strings, to n elements of size bytes; 0 when they are not all there. */
static int get_array(struct spool_in *in, size_t n, size_t size)
{
	size_t len = get_count(in);
	if (in->s->err || len > in->len - in->pos || n > (in->len - in->pos - len) / size) {
		in->s->err = 1;
		in->s->err_no = EIO;
		return 0;
	}
	in->pos += len;
	return 1;
}

static void get_value_places(struct spool_in *in, struct settings_value *v)
{
	v->value = get_place(in, v->value);
	v->spelled = get_place(in, v->spelled);
	v->origin.file = get_place(in, v->origin.file);
	v->origin.chain = get_place(in, v->origin.chain);
	v->origin.detail = get_place(in, v->origin.detail);
}

static const struct finding_suppression *get_suppression(struct spool_in *in)
{
	if (!get_u64(in) || in->s->err)
		return NULL;
	struct finding_suppression *x = arena_alloc(in->a, sizeof(*x));
	x->file = get_str(in);
	x->line = (unsigned)get_u64(in);
	x->reason = get_str(in);
	x->was = (enum finding_status)get_u64(in);
	x->kind = get_str(in);
	x->until = (long)(int64_t)get_u64(in);
	return x;
}

static const struct finding_peers *get_peers(struct spool_in *in)
{
	if (!get_u64(in) || in->s->err)
		return NULL;
	struct finding_peers *p = arena_alloc(in->a, sizeof(*p));
	p->nclash = (size_t)get_u64(in);
	p->nshared = (size_t)get_u64(in);
	p->napplies = (size_t)get_u64(in);
	p->topology = get_str(in);
	p->group = get_str(in);
	for (size_t i = 0; i < FINDING_PEERS_SHOWN; i++) {
		p->clash[i] = get_str(in);
		p->shared[i] = get_str(in);
	}
	return p;
}

/* put_finding()'s struct, then what its non-NULL pointers pointed to, read back in place. */
static void get_finding(struct spool_in *in, struct finding *f)
{
	get_bytes(in, f, sizeof(*f));
	if (in->s->err) {
		memset(f, 0, sizeof(*f));
		return;
	}
	if (f->channel)
		f->channel = get_str(in);
	if (f->peers)
		f->peers = get_peers(in);
	if (f->suppression)
		f->suppression = get_suppression(in);
	if (f->expired)
		f->expired = get_suppression(in);
}

static void get_channel(struct spool_in *in, struct settings_channel *c)
{
	const char **const strs[] = {
		&c->name, &c->auto_position, &c->using_gtid, &c->io_running, &c->sql_running, &c->source_host,
		&c->last_io_errno, &c->last_io_error, &c->last_sql_errno, &c->last_sql_error, &c->skip_counter,
		&c->source_server_id, &c->source_uuid, &c->problem, &c->source_target, &c->source_why,
	};
	for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
		*strs[i] = get_str(in);
	c->source_port = (unsigned)get_u64(in);
	c->group_replication = (int)(int64_t)get_u64(in);
	c->source_index = (size_t)get_u64(in);
}

static void get_problem(struct spool_in *in, struct settings_problem *p)
{
	p->fact = get_str(in);
	p->kind = (enum settings_problem_kind)get_u64(in);
	get_origin(in, &p->origin);
	p->option = get_str(in);
	p->value = get_str(in);
	p->variable = get_str(in);
	p->replacement = get_str(in);
	get_version(in, &p->version);
	p->detail = get_str(in);
	p->text = get_str(in);
}

static void get_view(struct spool_in *in, struct settings *v)
{
	v->flavor = (enum flavor)get_u64(in);
	v->variant = (enum flavor_variant)get_u64(in);
	get_version(in, &v->version);
	v->version_detected = (int)(int64_t)get_u64(in);
	v->flavor_source = get_str(in);
	v->flavor_evidence = get_str(in);
	v->role = (enum role)get_u64(in);
	v->role_detected = (int)(int64_t)get_u64(in);
	v->cluster = get_str(in);
	v->topology = get_str(in);
	v->path_key = get_str(in);
	v->address = get_str(in);
	v->multi_writer = get_str(in);
	v->error = get_str(in);
	v->position = (size_t)get_u64(in);
	v->tags = get_str(in);
	v->real_path = get_str(in);
	v->nincludes = get_count(in);
	if (v->nincludes) {
		v->includes = arena_alloc(in->a, v->nincludes * sizeof(*v->includes));
		for (size_t i = 0; i < v->nincludes; i++)
			v->includes[i] = get_str(in);
	}
	v->channels_known = (int)(int64_t)get_u64(in);
	size_t nch = get_count(in);
	if (nch) {
		v->channels = xcalloc(nch, sizeof(*v->channels));
		v->nchannels = v->channels_cap = nch;
		for (size_t i = 0; i < nch; i++)
			get_channel(in, &v->channels[i]);
	}
	get_origin(in, &v->group_header);
	size_t np = get_count(in);
	if (np) {
		v->problems = xcalloc(np, sizeof(*v->problems));
		v->nproblems = v->problems_cap = np;
		for (size_t i = 0; i < np; i++)
			get_problem(in, &v->problems[i]);
	}
	/* put_view(): the variables as memory, then their overridden values */
	size_t nv = get_count(in);
	if (in->s->err || !nv)
		return;
	if (!get_array(in, nv, sizeof(*v->vars)))
		return;
	if (!v->vars || v->cap < nv) {
		/* a view given with an array of room (check's report source reuses one) keeps it */
		free(v->vars);
		v->vars = xmalloc(nv * sizeof(*v->vars));
		v->cap = nv;
	}
	memcpy(v->vars, in->buf + in->pos, nv * sizeof(*v->vars));
	in->pos += nv * sizeof(*v->vars);
	v->n = nv;
	strmap_reserve(&v->index, nv);   /* the index grows once, not by doubling */
	for (size_t i = 0; i < nv; i++) {
		struct settings_var *sv = &v->vars[i];
		uintptr_t named = (uintptr_t)sv->name;
		sv->overridden = NULL;
		get_value_places(in, &sv->current);
		if (named & SPOOL_NAMED) {
			/* a name that outlives the spool, by number: its pointer and hash (spool_name_add()) */
			size_t k = (size_t)(named & ~SPOOL_NAMED);
			if (k >= in->s->nnames) {
				in->s->err = 1;
				in->s->err_no = EIO;
				sv->name = NULL;
				continue;
			}
			sv->name = in->s->names[k].str;
			if (!v->index.fold_case)
				strmap_put_hashed(&v->index, sv->name, in->s->names[k].hash, i);
			else
				strmap_put(&v->index, sv->name, i);
			continue;
		}
		sv->name = get_place(in, sv->name);
		if (sv->name)
			strmap_put(&v->index, sv->name, i);
	}
	for (size_t i = 0; i < nv && !in->s->err; i++) {
		struct settings_var *sv = &v->vars[i];
		size_t no = sv->n_overridden;
		if (!no)
			continue;
		if (!get_array(in, no, sizeof(*sv->overridden)))
			break;
		sv->overridden = xmalloc(no * sizeof(*sv->overridden));
		memcpy(sv->overridden, in->buf + in->pos, no * sizeof(*sv->overridden));
		in->pos += no * sizeof(*sv->overridden);
		sv->overridden_cap = sv->n_overridden;
		for (size_t k = 0; k < no; k++)
			get_value_places(in, &sv->overridden[k]);
	}
	if (in->s->err)
		for (size_t i = 0; i < nv; i++)
			if (!v->vars[i].overridden)
				v->vars[i].n_overridden = v->vars[i].overridden_cap = 0;
}

/* A section's header: present or not, and its length; skipped unless wanted. Returns nonzero to read it. */
static int get_section(struct spool_in *in, int want)
{
	int present = get_u64(in) != 0;
	size_t len = get_count(in);
	if (in->s->err)
		return 0;
	if (want && present)
		return 1;
	if (len > in->len - in->pos) {
		in->s->err = 1;
		in->s->err_no = EIO;
		return 0;
	}
	in->pos += len;
	return 0;
}

struct target_result *spool_read(struct spool *s, size_t i, struct audit_result *r, struct target_result *into,
				 unsigned parts, char **blob, size_t *nblob)
{
	struct spool_in in = { s, &r->arena, NULL, 0, 0 };
	memset(&s->last, 0, sizeof(s->last));
	if (blob)
		*blob = NULL;
	if (nblob)
		*nblob = 0;
	if (s->err || i >= s->n)
		return NULL;
	if (!s->reading || s->next != i) {
		if (fseek(s->fp, s->offsets[i], SEEK_SET)) {
			s->err = 1;
			s->err_no = errno;
			return NULL;
		}
		s->reading = 1;
	}
	in.len = (size_t)(s->offsets[i + 1] - s->offsets[i]);
	char *buf;
	if (s->reuse) {
		if (s->rbuf_cap < in.len + 1) {
			free(s->rbuf);
			s->rbuf_cap = in.len + 1 > 2 * s->rbuf_cap ? in.len + 1 : 2 * s->rbuf_cap;
			s->rbuf = xmalloc(s->rbuf_cap);
		}
		buf = s->rbuf;
	} else {
		buf = arena_alloc(&r->arena, in.len + 1);
	}
	buf[in.len] = '\0';   /* a string's place inside the record reads a string (get_place()) */
	if (fread(buf, 1, in.len, s->fp) != in.len) {
		s->err = 1;
		s->err_no = ferror(s->fp) ? errno : EIO;
		return NULL;
	}
	s->next = i + 1;
	in.buf = buf;
	if (get_u64(&in) != SPOOL_MAGIC) {
		s->err = 1;
		s->err_no = EIO;
		return NULL;
	}
	/* the header goes into the new target, or past a scratch one */
	struct target_result scratch, *made = NULL, *h = &scratch;
	const char *name = get_str(&in);
	const char *kind = get_str(&in);
	memset(&scratch, 0, sizeof(scratch));
	if (!into) {
		made = audit_result_add_target(r, name ? name : "", kind ? kind : "");
		if (!kind)
			made->kind = made->view.kind = NULL;
		h = made;
	} else if (parts & SPOOL_HEADER) {
		into->name = into->view.target = name ? name : "";
		into->kind = into->view.kind = kind;
		h = into;
	}
	h->flavor = (enum flavor)get_u64(&in);
	get_version(&in, &h->version);
	h->role = (enum role)get_u64(&in);
	h->variant = (enum flavor_variant)get_u64(&in);
	h->flavor_source = get_str(&in);
	h->flavor_evidence = get_str(&in);
	h->error = get_str(&in);
	h->error_kind = (enum target_error_kind)get_u64(&in);
	h->position = (size_t)get_u64(&in);
	h->tags = get_str(&in);
	h->real_path = get_str(&in);
	size_t ninc = get_count(&in);
	if (ninc) {
		const char **inc = arena_alloc(&r->arena, ninc * sizeof(*inc));
		for (size_t k = 0; k < ninc; k++)
			inc[k] = get_str(&in);
		h->includes = inc;
	}
	h->nincludes = ninc;
	h->path_key = get_str(&in);
	h->cluster = get_str(&in);
	struct target_result *t = into ? into : made;
	if (get_section(&in, parts & SPOOL_FINDINGS)) {
		size_t nf = get_count(&in);
		size_t from = into && (parts & SPOOL_APPEND) ? t->n : 0;
		t->n = from;
		if (nf && nf <= (in.len - in.pos) / sizeof(*t->findings)) {
			if (from) {
				ARRAY_GROW(t->findings, from + nf, t->cap);
			} else if (nf > t->cap) {
				free(t->findings);
				t->findings = xmalloc(nf * sizeof(*t->findings));   /* each read whole: get_finding() */
				t->cap = nf;
			}
		} else if (nf) {
			s->err = 1;
			s->err_no = EIO;
			nf = 0;
		}
		for (size_t k = 0; k < nf && !s->err; k++)
			get_finding(&in, &t->findings[t->n++]);
	}
	if (get_section(&in, parts & SPOOL_BLOB)) {
		size_t nb = get_count(&in);
		if (!s->err && blob) {
			char *b = xmalloc(nb + 1);
			get_bytes(&in, b, nb);
			b[nb] = '\0';
			*blob = b;
			if (nblob)
				*nblob = nb;
		} else {
			in.pos += nb <= in.len - in.pos ? nb : 0;
		}
	}
	size_t view_at = in.pos;
	if (get_section(&in, parts & SPOOL_VIEW))
		get_view(&in, &t->view);
	s->last.buf = in.buf;
	s->last.len = in.len;
	s->last.view_at = view_at;
	s->last.r = r;
	s->last.t = (parts & SPOOL_VIEW) ? NULL : t;
	if (s->err) {
		if (blob) {
			free(*blob);
			*blob = NULL;
		}
		return NULL;
	}
	return t;
}

struct target_result *spool_read_view(struct spool *s, struct audit_result *r, struct target_result *t)
{
	struct spool_in in = { s, &r->arena, s->last.buf, s->last.len, s->last.view_at };
	if (s->err)
		return NULL;
	if (!t || s->last.r != r || s->last.t != t) {
		s->err = 1;
		s->err_no = EINVAL;
		return NULL;
	}
	s->last.t = NULL;   /* once */
	if (get_section(&in, 1))
		get_view(&in, &t->view);
	return s->err ? NULL : t;
}
