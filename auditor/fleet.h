/*
 * fleet.h - the targets of a fleet run, planned before anything is read or
 * collected: from the inventory (inventory.h) and the command line, with
 * each server's option file (--config HOST=FILE, the inventory's config),
 * its capture (the inventory's variables, check --variables DIR/NAME.capture),
 * and the run's shard (--shard I/N, shard.h).
 *
 * Order: the inventory's sections in file order, then the command line's
 * targets in the order given. Each target keeps its position in that whole
 * list (before sharding): the reports carry it, so that `crashsafe merge`
 * puts shard reports back in the unsharded run's order.
 */
#ifndef CRASHSAFE_FLEET_H
#define CRASHSAFE_FLEET_H

#include <stddef.h>

#include "diag.h"
#include "inventory.h"
#include "shard.h"
#include "util.h"

struct fleet_target {
	const char *name;           /* in every report: the inventory NAME, or the FILE / HOST as given */
	const char *spec;           /* live: HOST[:PORT] to connect to ("localhost" with a socket); else NULL */
	const char *config;         /* option file: audited by check, compared by live; or NULL */
	const char *variables;      /* check: a capture of the server; or NULL */
	const struct inventory_target *inv;   /* its section, or NULL for a command-line target */
	size_t position;            /* 0-based, in the whole run before --shard */
	/*
	 * 48 bytes: a check of 100,000 files holds one per file until every
	 * file is read (memory per target, issue 13). What is the section's
	 * alone (its socket, defaults_file, the line naming its config) is read
	 * from inv: fleet_target_socket(), fleet_target_defaults_file().
	 */
};

struct fleet_plan {
	struct fleet_target *t;     /* the targets of this shard, in run order (read through fleet_plan_target()) */
	size_t n, cap;
	/*
	 * Added (issue 13): a check of FILE operands only (no inventory
	 * section, no capture, no --shard) makes no entry per file: t is NULL
	 * and target i is files[i] (its name and option file; position i),
	 * borrowed from the caller (argv). 48 bytes a file until every file was
	 * read were ~63 bytes a target at 100,000 files (with the array's
	 * doubling).
	 */
	char *const *files;
	size_t total;               /* targets of the whole run, every shard */
	size_t skipped;             /* inventory sections this command has nothing to audit in */
	struct arena arena;
};

void fleet_plan_init(struct fleet_plan *p);
void fleet_plan_release(struct fleet_plan *p);

/*
 * Plan a live run: every inventory section with a host or socket (others
 * are counted in skipped), then every HOST operand. configs are the
 * --config arguments, in order: "NAME=FILE" maps one target (by its name or
 * its HOST[:PORT] as given); a plain FILE is the option file of the only
 * target, and an error when the run has several (one file for several
 * servers reports false drift on server_id). A target may get its option
 * file once (a --config for a section with `config` is an error). Errors go
 * to d (usage errors without a file). Returns 0 or -1.
 */
int fleet_plan_live(struct fleet_plan *p, const struct inventory *inv, char *const *hosts, size_t nhosts,
		    const char *const *configs, size_t nconfigs, const struct shard *sh, struct diag_list *d);

/*
 * Plan a check run: every inventory section with a config or variables
 * (others are counted in skipped), then every FILE operand that is an
 * option file, then every capture that is not a section's. Captures are
 * the --variables FILEs and the FILE operands named *.capture (what
 * --capture-dir writes), so that `check --variables DIR/...` (a glob) reads back a
 * whole directory: the shell leaves every file but the first as an
 * operand. A capture named NAME.capture or NAME for an inventory section
 * NAME is that section's capture: one target with its config, when it has
 * one. Returns 0 or -1 (errors in d).
 */
int fleet_plan_check(struct fleet_plan *p, const struct inventory *inv, char *const *files, size_t nfiles,
		     const char *const *variables, size_t nvariables, const struct shard *sh, struct diag_list *d);

/*
 * Target i (i < p->n) of the plan: &p->t[i], or for a plan of plain FILE
 * operands (p->files) *tmp filled in (name and config files[i], position
 * i) and tmp returned. fleet_plan_live() always makes entries (p->t).
 */
const struct fleet_target *fleet_plan_target(const struct fleet_plan *p, size_t i, struct fleet_target *tmp);

/* live: the target's own socket (its section's), or NULL for the run's --socket */
const char *fleet_target_socket(const struct fleet_target *ft);
/* live: the target's own [client] file (its section's defaults_file), or NULL for the run's */
const char *fleet_target_defaults_file(const struct fleet_target *ft);

struct catalog;

/*
 * Give s what the plan knows of its target: the position, and the
 * inventory section's flavor, build, version, role (inventory_apply()) and
 * tags. Call after the command's run-wide defaults are set.
 */
void fleet_target_apply(const struct fleet_target *ft, struct settings *s);

/*
 * Compare a running server or a capture (s: kind "live" or "snapshot",
 * already read) with its option file at path, read for s's flavor, version
 * and --defaults-group-suffix: sets the config_drift fact and refines
 * runtime_only_changes (live_compare_config()), and copies the option
 * file's own problems (settings.problems, and the facts option_file_errors
 * and removed_options they count under: config.h), so that the server's
 * next restart is judged too. The file's
 * errors go to s->diags. Returns 0, or -1 when path cannot be read (a
 * message is printed; s is left as it was).
 */
int fleet_compare_config(struct settings *s, const char *path, const struct catalog *c, const char *group_suffix);

/*
 * A resolved path (realpath) as reports carry it: relative to the working
 * directory's resolved path when it lies under it, else as it is, so that
 * reports made from the same directory on two machines (or two checkouts)
 * say the same. Heap string the caller frees; NULL for NULL.
 */
char *fleet_path_from_cwd(const char *real);

/* Nonzero when path names a capture by its name: it ends in ".capture" (fleet_capture_path()). */
int fleet_is_capture_name(const char *path);

/*
 * The capture file of target name under dir: DIR/NAME.capture, with '%'
 * and '/' in the name written %25 and %2F (a socket path names a target).
 * Heap string the caller frees.
 */
char *fleet_capture_path(const char *dir, const char *name);

#endif
