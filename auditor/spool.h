/*
 * spool.h - a target's result written to a temporary file and read back
 * (issue 13: check streams its targets, so that memory stays flat).
 *
 * `check` evaluates each target as soon as it is read, writes the result
 * (findings and view, finding.h) here and frees it; the reports are written
 * from the records read back one at a time, once the rules across targets
 * (fleet, topology, link) have run. Read back, a record is the target_result
 * that was written: the same fields, strings and findings in the same order,
 * so the writers give the same bytes.
 *
 * The file is a temporary file of this process: created with mkstemp(3)
 * in $TMPDIR (else /tmp), mode 0600, and unlinked at once, so nothing is
 * left behind whatever ends the process; its records are in this process's
 * own layout, not a format for another program. Pointers to what outlives the spool are written as
 * they are: a finding's rule, rule id and title (the engine's), and its
 * source view (link rules: a view of the run's cross-target result, which
 * the caller keeps until the last record is read). Every other string and
 * structure is written by value.
 *
 * Each record may carry an opaque blob (check keeps there the target's
 * lines for standard error, printed after the suppressions' diagnostics).
 */
#ifndef CRASHSAFE_SPOOL_H
#define CRASHSAFE_SPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "finding.h"
#include "util.h"

#define SPOOL_SEEN 128

struct spool {
	FILE *fp;
	char *iobuf;       /* fp's buffer, freed after fp is closed */
	size_t n;          /* records written */
	long *offsets;     /* where each record starts, and where the last ends (8 bytes a target) */
	size_t cap;
	struct strbuf rec; /* the record being written */
	void *img;         /* an array being encoded for the record (put_view()) */
	/*
	 * Set by the owner: a record read is copied into one buffer of the
	 * spool, reused by the next read (its strings stay valid until then),
	 * not into the result's arena (a malloc of a record's size per read).
	 */
	int reuse;
	char *rbuf;
	size_t rbuf_cap;
	size_t img_cap;    /* bytes */
	size_t section_at; /* where the length of the section being written is */
	int err;           /* a write or read failed (errno kept in err_no) */
	int err_no;
	int reading;       /* set by spool_rewind(): records are read in order from here */
	size_t next;       /* the record spool_read() reads next */
	struct {           /* the record spool_read() read last, for spool_read_view() */
		const char *buf;   /* its copy, in last_r's arena */
		size_t len, view_at;
		const struct audit_result *r;
		const struct target_result *t;
	} last;
	/*
	 * The strings already in the record being written, by address (a
	 * view's strings are its result's, interned: one file name for every
	 * variable): written again as a reference to the first copy. A cache
	 * of SPOOL_SEEN addresses, 4 slots possible for each (when all 4 hold
	 * other strings of the record, the string is copied again), allocated
	 * by the first write.
	 */
	struct spool_seen {
		const char *str;
		uint64_t place;   /* where its bytes are in the record, + 1 */
		size_t record;    /* which record: the entries of earlier ones are stale */
	} *seen;
	/*
	 * Names that outlive the spool (spool_name_add()), by number, and a
	 * set of their addresses (name_cap slots, power of 2: number + 1, 0
	 * for none).
	 */
	struct spool_name {
		const char *str;
		size_t hash;
	} *names;
	size_t nnames, names_cap;
	uint32_t *name_slot;
	size_t name_cap;
};

/*
 * Added (issue 13): a name that outlives the spool (check: each of the
 * engine's reads, engine.h, whose names its views' variables point to),
 * with its util_strhash(name, 0). A view's variable named by that address
 * is written as the name's number, not its bytes, and read back as the same
 * pointer, put into the view's index with that hash (a variable's name was
 * a third of a view's bytes, and each was hashed again on every read).
 * Call before the first write; a name added twice keeps its first number.
 */
void spool_name_add(struct spool *s, const char *name, size_t hash);

/*
 * Create the temporary file ($TMPDIR, else /tmp), with a stdio buffer of
 * buf bytes (0: SPOOL_BUF, 32 KB; the spool's own: glibc's setvbuf(3)
 * ignores a size given without a buffer and takes 4 KB). Returns 0, or -1
 * with errno set.
 */
#define SPOOL_BUF 32768
int spool_open(struct spool *s, size_t buf);
void spool_close(struct spool *s);

/*
 * A temporary file of this process, as the spool's own: mkstemp(3) in
 * $TMPDIR (else /tmp; glibc's tmpfile(3) ignores $TMPDIR), mode 0600,
 * unlinked at once, opened "w+", fully buffered with buf (size bytes,
 * which the caller frees only after fclose) when buf is not NULL, else
 * with stdio's own buffer (glibc: 4 KB). Returns the stream, or NULL with
 * errno set.
 */
FILE *spool_tmpfile(char *buf, size_t size);

/* Where spool_tmpfile() makes its files: $TMPDIR when set and not empty, else "/tmp". */
const char *spool_dir(void);

/*
 * Hand what the stream still buffers to the file and check it: a write
 * that failed (a full or read-only $TMPDIR) is known here, before anything
 * is read back or reported. Returns 0, or -1 (s->err set, errno kept in
 * s->err_no).
 */
int spool_flush(struct spool *s);

/* The parts of a record besides its header (the target's name, kind, flavor, paths ...). */
enum spool_part {
	SPOOL_FINDINGS = 1,     /* t->findings */
	SPOOL_BLOB = 2,         /* the caller's bytes */
	SPOOL_VIEW = 4,         /* t->view */
	SPOOL_ALL = 7,
	SPOOL_HEADER = 8,       /* spool_read() into a target: the record's header too (not a part written) */
	SPOOL_APPEND = 16,      /* spool_read() into a target: the findings after its own, not instead */
};

/*
 * Append t's header and the parts asked for (t->diff must be NULL: diff's
 * results are not spooled), with blob (nblob bytes, may be 0) when
 * SPOOL_BLOB is asked. Returns 0, or -1 (an I/O error: s->err set; the
 * later calls fail too).
 */
int spool_write(struct spool *s, const struct target_result *t, const void *blob, size_t nblob, unsigned parts);

/*
 * Read record i (0-based, any order; seeking when it is not the next).
 * With into NULL: into a new target of r (audit_result_add_target) with
 * the record's header; with into set: the header is read past (with
 * SPOOL_HEADER: read into it, its name and kind the record's strings) and
 * the parts go into that target (of r), its findings replaced (in its
 * array when that has room; with SPOOL_APPEND: added after its own; its
 * view's variables likewise in its view's array, empty with room: view.n
 * 0, view.cap its size). The parts
 * asked for and present are read, the others skipped. Strings are read in
 * place in a copy of the record in r's arena (with s->reuse: in the
 * spool's own buffer, valid until the next read of s). The blob (SPOOL_BLOB and
 * blob set) is a heap buffer the caller frees, NUL-terminated, *nblob
 * bytes before the NUL. Returns the target, or NULL on an I/O error or a
 * record that does not read back (s->err set).
 */
struct target_result *spool_read(struct spool *s, size_t i, struct audit_result *r, struct target_result *into,
				 unsigned parts, char **blob, size_t *nblob);

/*
 * The view of the record spool_read() read last, into t (of r) as it
 * returned it, when that read did not ask for it: from the record's copy in
 * r's arena, not the file (check reads a target's findings, then its view
 * only when a report reads it). Returns t, or NULL (s->err set) when t is
 * not that target or the view does not read back.
 */
struct target_result *spool_read_view(struct spool *s, struct audit_result *r, struct target_result *t);

#endif
