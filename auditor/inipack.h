/*
 * inipack.h - the built-in rule files and variable catalog, read by inih
 * when crashsafe is built, so that a run does not read them again (issue 13).
 *
 * Reading the rule files and rules/variables.ini with inih was most of
 * `crashsafe check` on one option file: inih's line splitting, the rule
 * reader's own line pass and the handlers, 2.9 million instructions for
 * 50 KB of INI, every run. The build runs the loaders' own reading path
 * over the rule files once (scripts/gen-inipack.c, linked with the same
 * engine.c and catalog.c) and records what inih handed to the handler for
 * each file: every (section, name, value, line) in order, with the rule
 * reader's state at that call (does the line continue the previous key,
 * the line of the last [section] header). The records, and each file's
 * bytes, are compiled in (BUILD/gen/inipack_data.c: offsets into one
 * string table, so the data needs no relocation at start-up).
 *
 * At run time engine_load_file() and catalog_load() still read the file;
 * when its bytes are exactly those of a packed file of the same kind, the
 * recorded calls are replayed into the same handler instead of parsing.
 * So rules stay data: a rule file that was edited, added, or given with
 * --rules DIR is parsed as before, and `crashsafe rules` shows what the
 * files say. Only files that read without any reader diagnostic and with
 * inih returning 0 are packed. tests/unit/test_inipack.c records every
 * built-in file again through the loaders and compares it with the pack.
 */
#ifndef CRASHSAFE_INIPACK_H
#define CRASHSAFE_INIPACK_H

#include <stddef.h>

enum inipack_kind {
	INIPACK_RULES = 0,    /* a rule file (engine.c, its own line reader) */
	INIPACK_CATALOG,      /* the variable catalog (catalog.c, ini_parse_string) */
};

/* One handler call as recorded. */
struct inipack_event {
	const char *section, *name, *value;
	int lineno;
	int cont;                 /* rule reader: the line starts with a blank and holds text */
	unsigned section_line;    /* rule reader: line of the last [section] header read */
};

/* What the recording of one file calls, in order. */
typedef void (*inipack_record_fn)(void *ctx, const struct inipack_event *ev);

/* The packed file of kind whose bytes are data[0..len), or -1 (always -1 while the pack is off). */
int inipack_find(enum inipack_kind kind, const char *data, size_t len);
/*
 * Turn the pack off (0) or on (1, the default) for the whole process: off,
 * every file is parsed, and neither the replay nor the prebuilt tables
 * (prebuilt.h) are used. For tests that compare the two paths.
 */
void inipack_set_enabled(int on);
/* Its handler calls: the i-th of n (inipack_nevents). */
size_t inipack_nevents(int file);
void inipack_event_at(int file, size_t i, struct inipack_event *out);
/* The lines the rule reader read of it (the size of its per-line state). */
unsigned inipack_nlines(int file);

/* The packed files, for the test: count, and each one's name and kind. */
size_t inipack_count(void);
const char *inipack_name(int file);
enum inipack_kind inipack_kind_of(int file);

/*
 * The generated tables (BUILD/gen/inipack_data.c). Offsets point into
 * inipack_strings; 0 stands for the empty string.
 */
struct inipack_event_rec {
	unsigned section, name, value;
	int lineno;
	unsigned char cont;
	unsigned section_line;
};
struct inipack_file_rec {
	unsigned name;            /* the file's base name */
	unsigned char kind;       /* enum inipack_kind */
	unsigned text;            /* its bytes */
	size_t len;
	size_t first, nevents;    /* its records in inipack_events */
	unsigned nlines;
};
extern const char inipack_strings[];
extern const struct inipack_event_rec inipack_events[];
extern const struct inipack_file_rec inipack_files[];
extern const size_t inipack_nfiles;

#endif
