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
#include <stdio.h>

#include "finding.h"
#include "util.h"

struct spool {
	FILE *fp;
	size_t n;          /* records written */
	long *offsets;     /* where each record starts, and where the last ends (8 bytes a target) */
	size_t cap;
	struct strbuf rec; /* the record being written */
	size_t section_at; /* where the length of the section being written is */
	int err;           /* a write or read failed (errno kept in err_no) */
	int err_no;
	int reading;       /* set by spool_rewind(): records are read in order from here */
	size_t next;       /* the record spool_read() reads next */
};

/* Create the temporary file ($TMPDIR, else /tmp). Returns 0, or -1 with errno set. */
int spool_open(struct spool *s);
void spool_close(struct spool *s);

/*
 * A temporary file of this process, as the spool's own: mkstemp(3) in
 * $TMPDIR (else /tmp; glibc's tmpfile(3) ignores $TMPDIR), mode 0600,
 * unlinked at once, opened "w+" with a 64 KB buffer. Returns the stream,
 * or NULL with errno set.
 */
FILE *spool_tmpfile(void);

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
 * the record's header; with into set: the header is read past and the
 * parts go into that target (of r), its findings replaced. The parts
 * asked for and present are read, the others skipped. Strings are read in
 * place in a copy of the record in r's arena. The blob (SPOOL_BLOB and
 * blob set) is a heap buffer the caller frees, NUL-terminated, *nblob
 * bytes before the NUL. Returns the target, or NULL on an I/O error or a
 * record that does not read back (s->err set).
 */
struct target_result *spool_read(struct spool *s, size_t i, struct audit_result *r, struct target_result *into,
				 unsigned parts, char **blob, size_t *nblob);

#endif
