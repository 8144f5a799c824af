/*
 * engine.h - loads the rules (the rule files rules/NAME.ini, read with inih) and evaluates them
 * over a set of targets, producing findings.
 *
 * Rule format and condition language: DESIGN.md "Rules are data" and
 * docs/rules.md. Evaluation is tri-state: a condition over an unknown value
 * is unknown and the rule is "could not evaluate", never "passed".
 */
#ifndef CRASHSAFE_ENGINE_H
#define CRASHSAFE_ENGINE_H

#include <stddef.h>

#include "catalog.h"
#include "diag.h"
#include "finding.h"
#include "inipack.h"
#include "settings.h"
#include "topology.h"

struct expr;
struct engine_memo;

enum rule_scope {
	RULE_SCOPE_TARGET = 0,  /* one finding per target */
	RULE_SCOPE_CHANNEL,     /* one finding per replication channel of a target */
	RULE_SCOPE_FLEET,       /* one finding per target, judged across every target of the run */
	RULE_SCOPE_PROBLEM,     /* one failed finding per problem (offending line) counted under the
				   rule's fact; judged by require when there is none */
	/*
	 * Added (issue 12): judged once every target of the run is in, on the
	 * topology the targets' replication channels form (topology.h):
	 */
	RULE_SCOPE_TOPOLOGY,    /* one finding per target; topology.* facts, source./topology. values */
	RULE_SCOPE_LINK,        /* one finding per replication channel, with its source: source.NAME */
};

/* "target", "channel", "fleet", "problem", "topology", "link". */
const char *rule_scope_name(enum rule_scope s);

/* A conditional severity: `severity_if = CONDITION -> SEVERITY`; the first true one wins. */
struct rule_severity_if {
	const char *text;        /* the condition as written */
	struct expr *cond;
	enum severity severity;
};

/*
 * A conditional fix: `fix_if = CONDITION -> TEXT`; the first true one wins
 * over fix.FLAVOR and fix (statements that differ by version). TEXT may
 * name {channel}: the channel's name as an SQL string literal.
 */
struct rule_fix_if {
	const char *text;        /* the condition as written */
	struct expr *cond;
	const char *fix;
	unsigned line;
};

/*
 * One rule, as read from its file. Strings live in the engine's arena.
 * Read-only for everything but engine.c.
 */
struct rule {
	const char *id;            /* the section name */
	const char *title;
	enum severity severity;
	struct rule_severity_if *severity_if;
	size_t nseverity_if;
	struct rule_fix_if *fix_if;
	size_t nfix_if;
	enum rule_scope scope;
	const char *applies_text;  /* NULL: always applies */
	const char *require_text;  /* NULL only for fleet rules */
	struct expr *applies, *require;
	const char *variable;      /* `variable`, else the first variable or fact in require */
	const char *expect;        /* `expect`, else require described in words */
	int expect_given;          /* `expect` was written: findings use it as is */
	const char *unique;        /* fleet: the variable whose value must be unique */
	const char *except_same;   /* fleet: targets sharing this non-empty value may share it */
	const char *why, *fix, *doc, *tags;
	/* `why.FLAVOR`, `fix.FLAVOR`, `doc.FLAVOR` (index enum flavor); NULL when not given */
	const char *why_for[4], *fix_for[4], *doc_for[4];
	const char *expect_for[4];  /* `expect.FLAVOR` */
	const char *file;          /* where it is defined */
	const char *family;        /* the file's name without .ini: "replica", "durability"... */
	unsigned line;             /* line of its first key */
	unsigned applies_line, require_line;
	/*
	 * Set by engine_bind(): require is `FACT == ""` (a fact that lists what
	 * is wrong, empty when nothing is): a failed finding says the list.
	 */
	int fact_lists;
	/* bound by engine_bind(): variable, unique and except_same as identifiers */
	const struct expr *variable_ref, *unique_ref, *except_ref;
};

/* A variable or fact some rule reads: what a target's view keeps (finding.h). */
struct engine_read {
	const char *name;                 /* canonical variable name, or fact name */
	const struct catalog_var *var;    /* NULL for a fact */
	int fleet;                        /* added (issue 11): a fleet rule (or the cluster keyword) reads it;
					     issue 12: or a topology or link rule, or topology_link() */
};

struct engine {
	struct rule *rules;
	size_t n, cap;
	struct engine_read *reads;        /* set by engine_bind() */
	size_t nreads, reads_cap;
	/*
	 * Added (issue 13): util_strhash(reads[i].name, 0), set by
	 * engine_bind(): a target's settings (a case-sensitive strmap) are
	 * searched for every read of every target, and the name's hash is the
	 * same each time.
	 */
	size_t *read_hash;
	/*
	 * Added (issue 13): the reads by name, for engine_read_index() (set
	 * by engine_bind()): slots holding 1 + a read's index and its name's
	 * length, hashed on the length and the name's first and last 8 bytes.
	 */
	struct engine_read_slot {
		unsigned read1;               /* 0: empty */
		unsigned len;
	} *read_slots;
	size_t read_mask;
	/*
	 * Added (issue 13): whether each catalog variable exists, per flavor,
	 * build and version, shared by the targets of one server version and
	 * filled in as their conditions ask (engine.c). Set by engine_bind();
	 * engine_evaluate_target() writes into it, so one engine evaluates on
	 * one thread at a time.
	 */
	struct engine_memo *memo;
	/*
	 * Added (issue 13): the places of a target's atom memo (expr.h
	 * expr_env.memo): the rules' atoms numbered by expr_memo_number() when
	 * engine_bind() binds them (the prebuilt rules come numbered).
	 */
	unsigned nmemo;
	/*
	 * Added (issue 13): the indexes of rules[] in the order of their ids
	 * (strcmp), set by engine_bind(): engine_evaluate_target() evaluates
	 * the rules in this order, so that its findings come in
	 * target_result_sort()'s order by a distribution (target_result_order()),
	 * not a sort. norder is n when set.
	 */
	size_t *order;
	size_t norder;
	int collecting_fleet;             /* while engine_bind() walks a fleet rule */
	struct arena arena;
	/*
	 * Added (issue 13): rules[0..nprebuilt) are copies of the compiled-in
	 * prebuilt rules (prebuilt.h): their conditions and texts are static,
	 * bound to the prebuilt catalog.
	 */
	size_t nprebuilt;
};

void engine_init(struct engine *e);

/*
 * Added (issue 13): the index in e->reads of the read called name (spelled
 * as the read is: case-sensitive), or -1; -1 before engine_bind(). A hash
 * on the name's length and first and last 8 bytes and one memcmp(): check
 * asks it for every variable of every target it reads (settings_retain()).
 */
long engine_read_index(const struct engine *e, const char *name);

/*
 * Added (issue 13, for tests/unit/test_prebuilt.c): the highest expr.memo
 * among the atoms of e's rules' conditions, which engine_bind() keeps in
 * e->nmemo (for the prebuilt rules, prebuilt_nmemo). O(atoms).
 */
unsigned engine_memo_places(const struct engine *e);
void engine_release(struct engine *e);

/*
 * Load every *.ini rule file in dir (sorted; variables.ini excluded).
 * A malformed rule is an error in d with file:line. Returns 0, or -1 when
 * any file had errors or could not be read. When e is empty and dir holds
 * exactly the built-in rule files (by name, each byte for byte), e takes
 * the compiled-in rules (prebuilt.h): the same rules, already bound to the
 * prebuilt catalog, with file set to dir's paths. engine_bind() keeps them
 * as they are when nothing else was loaded and its catalog is the prebuilt
 * one, and otherwise loads those files again (from the pack) and binds all.
 */
int engine_load_dir(struct engine *e, const char *dir, struct diag_list *d);
/* Load one rule file (same checks). Returns 0 or -1. */
int engine_load_file(struct engine *e, const char *path, struct diag_list *d);

/*
 * Added (issue 13, inipack.h): read path as engine_load_file() does, but
 * instead of loading rules hand every call inih makes to the rule handler,
 * with the rule reader's state at that call, to fn (ctx passed through).
 * Never uses the pack. Returns inih's result (0: read to the end, >0: the
 * first bad line), or -1 when the file cannot be read; *nlines is the
 * lines read, *clean 1 when the reader reported nothing (no overlong line).
 */
int engine_ini_record(const char *path, inipack_record_fn fn, void *ctx, unsigned *nlines, int *clean);

/*
 * Bind every loaded rule to the catalog: identifiers resolve to catalog
 * variables (any alias), keywords or facts; literals are checked against the
 * variable's type; channel fields are allowed only in channel rules. Errors
 * (file:line) go to d. A fact name nobody is known to provide is a warning.
 * Call once after loading and before engine_evaluate(). Returns 0, or -1
 * when any rule is wrong.
 */
int engine_bind(struct engine *e, const struct catalog *c, struct diag_list *d);

/*
 * Evaluate every rule on every target (per channel for channel rules, and
 * across targets for fleet rules), appending one target_result per target
 * to out, in the order given. Targets with an error get a target_result
 * with that error. Findings are sorted worst first.
 *
 * Findings are compact (finding.h): they point to their rule, which the
 * engine owns (keep e alive while out is used), and hold no sentence; what
 * the rules read of each target is copied into its target_result.view, in
 * out's arena, so the settings may be released as soon as they have been
 * evaluated. The sentences come from the explainer (explain.h).
 */
void engine_evaluate(const struct engine *e, const struct catalog *c,
		     const struct settings *targets, size_t ntargets, struct audit_result *out);

/*
 * The two halves of engine_evaluate(), for a caller that reads its targets
 * one at a time: engine_evaluate_target() appends s's target_result with
 * its target and channel findings (s may be released right after);
 * engine_evaluate_fleet() then adds the fleet findings of the targets
 * out->targets[base..] from their views (which keep the values fleet rules
 * compare). engine_evaluate_target() hands its findings over in
 * target_result_sort()'s order (issue 13: it evaluates the rules in the
 * order of their ids, engine.order); engine_evaluate_fleet() does not sort.
 *
 * engine_evaluate_fleet() first links the targets' channels to each other
 * when a topology or link rule is loaded (topology_link(): the topology.*
 * facts and each channel's source), then adds the topology and link
 * findings, then the fleet ones. It needs nothing but the views, so
 * `crashsafe merge` runs it over targets read back from shard reports.
 */
void engine_evaluate_target(const struct engine *e, const struct catalog *c, const struct settings *s,
			    struct audit_result *out);
void engine_evaluate_fleet(const struct engine *e, const struct catalog *c, struct audit_result *out,
			   size_t base);

/*
 * Added (issue 13): engine_evaluate_fleet() one target at a time, for a
 * stream that keeps no target's cross-target findings (audit.h): the same
 * findings, in the same order per target.
 *
 *   begin   over the copies (struct engine_fleet_copies: what the
 *           cross-target rules read of each target, handed out one target
 *           at a time): when a topology or link rule is loaded, link them
 *           (topology_derive_nodes(): the channels' sources into the
 *           copies' channels, the facts into the set derived,
 *           which the caller keeps and releases); then group the targets for every
 *           fleet rule (judged on each view with its facts).
 *   view    *tr: copy i (no findings) whose view has its variables and
 *           facts (topology_view_with()); valid until the next view.
 *   target  add to tr (from view) target i's topology and link findings, in
 *           rule order, then its fleet findings; their peers go to ar. A link
 *           finding's source is a view made once and kept until end.
 *   end     release (after the findings are no longer read).
 */
struct engine_fleet_rule;
/*
 * The copies the cross-target rules read, n of them, through ctx:
 *   copy   fill *tr with copy i: its header (path_key NULL: no rule across
 *          targets reads it) and its view without variables
 *          (view.n 0) or findings; the view's channels are the copy's own,
 *          where the linking writes each channel's source (they stay valid
 *          and the same until the copies are released); strings valid as
 *          long as the copies.
 *   vars   fill view->vars and view->n with copy i's variables, in a buffer
 *          the caller owns, valid until its next call.
 *   name   copy i's name (copy()'s tr->name), valid as long as the copies.
 *   node   copy i's topology node (topology.h: what copy() would give
 *          topology_node_of(), without making a target_result).
 *   pool   where the linking interns the strings it makes (its arena).
 */
struct engine_fleet_copies {
	size_t n;
	void (*copy)(void *ctx, size_t i, struct target_result *tr);
	void (*vars)(void *ctx, size_t i, struct settings *view);
	const char *(*name)(void *ctx, size_t i);
	void (*node)(void *ctx, size_t i, struct topology_node *node);
	void *ctx;
	struct audit_result *pool;
};
struct engine_fleet {
	const struct engine *e;
	const struct catalog *c;
	struct engine_fleet_copies copies;
	size_t n;
	struct topology_derived_set *derived;  /* the caller's; NULL: no topology or link rule */
	struct settings plain;                 /* a view with its variables, no facts (engine.c) */
	struct topology_scratch scratch;       /* engine_fleet_view()'s */
	struct engine_fleet_rule *rules;       /* per fleet rule */
	size_t nrules;
	struct settings **sources;             /* per target: its view as a link rule's source, or NULL */
	struct topology_scratch *source_scratch;
	size_t nsource_scratch;
};
void engine_fleet_begin(struct engine_fleet *f, const struct engine *e, const struct catalog *c,
			const struct engine_fleet_copies *copies, struct topology_derived_set *derived);
void engine_fleet_view(struct engine_fleet *f, size_t i, struct target_result *tr);
void engine_fleet_target(struct engine_fleet *f, size_t i, struct target_result *tr, struct arena *ar);
void engine_fleet_end(struct engine_fleet *f);

/*
 * Added (issue 12, for `crashsafe merge`): nonzero for the rules whose
 * findings engine_evaluate_fleet() adds, the ones judged across the targets
 * of a run: scope fleet, topology and link. A caller that rebuilds one run
 * from parts (shard reports) keeps every other finding as the part wrote
 * it, drops the parts' findings of these rules, and calls
 * engine_evaluate_fleet() once over all the targets: a shard did not see
 * the servers of the other shards, so its "could not evaluate: the source
 * H:P of channel 'x' is not among the audited servers" (and its fleet
 * comparisons) are decided only there. r NULL (a rule id the engine does
 * not know): 0.
 */
int engine_rule_across_targets(const struct rule *r);

/* Sort one target's findings worst first (status, severity, rule id, channel); empty targets are fine. */
void engine_sort_findings(struct target_result *t);

/*
 * A rule's why, fix and doc for a flavor: the flavor's own text (Percona
 * falls back to MySQL's), else the general one.
 */
const char *rule_why(const struct rule *r, enum flavor f);
const char *rule_fix(const struct rule *r, enum flavor f);
const char *rule_doc(const struct rule *r, enum flavor f);
/* The rule's expect text for a flavor (`expect.FLAVOR`, else `expect`: possibly the described require). */
const char *rule_expect(const struct rule *r, enum flavor f);

/*
 * Nonzero when rule r reads catalog variable v (in applies, require,
 * severity_if, fix_if or as its variable): `crashsafe rules VARIABLE`.
 */
int rule_reads_var(const struct rule *r, const struct catalog_var *v);

/* Rule access for `crashsafe rules`. */
size_t engine_rule_count(const struct engine *e);
const struct rule *engine_rule_at(const struct engine *e, size_t i);
const struct rule *engine_rule_find(const struct engine *e, const char *id);

#endif
