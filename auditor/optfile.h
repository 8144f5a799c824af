/*
 * optfile.h - the MySQL/MariaDB option-file (my.cnf) reader.
 *
 * It reads option files exactly as the server's own reader does
 * (mysys/my_default.c): groups, comments, quotes, escapes, !include and
 * !includedir, 4096-byte physical line chunks, and the same fatal cases.
 * `my_print_defaults --defaults-file=F --mysqld` is its test oracle.
 *
 * Every option keeps its origin: the file, the line, and the chain of
 * include directives that led to that file. Options of every group the
 * target reads are kept in read order, so later values override earlier
 * ones and nothing is lost: the settings layer decides what wins.
 */
#ifndef CRASHSAFE_OPTFILE_H
#define CRASHSAFE_OPTFILE_H

#include <stddef.h>

#include "diag.h"
#include "flavor.h"
#include "util.h"

/* One file that was read, and how the reader got there. */
struct optfile_source {
	const char *path;                     /* the path as opened */
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
};

/* The groups a target reads: up to OPTFILE_MAX_GROUPS names, compared case-insensitively. */
#define OPTFILE_MAX_GROUPS 32
struct optfile_groups {
	char names[OPTFILE_MAX_GROUPS][80];
	size_t n;
};

struct optfile {
	struct optfile_option *options;  /* in read order */
	size_t n, cap;
	struct optfile_source **sources; /* every file read, in read order */
	size_t nsources, sources_cap;
	struct diag_list diags;          /* every problem, with file and line */
	int fatal;                       /* nonzero: the server would refuse these files */
	struct arena arena;              /* owns every string above */
};

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
 * Read one option file as --defaults-file does: a missing or unreadable
 * file is a fatal diagnostic. Options of groups in g are appended to of.
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
	const char *root;                 /* prefix for the fixed /etc paths (tests); NULL for "" */
};

/*
 * Read what the server would read with no FILE: the flavor's default
 * search path (/etc/my.cnf, /etc/mysql/my.cnf, [SYSCONFDIR,] server home,
 * extra file, ~/.my.cnf), honouring the search options. Missing default
 * files are skipped silently; a missing --defaults-file or
 * --defaults-extra-file is fatal. Returns as optfile_read().
 */
int optfile_read_defaults(struct optfile *of, const struct optfile_search *s,
			  enum flavor flavor, const struct optfile_groups *g);

/*
 * Describe how a file was reached: "a.cnf" for a top-level file,
 * "conf.d/x.cnf (included from my.cnf:12)" for an included one, and so on
 * up the chain. Returns a heap string the caller frees.
 */
char *optfile_source_describe(const struct optfile_source *src);

#endif
