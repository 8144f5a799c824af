/*
 * load.h - the targets of an offline run (`check`, `diff`): option files
 * given as FILE, DIR or "-", captured variable snapshots, or the files the
 * server itself would read; each with its settings decided in layers
 * (project.h) and read as the server of that flavor and version reads it.
 *
 * For each FILE operand, in order:
 *   1. its name in reports: as given; "-" is named by --stdin-filename PATH
 *      (else "<stdin>"), and that path also finds the project file and
 *      normalises the name for suppressions and baselines;
 *   2. its project file (project_finder_for) and the layers: the command
 *      line, the project file's [defaults] and [targets "GLOB"];
 *   3. a directory means its entry file (project_entry_file), read under
 *      the root it implies unless a layer gives --root;
 *   4. the option files are read once; their annotations are the most
 *      specific layer; flavor, build and version are decided from the
 *      layers, else from the files (the flavor's own groups), else the
 *      defaults; if the groups the decided server reads differ from those
 *      read, the files are read again with them;
 *   5. the effective settings (config_load), the role and cluster, the
 *      normalised path, and the inline suppressions with the groups read.
 * Then, over all of them: a target whose file another target of the run
 * includes is not a target (it is one server's fragment), and a file given
 * twice under two spellings (links, hard links: one device and inode) is
 * one target (the first spelling). Only FILE and DIR operands are dropped:
 * an inventory section is a server the user declared, always a target.
 * What was dropped, and why, is kept for -v and --list-targets. A FILE
 * inside --root DIR whose way holds a link leaving DIR is read under DIR
 * (project_root_file()).
 *
 * Snapshots (--variables) get the layers of the command line and the
 * project file (no annotations: a capture has no comments).
 *
 * Problems (an unreadable file, a bad project file or annotation) are
 * printed to stderr with file:line as they are met, counted in
 * input_errors (exit 2), and never stop the other targets.
 */
#ifndef CRASHSAFE_LOAD_H
#define CRASHSAFE_LOAD_H

#include <stddef.h>
#include <stdio.h>

#include "audit.h"
#include "catalog.h"
#include "fleet.h"
#include "infer.h"
#include "project.h"
#include "settings.h"

#define LOAD_STDIN_NAME "<stdin>"

struct load_options {
	const struct audit_options *audit;   /* flavor, version, role, group suffix, -v */
	const char *root;                    /* --root DIR, or NULL */
	const char *project_file;            /* --project-file FILE, or NULL (look upward) */
	const char *stdin_filename;          /* --stdin-filename PATH, or NULL */
	const char *datadir;                 /* --datadir DIR (persisted variables), or NULL */
	/*
	 * Added (issue 13): when set, each target's settings keep only the
	 * names retain() accepts once the target is read (settings_retain):
	 * check passes the names its rules read, so that memory does not grow
	 * with every variable of every target. The defaults and captures are
	 * filtered as they are read; a target handed to each() is released
	 * right after, so its settings are handed over whole, not filtered
	 * first.
	 */
	int (*retain)(void *ctx, const char *name);
	void *retain_ctx;
	/*
	 * Added (issue 13): when set, each target is handed to each() as soon
	 * as it is read (and retained), in the order read, with its
	 * real_path and includes set, and its settings are released right
	 * after: lt keeps of it only its name, whether it had an error, its
	 * project data and the files it read, for the entry-point pass (no
	 * settings slot per target: one slot serves each target in turn, and
	 * a target without a project file, inline suppressions or disabled
	 * rules keeps no project data: NULL, issue 13).
	 * lt->order then says which of the targets handed over the run keeps,
	 * lt->projects[k] holds the project data of kept target k (or NULL),
	 * and lt->targets (and the per-target names, files read, entries and
	 * real paths: the entry-point pass was their last use) are NULL once
	 * load_targets() returns.
	 */
	void (*each)(void *ctx, const struct settings *s);
	void *each_ctx;
};

/* An operand that is not a target of its own, and why. */
struct load_skipped {
	char *name;
	char *why;          /* "included by my.cnf", "the same file as ./a.cnf" */
};

struct config_cache;

/* A target's includes and entry file (load_targets.reads). */
struct load_reads {
	char **files;                    /* heap, each heap */
	size_t n;
	char *entry;                     /* heap, or NULL */
};

struct load_targets {
	struct settings *targets;        /* targets[i].project == projects[i]; with each, one slot (above) */
	struct project_target **projects; /* per target, heap (NULL: none kept, with each) */
	size_t n, cap;
	struct project_finder finder;
	struct load_skipped *skipped;
	size_t nskipped, skipped_cap;
	size_t input_errors;             /* unusable inputs: exit 2 */
	/*
	 * Per target, what only some targets have (issue 13: NULL for most, so
	 * 8 bytes a target, not three arrays of 8): the files it read as
	 * includes (absolute, resolved), to find the included targets, and the
	 * file read for it when it was a directory (its entry file).
	 */
	struct load_reads **reads;
	/*
	 * Added (issue 13): per option-file target, realpath() of the file read
	 * for it (its entry file, else its path), resolved once when it is
	 * read and kept until the entry points are found; NULL when it does
	 * not resolve. The strings are in real_arena (no heap block each).
	 */
	char **reals;
	struct arena real_arena;
	struct config_cache *config_cache; /* added (issue 13): config_load_cached()'s, for the run's catalog */
	/*
	 * Added (issue 13): with load_options.each, per target kept, its index
	 * in the order the targets were handed to each() (increasing); and
	 * the names of the targets whose settings were released.
	 */
	size_t *order;
	const char **names;              /* borrowed: the plan's names (or literals), which outlive load_targets() */
	unsigned char *failed;           /* with each: per target, whether it had an error */
	/*
	 * Added (breaker7): the files read that have more than one hard link,
	 * "DEV:INO" -> the resolved path the run first read each by (one
	 * device and inode is one file, as one file behind symbolic links is).
	 */
	struct strmap links;
	char **link_keys, **link_paths;
	size_t nlinks, links_cap, link_keys_cap;
	int streamed;                    /* load_options.each set: one settings slot */
};

void load_targets_init(struct load_targets *lt, const struct load_options *o);
void load_targets_release(struct load_targets *lt);

/*
 * Load the targets of plan (fleet.h: inventory sections, then FILE
 * operands, then captures, sharded) in order: option files (a FILE, a
 * directory, "-") and captures (with their option file when the section
 * names one); with no target planned, one target of the default files.
 * x is the flavor inference index over c. Returns the number of targets
 * (lt->n).
 */
size_t load_targets(struct load_targets *lt, const struct load_options *o, const struct fleet_plan *plan,
		    const struct catalog *c, struct infer_index *x);

/*
 * --list-targets: every target with its entry file, flavor, version, role
 * and cluster and the layer that decided each, then what was not a target
 * and why. Plain text on fp; names escaped.
 */
void load_targets_list(const struct load_targets *lt, FILE *fp);

#endif
