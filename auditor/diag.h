/*
 * diag.h - diagnostics as data.
 *
 * Every problem crashsafe meets while reading input is collected as a
 * diagnostic with its place (file, line) and printed in one grammar:
 *
 *     crashsafe: FILE:LINE: error: what is wrong: detail
 *
 * Readers collect and go on; the caller decides what the worst one means.
 */
#ifndef CRASHSAFE_DIAG_H
#define CRASHSAFE_DIAG_H

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
/* Print every diagnostic to fp in the project's grammar. */
void diag_print(const struct diag_list *l, FILE *fp);
void diag_print_one(const struct diag *d, FILE *fp);

#endif
