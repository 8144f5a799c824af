/*
 * project.h - per-target settings in layers: the project file
 * (.crashsafe.ini), annotations in option files, and what a target is
 * (its entry file, its normalised path, the cluster its fleet rules
 * compare it within).
 *
 * A repository of option files mixes flavors, versions, roles and
 * clusters, so a run cannot take one flavor, version and role for every
 * target. Each target's settings come from layers; the most specific layer
 * that gives a setting decides it (DESIGN.md, "Commands"):
 *
 *     command line (--flavor, --server-version, --role, --root)
 *   < project file [defaults]
 *   < project file [targets "GLOB"]   (the last matching section wins)
 *   < inventory section               (issue 11: project_settings_give()
 *                                      with PROJECT_LAYER_INVENTORY and a
 *                                      place such as "fleet.ini:12 [db1]")
 *   < annotation in the option file   ("# crashsafe: role=replica ...")
 *
 * and the flavor inferred from the files (infer.h) only when no layer gives
 * one. Each setting keeps the layer and the place that decided it, so that
 * -v and --list-targets can say why a target was audited as it was.
 *
 * The project file is INI (inih), found like shellcheck finds .shellcheckrc:
 * the first .crashsafe.ini in the target's directory or above it, stopping
 * at the repository root (a directory holding .git), or the one file given
 * with --project-file. Its grammar (docs/project.md):
 *
 *     [defaults]                  flavor, version, role, cluster, root,
 *                                 multi_writer, fail-on, disable, enable
 *     [targets "GLOB"]            flavor, version, role, cluster, root,
 *                                 multi_writer, disable, enable; GLOB is relative to the
 *                                 project file's directory ('*' does not
 *                                 cross '/'; a GLOB without '/' matches the
 *                                 file name in any directory)
 *     [suppress "RULE-ID"]        target = GLOB (optional), reason = TEXT
 *                                 (required), until = YYYY-MM-DD (optional);
 *                                 RULE-ID may be '*'
 *
 * Annotations are option-file comments (the server ignores them), read by
 * the option-file reader (optfile.h, struct optfile_note):
 *
 *     # crashsafe: role=replica cluster=eu-orders flavor=mariadb version=10.11
 *     # crashsafe: cluster=eu-ring multi_writer=yes
 *     # crashsafe: ignore=sync-binlog,relay-log-recovery reason="bulk load" until=2025-06-30
 *
 * A settings annotation applies to the whole target wherever it is (the
 * file or anything it includes); an ignore annotation is an inline
 * suppression (suppress.h). Unknown keys or values are errors with
 * file:line; two annotations of one target giving one setting different
 * values are an error naming both places.
 *
 * Errors everywhere here are collected as diagnostics with file:line and
 * never stop the reading of what follows.
 */
#ifndef CRASHSAFE_PROJECT_H
#define CRASHSAFE_PROJECT_H

#include <stddef.h>
#include <sys/stat.h>

#include "diag.h"
#include "flavor.h"
#include "optfile.h"
#include "settings.h"
#include "suppress.h"
#include "util.h"

/* The settings a layer may give a target. */
enum project_key {
	PROJECT_KEY_FLAVOR = 0,   /* a name flavor_parse_build() takes: mysql, mariadb, pxc ... */
	PROJECT_KEY_VERSION,      /* X.Y or X.Y.Z */
	PROJECT_KEY_ROLE,         /* primary, replica or any */
	PROJECT_KEY_CLUSTER,      /* fleet rules compare targets of one cluster only */
	PROJECT_KEY_ROOT,         /* --root DIR for this target's absolute include paths */
	PROJECT_KEY_MULTI_WRITER, /* "yes" / "no": its cluster or ring takes writes on more than one
				     server (settings.multi_writer; the topology rules, topology.h) */
	PROJECT_NKEYS
};

/* "flavor", "version", "role", "cluster", "root", "multi_writer". */
const char *project_key_name(enum project_key k);

/* The layers, least specific first: a higher one wins. */
enum project_layer {
	PROJECT_LAYER_NONE = 0,       /* nothing gave it */
	PROJECT_LAYER_COMMAND_LINE,
	PROJECT_LAYER_DEFAULTS,       /* project file, [defaults] */
	PROJECT_LAYER_TARGETS,        /* project file, [targets "GLOB"] */
	PROJECT_LAYER_INVENTORY,      /* issue 11 */
	PROJECT_LAYER_ANNOTATION,
};

/*
 * The layer as one word for reports and settings.flavor_source:
 * "command-line", "project-file", "inventory", "annotation" ("default" for
 * PROJECT_LAYER_NONE).
 */
const char *project_layer_word(enum project_layer l);

/* One setting of one target, and what decided it. */
struct project_value {
	const char *value;         /* checked (project_value_check); NULL: no layer gave it */
	enum project_layer layer;
	const char *where;         /* "--role", ".crashsafe.ini:3 [defaults]", "db1.cnf:2": the place */
};

/* A target's settings as the layers give them. Zero-initialised: nothing given. */
struct project_settings {
	struct project_value v[PROJECT_NKEYS];
};

/*
 * Check value for key k: flavor (flavor_parse_build), version
 * (version_parse, and a series the named flavor had is not checked here:
 * infer_decide does), role (role_parse), cluster (1 to 64 bytes of letters,
 * digits, '-', '_', '.', ':'), root (non-empty), multi_writer (yes or no,
 * lowercase). Returns 0, or -1 with *why
 * a static string saying what was expected.
 */
int project_value_check(enum project_key k, const char *value, const char **why);

/*
 * Give key k the value from layer l at place where. The value must have
 * passed project_value_check(). A layer below the one that gave k already
 * changes nothing; the same or a higher layer replaces it. Strings are
 * copied into a. Returns 1 when the value was taken, 0 when a more specific
 * layer had given k already.
 */
int project_settings_give(struct project_settings *ps, enum project_key k, const char *value,
			  enum project_layer l, const char *where, struct arena *a);

/*
 * Apply what the layers give to a target's settings that will be read next:
 * role, cluster (settings.topology) and multi_writer (settings.multi_writer)
 * now. Flavor, build and version are
 * decided with the inference (infer.h) by the caller, from
 * project_settings_flavor(). Values were checked when they were given.
 */
void project_settings_apply_role(const struct project_settings *ps, struct settings *s);

/*
 * The flavor, build and version the layers give (-1 / unset when none),
 * and the layer word of the flavor's layer (else the version's), for
 * settings.flavor_source. Returns nonzero when a layer gave any of them.
 */
int project_settings_flavor(const struct project_settings *ps, enum flavor *flavor, int *variant,
			    struct version *version, int *version_set, const char **source);

/* The flavor and build as --flavor spells them: "mariadb", "pxc", "mariadb-galera" ... */
const char *project_flavor_text(enum flavor f, int variant);

/*
 * The inventory layer (issue 11, inventory.h): the flavor, build, version,
 * role, cluster and multi_writer that target t's section (or the inventory's [defaults])
 * gives, with PROJECT_LAYER_INVENTORY and the place "INVENTORY:LINE [NAME]".
 */
struct inventory_target;
void project_inventory_layer(struct project_settings *ps, const struct inventory_target *t,
			     const char *inventory_path, struct arena *a);

/*
 * "role replica (annotation db1.cnf:2)" lines, one per setting a layer
 * gave, to fp as notes about target (-v), escaped.
 */
void project_settings_print(const struct project_settings *ps, const char *target, FILE *fp);

/* ---- the project file ----------------------------------------------------- */

#define PROJECT_FILE_NAME ".crashsafe.ini"

struct project_section;   /* one [defaults] or [targets "GLOB"] section */

struct project_file {
	const char *path;              /* as found or given */
	const char *dir;               /* its directory, absolute and resolved (realpath) */
	struct project_section *sections;  /* [defaults] and [targets] in file order */
	size_t nsections, sections_cap;
	int fail_on;                   /* -1: not set; else enum severity, or 0 for never */
	unsigned fail_on_line;
	struct suppress_entry *suppress;   /* [suppress "RULE"] sections, in file order */
	size_t nsuppress, suppress_cap;
	struct arena arena;
	/*
	 * Added (issue 13): the finder that found it (it outlives the file),
	 * whose last resolved path project_file_apply() takes instead of
	 * resolving the same path again; NULL for a file read on its own.
	 */
	struct project_finder *finder;
};

/*
 * Read a project file. Every problem is a DIAG_ERROR in d with file:line
 * (an unknown section or key, a bad value, a suppression without reason, a
 * malformed date); a rule id is not checked here (the rules are not loaded
 * yet: project_file_check_rules()). Returns 0, or -1 when the file could not
 * be read or had errors (*out is then still a usable, possibly partial
 * file). Free with project_file_free().
 */
int project_file_load(struct project_file **out, const char *path, struct diag_list *d);
void project_file_free(struct project_file *pf);

/*
 * What project_file_load() gives inih to parse: data up to its first NUL,
 * with each comment line shorter than 128 bytes (';' or '#' after blanks)
 * emptied and its newline kept, so inih sees the same lines, numbers and
 * handler calls at less cost (issue 13). A heap string the caller frees.
 */
char *project_ini_text(const char *data);

/*
 * inih's reading of the plainest project files, without inih (issue 13:
 * inih spends ~1,300 instructions on each line): text (project_ini_text()'s)
 * whose every line is blank, a comment ('#'), "[section]" (the rest of the
 * line after ']' ignored, the name cut to 49 bytes) or "name = value" /
 * "name: value" at the start of the line, shorter than 128 bytes, with no
 * ';' anywhere (inline comments) and no UTF-8 BOM. Calls handler as
 * ini_parse_string() would (same section, name, value and line number,
 * blanks around name and value stripped) and returns what it would: 0, or
 * the first line with an error. Any other text: PROJECT_INI_INIH, before
 * any handler call (then read it with ini_parse_string()).
 * tests/unit/test_project.c compares the two on generated texts.
 */
#define PROJECT_INI_INIH (-100)
typedef int (*project_ini_handler)(void *user, const char *section, const char *name, const char *value,
				   int lineno);
int project_ini_parse(const char *text, project_ini_handler handler, void *user);

/*
 * The layers of pf that apply to a target: [defaults], then every
 * [targets "GLOB"] section whose GLOB matches one of the target's paths
 * (paths[i], each made relative to pf->dir after resolving it; a path
 * outside pf->dir matches no GLOB), in file order, into ps (strings copied
 * into a). Rule switches (disable/enable) of the same sections go to rules
 * (may be NULL), in the same order.
 */
struct project_rule_switches {
	const char **disabled;        /* rule ids disabled for the target (strings in pf's arena) */
	size_t n, cap;
};
void project_file_apply(const struct project_file *pf, const char *const *paths, size_t npaths,
			struct project_settings *ps, struct project_rule_switches *rules, struct arena *a);
void project_rule_switches_release(struct project_rule_switches *r);
/* Nonzero when rule id is disabled. */
int project_rule_disabled(const struct project_rule_switches *r, const char *id);

/*
 * Every rule id the project file names (disable, enable, [suppress]) that
 * known() does not know: a warning in d, or an error when strict. Returns
 * the number found.
 */
size_t project_file_check_rules(const struct project_file *pf, int (*known)(void *ctx, const char *id),
				void *ctx, int strict, struct diag_list *d);

/*
 * Finds the project file of each target: the --project-file one when
 * given, else the nearest .crashsafe.ini upward from the target's
 * directory, stopping at the repository root (the first directory holding
 * .git) or at '/'. Each directory is looked at once per run and each file
 * read once, so 10,000 targets in one tree cost one lookup per directory.
 */
struct project_finder {
	const char *forced;            /* --project-file, or NULL */
	struct project_file **files;   /* every file read, in the order found */
	size_t nfiles, files_cap;
	char **dirs;                   /* directories looked at ... */
	long *dir_file;                /* ... and the index in files of their project file, -1 none */
	size_t ndirs, dirs_cap;
	struct strmap dir_index;       /* dirs[i] -> i */
	int errors;                    /* files that had errors */
	/*
	 * Added (issue 13): what a run resolves once (project_finder_real(),
	 * project_finder_cwd()): the working directory (the run never changes
	 * it), each directory a target names, resolved, and whether a
	 * directory holds .git. A directory whose links change while the run
	 * reads is seen as it was first resolved.
	 */
	int cwd_state;                 /* 0 not asked yet, 1 known, -1 getcwd() failed */
	char *cwd;                     /* getcwd(), as the kernel gives it */
	char *cwd_real;                /* realpath(cwd), or NULL */
	struct arena path_arena;       /* the keys and values below */
	struct strmap real_index;      /* directory as named -> index in real_dirs */
	const char **real_dirs;        /* ... realpath() of it, or NULL when that failed */
	size_t nreal, real_cap;
	struct strmap git_index;       /* directory -> 1 when it holds .git, else 0 */
	struct strmap root_index;      /* added: a file's directory -> length of its repository root, or SIZE_MAX */
	char *last_path, *last_real;   /* added: the last path project_finder_real(_open)() resolved, and to what */
};

void project_finder_init(struct project_finder *f, const char *forced);
void project_finder_release(struct project_finder *f);
/*
 * The project file for a target named path (a file or a directory; for
 * "-" give the --stdin-filename, or NULL for none: then only a forced
 * file applies). Errors reading a project file go to d once. Returns NULL
 * when there is none.
 */
struct project_file *project_finder_for(struct project_finder *f, const char *path, struct diag_list *d);
/*
 * The same for a target whose path was resolved by project_finder_real()
 * (real: its result, NULL when it failed; is_dir: whether real is a
 * directory): no path is resolved again.
 */
struct project_file *project_finder_for_real(struct project_finder *f, const char *path, const char *real,
					     int is_dir, struct diag_list *d);

/*
 * realpath(path) with what the run already knows (issue 13): the directory
 * part of path is resolved once per run and remembered; the last component
 * costs one lstat() (filling *st), and realpath() itself is asked only when
 * it is a link, ".", ".." or empty. Returns a heap string equal to what
 * realpath(path) returns, or NULL (errno set) when that fails. *st is
 * filled (as stat() fills it) and *have_st set when the result came with
 * it; else *have_st is 0.
 */
char *project_finder_real(struct project_finder *f, const char *path, struct stat *st, int *have_st);
/*
 * Added (issue 13): project_finder_real() for a path the caller reads next:
 * the last component is opened (open(flags | O_NOFOLLOW)) and fstat()ed
 * instead of lstat()ed, so that reading it costs no second open and stat.
 * On success *fd is the open descriptor (the caller closes it), *st its
 * fstat() and *have_st 1. A link, or a file that cannot be opened, gets
 * *fd -1 and the answer of project_finder_real() (an lstat() more).
 */
char *project_finder_real_open(struct project_finder *f, const char *path, int flags, int *fd, struct stat *st,
			       int *have_st);

/* getcwd() once per run: the working directory, or NULL when it cannot be had. */
const char *project_finder_cwd(struct project_finder *f);
/* realpath() of it, once per run, or NULL. */
const char *project_finder_cwd_real(struct project_finder *f);

/* ---- annotations ----------------------------------------------------------- */

/*
 * Parse the text of one annotation comment, after "crashsafe:" (file and
 * line name it in diagnostics): settings go to ps (layer
 * PROJECT_LAYER_ANNOTATION, place "FILE:LINE"), ignore=... to sup (one entry
 * per rule, kind SUPPRESS_INLINE, with the group and the line it excuses
 * filled by the caller). A setting that another annotation of the same
 * target gave a different value is an error naming both places. Errors go
 * to d (DIAG_ERROR) and the annotation's other parts still apply. Returns
 * the number of errors.
 */
size_t project_annotation_parse(const char *text, const char *file, unsigned line, struct project_settings *ps,
				struct suppress_list *sup, struct arena *a, struct diag_list *d);

/*
 * Every annotation of of (optfile.notes), in read order, through
 * project_annotation_parse(): settings into ps, inline suppressions into
 * sup with the group they stand in and the line they excuse. Returns the
 * number of errors (in d).
 */
size_t project_annotations_read(const struct optfile *of, struct project_settings *ps, struct suppress_list *sup,
				struct arena *a, struct diag_list *d);
/* Once the target's groups are known: mark the inline suppressions of sup that stand in a group g reads. */
void project_annotations_groups(struct suppress_list *sup, const struct optfile_groups *g);

/* ---- one target's project data ------------------------------------------------ */

/*
 * What the layers decided for one target, beside its settings; the
 * target's settings point to it (settings.project) so that the run can
 * apply its disabled rules and its suppressions. Owned by the command that
 * built the target.
 */
struct project_target {
	struct project_settings settings;       /* the layers */
	struct project_rule_switches rules;     /* rules the project file disables for it */
	struct suppress_list inline_sup;        /* its inline suppressions (annotations) */
	struct project_file *project;           /* its project file (the finder's), or NULL */
	const char *abs;                        /* its path, absolute and resolved, for project globs */
	struct arena arena;
};

void project_target_init(struct project_target *t);
void project_target_release(struct project_target *t);

/* ---- what a target is ------------------------------------------------------ */

/*
 * The entry file of a directory given as FILE, as the server would find it
 * (docs/project.md "Entry points"):
 *   DIR/my.cnf, else Debian's DIR/mariadb.cnf (MariaDB, or flavor unknown)
 *   or DIR/mysql.cnf (MySQL, Percona): the file of an etc/mysql directory;
 *   when DIR itself is ".../etc/mysql", *root_out is the directory above
 *   etc/ (absolute !include paths of Debian's files, /etc/mysql/conf.d/,
 *   then read under it);
 *   else DIR/etc/mysql/my.cnf or DIR/etc/my.cnf: DIR is a system's root
 *   (a repository holding a host's /etc): *root_out is DIR.
 * Returns a heap string (the entry file), or NULL with *why (static) when
 * the directory has none. *root_out is a heap string or NULL.
 */
char *project_entry_file(const char *dir, enum flavor flavor, char **root_out, const char **why);

/*
 * Added (breaker7 finding 2): a FILE operand read under --root root. When
 * path lies inside root (lexically, from the working directory, or below
 * realpath(root)) and a component of it from root down is a symbolic link
 * that leads elsewhere than the same file on this machine (Debian's
 * etc/mysql/my.cnf -> /etc/alternatives/my.cnf), the file it names on the
 * server's machine: fileio_root_path(root, "/" + its path below root), as
 * the directory form's entry file is found ("./etc/mysql/mysql.cnf" with
 * --root .; it may not exist: the caller then reports it). NULL when path
 * is not inside root or no link changes what it names: read path as given.
 * Heap string the caller frees.
 */
char *project_root_file(const char *root, const char *path);

/*
 * Added (breaker7 finding 2): without --root, whether a FILE operand
 * leaves its repository: the repository (the nearest directory above
 * path, lexically, holding .git) when real (realpath(path)) is not inside
 * it, as a symbolic link to this machine's /etc/... makes it; else NULL
 * (no repository, or inside it). Heap string the caller frees.
 */
char *project_repo_outside(struct project_finder *f, const char *path, const char *real);

/*
 * The target's path normalised for suppressions, baselines and diffs:
 * resolved (realpath; a path that does not exist is cleaned lexically),
 * then relative to the repository root (the first directory above it
 * holding .git), else relative to the working directory when under it,
 * else absolute. "./a//b.cnf", "a/../a/b.cnf" and "/repo/a/b.cnf" are
 * all "a/b.cnf" in the repository /repo. Heap string.
 */
char *project_path_key(const char *path);
/*
 * The same with what the run already resolved (issue 13): real is
 * realpath(path) (NULL when it failed); the working directory and the
 * .git look-ups come from f, once per run.
 */
char *project_path_key_real(struct project_finder *f, const char *path, const char *real);

/*
 * Nonzero when a and b name the same file (same device and inode); 0 when
 * they differ or either cannot be looked at.
 */
int project_same_file(const char *a, const char *b);

#endif
