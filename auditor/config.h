/*
 * config.h - a target's effective settings from its option files.
 *
 * config_load() turns the options the option-file reader produced (already
 * limited to the groups the target reads, in read order) into settings, the
 * way the server's option parser (my_getopt) would, against the FULL option
 * catalog of the target's product and release (options.h; docs/variables.md):
 *
 *   - '-' and '_' are the same, otherwise names are exact and case-sensitive;
 *     the name as written is tried first, so real names that start with
 *     "skip" (skip_slave_start) match themselves;
 *   - MariaDB only: an unambiguous abbreviation of an option name, resolved
 *     against every option of the release (an ambiguous one stops the
 *     server), with a warning;
 *   - then the prefixes loose-, skip-, disable-, enable-, maximum- (and
 *     MariaDB's autoset-), which chain (loose-skip-x): skip-/disable- give
 *     "0" unless the value is exactly 0, enable- gives "1" unless the value
 *     is exactly 0; maximum- needs a session variable, autoset- an option
 *     the server sizes itself; otherwise the server refuses to start;
 *   - "instance.option": MariaDB looks option up and sets its one global
 *     value unless it is a key cache or replication filter variable (an
 *     instance of its own); MySQL the same for key caches, and any other
 *     dotted name is a component variable (a warning: unknowable offline);
 *   - log-bin[=basename]: log_bin ON whatever the value; skip-log-bin /
 *     disable-log-bin: OFF.
 *
 * Verdicts, from the catalog's coverage of the target:
 *   - an option the target's release does not have: "unknown variable",
 *     the server refuses to start (removed_options when the catalog knows
 *     the release that removed it, with its replacement); loose-: a warning;
 *   - an option the lists cannot decide (no list near the version, added or
 *     removed between two listed releases, a family the list leaves out, a
 *     build of the flavor with more options such as PXC): a warning;
 *   - an option of a dynamically loaded plugin: known when a plugin-load or
 *     plugin-load-add in the files loads it, else a warning;
 *   - values are parsed per flavor (options_check_value): a value the
 *     server refuses stops it (on MariaDB, loose- makes that a warning), one
 *     it adjusts or ignores gives a warning; a refused value of a built-in
 *     plugin's option disables the plugin, which stops the server for InnoDB
 *     and Aria.
 * Without any option list for the target (a product or series the catalog
 * lacks) only the crash-safety variables of rules/variables.ini are judged,
 * with their names.FLAVOR spellings, as before the full catalog.
 *
 * Settings: every crash-safety variable set by an option gets its value
 * (SETTINGS_SRC_FILE, file:line, include chain, the spelling); every other
 * option of the catalog is stored under the server's name for it. After the
 * files, every crash-safety variable that exists on the target and was not
 * set gets its default (SETTINGS_SRC_DEFAULT, "default for MySQL 8.4"; value
 * NULL when the default is not known).
 *
 * Every line the server would refuse (or a file it would not read) is a
 * settings problem (settings.h: s->problems, one per line, with its facts
 * for the explainer) counted under one of two facts, which are always set
 * for rule conditions: value "" when nothing is wrong, else the first
 * problem's text at its line:
 *   option_file_errors  the server would refuse to start, or would not read a
 *                       file: the reader's errors (fatal ones, and a
 *                       world-writable file it ignores), a value it refuses,
 *                       an unknown option
 *   removed_options     an option (without loose-) the target's release has
 *                       removed: the server will not start
 * s->cluster is wsrep_cluster_name when wsrep_on is ON, else NULL.
 * s->group_header is the header of the last server group read ([mysqld];
 * MariaDB also [mariadb], [mariadbd]), where a line setting a variable left
 * at its default belongs (detail: the group's name as written).
 */
#ifndef CRASHSAFE_CONFIG_H
#define CRASHSAFE_CONFIG_H

#include <stdio.h>

#include "catalog.h"
#include "optfile.h"
#include "settings.h"

#define CONFIG_FACT_OPTION_FILE_ERRORS "option_file_errors"
#define CONFIG_FACT_REMOVED_OPTIONS "removed_options"

/*
 * Fill s (initialised by the caller, with kind "file" and the target's
 * flavor and version set) from of. Every diagnostic of the reader is copied
 * into s->diags, followed by config_load's own (warnings for values the
 * server changes, errors for values it refuses), each with file:line.
 * Returns 0; -1 only when the server would refuse these option files
 * (option_file_errors or removed_options is non-empty). s stays usable.
 */
int config_load(struct settings *s, const struct optfile *of, const struct catalog *c);

/*
 * Added (issue 13): what config_load() works out the same way for every
 * target of a run against one catalog, remembered: per flavor, build and
 * version, the catalog's defaults and the texts naming that release; per
 * option name, the catalog variable it names. A run of many targets gives
 * config_load_cached() one cache (for c only: it lives as long as c and
 * no longer). The settings are those config_load() gives, but the
 * defaults' names and values are c's own strings, not copies: c must
 * outlive the settings too (a run's catalog does), and so must the cache:
 * what an option line did for an earlier target of the same release is
 * replayed with the cache's own strings (names, values, spellings; added
 * in session 6). At most
 * CONFIG_CACHE_BUILDS releases and CONFIG_CACHE_NAMES names are kept:
 * past that the rest is worked out each time.
 */
#define CONFIG_CACHE_BUILDS 16
#define CONFIG_CACHE_NAMES 4096
struct config_cache;
struct config_cache *config_cache_new(const struct catalog *c);
void config_cache_free(struct config_cache *cc);
/*
 * A run that keeps only the names keep() accepts of each target
 * (settings_retain(), load.h retain) may say so before the first
 * config_load_cached(): the defaults of the other names are then not
 * stored at all, except those read before the target is retained
 * (CONFIG_READ_AT_LOAD: config_load's cluster, the persisted variables').
 * The settings keep() accepts are the same either way.
 */
#define CONFIG_READ_AT_LOAD { "wsrep_on", "wsrep_cluster_name", "persisted_globals_load" }
void config_cache_retain(struct config_cache *cc, int (*keep)(void *ctx, const char *name), void *ctx);
int config_load_cached(struct settings *s, const struct optfile *of, const struct catalog *c,
		       struct config_cache *cc);

/*
 * Print the effective value of every option the option files set (the
 * settings config_load() stored from files, facts excluded), one per line:
 *     NAME<TAB>VALUE<TAB>FILE:LINE
 * in the order they were first set. NAME is the server's name of the option
 * ('_' for '-'); an option that is also a crash-safety variable under
 * another name is printed under both (log_slave_updates and
 * log_replica_updates). VALUE is as the catalog normalises it (booleans
 * ON/OFF, numbers in decimal after clamping, enum names), "\N" when
 * unknown. Secrets are masked (secret.h). Each field is escaped as resolve
 * escapes (util.h fputs_escaped: a control byte, tab or newline in a value
 * cannot fake a field or a line, nor act on a terminal). Returns 0, or -1 on
 * a write error.
 */
int config_print_effective(FILE *fp, const struct settings *s);

/* What the server does with a problem option. */
enum config_action {
	CONFIG_ACTION_REFUSES = 0,   /* it does not start */
	CONFIG_ACTION_WARNS,         /* it warns and goes on */
};

/*
 * One problem that stops the server, as structured facts the explainer
 * turns into sentences (config.c copies them into a struct settings_problem
 * of s->problems; NULL when not applicable).
 */
struct config_problem {
	enum settings_problem_kind kind;   /* what is wrong with the line */
	const char *variable;        /* the crash-safety variable it names, or NULL */
	const char *detail;          /* why: the reader's message, why a value is refused */
	const char *option;          /* the option as written */
	const char *value;           /* its value as written, NULL when bare */
	enum config_action action;
	const char *replacement;     /* the option to use instead */
	const char *removed_in;      /* "8.4.0": the release that removed it */
};

#endif
