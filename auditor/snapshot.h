/*
 * snapshot.h - captured server variables as a target.
 *
 * Reads what people save from a server: `SHOW GLOBAL VARIABLES` output as
 * `mysql -NBe` prints it (name TAB value), with or without the header row,
 * the bordered table (`| name | value |`), the `\G` vertical form
 * (`Variable_name: x` / `Value: y`), and `mysqladmin variables`; and the
 * files `crashsafe live --capture` writes, which are the tab form plus
 * "# " header lines:
 *
 *     # crashsafe capture 1
 *     # target 127.0.0.1:3307           (the target's name in the run that captured it)
 *     # address 127.0.0.1:3307          (where it was reached; issue 12: replicas' channels
 *                                         name their source by it, topology.h)
 *     # role replica
 *     # fact NAME<TAB>VALUE             (a live fact, see live.h)
 *     # unknown NAME<TAB>WHY            (a live fact the live run could not read: stored
 *                                         unknown, value NULL, WHY as its origin detail, so
 *                                         its rules say "could not evaluate" as they did live)
 *     # origin NAME<TAB>ORIGIN[<TAB>PATH] (where a live value came from)
 *     # channel NAME<TAB>KEY=VALUE<TAB>KEY=VALUE...
 *     variable_name<TAB>value
 *
 * The flavor and version come from the `version` and `version_comment`
 * variables. Variable names are mapped to the catalog's canonical names.
 *
 * A capture without a usable `version` row keeps the version the caller
 * set in s, which is "unknown" (0.0, version_is_known() false) unless the
 * user gave one: it is never guessed. Then a warning says so, and every
 * rule that depends on the version evaluates to "could not evaluate"
 * (expr.h). The flavor likewise: `version`/`version_comment` decide it
 * (flavor_detect_server()); without them the caller's flavor stays, which
 * may be FLAVOR_UNKNOWN. s->flavor_evidence says which rows decided.
 */
#ifndef CRASHSAFE_SNAPSHOT_H
#define CRASHSAFE_SNAPSHOT_H

#include "catalog.h"
#include "settings.h"

/*
 * Fill s (initialised by the caller with kind "snapshot") from the file at
 * path. Problems go to s->diags with file:line. Returns 0, or -1 when the
 * file cannot be read or holds no variables (s->error is then set).
 */
int snapshot_load(struct settings *s, const char *path, const struct catalog *c);

/*
 * The same, storing in s only the variables keep(keep_ctx, NAME) accepts
 * (NAME as the catalog spells it; issue 13: a capture has ~1,200 rows, the
 * rules read a few dozen, and storing the others was most of the time of a
 * 20,000-capture check). Every row is still read, checked and used for the
 * version and flavor; wsrep_on and wsrep_cluster_name are always stored
 * (s->cluster); when the flavor is still unknown after the rows, every
 * variable is stored, because infer_capture() reads them all. keep NULL:
 * snapshot_load(). The caller must not need the others: check passes the
 * names its rules read, and nothing when the capture is also compared with
 * an option file (fleet_compare_config() reads every option of the file).
 */
int snapshot_load_kept(struct settings *s, const char *path, const struct catalog *c,
		       int (*keep)(void *ctx, const char *name), void *keep_ctx);

#endif
