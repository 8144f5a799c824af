/*
 * report.h - one interface for every report format.
 *
 * Writers are leaves: they turn an audit_result into bytes and decide
 * nothing. Each format is an entry of one table; a writer owns the stream it
 * writes to. Files are written to a temporary name and renamed, so a reader
 * never sees half a report.
 */
#ifndef CRASHSAFE_REPORT_H
#define CRASHSAFE_REPORT_H

#include <stdio.h>

#include "../auditor/finding.h"

enum report_format {
	REPORT_TEXT = 0,
	REPORT_JSON,
	REPORT_JUNIT,
	REPORT_SARIF,
};

struct report_options {
	int color;          /* text: ANSI colour (only when writing to a terminal) */
	int verbose;        /* text: also list passed and not-applicable findings */
	int quiet;          /* text: only the summary line and failures */
	const char *tool_version;
	const char *command;  /* "check", "live": recorded in machine formats */
};

struct report_writer {
	enum report_format format;
	const char *name;     /* "text", "json", "junit", "sarif" */
	/* Write r to fp. Returns 0, or -1 on an I/O error. */
	int (*write)(const struct audit_result *r, const struct report_options *o, FILE *fp);
};

/* The writer for a format name, or NULL. */
const struct report_writer *report_writer_find(const char *name);
const struct report_writer *report_writer_get(enum report_format f);

/* Write to a stream. Returns 0 or -1. */
int report_write(enum report_format f, const struct audit_result *r,
		 const struct report_options *o, FILE *fp);
/* Write to path atomically (temporary file + rename). Returns 0, or -1 with errno set. */
int report_write_file(enum report_format f, const struct audit_result *r,
		      const struct report_options *o, const char *path);

int report_text_write(const struct audit_result *r, const struct report_options *o, FILE *fp);
int report_json_write(const struct audit_result *r, const struct report_options *o, FILE *fp);
int report_junit_write(const struct audit_result *r, const struct report_options *o, FILE *fp);
int report_sarif_write(const struct audit_result *r, const struct report_options *o, FILE *fp);

#endif
