/*
 * diag.h - diagnostics as data.
 *
 * Every problem crashsafe meets while reading input is collected as a
 * diagnostic with its place (file, line) and printed in one grammar:
 *
 *     crashsafe: FILE:LINE: error: what is wrong: detail
 *
 * Readers collect and go on; the caller decides what the worst one means.
 *
 * File names and messages carry outside text (option files, snapshots,
 * server error messages, arguments), so printing escapes both with
 * strbuf_add_escaped() (util.h): a file or a server cannot send escape
 * sequences or fake lines to the operator's terminal. Every message
 * crashsafe writes to stderr goes through diag_print_one() or diag_emit();
 * never fprintf(stderr, ...) text that came from outside.
 */
#ifndef CRASHSAFE_DIAG_H
#define CRASHSAFE_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

enum diag_level {
	DIAG_NOTE = 0,
	DIAG_WARNING,
	DIAG_ERROR,   /* the input is unusable, or the server would refuse it */
};

struct diag {
	enum diag_level level;
	char *file;     /* NULL when the problem has no file */
	unsigned line;  /* 0 when the problem has no line */
	char *message;
};

struct diag_list {
	struct diag *items;
	size_t n, cap;
};

void diag_list_init(struct diag_list *l);
void diag_list_release(struct diag_list *l);
/* Append a diagnostic; file may be NULL and line 0. Strings are copied. */
void diag_add(struct diag_list *l, enum diag_level level, const char *file, unsigned line,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Number of diagnostics at or above level. */
size_t diag_count(const struct diag_list *l, enum diag_level level);
const char *diag_level_name(enum diag_level level);
/* Print every diagnostic to fp in the project's grammar, escaped (see above). */
void diag_print(const struct diag_list *l, FILE *fp);
void diag_print_one(const struct diag *d, FILE *fp);
/*
 * Print one message to stderr now, in the same grammar and escaped:
 * diag_emit(DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno)).
 * file may be NULL and line 0.
 */
void diag_emit(enum diag_level level, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void diag_vemit(enum diag_level level, const char *file, unsigned line, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

#endif
