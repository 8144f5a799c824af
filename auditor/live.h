/*
 * live.h - the live collector: reads a running MySQL, Percona Server or
 * MariaDB server over libmysqlclient and fills the same settings model the
 * option files fill (settings.h), so the same rules run on both.
 *
 * One target costs one connection and at most six statements, chosen by the
 * flavor and version the server reports (mysql-facts.md section D; the
 * flavor from the greeting first, then `version` / `version_comment`;
 * Galera from wsrep_on / wsrep_provider / wsrep_cluster_name):
 *
 *   values and origins  MariaDB:   information_schema.SYSTEM_VARIABLES, one
 *                                  statement (GLOBAL_VALUE, GLOBAL_VALUE_ORIGIN,
 *                                  GLOBAL_VALUE_PATH); SHOW GLOBAL VARIABLES if
 *                                  that fails
 *                       MySQL:     SHOW GLOBAL VARIABLES; 8.0+ also
 *                                  performance_schema.variables_info
 *                                  (VARIABLE_SOURCE, VARIABLE_PATH) and
 *                                  performance_schema.persisted_variables
 *                       Only the names the catalog knows are asked for
 *                       (live_conn.all_variables: every variable, for captures).
 *   channels         MariaDB:   SHOW ALL SLAVES STATUS (columns by name)
 *                    MySQL 5.7+: performance_schema.replication_connection_configuration
 *                               (CHANNEL_NAME, HOST, PORT, AUTO_POSITION), then
 *                               SHOW REPLICA STATUS (8.0.22+) / SHOW SLAVE STATUS
 *                               for the thread states
 *                    MySQL 5.6:  SHOW SLAVE STATUS
 *   table engines    information_schema.TABLES for the replica metadata tables
 *
 * Every value is stored with SETTINGS_SRC_LIVE and an origin detail:
 * "live, from /etc/mysql/my.cnf", "live, set at runtime (SET GLOBAL): lost
 * on restart", "live, compiled default", "live, persisted (SET PERSIST)" ...
 * Variables are stored under their catalog (canonical) names; variables the
 * catalog does not know are kept only in the raw list (for --capture).
 *
 * Facts (settings variables that only a live server knows; the capture
 * format carries them as "# fact NAME<TAB>VALUE"):
 *
 *   metadata_tables_innodb  "ON" when every replica metadata table the
 *                           server keeps is InnoDB (MariaDB:
 *                           mysql.gtid_slave_pos and mysql.gtid_slave_pos_*;
 *                           MySQL: mysql.slave_relay_log_info,
 *                           mysql.slave_worker_info, mysql.gtid_executed 5.7+,
 *                           and mysql.slave_master_info when visible), "OFF"
 *                           otherwise; the origin detail lists table=engine.
 *   runtime_only_changes    ", "-separated "name=value" items: crash-safety
 *                           variables (catalog crash_safety) whose running
 *                           value was set at runtime (MariaDB origin SQL,
 *                           MySQL source DYNAMIC) and is neither persisted
 *                           with that value (SET PERSIST) nor equal to the
 *                           --config file's value; "" when none.
 *   config_drift            only with --config: "; "-separated items
 *                           "name: running X, option file Y at FILE:LINE" for
 *                           every variable the option file sets to another
 *                           value than the server runs with; "" when none.
 *   replication_channels    the number of configured replication channels
 *                           (MariaDB connections), Group Replication excluded.
 *
 * A fact whose query was denied or failed is stored with a NULL value
 * (unknown) and the reason as its origin detail, e.g. "SHOW ALL SLAVES STATUS
 * denied (needs SLAVE MONITOR)"; the same reason goes to the target's diags as
 * a warning. The rules needing it are then "could not evaluate", never
 * passed. When the channels could not be read, channels_known stays 0.
 *
 * A target that cannot be audited at all (refused, timed out, wrong
 * password, TLS required, lost mid-audit) gets settings.error set to one
 * line naming the cause, and nothing else from it is trusted.
 *
 * Passwords are never copied into a settings, a diagnostic, an error
 * message or a capture: they live only in struct live_conn, which the
 * caller owns.
 */
#ifndef CRASHSAFE_LIVE_H
#define CRASHSAFE_LIVE_H

#include <stddef.h>

#include "catalog.h"
#include "settings.h"

/* --ssl-mode, as the mysql client spells it. */
enum live_ssl_mode {
	LIVE_SSL_DEFAULT = 0,   /* not given: the library's default (Connector/C 3.3: no TLS) */
	LIVE_SSL_DISABLED,
	LIVE_SSL_PREFERRED,
	LIVE_SSL_REQUIRED,
	LIVE_SSL_VERIFY_CA,
	LIVE_SSL_VERIFY_IDENTITY,
};

/* "DISABLED" ... case-insensitive; 0, or -1 for an unknown mode. */
int live_ssl_mode_parse(enum live_ssl_mode *out, const char *s);

/* Connection options shared by every target of a run; the caller owns the strings. */
struct live_conn {
	const char *user;                 /* NULL: the library's default (defaults file, login name) */
	const char *password;             /* NULL: from the [client] group or MYSQL_PWD */
	const char *socket;               /* --socket: for targets "localhost" and when no host is given */
	const char *defaults_file;        /* --defaults-file: only this file's [client] group */
	const char *defaults_extra_file;  /* --defaults-extra-file: this file (see docs/live.md) */
	int no_defaults;                  /* --no-defaults: no option file at all */
	enum live_ssl_mode ssl_mode;
	const char *ssl_ca, *ssl_capath, *ssl_cert, *ssl_key;
	unsigned connect_timeout;         /* seconds; 0 means the default below */
	unsigned read_timeout;
	unsigned write_timeout;
	int all_variables;                /* read every variable, not only the catalog's (--capture) */
};

#define LIVE_DEFAULT_CONNECT_TIMEOUT 10
#define LIVE_DEFAULT_READ_TIMEOUT 30
#define LIVE_DEFAULT_WRITE_TIMEOUT 30

/* One SHOW GLOBAL VARIABLES row as the server gave it (strings in the settings arena). */
struct live_raw_var {
	const char *name;
	const char *value;
	const char *origin;   /* MariaDB GLOBAL_VALUE_ORIGIN / MySQL VARIABLE_SOURCE, or NULL */
	const char *path;     /* GLOBAL_VALUE_PATH / VARIABLE_PATH, or NULL */
};

/* One server to audit. */
struct live_target {
	struct settings *s;        /* filled by live_collect(); initialised by the caller (kind "live") */
	const char *spec;          /* HOST[:PORT], [IPV6]:PORT, or "" for the local socket */
	int role_given;            /* nonzero: keep s->role (--role); else detect it */
	const struct live_conn *conn;   /* the target's own connection options (inventory), or NULL: the run's */
	struct live_raw_var *raw;  /* every variable, in server order (for --capture) */
	size_t nraw, raw_cap;
	double seconds;            /* wall time of the collection */
};

/*
 * Split a target spec into host and port: "db1", "db1:3307", "[::1]:3307",
 * "::1" (a bare IPv6 address has no port), "" (local). Port 0 means the
 * default. *host is a heap string (NULL for ""). Returns 0, or -1 with *why
 * (static text) for a malformed spec.
 */
int live_parse_host(const char *spec, char **host, unsigned *port, const char **why);

/* Initialise libmysqlclient once, before any thread collects. Returns 0 or -1. */
int live_library_init(void);
void live_library_end(void);

void live_target_init(struct live_target *t, struct settings *s, const char *spec);
void live_target_release(struct live_target *t);   /* frees raw; not s */

/*
 * Connect to t->spec and fill t->s (see the top of this file), with t->conn
 * when the target has its own connection options, else o; a target whose
 * t->s->error is already set is not contacted (returns -1). c maps the
 * server's variable names to canonical ones and says which are crash-safety
 * settings. Returns 0, or -1 when the target could not be audited
 * (t->s->error says why). Thread-safe for distinct targets once
 * live_library_init() has run; the calling thread must have called
 * mysql_thread_init() (live_collect_all() does).
 */
int live_collect(struct live_target *t, const struct live_conn *o, const struct catalog *c);

/*
 * Collect every target concurrently with up to `workers` threads (0: the
 * default, 32, never more than n). Returns the number of targets that
 * could not be audited.
 */
size_t live_collect_all(struct live_target *t, size_t n, const struct live_conn *o,
			const struct catalog *c, unsigned workers);
/*
 * Added (issue 11): the same, calling tick(tick_ctx, failed) as each
 * target finishes (from the worker threads; tick must be thread-safe:
 * progress_tick() is). tick may be NULL.
 */
size_t live_collect_all_tick(struct live_target *t, size_t n, const struct live_conn *o, const struct catalog *c,
			     unsigned workers, void (*tick)(void *ctx, int failed), void *tick_ctx);

/*
 * Compare a collected target with the settings read from its option file
 * (file: filled by config_load() for the same flavor and version). Sets the
 * config_drift fact and drops from runtime_only_changes every variable
 * whose running value the file also sets. Does nothing when t->s->error is
 * set. Returns 0.
 */
int live_compare_config(struct live_target *t, const struct settings *file,
			const struct catalog *c);

/*
 * Write the capture file (snapshot.h format, version 1) for t atomically:
 * header lines, every fact ("# fact NAME<TAB>VALUE"; an unknown one as
 * "# unknown NAME<TAB>REASON", which readers take as a comment), every
 * origin, every channel, then every raw variable, escaped as `mysql -NB`
 * does. Returns 0, or -1 with errno set (EINVAL: t could not be audited).
 */
int live_capture_write(const struct live_target *t, const char *path);

#endif
