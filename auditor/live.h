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
 *                           with that value (SET PERSIST) nor equal to what
 *                           the next start gives: the --config file's value,
 *                           else the compiled default (catalog_default_build()
 *                           for the server's flavor, build and version);
 *                           "" when none. name: as the server spells it
 *                           (expr_var_display(): sync_master_info on MariaDB).
 *   config_drift            only with --config: "; "-separated items
 *                           "name: running X, option file Y at FILE:LINE" for
 *                           every variable the option file sets to another
 *                           value than the server runs with, one item per
 *                           variable whichever names the file uses, name as
 *                           the server spells it; "" when none.
 *   replication_channels    the number of configured replication channels
 *                           (MariaDB connections), Group Replication excluded.
 *   channels_slave_pos      MariaDB only, when the channels were read: "ON"
 *                           when there is a channel and every one has
 *                           Using_Gtid = Slave_Pos, else "OFF" (the relay log
 *                           and relay-log.info rules do not apply then:
 *                           crashlab-results.md).
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
 * Every answer is checked for its shape before a row is read (the columns
 * each statement needs, looked up by name, whatever their order; NULL
 * where a value is required; at most LIVE_RESULT_MAX_BYTES and
 * LIVE_RESULT_MAX_ROWS): an answer of another shape is a per-target error
 * "unexpected answer to STATEMENT: ..." and the run goes on. Every target
 * has a deadline (live_conn.target_timeout) besides the connect and read
 * timeouts, so a server that drips its answer cannot hold a run.
 *
 * The collector is two halves:
 *   - the readers (live.c): which statements to send, chosen from the
 *     greeting and the answers so far, and the reading of each answer from
 *     a struct live_result (column names, rows of nullable strings). They
 *     never touch libmysqlclient: tests/unit/test_live.c drives them with
 *     recorded rows (live_plan_*).
 *   - the transport (live_loop.c): connections, TLS, timeouts and
 *     deadlines, and the scheduling of many targets. With Connector/C's
 *     non-blocking API (MariaDB Connector/C, Debian's libmysqlclient) one
 *     poll() loop per thread drives every connection of its share, so a
 *     server that does not answer holds no thread; with Oracle's
 *     libmysqlclient (no such API) each thread audits one server at a
 *     time and the deadline is checked between rows.
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
	unsigned connect_timeout;         /* seconds, the whole login; 0 means the default below */
	unsigned read_timeout;            /* seconds without a byte from the server */
	unsigned write_timeout;
	unsigned target_timeout;          /* seconds for the whole target; 0: live_target_timeout() */
	int all_variables;                /* read every variable, not only the catalog's (--capture) */
};

#define LIVE_DEFAULT_CONNECT_TIMEOUT 10
#define LIVE_DEFAULT_READ_TIMEOUT 30
#define LIVE_DEFAULT_WRITE_TIMEOUT 30

/*
 * The deadline of one target in seconds: o->target_timeout, else the
 * connect timeout plus twice the read timeout (70 s with the defaults):
 * long enough for a slow but honest server, short enough that one which
 * drips its answer a byte at a time cannot hold the run.
 */
unsigned live_target_timeout(const struct live_conn *o);

/* Limits on one answer (one result set); beyond them it is an unexpected answer. */
#define LIVE_RESULT_MAX_BYTES (16u << 20)    /* names and values; also the client's max packet */
#define LIVE_RESULT_MAX_ROWS 100000u         /* a server has about 1,000 variables */
#define LIVE_MAX_CHANNELS 4096u              /* rows of a channel statement (MySQL allows 256) */

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
	struct strmap raw_names;   /* raw by name (case-insensitive), once the variables are read */
	int raw_indexed;
	double seconds;            /* wall time of the collection */
	unsigned statements;       /* statements sent */
};

/*
 * Split a target spec into host and port: "db1", "db1:3307", "[::1]:3307",
 * "::1" (a bare IPv6 address has no port), "" (local). Port 0 means the
 * default; a port is 1 to 5 decimal digits from 1 to 65535, nothing else
 * (no sign, no blank: "db1: +5" is refused). A host name with a blank or a
 * control character is refused. *host is a heap string (NULL for "").
 * Returns 0, or -1 with *why (static text) for a malformed spec.
 */
int live_parse_host(const char *spec, char **host, unsigned *port, const char **why);

/* Initialise libmysqlclient once, before any thread collects. Returns 0 or -1. */
int live_library_init(void);
void live_library_end(void);

void live_target_init(struct live_target *t, struct settings *s, const char *spec);
void live_target_release(struct live_target *t);   /* frees raw; not s */

/*
 * Connect to t->spec and fill t->s (see the top of this file): the same as
 * live_collect_all() for one target, with t->conn when the target has its
 * own connection options, else o; a target whose t->s->error is already
 * set is not contacted. Returns 0, or -1 when the target could not be
 * audited (t->s->error says why).
 */
int live_collect(struct live_target *t, const struct live_conn *o, const struct catalog *c);

/* Does this build drive connections without blocking (Connector/C's non-blocking API)? */
int live_nonblocking(void);

/* The default of --jobs: LIVE_DEFAULT_JOBS, or LIVE_DEFAULT_JOBS_BLOCKING without the non-blocking API. */
#define LIVE_DEFAULT_JOBS 2u
#define LIVE_DEFAULT_JOBS_BLOCKING 128u
unsigned live_default_jobs(void);

/*
 * Collect every target, concurrently, with `jobs` threads (0: the default;
 * never more than n). Non-blocking build: each thread runs one poll() loop
 * over as many connections at once as its share of the file descriptors
 * allows (the soft RLIMIT_NOFILE is raised to the hard one first; targets
 * beyond it wait for a free descriptor), so a fleet takes about as long as
 * its slowest target whatever the number of jobs. Blocking build: each
 * thread audits one target at a time. Every target ends by its deadline
 * (live_target_timeout()). live_library_init() must have run. Returns the
 * number of targets that could not be audited.
 */
size_t live_collect_all(struct live_target *t, size_t n, const struct live_conn *o,
			const struct catalog *c, unsigned jobs);
/*
 * Added (issue 11): the same, calling tick(tick_ctx, failed) as each
 * target finishes (from the collecting threads; tick must be thread-safe:
 * progress_tick() is). tick may be NULL.
 */
size_t live_collect_all_tick(struct live_target *t, size_t n, const struct live_conn *o, const struct catalog *c,
			     unsigned jobs, void (*tick)(void *ctx, int failed), void *tick_ctx);

/* ---- the readers, apart from the transport ------------------------------ */

/* One cell of an answer: v NULL is SQL NULL; else NUL-terminated, len bytes. */
struct live_cell {
	const char *v;
	size_t len;
};

/*
 * One answer (a text result set) as the readers see it: column names and
 * rows of cells, row-major, all owned by the result. Built by the transport
 * from libmysqlclient, or by the unit tests from recorded rows.
 */
struct live_result {
	size_t ncols, nrows;
	const char **names;          /* ncols names, as the server sent them */
	struct live_cell *cells;     /* nrows * ncols */
	size_t bytes;                /* names and values so far, against LIVE_RESULT_MAX_BYTES */
	size_t names_cap, rows_cap;
	struct arena arena;
};

void live_result_init(struct live_result *r);
void live_result_release(struct live_result *r);
/*
 * Add a column (before any row), or a row of ncols cells (v[i] NULL:
 * NULL; len may be NULL when every value is NUL-terminated). Both copy.
 * Return 0, or -1 when the result would exceed LIVE_RESULT_MAX_BYTES or
 * LIVE_RESULT_MAX_ROWS; *why is then a static text ("more than 16 MB").
 */
int live_result_add_column(struct live_result *r, const char *name, size_t len, const char **why);
int live_result_add_row(struct live_result *r, const char *const *v, const unsigned long *len,
			const char **why);
/* The cell at row, col (both in range). */
const struct live_cell *live_result_cell(const struct live_result *r, size_t row, size_t col);

/*
 * Append at most max bytes of text a server sent (an error message, a
 * column name), and "..." when it was longer. Its bytes are kept as they
 * are: every writer and stderr message escapes control characters itself
 * (diag.h, the report writers), so they are shown, never obeyed.
 */
void live_clean_text(struct strbuf *sb, const char *s, size_t max);

/* A statement to send: label names it in messages ("SHOW ALL SLAVES STATUS"). */
struct live_stmt {
	const char *label;
	const char *sql;       /* owned by the plan, valid until the next live_plan_* call */
	const char *needs;     /* the privilege it needs, for "denied (needs ...)", or NULL */
};

/*
 * The collection of one target after its login, as a sequence of
 * statements and the readers of their answers:
 *
 *   live_plan_init(&p, t, o, c, server_info);        greeting's version string
 *   while (live_plan_next(&p, &stmt)) {
 *           send stmt.sql;
 *           live_plan_answer(&p, &result);           a result set (0 columns: none)
 *       or  live_plan_failed(&p, code, message);     the server refused it
 *   }
 *   live_plan_release(&p);
 *
 * A failure that loses the connection is the transport's to report (it sets
 * t->s->error and stops calling). live_plan_next() returns 0 when the
 * collection is complete, or when it failed: t->s->error then says why
 * (an unexpected answer, no variables). The order of statements and what
 * each decides are at the top of this file and in docs/live.md.
 */
struct live_plan {
	struct live_target *t;
	struct settings *s;
	const struct live_conn *o;
	const struct catalog *c;
	int mariadb;                 /* the greeting (mysql_get_server_info) says MariaDB */
	size_t at;                   /* index into the plan's table of steps */
	int fallback;                /* MariaDB: SYSTEM_VARIABLES failed, read SHOW GLOBAL VARIABLES */
	int origins_read;            /* MySQL: performance_schema.variables_info answered */
	int origins_known;           /* the origins are known (read and not empty) */
	const char *origins_why;     /* why origins are unknown (settings arena or static) */
	struct live_persisted {      /* performance_schema.persisted_variables, sorted by name */
		const char *name, *value;
	} *persisted;
	size_t npersisted, persisted_cap;
	int persisted_read;          /* persisted_variables answered (even with no row) */
	int channels_known;
	const char *channels_why;    /* why the channels are unknown */
	char *sql;                   /* the current statement */
	const char *label, *needs;   /* its label and the privilege it needs */
};

void live_plan_init(struct live_plan *p, struct live_target *t, const struct live_conn *o,
		    const struct catalog *c, const char *server_info);
int live_plan_next(struct live_plan *p, struct live_stmt *st);
void live_plan_answer(struct live_plan *p, const struct live_result *r);
void live_plan_failed(struct live_plan *p, unsigned code, const char *message);
void live_plan_release(struct live_plan *p);

/*
 * Added (issue 13): the statements that follow, to send in one batch.
 *
 * live_plan_predict() lists the statements the plan would ask for after the
 * current one (the one live_plan_next() just returned) if the server is
 * what it said it is (the flavor and version of its variables once read,
 * before that of its greeting, server_info as live_plan_init() got it) and
 * accepts every statement. The transport sends
 * the current statement and these as one multi-statement query and hands
 * the answers over in order, but only while live_plan_next() keeps asking
 * for exactly the predicted text: the plan still decides every step from
 * the answers, and a wrong guess costs a round trip, never a wrong read. A
 * statement the server refuses ends its batch (the server runs none of the
 * rest); the plan goes on and the rest is sent again in the next batch, so
 * a denial affects only its own statement's facts. Returns the number of
 * statements predicted (0: none, e.g. no version in the greeting); the
 * caller frees them with live_stmts_release().
 */
#define LIVE_BATCH_MAX 16
struct live_stmt_list {
	size_t n;
	char *sql[LIVE_BATCH_MAX];             /* heap */
	const char *label[LIVE_BATCH_MAX];     /* static */
	const char *needs[LIVE_BATCH_MAX];     /* static or NULL */
};
size_t live_plan_predict(const struct live_plan *p, const char *server_info, struct live_stmt_list *out);
void live_stmts_release(struct live_stmt_list *l);

/*
 * Compare a collected target with the settings read from its option file
 * (file: filled by config_load() for the same flavor and version). Sets the
 * config_drift fact and drops from runtime_only_changes every variable
 * whose running value the file also sets, or, when the file does not set
 * it, that runs with its compiled default (the next start gives the
 * same). Does nothing when t->s->error is set. Returns 0.
 */
int live_compare_config(struct live_target *t, const struct settings *file,
			const struct catalog *c);

/*
 * Added (issue 12): read a channel's status columns (Last_IO_Errno,
 * Last_IO_Error, Last_SQL_Errno, Last_SQL_Error, Skip_Counter,
 * Master_Server_Id / Source_Server_Id, Master_UUID / Source_UUID) from one
 * row of SHOW REPLICA STATUS, SHOW SLAVE STATUS or SHOW ALL SLAVES STATUS,
 * given as its column names and values (NULL: SQL NULL), whatever their
 * order; columns it does not know are ignored, absent ones leave the field
 * as it was. The error texts are the server's: control characters become
 * '?', and at most 300 bytes are kept ("..." then). Strings go to s's arena.
 * Apart from the transport, so that recorded rows test it.
 */
void live_channel_read_status(struct settings *s, struct settings_channel *ch, const char *const *names,
			      const char *const *values, size_t ncols);

/*
 * Write the capture file (snapshot.h format, version 1) for t atomically:
 * header lines, every fact ("# fact NAME<TAB>VALUE"; an unknown one as
 * "# unknown NAME<TAB>REASON", which readers take as a comment), every
 * origin, every channel, then every raw variable, escaped as `mysql -NB`
 * does. Returns 0, or -1 with errno set (EINVAL: t could not be audited).
 */
int live_capture_write(const struct live_target *t, const char *path);

#endif
