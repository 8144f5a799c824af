/*
 * inventory.h - the fleet inventory: one INI file (read with inih) naming
 * the servers of a fleet, for `crashsafe live --inventory FILE` and
 * `crashsafe check --inventory FILE` (DESIGN.md "Commands"; the format is
 * documented in crashsafe(1), INVENTORY, and docs/fleet.md).
 *
 *     ; fleet.ini
 *     [defaults]
 *     flavor        = mariadb
 *     version       = 10.11
 *     defaults_file = /etc/crashsafe/auditor.cnf
 *
 *     [eu-db1]
 *     host    = db1.eu.example.com
 *     port    = 3306
 *     role    = primary
 *     cluster = eu-orders
 *     config  = configs/eu-db1.cnf
 *     tags    = eu, orders
 *
 * One section per target; the section name (NAME) is the target's name in
 * every report. Keys, each at most once per section:
 *
 *   host           the server's host name or address (live); an IPv6
 *                  address may be written bare or in brackets
 *   port           TCP port, 1-65535 (live; default: the library's, 3306)
 *   socket         Unix socket path (live; the host is then localhost)
 *   config         the server's option file: audited offline by check,
 *                  compared with the running server (config-drift) by live
 *   variables      a capture (SHOW GLOBAL VARIABLES, crashsafe live
 *                  --capture-dir) of the server, audited by check
 *   role           primary, replica or any
 *   cluster        the topology the server belongs to (fleet rules compare
 *                  the servers of one cluster)
 *   flavor         mysql, percona, mariadb, or a Galera build (pxc,
 *                  mariadb-galera, mysql-wsrep), as --flavor takes them
 *   version        X.Y or X.Y.Z, as --server-version takes it
 *   defaults_file  a file whose [client] group holds the credentials (user,
 *                  password), read by the client library as
 *                  --defaults-file; the inventory itself never holds a
 *                  password: a `password` key is an error
 *   tags           words separated by commas or spaces, copied into the
 *                  JSON report
 *   multi_writer   yes or no: the server's cluster (a Galera cluster, a
 *                  ring of servers replicating from each other) takes
 *                  writes on more than one server (settings.multi_writer;
 *                  the topology rules writable-peers, auto-increment-ring
 *                  and galera-async-server-id read it, topology.h)
 *
 * A `[defaults]` section gives values for what target sections leave out
 * (every key except host, socket, config and variables, which name one
 * server). Relative paths (config, variables, defaults_file, socket) are
 * relative to the inventory file's directory, so a run from cron finds
 * them whatever its working directory.
 *
 * Errors are collected, each with the inventory's file:line (an unknown
 * key, a value that does not parse, a repeated key or section, a name that
 * cannot be a file name, a line longer than inih reads): nothing is
 * audited when the inventory has an error.
 */
#ifndef CRASHSAFE_INVENTORY_H
#define CRASHSAFE_INVENTORY_H

#include <stddef.h>

#include "diag.h"
#include "flavor.h"
#include "settings.h"
#include "util.h"

/* The keys of a section, as a table index (inventory.c inventory_keys[]). */
enum inventory_key {
	INVENTORY_HOST = 0,
	INVENTORY_PORT,
	INVENTORY_SOCKET,
	INVENTORY_CONFIG,
	INVENTORY_VARIABLES,
	INVENTORY_ROLE,
	INVENTORY_CLUSTER,
	INVENTORY_FLAVOR,
	INVENTORY_VERSION,
	INVENTORY_DEFAULTS_FILE,
	INVENTORY_TAGS,
	INVENTORY_MULTI_WRITER,   /* added (issue 12) */
	INVENTORY_NKEYS
};

/* The key's name as written in the file ("defaults_file"). */
const char *inventory_key_name(enum inventory_key k);

/* The longest line inih reads whole (its INI_MAX_LINE less the newline): longer is an error. */
#define INVENTORY_MAX_LINE 199

/* The defaults section's name. */
#define INVENTORY_DEFAULTS "defaults"

/*
 * One target of the inventory. Strings live in the inventory's arena.
 * A key that neither the section nor [defaults] gives has line[key] 0 and
 * its field NULL / 0 / unset.
 */
struct inventory_target {
	const char *name;           /* the section name: the target's name in reports */
	unsigned line;              /* line of the [NAME] header */
	/* where each key was given: the section's line, or [defaults]'s (from_defaults set) */
	unsigned line_of[INVENTORY_NKEYS];
	unsigned char from_defaults[INVENTORY_NKEYS];
	const char *host;           /* without brackets */
	unsigned port;              /* 0: not given */
	const char *socket;
	const char *config;         /* resolved against the inventory's directory */
	const char *variables;
	const char *defaults_file;
	enum role role;
	const char *cluster;
	enum flavor flavor;
	int variant;                /* enum flavor_variant, or -1 when flavor names no build */
	struct version version;
	const char **tags;          /* ntags words */
	size_t ntags;
	const char *multi_writer;   /* "yes", "no", or NULL when not given */
};

/* Nonzero when the section or [defaults] gave key k. */
int inventory_target_has(const struct inventory_target *t, enum inventory_key k);

/*
 * The live target spec of t: "host", "host:port", "[v6::addr]:port", or
 * "localhost" for a socket. Heap string the caller frees; NULL when t has
 * neither host nor socket.
 */
char *inventory_target_spec(const struct inventory_target *t);

struct inventory {
	const char *path;              /* as given */
	struct inventory_target *targets;   /* in file order, [defaults] excluded */
	size_t n, cap;
	struct inventory_target defaults;
	int have_defaults;
	struct strmap index;           /* name -> position in targets */
	struct arena arena;
};

void inventory_init(struct inventory *inv);
void inventory_release(struct inventory *inv);

/*
 * Read the inventory at path (bounded, as every input: fileio.h) and parse
 * it. Every problem goes to d with path:line. Returns 0, or -1 when the
 * file could not be read or had any error (inv then holds what parsed, to
 * be released).
 */
int inventory_load(struct inventory *inv, const char *path, struct diag_list *d);

/* The same from text already in memory (tests); path names it in messages. */
int inventory_parse(struct inventory *inv, const char *path, const char *text, struct diag_list *d);

/* The target named name (exact match), or NULL. */
const struct inventory_target *inventory_find(const struct inventory *inv, const char *name);

/*
 * Apply t's per-target settings to s: flavor and build, version and role
 * when t gives them, with flavor_source "inventory"; multi_writer, and the
 * address host:port (settings.address, topology.h) when t has a host.
 * Returns nothing; the
 * layers of issue 10 (project.h) place the inventory above the command line
 * and below annotations in the option files.
 */
void inventory_apply(const struct inventory_target *t, struct settings *s);

#endif
