/*
 * optfile.h - the MySQL/MariaDB option-file (my.cnf) reader.
 *
 * It reads option files exactly as the server's own reader does
 * (mysys/my_default.c): groups, comments, quotes, escapes, !include and
 * !includedir, the line rule of the flavor and version (4094-byte physical
 * line chunks, or whole lines), and the same fatal cases.
 * `my_print_defaults --defaults-file=F --mysqld` is its test oracle.
 *
 * Every option keeps its origin: the file, the line, and the chain of
 * include directives that led to that file. Options of every group the
 * target reads are kept in read order, so later values override earlier
 * ones and nothing is lost: the settings layer decides what wins.
 *
 * The grammar as implemented, and every rule measured against the server,
 * is in docs/option-files.md. Two points callers must know:
 *  - Only a problem in a top-level file (the --defaults-file, a default
 *    file, the extra file) is fatal. The same problem in an included file
 *    (an option before any group, a header without ']', a bad directive, a
 *    missing !includedir directory) makes the server stop reading that one
 *    file and go on with the file that included it: a DIAG_WARNING here.
 *  - Every file is read through fileio_read() (FILEIO_OPTION_FILE): pipes,
 *    FIFOs and devices are read as streams, bounded in size and time; a
 *    stream that cannot be read to its end (a FIFO without a writer,
 *    /dev/zero) is an input error (optfile.input_error): the target cannot
 *    be audited. A file limit (max_files) stops include storms the server
 *    would take practically forever to read.
 *  - A world-writable option file is ignored, as the server ignores it; that
 *    is a DIAG_ERROR diagnostic at the file (or at the directive that named
 *    it), not fatal: the server starts, without that file's options.
 *
 * Diagnostics name files as struct optfile_source.path does, and never
 * quote an option's value (it may be a password).
 */
#ifndef CRASHSAFE_OPTFILE_H
#define CRASHSAFE_OPTFILE_H

#include <stddef.h>
#include <sys/stat.h>

#include "diag.h"
#include "flavor.h"
#include "util.h"

/* One file that was read, and how the reader got there. */
struct optfile_source {
	/*
	 * The path: as the caller named it for a top-level file; for an
	 * included one as the server opens it, after its lexical clean-up
	 * ("a/../b.cnf" -> "b.cnf", "~/" expanded), relative to the working
	 * directory when the directive was relative.
	 */
	const char *path;
	const struct optfile_source *parent;  /* the file holding the directive; NULL at top level */
	unsigned parent_line;                 /* line of the !include / !includedir in parent */
};

/* One option line of a group the target reads. */
struct optfile_option {
	const char *group;   /* group name as written, trailing spaces trimmed */
	const char *text;    /* exactly as my_print_defaults prints it: "--name" or "--name=value" */
	const char *name;    /* the name as written (dashes kept), without "--" */
	const char *value;   /* after unquoting and escapes; NULL for a bare option */
	const struct optfile_source *source;
	unsigned line;       /* physical line-chunk number, as the server counts */
	size_t name_hash;    /* added (issue 13): util_strhash(name, 0), for the maps that look names up */
};

/* The header line of a group the target reads ("[mysqld]"), where a line could be added. */
struct optfile_header {
	const char *group;   /* group name as written, trailing spaces trimmed */
	const struct optfile_source *source;
	unsigned line;
};

/* The groups a target reads: up to OPTFILE_MAX_GROUPS names, compared case-insensitively. */
#define OPTFILE_MAX_GROUPS 32
struct optfile_groups {
	char names[OPTFILE_MAX_GROUPS][80];
	size_t n;
	int all;   /* added: nonzero: every group matches (optfile_groups_all()) */
};

/*
 * How the server cuts a file into lines (mysys my_default.c, see
 * docs/option-files.md "Physical lines" for the source history).
 */
enum optfile_line_rule {
	/* fgets() into 4096 bytes with size-1: at most 4094 bytes, the rest is the
	 * next line. MariaDB (all), MySQL and Percona Server 5.x and 8.0 up to 8.0.21. */
	OPTFILE_LINES_CHUNKED = 0,
	/* mysql_file_getline() joins chunks until the newline: lines of any length.
	 * MySQL and Percona Server 8.0.25 and later, 8.4, 9.x. */
	OPTFILE_LINES_WHOLE,
	/* Read as WHOLE, with a warning at a line longer than 4094 bytes: MySQL and
	 * Percona Server 8.0.22 to 8.0.24 (not confirmed from sources), and "8.0"
	 * without a patch release. */
	OPTFILE_LINES_WHOLE_UNSURE,
};

/* The name "-" (standard input) is shown as. */
#define OPTFILE_STDIN_NAME "<stdin>"

/*
 * Added (issue 10): comments starting with "crashsafe:" (annotations,
 * project.h), kept in read order so that no file is read twice (standard
 * input can be read only once).
 */
enum optfile_note_kind {
	OPTFILE_NOTE_ANNOTATION = 0,   /* "# crashsafe: ..." (or ';'), a whole-line comment */
};

struct optfile_note {
	enum optfile_note_kind kind;
	const struct optfile_source *source;
	unsigned line;
	const char *text;      /* what follows "crashsafe:", trimmed */
	const char *group;     /* the name of the group header above it in its file (read or not); NULL: none */
	unsigned next_line;    /* the next line of its file that is not a comment or blank; 0: none */
};

struct optfile {
	struct optfile_option *options;  /* in read order */
	size_t n, cap;
	struct optfile_source **sources; /* every file read, in read order */
	size_t nsources, sources_cap;
	struct optfile_header *headers;  /* every header of a group the target reads, in read order */
	size_t nheaders, headers_cap;
	struct diag_list diags;          /* every problem, with file and line */
	int fatal;                       /* nonzero: the server would refuse these files */
	struct arena arena;              /* owns every string above */
	/*
	 * Most files one read may open (0: OPTFILE_MAX_FILES). The server has no
	 * such limit: a file that includes itself many times would keep it busy
	 * practically forever. Past the limit the read stops as fatal.
	 */
	size_t max_files;
	size_t nfiles_opened;            /* files opened so far, against max_files */
	/* Set by the caller before reading (optfile_line_rule_for); 0: CHUNKED. */
	enum optfile_line_rule line_rule;
	/*
	 * --root DIR, set by the caller before reading: absolute paths named in
	 * the files (!include, !includedir) and the default search path are
	 * opened under DIR as a sysroot resolves them (fileio_root_path), and
	 * named ROOT/path. NULL: this machine's own paths; then a directive
	 * whose path leaves the directory of the file given gets a warning.
	 */
	const char *root;
	/*
	 * Non-NULL when an input could not be read (the file given missing or
	 * unreadable, a stream too long or without a writer): a one-line
	 * reason, in the arena. The target cannot be audited.
	 */
	const char *input_error;
	/*
	 * Added (issue 10): the name "-" is given (--stdin-filename), so that
	 * origins point at the real file; NULL: OPTFILE_STDIN_NAME. Set by the
	 * caller before reading.
	 */
	const char *stdin_name;
	struct optfile_note *notes;      /* added (issue 10): annotations, in read order */
	size_t nnotes, notes_cap;
	/*
	 * Added (issue 13): realpath() of the path optfile_read() is given,
	 * when the caller already resolved it (project_finder_real()), so
	 * that it is not resolved again; NULL: optfile_read() resolves it.
	 * Set by the caller before reading; not used for a descriptor
	 * ("-", /dev/stdin, /dev/fd/N).
	 */
	const char *given_real;
	/*
	 * Added (issue 13): the path optfile_read() is given, already opened
	 * by the caller (fileio_read_opened(): FILEIO_OPEN_FLAGS, given_st its
	 * fstat()), read instead of opening it again when the name read is
	 * given_real; -1 (optfile_init()): none. The caller keeps and closes it.
	 */
	int given_fd;
	struct stat given_st;
};

/* "!include" nesting the server allows: directives deeper than this are skipped with a warning. */
#define OPTFILE_MAX_DEPTH 10
/* The default for optfile.max_files. */
#define OPTFILE_MAX_FILES 100000

/* The line rule of mysqld of this flavor and version. */
enum optfile_line_rule optfile_line_rule_for(enum flavor flavor, const struct version *version);

void optfile_init(struct optfile *of);
void optfile_release(struct optfile *of);

/*
 * Fill g with the groups the server of this flavor and version reads:
 * MySQL/Percona mysqld: mysqld, server, mysqld-X.Y;
 * MariaDB: also mariadb, mariadb-X.Y, mariadbd, mariadbd-X.Y, client-server, galera.
 * A non-NULL, non-empty suffix adds each group with the suffix appended
 * (--defaults-group-suffix). Never fails.
 */
void optfile_groups_for(struct optfile_groups *g, enum flavor flavor,
			const struct version *version, const char *suffix);
/* Add one group name by hand (my_print_defaults GROUP...). Returns 0, or -1 when full. */
int optfile_groups_add(struct optfile_groups *g, const char *name);
/*
 * Added (flavor inference, infer.h): every group matches, so a read keeps
 * the options of all groups, each with its group name; optfile_keep_groups()
 * then narrows them to what a target reads. The reader treats groups alike
 * otherwise (directives, fatal cases, line numbers), so reading with every
 * group and narrowing gives the same options as reading with g.
 */
void optfile_groups_all(struct optfile_groups *g);
/* Keep only the options and the group headers (of->headers) whose group g matches, in order. Never fails. */
void optfile_keep_groups(struct optfile *of, const struct optfile_groups *g);

/*
 * Read one option file as --defaults-file does: a missing or unreadable
 * file is a fatal diagnostic (and of->input_error). "-", /dev/stdin and
 * /dev/fd/N are read from this process's descriptor ("-" is named
 * OPTFILE_STDIN_NAME); relative !include paths in them resolve against the
 * working directory, as for any file. Options of groups in g are appended to of.
 * Returns 0 when the server would accept the files, -1 when it would not
 * (of->fatal set; reading stopped where the server's stops, and the
 * diagnostics say why, with file and line).
 */
int optfile_read(struct optfile *of, const char *path, const struct optfile_groups *g);

/* How the server finds its option files when no FILE is named. */
struct optfile_search {
	const char *defaults_file;        /* --defaults-file: only this file */
	const char *defaults_extra_file;  /* --defaults-extra-file */
	int no_defaults;                  /* --no-defaults: no files at all */
	const char *home;                 /* $HOME, for ~/.my.cnf; NULL to skip */
	const char *server_home;          /* $MARIADB_HOME / $MYSQL_HOME; NULL to skip */
	const char *root;                 /* --root DIR (see optfile.root); NULL for none */
};

/*
 * Read what the server would read with no FILE: ROOT/etc/my.cnf,
 * ROOT/etc/mysql/my.cnf, server_home/my.cnf, the extra file, ~/.my.cnf
 * (home is also what "~/" expands to in includes). A directory named twice
 * is read once, at its last place, as the server does. With defaults_file
 * only that file is read (and the extra file is not). Missing default files
 * are skipped silently; a missing --defaults-file or --defaults-extra-file
 * is fatal. Not read: MySQL's compile-time SYSCONFDIR/my.cnf (it depends
 * on the build and cannot be known from here) and MySQL 8's
 * DATADIR/mysqld-auto.cnf (SET PERSIST; JSON, not this grammar).
 * With a root, every one of those paths (the /etc files, server_home/my.cnf,
 * ~/.my.cnf, and absolute paths inside the files) is opened under it; the
 * --defaults-file and --defaults-extra-file are this machine's paths.
 * Returns as optfile_read().
 */
int optfile_read_defaults(struct optfile *of, const struct optfile_search *s,
			  enum flavor flavor, const struct optfile_groups *g);

/*
 * Describe how a file was reached: "a.cnf" for a top-level file,
 * "conf.d/x.cnf (included from my.cnf:12)" for an included one, and up the
 * chain, nearest first: "conf.d/x.cnf (included from my.cnf:12, included
 * from /etc/mysql/my.cnf:20)". The line is that of the !include or
 * !includedir directive. Returns a heap string the caller frees.
 */
char *optfile_source_describe(const struct optfile_source *src);

/*
 * Only the include chain of src: "included from my.cnf:12, included from
 * /etc/mysql/my.cnf:20"; NULL for a top-level file. The string lives in
 * of's arena (settings_origin.chain takes it as is).
 */
const char *optfile_source_chain(struct optfile *of, const struct optfile_source *src);

/* Does group name (as written in a header) match one of g? The server's compare: latin1, any case. */
int optfile_groups_match(const struct optfile_groups *g, const char *name);

/*
 * Option files held in memory (tests and fuzzing): nothing on disk is
 * touched. bufs[0] is read as optfile_read() reads its file. "!include P"
 * opens the buffer whose path equals P after the server's path clean-up,
 * and is silently skipped when none does; "!includedir D" reads, sorted,
 * the *.cnf buffers whose path is D/NAME, and is fatal when there is none.
 * Returns as optfile_read().
 */
struct optfile_buffer {
	const char *path;
	const char *data;   /* need not be NUL-terminated; may hold NUL bytes */
	size_t len;
};
int optfile_read_buffers(struct optfile *of, const struct optfile_buffer *bufs, size_t n,
			 const struct optfile_groups *g);

#endif
