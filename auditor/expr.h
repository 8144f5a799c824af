/*
 * expr.h - the rule condition language (the `applies` and `require` keys of
 * a rule), evaluated with three truth values: true, false and unknown.
 *
 * Grammar (docs/rules.md has the long form):
 *
 *     expr    := or
 *     or      := and ( "||" and )*
 *     and     := unary ( "&&" unary )*
 *     unary   := "!" unary | primary
 *     primary := "(" expr ")" | "true" | "false"
 *              | "defined" "(" IDENT ")" | "isset" "(" IDENT ")"
 *              | IDENT [ OP literal | "in" "(" literal ( "," literal )* ")" ]
 *     OP      := "==" | "!=" | "<" | "<=" | ">" | ">=" | "has"
 *     literal := WORD | NUMBER | VERSION | "quoted string"
 *
 * The left side of a comparison is always an identifier and the right side
 * always a literal, so `role != primary` compares the keyword role with the
 * word "primary". An identifier is a keyword (role, flavor, version, kind,
 * cluster), a channel field in channel-scoped rules (channel.name,
 * channel.auto_position, channel.using_gtid, channel.io_running,
 * channel.sql_running, channel.source_host, and from issue 12
 * channel.last_io_errno, channel.last_io_error, channel.last_sql_errno,
 * channel.last_sql_error, channel.skip_counter, channel.source_server_id,
 * channel.source_uuid, channel.source, channel.problem), a catalog variable under any
 * of its names, or else a fact: any other name the target's settings hold
 * (option_file_errors, removed_options, facts of live servers, the
 * topology.* facts of topology.h).
 *
 * Added (issue 12): in rules judged across the run's servers
 * (EXPR_ALLOW_SOURCE: `scope = link`, one finding per replication channel),
 * `source.NAME` is NAME (any identifier but a channel field) on the
 * channel's source; and in `scope = link` and `scope = topology` rules
 * (EXPR_ALLOW_REFS) an unquoted literal `source.NAME` or `topology.NAME`
 * stands for that value instead of the text: `gtid_mode == source.gtid_mode`,
 * `version >= source.version`, `auto_increment_increment >= topology.writers`,
 * compared by the left side's type. `X has WORD` is true when X, read as a
 * comma-separated list, has WORD as an item (case-insensitive):
 * `replica_skip_errors has 1062`.
 *
 * Comparisons are typed by what the left side is: booleans compare as ON/OFF
 * whatever the spelling, unsigned numbers numerically with K/M/G suffixes,
 * enums and words case-insensitively, `version` as a version (a target
 * version without a patch level, "8.0", stands for the newest release of its
 * series; a literal without one, "8.0", compares major.minor only). Facts
 * and channel fields compare numerically when both sides are integers, else
 * as case-insensitive text.
 *
 * Unknown propagates by Kleene's rules: false && unknown is false, true ||
 * unknown is true, !unknown is unknown. A variable that does not exist on
 * the target's flavor and version is unknown to every comparison; guard it
 * with defined(x).
 *
 * A target whose version is unknown (0.0: a capture without a version row)
 * or whose flavor is FLAVOR_UNKNOWN makes `version` resp. `flavor` unknown,
 * and with them the existence of every variable the target does not report
 * (expr_var_exists()): defined(x) is unknown, never false, so a rule that
 * depends on them is "could not evaluate", never passed or not applicable.
 *
 * Trees are allocated in the caller's arena and freed with it.
 */
#ifndef CRASHSAFE_EXPR_H
#define CRASHSAFE_EXPR_H

#include <stddef.h>

#include "catalog.h"
#include "settings.h"
#include "util.h"

enum tri {
	TRI_FALSE = 0,
	TRI_TRUE = 1,
	TRI_UNKNOWN = 2,
};

const char *tri_name(enum tri t);   /* "false", "true", "unknown" */

enum expr_kind {
	EXPR_CONST,    /* true / false: value */
	EXPR_NOT,      /* !left */
	EXPR_AND,      /* left && right */
	EXPR_OR,       /* left || right */
	EXPR_TRUTH,    /* a bare identifier used as a condition */
	EXPR_CMP,      /* ident cmp lits[0] */
	EXPR_IN,       /* ident in (lits...) */
	EXPR_DEFINED,  /* defined(ident) */
	EXPR_ISSET,    /* isset(ident) */
};

enum expr_cmp { EXPR_EQ, EXPR_NE, EXPR_LT, EXPR_LE, EXPR_GT, EXPR_GE, EXPR_HAS };

/* What an identifier names (set by expr_bind(), or looked up when evaluated). */
enum expr_ref {
	EXPR_REF_NONE = 0,
	EXPR_REF_ROLE,
	EXPR_REF_FLAVOR,
	EXPR_REF_VERSION,
	EXPR_REF_KIND,
	EXPR_REF_CLUSTER,
	EXPR_REF_CHANNEL_NAME,
	EXPR_REF_CHANNEL_AUTO_POSITION,
	EXPR_REF_CHANNEL_USING_GTID,
	EXPR_REF_CHANNEL_IO_RUNNING,
	EXPR_REF_CHANNEL_SQL_RUNNING,
	EXPR_REF_CHANNEL_SOURCE_HOST,
	EXPR_REF_CHANNEL_LAST_IO_ERRNO,     /* added (issue 12) */
	EXPR_REF_CHANNEL_LAST_IO_ERROR,
	EXPR_REF_CHANNEL_LAST_SQL_ERRNO,
	EXPR_REF_CHANNEL_LAST_SQL_ERROR,
	EXPR_REF_CHANNEL_SKIP_COUNTER,
	EXPR_REF_CHANNEL_SOURCE_SERVER_ID,
	EXPR_REF_CHANNEL_SOURCE_UUID,
	EXPR_REF_CHANNEL_SOURCE,            /* the run's target the channel replicates from */
	EXPR_REF_CHANNEL_PROBLEM,           /* what stopped a thread, "" when both run */
	EXPR_REF_VAR,      /* a catalog variable: var */
	EXPR_REF_FACT,     /* any other settings name */
	EXPR_REF_SOURCE,   /* source.NAME: sub, on the channel's source (env->source) */
};

/* Nonzero for the channel.* references. */
int expr_ref_is_channel(enum expr_ref r);

struct expr;

struct expr_literal {
	const char *text;   /* as written, quotes removed */
	int quoted;
	const char *norm;   /* normalised for the identifier's type by expr_bind(), or NULL */
	struct expr *ref;   /* added: source.NAME / topology.NAME given as the value (EXPR_ALLOW_REFS), or NULL */
};

struct expr {
	enum expr_kind kind;
	enum expr_cmp cmp;
	int value;                   /* EXPR_CONST */
	/*
	 * Added (issue 13): an atom's place in a target's memo (expr_env.memo),
	 * plus one; 0 for none. expr_memo_number() numbers the atoms of a set of
	 * conditions so that equal atoms share a place: each is evaluated once
	 * per target, however many rules test it.
	 */
	unsigned memo;
	struct expr *left, *right;
	const char *ident;           /* as written */
	struct expr_literal *lits;
	size_t nlits;
	unsigned column;             /* 1-based column where the node starts */
	enum expr_ref ref;
	const struct catalog_var *var;
	struct expr *sub;            /* EXPR_REF_SOURCE: NAME as an identifier of its own */
};

/* A parse error: message and 1-based column in the text. */
struct expr_error {
	unsigned column;
	char message[200];
};

/*
 * Parse text into a tree allocated in a. Returns the tree, or NULL with
 * err filled ("expected ')' but found 'x'", column).
 */
struct expr *expr_parse(struct arena *a, const char *text, struct expr_error *err);

/*
 * Bind every identifier of e: keywords, channel fields (an error unless
 * allow_channel), catalog variables (c may be NULL: then every other name is
 * a fact), facts. Checks each literal against the identifier's type
 * (a boolean compared with "yes", an enum with a value it does not have,
 * "<" on a boolean...) and stores its normalised form. Returns 0, or -1
 * with the first problem appended to err.
 */
int expr_bind(struct expr *e, struct arena *a, const struct catalog *c, int allow_channel,
	      struct strbuf *err);

/* What a rule's scope lets a condition name (expr_bind_scope()). */
enum {
	EXPR_ALLOW_CHANNEL = 1,   /* channel.* (scope channel and link) */
	EXPR_ALLOW_SOURCE = 2,    /* source.NAME identifiers (scope link) */
	EXPR_ALLOW_REFS = 4,      /* source.NAME / topology.NAME as values (scope link and topology) */
};
/* expr_bind() with the scope's permissions (EXPR_ALLOW_* or-ed). */
int expr_bind_scope(struct expr *e, struct arena *a, const struct catalog *c, unsigned allow,
		    struct strbuf *err);

/* What an expression is evaluated against. */
struct expr_env {
	const struct catalog *catalog;          /* may be NULL: no catalog variables */
	const struct settings *target;
	const struct settings_channel *channel; /* channel-scoped rules; else NULL */
	const struct settings *source;          /* link rules: the channel's source (its view), or NULL */
	/*
	 * Optional per-target caches (the engine sets them up once per target;
	 * NULL means look up each time). Indexed by catalog variable
	 * (var - catalog->vars): the target's entry for it (filled for every
	 * variable a loaded rule reads), and whether it exists on the target's
	 * flavor, build and version (1, 0, or -1 for unknown:
	 * expr_var_exists()), or EXPR_EXISTS_UNSET until a condition first asks:
	 * evaluation then works it out and stores it there (issue 13: a target's
	 * rules ask about a few of the catalog's variables). display: "MySQL 8.4".
	 */
	const struct settings_var *const *var_value;
	signed char *var_exists;
	const char *display;
	/*
	 * Added (issue 13): optional, NULL for none. The results of the atoms
	 * numbered by expr_memo_number() (expr.memo - 1) on this target, each
	 * EXPR_MEMO_UNSET until evaluated: expr_eval() works an atom out once
	 * and reads it back after. Only atoms that do not read the channel or
	 * the source are numbered, so one memo serves a target and all its
	 * channels; the caller resets it for the next target.
	 */
	signed char *memo;
	/*
	 * Added (issue 13): optional, NULL for none. Per catalog variable, its
	 * name as the target spells it (expr_var_display()), NULL until first
	 * asked: explanations fill it in. It depends on the target's flavor,
	 * build and version alone, so a caller may keep it while they stay.
	 */
	const char **var_name;
};

/* expr_env.memo: not evaluated yet. */
#define EXPR_MEMO_UNSET 3

/* expr_env.var_exists: not worked out yet. */
#define EXPR_EXISTS_UNSET 2

/* expr_var_exists() of v on env's target, through env->var_exists when set (filling it in). */
enum tri expr_env_var_exists(const struct expr_env *env, const struct catalog_var *v);

enum tri expr_eval(const struct expr *e, const struct expr_env *env);

/*
 * The value an identifier has on env, as expr_eval() sees it.
 * state is KNOWN with text, UNKNOWN (no value), or ABSENT (a catalog
 * variable that does not exist on the target's flavor and version).
 */
enum expr_value_state { EXPR_VALUE_KNOWN, EXPR_VALUE_UNKNOWN, EXPR_VALUE_ABSENT };
struct expr_value {
	enum expr_value_state state;
	const char *text;                  /* KNOWN: the value as the target has it */
	const struct settings_var *sv;     /* variables and facts: the target's entry, or NULL */
	const struct catalog_var *var;     /* catalog variables */
	const char *name;                  /* canonical name for humans */
	char buf[48];                      /* storage for text (version, role ...) */
};
void expr_value_of(const struct expr *atom, const struct expr_env *env, struct expr_value *out);
/* The same for a name (resolved like an identifier in a target-scoped rule). */
void expr_value_of_name(const char *name, const struct expr_env *env, struct expr_value *out);

/*
 * Append why e evaluates as it does on env, naming only the parts that
 * decide it: "role is primary", "log_bin is OFF (default for MariaDB
 * 10.11)", "sync_binlog is 0 (my.cnf:7)", "super_read_only does not exist
 * on MariaDB 10.11", "relay_log_recovery is unknown".
 */
void expr_explain(const struct expr *e, const struct expr_env *env, struct strbuf *sb);
/*
 * As expr_explain(), for a rule's require condition: tests of the target's
 * context (role, flavor, version, kind, cluster) are left out when other
 * clauses explain the outcome, and of an || of per-context branches only
 * the branch that applies to the target is explained. A clause is never
 * repeated.
 */
void expr_explain_require(const struct expr *e, const struct expr_env *env, struct strbuf *sb);

/* Append e in words for a human: "relay_log_recovery = ON and sync_binlog = 1". */
void expr_describe(const struct expr *e, struct strbuf *sb);
/* The same, naming each variable the way target s spells it (sync_master_info on MariaDB). */
void expr_describe_for(const struct expr *e, const struct settings *s, struct strbuf *sb);

/*
 * The name of catalog variable v as target s accepts it: the canonical name
 * when s's flavor and version know it, else the first alias they know
 * (log_slave_updates on MariaDB and MySQL before 8.0.26).
 */
const char *expr_var_display(const struct catalog_var *v, const struct settings *s);
/*
 * Added (issue 10, also used by topology.c): what the keyword `cluster`
 * reads on s: settings.cluster, else wsrep_cluster_name when wsrep_on is
 * ON; "" when none. c may be NULL.
 */
const char *expr_target_cluster(const struct catalog *c, const struct settings *s);

/*
 * Added (issue 13): number the atoms of e for a target's memo (expr.memo):
 * an atom equal to one numbered before (same kind, comparison, identifier,
 * binding and literals) gets its number, a new one *n + 1 (and *n grows).
 * Atoms that read a channel field or the channel's source, or compare with
 * a reference, stay 0. seen (an empty strmap the first time, kept over
 * every condition of the set; the caller releases it) holds a key per atom
 * in a, which must outlive it. e must be bound.
 */
void expr_memo_number(struct expr *e, struct arena *a, struct strmap *seen, unsigned *n);

/* Call fn for every identifier-carrying node of e, left to right; stops at a non-zero return. */
int expr_walk(const struct expr *e, int (*fn)(void *ctx, const struct expr *atom), void *ctx);

/*
 * "MySQL 8.4", "MariaDB 10.11.6", "Percona XtraDB Cluster 8.0": the
 * target's flavor, build and version for messages.
 */
void expr_target_display(const struct settings *s, char *buf, size_t size);

/*
 * Whether catalog variable v exists on target s, for its flavor, build and
 * version: TRI_TRUE or TRI_FALSE; TRI_UNKNOWN when s's flavor or version is
 * unknown (a capture without a version row) and s holds no value the
 * server reported for v (a reported value proves it exists).
 */
enum tri expr_var_exists(const struct catalog_var *v, const struct settings *s);

#endif
