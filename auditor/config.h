/*
 * config.h - a target's effective settings from its option files.
 *
 * config_load() turns the options the option-file reader produced (already
 * limited to the groups the target reads, in read order) into catalog
 * variables, the way the server's option parser (my_getopt) would:
 *
 *   - '-' and '_' are the same; the name as written is tried first, so real
 *     names that start with "skip" (skip_slave_start) match themselves;
 *   - then the prefixes loose-, skip-, disable-, enable-, maximum- (and
 *     MariaDB's autoset-), which chain (loose-skip-x): skip-/disable- give
 *     "0" (OFF) unless the value is exactly 0, enable- gives "1" unless the
 *     value is exactly 0; maximum- on a catalog variable stops the server
 *     ("Maximum value of 'sync_binlog' cannot be set");
 *   - aliases map to the canonical name, but only the spellings the target's
 *     flavor and version accept (catalog names.FLAVOR): log_replica_updates
 *     on MariaDB is an unknown option;
 *   - MariaDB only: an unambiguous abbreviation. crashsafe can only resolve
 *     it against the catalog, which does not hold every server option, so it
 *     resolves an abbreviation only when it is unique among catalog names,
 *     and says so with a warning (docs/variables.md);
 *   - log-bin[=basename]: log_bin ON whatever the value (a value is a base
 *     name, even "OFF"); skip-log-bin / disable-log-bin: OFF.
 *
 * Values are checked and normalised by the catalog for the target's flavor
 * (catalog_check_value). Options that are not catalog variables are not
 * judged (crashsafe does not know every server option).
 *
 * After the files, every catalog variable that exists on the target's flavor
 * and version and was not set gets its default (SETTINGS_SRC_DEFAULT, detail
 * "default for MySQL 8.4"; value NULL when the default is not known).
 *
 * Two facts for the rules are always set, value "" when nothing is wrong,
 * else a short description with the origin at the first offending line:
 *   option_file_errors  the server would refuse to start, or would not read a
 *                       file: the reader's errors (fatal ones, and a
 *                       world-writable file it ignores), a value it refuses, an option that names
 *                       a catalog variable this flavor/version does not have
 *                       (without loose-; removals are counted below instead)
 *   removed_options     an option (without loose-) sets a variable the
 *                       target version has removed: the server will not start
 * s->cluster is wsrep_cluster_name when wsrep_on is ON, else NULL.
 */
#ifndef CRASHSAFE_CONFIG_H
#define CRASHSAFE_CONFIG_H

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

#endif
