/*
 * audit.h - what `check` and `live` share: the common options (role,
 * flavor, version, rules, report formats and files, --fail-on, colour) and
 * the run itself: load the catalog and rules, evaluate the targets, write
 * every requested report, and compute the exit status.
 */
#ifndef CRASHSAFE_AUDIT_H
#define CRASHSAFE_AUDIT_H

#include <stddef.h>

#include "catalog.h"
#include "cli.h"
#include "finding.h"
#include "settings.h"
#include "shard.h"

#define AUDIT_MAX_RULE_DIRS 16

struct audit_options {
	/*
	 * Inputs of the run the command could not use (an unreadable FILE, a
	 * --config file, a capture not written): the exit status is 2, and the
	 * reports say so (JSON summary.exit_status). Set by the command before
	 * audit_run().
	 */
	size_t input_errors;
	enum flavor flavor;
	int flavor_set;
	int variant;                                  /* enum flavor_variant --flavor named (pxc), or -1 */
	struct version version;
	int version_set;
	enum role role;
	int role_set;
	const char *group_suffix;                     /* --defaults-group-suffix */
	const char *rules_dirs[AUDIT_MAX_RULE_DIRS];  /* --rules DIR, in order */
	size_t nrules_dirs;
	int stdout_format;                            /* enum report_format for stdout */
	const char *report_files[4];                  /* per enum report_format: --text/--json/--junit/--sarif FILE */
	int fail_on;                                  /* enum severity, or 0 for never; default SEV_ERROR */
	int color;                                    /* -1 auto (terminal and no NO_COLOR), 0, 1 */
	int quiet, verbose;
	const char *suppress_file;                    /* --suppress FILE */
	/* fleet runs (issue 11, docs/fleet.md) */
	const char *inventory;                        /* --inventory FILE (inventory.h) */
	struct shard shard;                           /* --shard I/N; count 0: not sharded */
	size_t run_total;                             /* targets of the whole run (every shard); set by the command */
};

/* Option ids of the common options start here; a command's own ids stay below. */
#define AUDIT_OPT_BASE 1000

extern const struct cli_option audit_common_options[];
extern const size_t audit_common_noptions;

void audit_options_init(struct audit_options *o);
/*
 * Handle one parsed option. Returns 0 when id was a common option and was
 * applied, 1 when id is not a common option, 2 on a usage error (message
 * printed).
 */
int audit_options_handle(struct audit_options *o, int id, const char *arg);

/*
 * Load the variable catalog and rules (the installed rules, then each
 * --rules DIR), evaluate targets, write the stdout report and every report
 * file, and return the exit status (cmd.h). Bad rule files or catalog: the
 * diagnostics are printed and 2 is returned before anything is audited.
 */
int audit_run(const struct audit_options *o, const char *command,
	      struct settings *targets, size_t ntargets);

/*
 * Added: audit_run() with a catalog the caller already loaded (check needs
 * it to read option files before the run). What both do, in order:
 * rule and catalog diagnostics to stderr (errors: return 2, nothing
 * audited); evaluate; apply --suppress; one "crashsafe: TARGET: error: WHY"
 * line on stderr per target with settings.error set (so callers need not
 * print it), and with -v every target's reading diagnostics; the stdout
 * report; every report file (a write failure: a message and exit 2); then
 * audit_result_exit_status(). Targets are not modified.
 */
int audit_run_with_catalog(const struct audit_options *o, const char *command, const struct catalog *c,
			   struct settings *targets, size_t ntargets);

/*
 * Added: check the common options once they are all parsed: a
 * --server-version the flavor (--flavor, else any flavor) never had is a
 * usage error (flavor_check_version()). Prints the error and returns 2,
 * or returns 0.
 */
int audit_options_check(const struct audit_options *o);

/*
 * Load the catalog from the rules directory (crashsafe_rules_dir()).
 * Returns 0, or -1 with diagnostics in d.
 */
int audit_load_catalog(struct catalog *c, struct diag_list *d);

#endif
