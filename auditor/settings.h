/*
 * settings.h - one target's effective settings: the one model that option
 * files, captured variable snapshots and live servers all fill, and that
 * the rule engine reads.
 *
 * A target holds named values. Most names are canonical variable names from
 * the catalog (rules/variables.ini); a few are facts that only a live server
 * knows, named with a dot ("channel.*", "engine.*", see live.h). Each value
 * keeps where it came from; a value replaced by a later one is kept in the
 * variable's "overridden" list, oldest first, so a report can say "set to ON
 * at a.cnf:12, overridden to OFF at conf.d/90-tuning.cnf:3".
 *
 * All strings are owned by the target's arena: settings_release() frees them.
 */
#ifndef CRASHSAFE_SETTINGS_H
#define CRASHSAFE_SETTINGS_H

#include <stddef.h>

#include "diag.h"
#include "flavor.h"
#include "util.h"

struct project_target;

enum role {
	ROLE_ANY = 0,   /* may be either, as after a failover (the default) */
	ROLE_PRIMARY,
	ROLE_REPLICA,
};

const char *role_name(enum role r);
int role_parse(enum role *out, const char *s);   /* "primary", "replica", "any"; 0 or -1 */

/* Where a value came from. */
enum settings_source {
	SETTINGS_SRC_DEFAULT = 0,  /* nothing set it: the catalog default for the flavor and version */
	SETTINGS_SRC_FILE,         /* an option file line */
	SETTINGS_SRC_SNAPSHOT,     /* a captured SHOW GLOBAL VARIABLES file */
	SETTINGS_SRC_LIVE,         /* a running server */
	SETTINGS_SRC_TOPOLOGY,     /* added (issue 12): derived from the run's servers together (topology.h) */
};

struct settings_origin {
	enum settings_source source;
	unsigned line;        /* 1-based; 0 when there is no line (next to source: 32 bytes, not 40; issue 13) */
	const char *file;     /* option file or snapshot; NULL otherwise */
	const char *chain;    /* "included from my.cnf:12" (for nested includes, the whole chain) or NULL */
	const char *detail;   /* free text: "default for MySQL 8.4", "live: set with SET GLOBAL" ... */
};

struct settings_value {
	const char *value;    /* the value as the server takes it ("OFF" for skip-x); NULL when unknown */
	const char *spelled;  /* the option as written ("loose-skip-log-slave-updates"), or the live name */
	struct settings_origin origin;
};

struct settings_var {
	const char *name;                    /* canonical name or fact name */
	struct settings_value current;       /* the effective value */
	struct settings_value *overridden;   /* earlier values, oldest first */
	unsigned n_overridden, overridden_cap; /* unsigned, not size_t: 72 bytes a variable, not 80 (issue 13) */
};

/*
 * One replication channel of a live server (MariaDB: one connection), as
 * SHOW REPLICA STATUS / SHOW ALL SLAVES STATUS and performance_schema
 * show it (mysql-facts.md D4). Every string is NULL when unknown.
 */
struct settings_channel {
	const char *name;            /* "" for the default channel */
	const char *auto_position;   /* MySQL AUTO_POSITION "1"/"0"; NULL when unknown or MariaDB */
	const char *using_gtid;      /* MariaDB Using_Gtid "No"/"Slave_Pos"/"Current_Pos"; NULL otherwise */
	const char *io_running;      /* Slave_IO_Running / Replica_IO_Running, NULL when unknown */
	const char *sql_running;
	const char *source_host;     /* Master_Host / Source_Host */
	unsigned source_port;
	/* added (issue 12): the channel's health and its source's identity */
	const char *last_io_errno;   /* Last_IO_Errno ("0": none) */
	const char *last_io_error;   /* Last_IO_Error, control characters shown as '?', at most 300 bytes */
	const char *last_sql_errno;  /* Last_SQL_Errno ("0": none) */
	const char *last_sql_error;  /* Last_SQL_Error, cleaned the same way */
	const char *skip_counter;    /* Skip_Counter: events sql_slave_skip_counter still skips */
	const char *source_server_id;/* Master_Server_Id / Source_Server_Id (0: never connected) */
	const char *source_uuid;     /* Master_UUID / Source_UUID (MySQL) */
	int group_replication;       /* group_replication_applier / _recovery: not an asynchronous channel */
	/*
	 * Derived in a result's views (engine.c): each thread that does not
	 * run, and its error: "applier stopped: Last_SQL_Errno 1062: Duplicate
	 * entry ...", "receiver Connecting: Last_IO_Errno 2003: ...", "applier
	 * stopped (no error: stopped by hand?)"; "" when both run, NULL when
	 * their states are unknown.
	 */
	const char *problem;
	/*
	 * Set by topology_link() (topology.h) on a result's views: the target
	 * of the run this channel replicates from (its name), or NULL and
	 * source_why saying why none was found.
	 */
	const char *source_target;
	size_t source_index;         /* 1-based index of that target in the audit result; 0: none */
	const char *source_why;
};

/*
 * What makes the server refuse to start with a target's option files, one
 * entry per offending line (the reader's fatal problems, options the
 * flavor and version do not have, values they refuse). Kept as facts,
 * not sentences: the explainer (explain.h) words them. Each counts under
 * a fact (option_file_errors, removed_options: config.h), and the rules
 * of scope `problem` give one finding per entry (docs/rules.md).
 */
enum settings_problem_kind {
	SETTINGS_PROBLEM_READER = 0,   /* the reader stops here (BOM, orphan option, header without ']'...): detail */
	SETTINGS_PROBLEM_UNKNOWN,      /* the flavor and version have no such option */
	SETTINGS_PROBLEM_SPELLING,     /* it exists there under another name: replacement */
	SETTINGS_PROBLEM_REMOVED,      /* removed in `version` (replacement: what replaced it, when known) */
	SETTINGS_PROBLEM_VALUE,        /* a value the server refuses: detail says why */
	SETTINGS_PROBLEM_MAXIMUM,      /* maximum- on a variable the server cannot bound */
	SETTINGS_PROBLEM_AUTOSET,      /* autoset- on a variable without automatic setup (MariaDB) */
	SETTINGS_PROBLEM_AMBIGUOUS,    /* an abbreviation of several options (MariaDB): detail names some */
};

struct settings_problem {
	const char *fact;                 /* the fact it counts under: "option_file_errors", "removed_options" */
	enum settings_problem_kind kind;
	struct settings_origin origin;    /* file, line, include chain */
	const char *option;               /* the option as written ("skip-host-cache"), or NULL */
	const char *value;                /* the value as written, or NULL */
	const char *variable;             /* the catalog variable it names, or NULL */
	const char *replacement;          /* the spelling or option to use instead, or NULL */
	struct version version;           /* REMOVED: the release that removed it */
	const char *detail;               /* why: the reader's message, why the value is refused */
	const char *text;                 /* the whole problem in one phrase (diagnostics, facts) */
};

struct settings {
	const char *target;          /* the path or host as the user gave it */
	const char *kind;            /* "file", "snapshot" or "live" */
	enum flavor flavor;          /* FLAVOR_UNKNOWN: nothing told (a capture without version rows) */
	enum flavor_variant variant; /* the build: plain, or Galera (PXC, MariaDB Galera) */
	struct version version;      /* 0.0 (version_is_known() false): unknown */
	int version_detected;        /* nonzero: read from the server or snapshot, not assumed */
	/*
	 * Added (flavor.h, infer.h): how flavor, build and version were
	 * decided, for reports. source is one word: "default", "command-line",
	 * "inferred", "snapshot", "server" (issue 10 adds "project-file" and
	 * "annotation"); evidence says what decided it, for humans ("group
	 * [mariadb] at my.cnf:3"), or NULL. Both live in the arena.
	 */
	const char *flavor_source;
	const char *flavor_evidence;
	enum role role;
	int role_detected;           /* nonzero: live detection decided the role */
	const char *cluster;         /* Galera cluster name (wsrep_cluster_name) or NULL */
	/*
	 * Added (issue 10, project.h): the cluster the target declares
	 * (annotation, project file, inventory), within which fleet rules
	 * compare it; NULL: none declared (engine.h says what then).
	 */
	const char *topology;
	/*
	 * Added (issue 10): the target's normalised path (project_path_key)
	 * for suppressions and baselines; NULL for live targets.
	 */
	const char *path_key;
	/*
	 * Added (issue 10): the target's layers, disabled rules and inline
	 * suppressions (project.h), or NULL; owned by the command.
	 */
	struct project_target *project;
	/*
	 * Added (issue 12, topology.h): where the target was reached or
	 * captured, "host:port" as given (live spec, inventory, or a capture's
	 * "# target" line), NULL for option files: replicas' channels name
	 * their source by it. multi_writer: the target's cluster is declared
	 * to take writes on more than one server ("yes"/"no", from the
	 * inventory or project file), NULL when not declared.
	 */
	const char *address;
	const char *multi_writer;
	struct settings_var *vars;
	size_t n, cap;
	struct strmap index;         /* name -> position in vars (settings_get/settings_set are O(1)) */
	struct settings_channel *channels;
	size_t nchannels, channels_cap;
	int channels_known;          /* nonzero when channels were read (live) */
	struct diag_list diags;      /* problems reading this target */
	struct settings_problem *problems;   /* why the server would refuse the option files, per line */
	size_t nproblems, problems_cap;
	/*
	 * Where a line setting a variable left at its default belongs: the
	 * header of the last [mysqld] group read (MariaDB: [mysqld], [mariadb]
	 * or [mariadbd]), else of the last group read; file without line when
	 * no group was read; no file for targets that are not option files.
	 */
	struct settings_origin group_header;
	/*
	 * Added: how flavor, build and version were decided when that changes
	 * what is audited (an unknown version, a flavor that contradicts the
	 * files, groups no server of this flavor reads). Always printed to
	 * stderr (warnings; notes with -v), not only with -v like diags.
	 */
	struct diag_list build_diags;
	const char *error;           /* non-NULL: the target could not be audited, and why */
	/*
	 * Added (issue 11): the target's place in its run before --shard
	 * (0-based; `crashsafe merge` restores the run's order from it), and the
	 * inventory's tags for it, comma-separated, or NULL. Both are copied
	 * into the target's result and its JSON report.
	 */
	size_t position;
	const char *tags;
	/*
	 * Added (issue 11): for an option-file target, its entry file and the
	 * files it includes, resolved (realpath; load.c), so that `crashsafe
	 * merge` can drop, over every shard, the targets that another target
	 * includes or that name the same file, as one unsharded run does.
	 * NULL / 0 otherwise. In the arena.
	 */
	const char *real_path;
	const char **includes;
	size_t nincludes;
	struct arena arena;
	/*
	 * Added (issue 13): the arena copies of the last origin file, chain and
	 * detail settings_set() stored; the next variable with equal text
	 * shares them (nearly every value comes from one file or one default).
	 */
	const char *last_file, *last_chain, *last_detail;
	/*
	 * Added (issue 13): NULL but for views kept by the thousands (check's
	 * copies of what the rules across targets read, audit.c). Set, such a
	 * view has no index (index stays empty: settings_get() and
	 * settings_set() scan vars, a few dozen), and settings_set() and
	 * settings_intern() copy strings with shared->intern(shared->ctx,
	 * text), a pool that the run's views share and that outlives them,
	 * instead of into the arena.
	 */
	const struct settings_shared *shared;
};

/* Added (issue 13): see settings.shared. */
struct settings_shared {
	const char *(*intern)(void *ctx, const char *text);
	void *ctx;
};

void settings_init(struct settings *s, const char *target, const char *kind);
void settings_release(struct settings *s);

/*
 * Added (issue 11, for crashsafe merge): forget every variable and fact
 * whose name starts with prefix ("topology.": the facts topology_link()
 * derived in a shard from its own targets only, derived again over all the
 * targets), keeping the others in their order. O(n).
 */
void settings_forget_prefix(struct settings *s, const char *prefix);

/*
 * Set name to value (copied into the arena). When name already has a value,
 * that value moves to the overridden list. value may be NULL (unknown). The
 * value of a secret (secret.h: password, wsrep_sst_auth ...) is stored as
 * SECRET_MASK, so no report, finding or message built from settings can
 * hold it. Returns the variable.
 */
struct settings_var *settings_set(struct settings *s, const char *name, const char *value,
				  const char *spelled, const struct settings_origin *origin);
/*
 * Added (issue 13): settings_set() for a name and a value that outlive s
 * (a catalog's strings: a default), not copied into the arena; hash is
 * strmap_hash_of(&s->index, name). The origin's texts are copied as
 * settings_set() copies them. A shared view (s->shared) copies as
 * settings_set() does. name must not be a secret's (secret_name() 0: the
 * caller knows it; a secret's value goes through settings_set()).
 */
struct settings_var *settings_set_kept(struct settings *s, const char *name, size_t hash, const char *value,
				       const struct settings_origin *origin);
/*
 * Added (session 6): the same with the spelling kept too (name, value and
 * spelled all outlive s: an option line's outcome a run's config cache
 * replays, config.h). name must not be a secret's.
 */
struct settings_var *settings_set_kept_all(struct settings *s, const char *name, size_t hash, const char *value,
					   const char *spelled, const struct settings_origin *origin);
/*
 * Added (session 6): settings_set_kept() whose origin's texts (file,
 * chain, detail) outlive s too, or are s's own (settings_intern()): a
 * default (a release's detail text, a run's cache), a fact put together
 * in s. No spelling. name must not be a secret's.
 */
struct settings_var *settings_set_constant(struct settings *s, const char *name, size_t hash, const char *value,
					   const struct settings_origin *origin);
/* The same with only the name kept (a catalog variable's, not a secret's): value and spelled are copied. */
struct settings_var *settings_set_named(struct settings *s, const char *name, size_t hash, const char *value,
					const char *spelled, const struct settings_origin *origin);
/* The variable called name (exact match), or NULL. A hash lookup: O(1). */
const struct settings_var *settings_get(const struct settings *s, const char *name);
/* The same with hash = strmap_hash_of(&s->index, name) already known (issue 13). */
const struct settings_var *settings_get_hashed(const struct settings *s, const char *name, size_t hash);
/*
 * Added (issue 13): keep only the variables and facts keep() accepts, in
 * their order, and give back the memory of the rest's entries (their text
 * stays in the arena). A run whose rules read 60 of a capture's 1,200
 * variables keeps 60 per target instead of 1,200 while the other targets
 * are read. Pointers into s->vars are invalidated.
 */
void settings_retain(struct settings *s, int (*keep)(void *ctx, const char *name), void *ctx);

/*
 * Added (issue 13): make room for n variables in all (the array and the
 * index), so that setting up to n grows each at most once, here.
 */
void settings_reserve(struct settings *s, size_t n);

/* Add a channel; strings are copied. Returns it for the caller to fill further. */
struct settings_channel *settings_add_channel(struct settings *s, const char *name);
/* Append a problem (strings copied into the arena). Returns it. */
struct settings_problem *settings_add_problem(struct settings *s, const struct settings_problem *p);
/* Copy a string into the target's arena. */
const char *settings_intern(struct settings *s, const char *str);

/*
 * Describe an origin for a human: "conf.d/replica.cnf:7",
 * "conf.d/x.cnf:3 (included from my.cnf:12)", "default for MySQL 8.4",
 * "live (SET GLOBAL)". Returns a heap string the caller frees.
 */
char *settings_origin_describe(const struct settings_origin *o);
/* The same text appended to sb, without a heap string of its own or a format (issue 13: the
 * explainer writes it once or twice per finding). */
void settings_origin_add(struct strbuf *sb, const struct settings_origin *o);

#endif
