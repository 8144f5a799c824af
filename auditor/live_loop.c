/*
 * live_loop.c - the live collector's transport (see live.h): connections,
 * TLS, timeouts and per-target deadlines, and the scheduling of many
 * targets. What to send and how to read the answers is live.c's (the
 * live_plan_* readers); this file only moves statements and result sets.
 *
 * Two ways to drive connections, chosen when building:
 *   - non-blocking (Connector/C's mysql_real_connect_start() and the other
 *     _start/_cont calls, MYSQL_WAIT_READ/WRITE/TIMEOUT): each
 *     thread runs one poll() loop over many connections, so a server that
 *     never answers holds a file descriptor, not a thread;
 *   - blocking (Oracle's libmysqlclient, or -DLIVE_NO_NONBLOCKING): each
 *     thread audits one target at a time, and a watchdog thread shuts down
 *     the socket of a target past its deadline.
 * Both go through the same steps: live_job_begin(), the login, then
 * live_plan_next() / answer / failed until the plan is done, then
 * live_job_end().
 *
 * Round trips (issue 13): a statement goes out together with the ones the
 * plan predicts will follow it (live_plan_predict()), as one
 * multi-statement query, and their answers are handed to the plan one
 * after the other as long as it asks for exactly those statements. A
 * MariaDB server is audited in one round trip after the login, as
 * `mariadb -e 'SHOW GLOBAL VARIABLES'` is; a refused statement ends its
 * batch on the server, and what the plan asks for next goes in a new one.
 * Answers the plan does not ask for (a wrong guess) are read and dropped
 * before the next query.
 */
#include "live.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <mysql.h>

#include "util.h"
#include "banned.h"

#if defined(MYSQL_WAIT_READ) && defined(MARIADB_PACKAGE_VERSION) && !defined(LIVE_NO_NONBLOCKING)
#define LIVE_NONBLOCKING 1
#else
#define LIVE_NONBLOCKING 0
#endif

/* Server and client error codes the transport treats specially (mysqld_error.h, errmsg.h). */
enum {
	LIVE_ER_ACCESS_DENIED = 1045,
	LIVE_ER_SERVER_SHUTDOWN = 1053,
	LIVE_ER_PARSE_ERROR = 1064,
	LIVE_ER_SECURE_TRANSPORT_REQUIRED = 3159,
	LIVE_CR_MIN = 2000,
	LIVE_CR_NET_PACKET_TOO_LARGE = 2020,
	LIVE_CR_MALFORMED_PACKET = 2027,
	LIVE_CR_MAX = 2999,
};

/* File descriptors kept back from the connections (reports, rule files, the library's own). */
#define LIVE_FD_RESERVE 64

/*
 * New connections a loop starts at a time, and the pause before the next
 * batch: a burst of a thousand SYNs to one server overflows its listen
 * backlog (MariaDB's back_log: 80 + max_connections / 5), and each dropped
 * one costs a second-long SYN retransmit (measured: 1,000 targets on one
 * server, 1.3 s unpaced). Paced, 10,000 targets start within a second.
 */
#define LIVE_START_BATCH 16
#define LIVE_START_GAP 0.002

/* Several statements in one query, and their several answers (one batch per round trip). */
#define LIVE_CLIENT_FLAGS (CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS)

/* ---- library ------------------------------------------------------------ */

int live_library_init(void)
{
	return mysql_library_init(0, NULL, NULL) ? -1 : 0;
}

void live_library_end(void)
{
	mysql_library_end();
}

int live_nonblocking(void)
{
	return LIVE_NONBLOCKING;
}

unsigned live_default_jobs(void)
{
	return LIVE_NONBLOCKING ? LIVE_DEFAULT_JOBS : LIVE_DEFAULT_JOBS_BLOCKING;
}

static double live_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned live_timeout(unsigned v, unsigned dflt)
{
	return v ? v : dflt;
}

/* The connection's socket, or -1. */
static int live_socket(MYSQL *m)
{
#if defined(MARIADB_PACKAGE_VERSION)
	return m ? (int)mysql_get_socket(m) : -1;
#else
	return m ? (int)m->net.fd : -1;   /* Oracle: NET.fd, "for Perl DBI/dbd" */
#endif
}

/* ---- one target ----------------------------------------------------------- */

enum live_phase {
	LIVE_PH_CONNECT,   /* logging in */
	LIVE_PH_PROBE,     /* a second login over TLS, to tell "TLS required" from a wrong password */
	LIVE_PH_QUERY,     /* a batch sent, waiting for its first answer */
	LIVE_PH_NEXT,      /* waiting for the next answer of the batch */
	LIVE_PH_FETCH,     /* reading the rows of an answer */
	LIVE_PH_DRAIN,     /* waiting for an answer the plan did not ask for */
	LIVE_PH_DRAIN_FETCH, /* reading its rows, to drop them */
};

/* One target on its way through the transport. */
struct live_job {
	struct live_target *t;
	const struct live_conn *o;
	const struct catalog *c;
	MYSQL *m;
	char *host;
	unsigned port;
	const char *sock;
	enum live_phase phase;
	double t0;                 /* when the target started */
	double step_started;       /* when the login or the current statement started */
	double deadline;           /* t0 + live_target_timeout() */
	struct live_plan plan;
	int plan_started;
	int plan_done;             /* live_plan_next() said the collection is over */
	struct live_stmt stmt;
	struct live_stmt_list batch;   /* predicted statements sent after the first one of the query */
	size_t batch_next;         /* the next of them whose answer comes */
	struct strbuf query;       /* the batch as sent */
	char *server_info;         /* the greeting's version, for live_plan_predict() */
	int no_batch;              /* the server refused a batch as a syntax error: one statement at a time */
	int resend;                /* send j->stmt again, alone */
	MYSQL_RES *res;
	struct live_result rs;
	unsigned login_code;       /* the first login's failure, kept while probing TLS */
	char *login_message;
	/* non-blocking */
	int wait;                  /* MYSQL_WAIT_* the library waits for; 0: not waiting */
	double wait_until;         /* when the library's own timeout fires, or 0 */
	int lib_timed_out;         /* we told the library its timeout had passed */
	int aborts;                /* times live_job_abort() ran */
	/* blocking: the socket the watchdog may cut, under the pool's mutex */
	int fd;
	int cut;
};

/* Hints for connection and query errors, by error code. */
static const struct live_hint {
	unsigned code;
	const char *hint;
} live_hints[] = {
	{ 1040, "the server has too many connections" },
	{ LIVE_ER_ACCESS_DENIED, "wrong user or password, or the account may not connect from this host" },
	{ 1129, "this host is blocked after too many connection errors (FLUSH HOSTS)" },
	{ 1130, "the account may not connect from this host" },
	{ 1251, "the client does not support the account's authentication method" },
	{ 2002, "connection refused or unreachable: is a server listening on this host and port (or socket)?" },
	{ 2003, "connection refused or unreachable: is a server listening on this host and port?" },
	{ 2005, "unknown host name" },
	{ 2006, "the server went away" },
	{ 2013, "the server closed the connection or stopped answering" },
	{ LIVE_CR_NET_PACKET_TOO_LARGE, "a packet is larger than 16 MB" },
	{ 2026, "TLS handshake failed (check --ssl-mode, --ssl-ca and the server's certificate)" },
	{ 2059, "the authentication plugin could not be loaded" },
	{ LIVE_ER_SECURE_TRANSPORT_REQUIRED,
	  "the server requires TLS (require_secure_transport=ON): use --ssl-mode=REQUIRED, or VERIFY_CA with --ssl-ca" },
};

static const char *live_hint(unsigned code)
{
	for (size_t i = 0; i < ARRAY_SIZE(live_hints); i++)
		if (live_hints[i].code == code)
			return live_hints[i].hint;
	return NULL;
}

/* The target's error, unless it already has one (the first cause wins). */
static void live_job_error(struct live_job *j, struct strbuf *sb)
{
	struct settings *s = j->t->s;
	if (!s->error)
		s->error = settings_intern(s, sb->buf);
	strbuf_release(sb);
}

/*
 * The target's error from a failure the library reported: code and msg;
 * label NULL for the login, else the statement. timed_out: the step's
 * timeout (--connect-timeout or --read-timeout) ran out.
 */
static void live_fail(struct live_job *j, const char *label, unsigned code, const char *msg, int timed_out)
{
	const char *hint = live_hint(code);
	double took = live_now() - j->step_started;
	struct strbuf sb = { 0 };

	if (!label)
		strbuf_addstr(&sb, "cannot connect: ");
	if (timed_out) {
		unsigned timeout = label ? live_timeout(j->o->read_timeout, LIVE_DEFAULT_READ_TIMEOUT)
					 : live_timeout(j->o->connect_timeout, LIVE_DEFAULT_CONNECT_TIMEOUT);
		strbuf_addf(&sb, "timed out after %.1f s", took);
		if (label)
			strbuf_addf(&sb, " waiting for %s", label);
		strbuf_addf(&sb, " (%s %u)", label ? "--read-timeout" : "--connect-timeout", timeout);
		hint = NULL;
	} else if (label && (code == 0 || code == LIVE_CR_MALFORMED_PACKET || code == LIVE_CR_NET_PACKET_TOO_LARGE)) {
		strbuf_addf(&sb, "unexpected answer to %s", label);
	} else if (label) {
		strbuf_addf(&sb, "lost the connection during %s", label);
	}
	if (label || timed_out)
		strbuf_addstr(&sb, ": ");
	live_clean_text(&sb, msg && *msg ? msg : code ? "unknown error" : "the client library failed without saying why",
			512);
	strbuf_addf(&sb, " (error %u)", code);
	if (hint)
		strbuf_addf(&sb, ": %s", hint);
	live_job_error(j, &sb);
}

/* The login failed (the TLS probe, if any, is over). */
static void live_fail_login(struct live_job *j, int timed_out)
{
	if (j->login_message) {
		live_fail(j, NULL, j->login_code, j->login_message, timed_out);
		return;
	}
	live_fail(j, NULL, mysql_errno(j->m), mysql_error(j->m), timed_out);
}

/* A target past its deadline: "timed out after 6.0 s (--target-timeout 6) during LABEL". */
static void live_fail_deadline(struct live_job *j)
{
	struct strbuf sb = { 0 };
	strbuf_addf(&sb, "timed out after %.1f s (--target-timeout %u) ", live_now() - j->t0,
		    live_target_timeout(j->o));
	if (j->phase == LIVE_PH_CONNECT || j->phase == LIVE_PH_PROBE)
		strbuf_addstr(&sb, "while connecting");
	else
		strbuf_addf(&sb, "during %s: the server answers too slowly", j->stmt.label);
	live_job_error(j, &sb);
}

/* A query error that ends the collection: the connection is gone or unusable. */
static int live_error_is_fatal(unsigned code)
{
	return (code >= LIVE_CR_MIN && code <= LIVE_CR_MAX) || code == LIVE_ER_SERVER_SHUTDOWN;
}

/*
 * Set the connection options on m. force_tls asks for TLS without
 * verification whatever --ssl-mode says (used only to diagnose a refusal).
 */
static int live_set_options(MYSQL *m, const struct live_conn *o, int force_tls)
{
	unsigned ct = live_timeout(o->connect_timeout, LIVE_DEFAULT_CONNECT_TIMEOUT);
	unsigned rt = live_timeout(o->read_timeout, LIVE_DEFAULT_READ_TIMEOUT);
	unsigned wt = live_timeout(o->write_timeout, LIVE_DEFAULT_WRITE_TIMEOUT);
	unsigned long max_packet = LIVE_RESULT_MAX_BYTES;
	enum live_ssl_mode mode = force_tls ? LIVE_SSL_REQUIRED : o->ssl_mode;
	int rc = 0;

	rc |= mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	rc |= mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rt);
	rc |= mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &wt);
	rc |= mysql_options(m, MYSQL_OPT_MAX_ALLOWED_PACKET, &max_packet);
	if (o->defaults_file || o->defaults_extra_file)
		rc |= mysql_options(m, MYSQL_READ_DEFAULT_FILE,
				    o->defaults_file ? o->defaults_file : o->defaults_extra_file);
	if (!o->no_defaults)
		rc |= mysql_options(m, MYSQL_READ_DEFAULT_GROUP, "client");
	if (mode != LIVE_SSL_DISABLED) {
		if (o->ssl_ca)
			rc |= mysql_options(m, MYSQL_OPT_SSL_CA, o->ssl_ca);
		if (o->ssl_capath)
			rc |= mysql_options(m, MYSQL_OPT_SSL_CAPATH, o->ssl_capath);
		if (o->ssl_cert)
			rc |= mysql_options(m, MYSQL_OPT_SSL_CERT, o->ssl_cert);
		if (o->ssl_key)
			rc |= mysql_options(m, MYSQL_OPT_SSL_KEY, o->ssl_key);
	}
#if defined(MARIADB_PACKAGE_VERSION) || defined(MARIADB_BASE_VERSION)
	/*
	 * MariaDB Connector/C 3.3 has no ssl-mode (measured, docs/live.md):
	 * MYSQL_OPT_SSL_ENFORCE uses TLS when the server offers it and quietly
	 * goes on without it otherwise, so it is PREFERRED, and REQUIRED is that
	 * plus a check after connecting (live_job_connected); certificate
	 * verification (VERIFY_*) refuses a server without TLS and also checks
	 * the host name. Setting an --ssl-* file alone also turns TLS on, as in
	 * the mysql client.
	 */
	{
		my_bool on = 1;
		switch (mode) {
		case LIVE_SSL_VERIFY_CA:
		case LIVE_SSL_VERIFY_IDENTITY:
			rc |= mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
			/* fall through */
		case LIVE_SSL_REQUIRED:
		case LIVE_SSL_PREFERRED:
			rc |= mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &on);
			break;
		case LIVE_SSL_DEFAULT:
		case LIVE_SSL_DISABLED:
			break;
		}
	}
#else
	/* Oracle's libmysqlclient (5.7.11+): MYSQL_OPT_SSL_MODE takes the mode itself. */
	if (mode != LIVE_SSL_DEFAULT) {
		static const unsigned modes[] = {
			[LIVE_SSL_DEFAULT] = SSL_MODE_PREFERRED,
			[LIVE_SSL_DISABLED] = SSL_MODE_DISABLED,
			[LIVE_SSL_PREFERRED] = SSL_MODE_PREFERRED,
			[LIVE_SSL_REQUIRED] = SSL_MODE_REQUIRED,
			[LIVE_SSL_VERIFY_CA] = SSL_MODE_VERIFY_CA,
			[LIVE_SSL_VERIFY_IDENTITY] = SSL_MODE_VERIFY_IDENTITY,
		};
		unsigned ssl_mode = modes[mode];
		rc |= mysql_options(m, MYSQL_OPT_SSL_MODE, &ssl_mode);
	}
#endif
#if LIVE_NONBLOCKING
	rc |= mysql_options(m, MYSQL_OPT_NONBLOCK, 0);
#endif
	return rc ? -1 : 0;
}

/* A fresh handle with the options set, or NULL with the target's error set. */
static MYSQL *live_job_handle(struct live_job *j, int force_tls)
{
	MYSQL *m = mysql_init(NULL);
	struct strbuf sb = { 0 };
	if (m && live_set_options(m, j->o, force_tls) == 0)
		return m;
	strbuf_addstr(&sb, m ? "cannot set the connection options" : "cannot initialise the client library (out of memory?)");
	live_job_error(j, &sb);
	if (m)
		mysql_close(m);
	return NULL;
}

/* Start a target: its spec, its handle, its clocks. Returns 0, or -1 with the error set. */
static int live_job_begin(struct live_job *j, struct live_target *t, const struct live_conn *o,
			  const struct catalog *c)
{
	const char *why = NULL;
	memset(j, 0, sizeof(*j));
	if (t->conn)
		o = t->conn;   /* the target's own connection options (inventory) */
	j->t = t;
	j->o = o;
	j->c = c;
	j->fd = -1;
	j->t0 = j->step_started = live_now();
	j->deadline = j->t0 + live_target_timeout(o);
	live_result_init(&j->rs);
	t->s->kind = settings_intern(t->s, "live");
	if (t->s->error)
		return -1;   /* the caller already knows it cannot be audited (an unreadable defaults_file) */
	if (live_parse_host(t->spec, &j->host, &j->port, &why) < 0) {
		t->s->error = arena_printf(&t->s->arena, "bad target '%s': %s", t->spec, why);
		return -1;
	}
	if (!j->host || !strcmp(j->host, "localhost"))
		j->sock = o->socket;
	j->m = live_job_handle(j, 0);
	return j->m ? 0 : -1;
}

/*
 * MariaDB answers a plain login to a server with require_secure_transport=ON
 * with "Access denied" (1045), as if the password were wrong. When TLS was
 * not in use and the server offers it, log in once more over TLS: if that
 * login works, the server demands TLS. Keeps the first failure, closes the
 * first handle and opens the second. Returns 1 when the probe should run.
 */
static int live_job_probe_begin(struct live_job *j)
{
	MYSQL *m = j->m;
	if (mysql_errno(m) != LIVE_ER_ACCESS_DENIED || mysql_get_ssl_cipher(m) ||
	    !(m->server_capabilities & CLIENT_SSL) || j->o->ssl_mode >= LIVE_SSL_REQUIRED)
		return 0;
	j->login_code = mysql_errno(m);
	j->login_message = xstrdup(mysql_error(m));
	mysql_close(m);
	j->m = live_job_handle(j, 1);
	j->phase = LIVE_PH_PROBE;
	return j->m != NULL;
}

/* The TLS probe is over: ok says whether it logged in over TLS. */
static void live_job_probe_end(struct live_job *j, int ok)
{
	struct strbuf sb = { 0 };
	if (!ok) {
		live_fail_login(j, 0);
		return;
	}
	strbuf_addstr(&sb, "cannot connect: the server requires TLS (require_secure_transport=ON) "
			   "and TLS was not configured: use --ssl-mode=REQUIRED, or VERIFY_CA with "
			   "--ssl-ca (a plain login is answered with: ");
	live_clean_text(&sb, j->login_message, 512);
	strbuf_addf(&sb, " (error %u))", j->login_code);
	live_job_error(j, &sb);
}

/* Logged in: check TLS, start the plan. Returns 0, or -1 with the error set. */
static int live_job_connected(struct live_job *j)
{
	if (j->o->ssl_mode >= LIVE_SSL_REQUIRED && !mysql_get_ssl_cipher(j->m)) {
		struct strbuf sb = { 0 };
		strbuf_addstr(&sb, "cannot connect: --ssl-mode requires TLS and the server does not offer it "
				   "(have_ssl is not YES)");
		live_job_error(j, &sb);
		return -1;
	}
	j->server_info = xstrdup(mysql_get_server_info(j->m) ? mysql_get_server_info(j->m) : "");
	live_plan_init(&j->plan, j->t, j->o, j->c, j->server_info);
	j->plan_started = 1;
	return 0;
}

/* Answers of the last query still to come from the server. */
static int live_job_more(struct live_job *j)
{
	return mysql_more_results(j->m) != 0;
}

/* A new query: j->stmt and what the plan predicts after it. */
static void live_job_batch(struct live_job *j)
{
	live_stmts_release(&j->batch);
	j->batch_next = 0;
	strbuf_reset(&j->query);
	strbuf_addstr(&j->query, j->stmt.sql);
	if (!j->no_batch)
		live_plan_predict(&j->plan, j->server_info, &j->batch);
	for (size_t i = 0; i < j->batch.n; i++) {
		strbuf_addch(&j->query, ';');
		strbuf_addstr(&j->query, j->batch.sql[i]);
	}
	j->phase = LIVE_PH_QUERY;
}

/*
 * What comes after an answer (or a refusal) was handed to the plan: 1 with
 * j->phase set (the next answer of the batch, answers to drop, or a new
 * query), 0 when the target is done.
 */
static int live_job_next(struct live_job *j)
{
	int more = live_job_more(j);
	if (j->t->s->error)
		return 0;
	if (j->resend) {
		j->resend = 0;
		live_job_batch(j);
		return 1;
	}
	if (!j->plan_done && !live_plan_next(&j->plan, &j->stmt))
		j->plan_done = 1;
	if (j->plan_done) {
		if (!more)
			return 0;
		j->phase = LIVE_PH_DRAIN;
		return 1;
	}
	j->step_started = live_now();
	if (more && j->batch_next < j->batch.n && !strcmp(j->stmt.sql, j->batch.sql[j->batch_next])) {
		j->batch_next++;
		j->phase = LIVE_PH_NEXT;   /* its answer is on its way */
		return 1;
	}
	if (more) {
		j->phase = LIVE_PH_DRAIN;  /* a wrong guess: drop the rest of the batch, then ask */
		return 1;
	}
	live_job_batch(j);
	return 1;
}

/* The batch's unwanted answers are dropped: the next query, or the end. */
static int live_job_drained(struct live_job *j)
{
	if (j->plan_done || j->t->s->error)
		return 0;
	j->step_started = live_now();
	live_job_batch(j);
	return 1;
}

/*
 * The statement failed. A failure that loses the connection ends the
 * target (-1); otherwise the plan takes the refusal and goes on (0).
 */
static int live_job_query_failed(struct live_job *j, int timed_out)
{
	unsigned code = mysql_errno(j->m);
	/* No error code: the library could not make sense of the answer; the connection is not trusted. */
	if (code == 0 || live_error_is_fatal(code) || timed_out) {
		live_fail(j, j->stmt.label, code, mysql_error(j->m), timed_out);
		return -1;
	}
	/*
	 * A server (or a proxy in front of it) that takes no multi-statement
	 * query reads the batch as one statement with a syntax error: ask again
	 * one statement at a time, without telling the plan.
	 */
	if (code == LIVE_ER_PARSE_ERROR && j->phase == LIVE_PH_QUERY && j->batch.n) {
		j->no_batch = 1;
		j->resend = 1;
		return 0;
	}
	live_plan_failed(&j->plan, code, mysql_error(j->m));
	return 0;
}

/*
 * The statement was accepted: take its answer's columns (mysql_use_result,
 * rows to come). An answer without a result set goes to the plan at once
 * as 0 columns (j->res stays NULL). Returns 0, or -1 with the error set.
 */
static int live_job_answer_begin(struct live_job *j)
{
	const char *why = NULL;
	MYSQL_FIELD *f;
	unsigned n;

	live_result_release(&j->rs);
	live_result_init(&j->rs);
	j->res = mysql_use_result(j->m);
	if (!j->res) {
		if (mysql_field_count(j->m) != 0) {
			live_fail(j, j->stmt.label, mysql_errno(j->m), mysql_error(j->m), 0);
			return -1;
		}
		live_plan_answer(&j->plan, &j->rs);
		return 0;
	}
	n = mysql_num_fields(j->res);
	f = mysql_fetch_fields(j->res);
	for (unsigned i = 0; i < n; i++) {
		if (live_result_add_column(&j->rs, f[i].name, f[i].name ? f[i].name_length : 0, &why) < 0) {
			struct strbuf sb = { 0 };
			strbuf_addf(&sb, "unexpected answer to %s: %s", j->stmt.label, why);
			live_job_error(j, &sb);
			return -1;
		}
	}
	j->phase = LIVE_PH_FETCH;
	return 0;
}

/* One row of the answer. Returns 0, or -1 when the answer is too large. */
static int live_job_answer_row(struct live_job *j, MYSQL_ROW row)
{
	const char *why = NULL;
	if (live_result_add_row(&j->rs, (const char *const *)row, mysql_fetch_lengths(j->res), &why) < 0) {
		struct strbuf sb = { 0 };
		strbuf_addf(&sb, "unexpected answer to %s: %s", j->stmt.label, why);
		live_job_error(j, &sb);
		return -1;
	}
	return 0;
}

/* No more rows: an error, or the whole answer for the plan. Returns 0 or -1. */
static int live_job_answer_end(struct live_job *j, int timed_out)
{
	if (mysql_errno(j->m)) {
		live_fail(j, j->stmt.label, mysql_errno(j->m), mysql_error(j->m), timed_out);
		return -1;
	}
	mysql_free_result(j->res);
	j->res = NULL;
	live_plan_answer(&j->plan, &j->rs);
	live_result_release(&j->rs);
	return 0;
}

/* Close the connection and free everything but the target's results. */
static void live_job_end(struct live_job *j)
{
	if (j->m && j->t->s->error) {
		/* Nothing more is read from a failed connection: no draining of rows, no waiting. */
		int fd = live_socket(j->m);
		if (fd >= 0)
			shutdown(fd, SHUT_RDWR);
	}
	if (j->res)
		mysql_free_result(j->res);
	if (j->m)
		mysql_close(j->m);
	if (j->plan_started)
		live_plan_release(&j->plan);
	live_result_release(&j->rs);
	live_stmts_release(&j->batch);
	strbuf_release(&j->query);
	free(j->server_info);
	j->server_info = NULL;
	free(j->host);
	free(j->login_message);
	j->t->seconds = live_now() - j->t0;
	if (!j->t->s->error && !j->plan_started)
		j->t->s->error = settings_intern(j->t->s, "could not be audited");
	j->m = NULL;
	j->res = NULL;
	j->host = NULL;
	j->login_message = NULL;
}

/* ---- non-blocking: one poll() loop per thread ----------------------------- */

#if LIVE_NONBLOCKING

/*
 * Drive j from where it waits: ready is what happened (MYSQL_WAIT_*), or -1
 * to start the current phase's operation. Returns when the library waits
 * again (j->wait set) or the target is done (j->wait 0).
 */
static void live_async_run(struct live_job *j, int ready)
{
	const struct live_conn *o = j->o;
	for (;;) {
		int st = 0;
		switch (j->phase) {
		case LIVE_PH_CONNECT:
		case LIVE_PH_PROBE: {
			MYSQL *ret = NULL;
			st = ready < 0 ? mysql_real_connect_start(&ret, j->m, j->host, o->user, o->password, NULL, j->port,
								  j->sock, LIVE_CLIENT_FLAGS)
				       : mysql_real_connect_cont(&ret, j->m, ready);
			if (st)
				break;
			if (j->t->s->error)
				goto done;
			if (j->phase == LIVE_PH_PROBE) {
				live_job_probe_end(j, ret && mysql_get_ssl_cipher(j->m));
				goto done;
			}
			if (!ret) {
				if (!j->lib_timed_out && live_job_probe_begin(j)) {
					ready = -1;
					continue;
				}
				live_fail_login(j, j->lib_timed_out);
				goto done;
			}
			if (live_job_connected(j) < 0)
				goto done;
			goto next;
		}
		case LIVE_PH_QUERY:
		case LIVE_PH_NEXT: {
			int err = 0;
			if (j->phase == LIVE_PH_QUERY)
				st = ready < 0 ? mysql_real_query_start(&err, j->m, j->query.buf, (unsigned long)j->query.len)
					       : mysql_real_query_cont(&err, j->m, ready);
			else
				st = ready < 0 ? mysql_next_result_start(&err, j->m) : mysql_next_result_cont(&err, j->m, ready);
			if (st)
				break;
			if (j->t->s->error)
				goto done;
			if (err) {
				if (live_job_query_failed(j, j->lib_timed_out) < 0)
					goto done;
				goto next;
			}
			if (live_job_answer_begin(j) < 0)
				goto done;
			if (!j->res)
				goto next;
			ready = -1;
			continue;
		}
		case LIVE_PH_FETCH: {
			MYSQL_ROW row = NULL;
			st = ready < 0 ? mysql_fetch_row_start(&row, j->res) : mysql_fetch_row_cont(&row, j->res, ready);
			if (st)
				break;
			if (j->t->s->error)
				goto done;
			if (row) {
				if (live_job_answer_row(j, row) < 0)
					goto done;
				ready = -1;
				continue;
			}
			if (live_job_answer_end(j, j->lib_timed_out) < 0)
				goto done;
			goto next;
		}
		case LIVE_PH_DRAIN: {
			int err = 0;
			st = ready < 0 ? mysql_next_result_start(&err, j->m) : mysql_next_result_cont(&err, j->m, ready);
			if (st)
				break;
			if (j->t->s->error)
				goto done;
			if (!err && (j->res = mysql_use_result(j->m))) {
				j->phase = LIVE_PH_DRAIN_FETCH;
				ready = -1;
				continue;
			}
			if (err > 0 && live_error_is_fatal(mysql_errno(j->m))) {
				live_fail(j, j->stmt.label, mysql_errno(j->m), mysql_error(j->m), j->lib_timed_out);
				goto done;
			}
			goto drained;
		}
		case LIVE_PH_DRAIN_FETCH: {
			MYSQL_ROW row = NULL;
			st = ready < 0 ? mysql_fetch_row_start(&row, j->res) : mysql_fetch_row_cont(&row, j->res, ready);
			if (st)
				break;
			if (row) {
				ready = -1;
				continue;
			}
			mysql_free_result(j->res);
			j->res = NULL;
			if (mysql_errno(j->m)) {
				live_fail(j, j->stmt.label, mysql_errno(j->m), mysql_error(j->m), j->lib_timed_out);
				goto done;
			}
			goto drained;
		}
		}
		/* The library waits: for what, and until when by its own timeout. */
		j->wait = st;
		j->wait_until = (st & MYSQL_WAIT_TIMEOUT) ? live_now() + mysql_get_timeout_value_ms(j->m) / 1000.0 : 0;
		return;
drained:
		j->lib_timed_out = 0;
		if (live_job_more(j)) {
			j->phase = LIVE_PH_DRAIN;
			ready = -1;
			continue;
		}
		if (!live_job_drained(j))
			goto done;
		ready = -1;
		continue;
next:
		j->lib_timed_out = 0;
		if (!live_job_next(j))
			goto done;
		ready = -1;
	}
done:
	j->wait = 0;
}

/*
 * End j now (its deadline passed): the socket is shut down so that the
 * library's pending read or write fails at once, and the pending operation
 * is told its time is up; the target's error is already set.
 */
static void live_job_abort(struct live_job *j)
{
	int fd = live_socket(j->m);
	if (fd >= 0)
		shutdown(fd, SHUT_RDWR);
	j->aborts++;
	if (j->aborts > 3) {   /* the library keeps waiting: give up on it */
		j->wait = 0;
		return;
	}
	live_async_run(j, MYSQL_WAIT_TIMEOUT | (j->wait & (MYSQL_WAIT_READ | MYSQL_WAIT_WRITE)));
}

/* What the library asked for, as poll() events. */
static short live_poll_events(int wait)
{
	short ev = 0;
	if (wait & MYSQL_WAIT_READ)
		ev |= POLLIN;
	if (wait & MYSQL_WAIT_WRITE)
		ev |= POLLOUT;
	if (wait & MYSQL_WAIT_EXCEPT)
		ev |= POLLPRI;
	return ev;
}

/* The MYSQL_WAIT_* that happened, from poll()'s revents. */
static int live_ready(int wait, short revents)
{
	int ready = 0;
	if (revents & (POLLERR | POLLHUP | POLLNVAL))
		return wait & (MYSQL_WAIT_READ | MYSQL_WAIT_WRITE | MYSQL_WAIT_EXCEPT);
	if (revents & POLLIN)
		ready |= MYSQL_WAIT_READ;
	if (revents & POLLOUT)
		ready |= MYSQL_WAIT_WRITE;
	if (revents & POLLPRI)
		ready |= MYSQL_WAIT_EXCEPT;
	return ready & wait;
}

#endif /* LIVE_NONBLOCKING */

/* ---- many targets --------------------------------------------------------- */

struct live_pool {
	struct live_target *t;
	size_t n;
	const struct live_conn *o;
	const struct catalog *c;
	pthread_mutex_t mu;
	size_t next;               /* the next target to start */
	size_t failed;
	size_t per_thread;         /* connections one thread keeps open at once */
	/* blocking: the job each worker runs, for the watchdog */
	struct live_job **running;
	size_t nworkers;
	int finished;              /* every worker is done */
	pthread_cond_t cv;
	void (*tick)(void *ctx, int failed);   /* issue 11: progress, once per target, or NULL */
	void *tick_ctx;
};

/* The next target to start, or NULL. */
static struct live_target *live_pool_take(struct live_pool *p)
{
	struct live_target *t = NULL;
	pthread_mutex_lock(&p->mu);
	if (p->next < p->n)
		t = &p->t[p->next++];
	pthread_mutex_unlock(&p->mu);
	return t;
}

static void live_pool_failed(struct live_pool *p, size_t n)
{
	pthread_mutex_lock(&p->mu);
	p->failed += n;
	pthread_mutex_unlock(&p->mu);
}

/* A target is over: its progress tick; returns 1 when it could not be audited. */
static int live_pool_done(struct live_pool *p, const struct live_target *t)
{
	int bad = t->s->error != NULL;
	if (p->tick)
		p->tick(p->tick_ctx, bad);
	return bad;
}

#if LIVE_NONBLOCKING

/* One thread's loop: up to p->per_thread targets at once, each at its own pace. */
static void live_pool_loop(struct live_pool *p)
{
	size_t cap = p->per_thread, nactive = 0, failed = 0;
	struct live_job *jobs = xcalloc(cap, sizeof(*jobs));
	struct live_job **active = xcalloc(cap, sizeof(*active));
	struct live_job **free_jobs = xcalloc(cap, sizeof(*free_jobs));
	struct pollfd *pfd = xcalloc(cap, sizeof(*pfd));
	size_t nfree = cap;
	int more = 1;
	double next_batch = 0;

	for (size_t i = 0; i < cap; i++)
		free_jobs[i] = &jobs[cap - 1 - i];
	for (;;) {
		double now, soonest;
		int timeout_ms;

		/* Start targets while there is room, a batch at a time. */
		now = live_now();
		for (size_t started = 0; more && nfree && now >= next_batch; started++) {
			struct live_target *t;
			struct live_job *j;
			if (started == LIVE_START_BATCH) {
				next_batch = now + LIVE_START_GAP;
				break;
			}
			if (!(t = live_pool_take(p))) {
				more = 0;
				break;
			}
			j = free_jobs[--nfree];
			if (live_job_begin(j, t, p->o, p->c) == 0)
				live_async_run(j, -1);
			if (j->wait) {
				active[nactive++] = j;
			} else {
				live_job_end(j);
				failed += (size_t)live_pool_done(p, t);
				free_jobs[nfree++] = j;
			}
		}
		if (!nactive && !more)
			break;

		/* Wait for the first socket that is ready or the first clock that runs out. */
		now = live_now();
		soonest = more && nfree ? next_batch : now + 3600;
		for (size_t i = 0; i < nactive; i++) {
			struct live_job *j = active[i];
			double until = j->deadline;
			if (j->wait_until && j->wait_until < until)
				until = j->wait_until;
			if ((j->phase == LIVE_PH_CONNECT || j->phase == LIVE_PH_PROBE) &&
			    j->t0 + live_timeout(p->o->connect_timeout, LIVE_DEFAULT_CONNECT_TIMEOUT) < until)
				until = j->t0 + live_timeout(p->o->connect_timeout, LIVE_DEFAULT_CONNECT_TIMEOUT);
			if (until < soonest)
				soonest = until;
			pfd[i].fd = live_socket(j->m);
			pfd[i].events = live_poll_events(j->wait);
			pfd[i].revents = 0;
		}
		timeout_ms = soonest <= now ? 0 : (int)((soonest - now) * 1000.0) + 1;
		if (poll(pfd, (nfds_t)nactive, timeout_ms) < 0 && errno != EINTR)
			timeout_ms = 0;   /* cannot wait: at least honour the clocks below */

		now = live_now();
		for (size_t i = 0; i < nactive;) {
			struct live_job *j = active[i];
			unsigned ct = live_timeout(p->o->connect_timeout, LIVE_DEFAULT_CONNECT_TIMEOUT);
			int ready = live_ready(j->wait, pfd[i].revents);
			if (now >= j->deadline) {
				live_fail_deadline(j);
				live_job_abort(j);
			} else if ((j->phase == LIVE_PH_CONNECT || j->phase == LIVE_PH_PROBE) && now >= j->t0 + ct) {
				j->step_started = j->t0;
				j->lib_timed_out = 1;
				live_async_run(j, MYSQL_WAIT_TIMEOUT | ready);
				if (j->wait && !j->t->s->error) {   /* the library goes on: stop it */
					live_fail_login(j, 1);
					live_job_abort(j);
				}
			} else if (j->wait_until && now >= j->wait_until) {
				j->lib_timed_out = 1;
				live_async_run(j, MYSQL_WAIT_TIMEOUT | ready);
			} else if (ready) {
				live_async_run(j, ready);
			}
			if (j->wait) {
				pfd[i].fd = live_socket(j->m);   /* the library may have a new socket (probe) */
				i++;
				continue;
			}
			live_job_end(j);
			failed += (size_t)live_pool_done(p, j->t);
			free_jobs[nfree++] = j;
			active[i] = active[--nactive];
			pfd[i] = pfd[nactive];
		}
	}
	live_pool_failed(p, failed);
	free(jobs);
	free(active);
	free(free_jobs);
	free(pfd);
}

#else /* blocking */

/* The blocking path's idea of a timeout: the step took about as long as its timeout. */
static int live_blocking_timed_out(const struct live_job *j, unsigned timeout, unsigned code)
{
	return code >= LIVE_CR_MIN && code <= LIVE_CR_MAX && live_now() - j->step_started + 0.25 >= (double)timeout;
}

/*
 * The answer to j->stmt, blocking: the query's first (LIVE_PH_QUERY) or the
 * batch's next (LIVE_PH_NEXT). Returns 0 to go on, -1 when the target is done.
 */
static int live_blocking_statement(struct live_job *j)
{
	unsigned rt = live_timeout(j->o->read_timeout, LIVE_DEFAULT_READ_TIMEOUT);
	MYSQL_ROW row;
	int err = j->phase == LIVE_PH_QUERY ? mysql_real_query(j->m, j->query.buf, (unsigned long)j->query.len)
					    : mysql_next_result(j->m);
	if (err > 0 || (j->phase == LIVE_PH_QUERY && err))
		return live_job_query_failed(j, live_blocking_timed_out(j, rt, mysql_errno(j->m)));
	if (live_job_answer_begin(j) < 0)
		return -1;
	if (!j->res)
		return 0;
	while ((row = mysql_fetch_row(j->res))) {
		if (live_now() >= j->deadline) {
			live_fail_deadline(j);
			return -1;
		}
		if (live_job_answer_row(j, row) < 0)
			return -1;
	}
	return live_job_answer_end(j, live_blocking_timed_out(j, rt, mysql_errno(j->m)));
}

/* Drop the answers of the batch the plan did not ask for. Returns 0, or -1 when the connection failed. */
static int live_blocking_drain(struct live_job *j)
{
	while (live_job_more(j)) {
		int err = mysql_next_result(j->m);
		MYSQL_RES *res;
		if (err > 0 && live_error_is_fatal(mysql_errno(j->m))) {
			live_fail(j, j->stmt.label, mysql_errno(j->m), mysql_error(j->m), 0);
			return -1;
		}
		if (err || !(res = mysql_use_result(j->m)))
			continue;
		while (mysql_fetch_row(res))
			;
		mysql_free_result(res);
	}
	return 0;
}

static void live_pool_set_fd(struct live_pool *p, struct live_job *j, int fd)
{
	pthread_mutex_lock(&p->mu);
	j->fd = fd;
	pthread_mutex_unlock(&p->mu);
}

/* One target, start to end, in this thread. */
static void live_blocking_collect(struct live_pool *p, struct live_job *j)
{
	const struct live_conn *o = j->o;
	unsigned ct = live_timeout(o->connect_timeout, LIVE_DEFAULT_CONNECT_TIMEOUT);
	int cut;
	if (!mysql_real_connect(j->m, j->host, o->user, o->password, NULL, j->port, j->sock, LIVE_CLIENT_FLAGS)) {
		int timed_out = live_blocking_timed_out(j, ct, mysql_errno(j->m));
		if (!timed_out && live_job_probe_begin(j)) {
			live_job_probe_end(j, mysql_real_connect(j->m, j->host, o->user, o->password, NULL, j->port,
								 j->sock, LIVE_CLIENT_FLAGS) && mysql_get_ssl_cipher(j->m));
			return;
		}
		live_fail_login(j, timed_out);
		return;
	}
	if (live_job_connected(j) < 0)
		return;
	live_pool_set_fd(p, j, live_socket(j->m));
	while (live_job_next(j)) {
		if (j->phase == LIVE_PH_DRAIN) {
			if (live_blocking_drain(j) < 0 || !live_job_drained(j))
				break;
		}
		if (live_blocking_statement(j) < 0)
			break;
	}
	pthread_mutex_lock(&p->mu);
	cut = j->cut;
	j->fd = -1;
	pthread_mutex_unlock(&p->mu);
	if (cut && j->t->s->error) {   /* the watchdog cut it: say why, not "lost the connection" */
		j->t->s->error = NULL;
		live_fail_deadline(j);
	}
}

/* Shut down the socket of every target past its deadline, until the workers are done. */
static void *live_watchdog(void *arg)
{
	struct live_pool *p = arg;
	pthread_mutex_lock(&p->mu);
	while (!p->finished) {
		struct timespec ts;
		double now = live_now();
		for (size_t i = 0; i < p->nworkers; i++) {
			struct live_job *j = p->running[i];
			if (j && j->fd >= 0 && !j->cut && now >= j->deadline) {
				shutdown(j->fd, SHUT_RDWR);
				j->cut = 1;
			}
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000 * 1000;
		if (ts.tv_nsec >= 1000 * 1000 * 1000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000 * 1000 * 1000;
		}
		pthread_cond_timedwait(&p->cv, &p->mu, &ts);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

#endif /* LIVE_NONBLOCKING */

struct live_worker {
	struct live_pool *p;
	size_t id;
};

static void *live_worker(void *arg)
{
	struct live_worker *w = arg;
	struct live_pool *p = w->p;
	mysql_thread_init();
#if LIVE_NONBLOCKING
	live_pool_loop(p);
#else
	{
		struct live_target *t;
		struct live_job j;
		size_t failed = 0;
		while ((t = live_pool_take(p))) {
			if (live_job_begin(&j, t, p->o, p->c) == 0) {
				pthread_mutex_lock(&p->mu);
				p->running[w->id] = &j;
				pthread_mutex_unlock(&p->mu);
				live_blocking_collect(p, &j);
				pthread_mutex_lock(&p->mu);
				p->running[w->id] = NULL;
				pthread_mutex_unlock(&p->mu);
			}
			live_job_end(&j);
			failed += (size_t)live_pool_done(p, t);
		}
		live_pool_failed(p, failed);
	}
#endif
	mysql_thread_end();
	return NULL;
}

/*
 * How many connections may be open at once: the soft RLIMIT_NOFILE, raised
 * to the hard limit first, less a reserve for everything else.
 */
static size_t live_fd_budget(void)
{
	struct rlimit rl;
	rlim_t soft;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024 - LIVE_FD_RESERVE;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < rl.rlim_max) {
		struct rlimit want = rl;
		want.rlim_cur = rl.rlim_max == RLIM_INFINITY ? (rlim_t)1 << 20 : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			rl = want;
	}
	soft = rl.rlim_cur == RLIM_INFINITY ? (rlim_t)1 << 20 : rl.rlim_cur;
	return soft > 2 * LIVE_FD_RESERVE ? (size_t)soft - LIVE_FD_RESERVE : LIVE_FD_RESERVE;
}

size_t live_collect_all(struct live_target *t, size_t n, const struct live_conn *o,
			const struct catalog *c, unsigned jobs)
{
	return live_collect_all_tick(t, n, o, c, jobs, NULL, NULL);
}

size_t live_collect_all_tick(struct live_target *t, size_t n, const struct live_conn *o, const struct catalog *c,
			     unsigned jobs, void (*tick)(void *ctx, int failed), void *tick_ctx)
{
	struct live_pool p = { .t = t, .n = n, .o = o, .c = c, .tick = tick, .tick_ctx = tick_ctx };
	struct live_worker *w;
	pthread_t *threads;
	size_t nthreads = jobs ? jobs : live_default_jobs(), started = 0;

	if (!n)
		return 0;
	if (nthreads > n)
		nthreads = n;
	p.per_thread = live_fd_budget() / nthreads;
	if (p.per_thread < 1)
		p.per_thread = 1;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	p.nworkers = nthreads;
	p.running = xcalloc(nthreads, sizeof(*p.running));
	w = xcalloc(nthreads, sizeof(*w));
	threads = xcalloc(nthreads, sizeof(*threads));
#if !LIVE_NONBLOCKING
	pthread_t watchdog;
	int watching = pthread_create(&watchdog, NULL, live_watchdog, &p) == 0;
#endif
	for (size_t i = 0; i < nthreads; i++) {
		w[i] = (struct live_worker){ &p, i };
		if (nthreads > 1 && pthread_create(&threads[started], NULL, live_worker, &w[i]) == 0)
			started++;
	}
	if (!started)
		live_worker(&w[0]);   /* one job, or no thread could start: do the work here */
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
#if !LIVE_NONBLOCKING
	pthread_mutex_lock(&p.mu);
	p.finished = 1;
	pthread_cond_signal(&p.cv);
	pthread_mutex_unlock(&p.mu);
	if (watching)
		pthread_join(watchdog, NULL);
#endif
	free(threads);
	free(w);
	free(p.running);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	return p.failed;
}

int live_collect(struct live_target *t, const struct live_conn *o, const struct catalog *c)
{
	live_collect_all(t, 1, o, c, 1);
	return t->s->error ? -1 : 0;
}
