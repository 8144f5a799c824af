/*
 * explain.h - the one explainer: turns a compact finding (finding.h) and
 * the values its target's rules read (target_result.view) into the
 * sentences every report writer shares (STYLE.md 11). The engine decides,
 * the explainer words, the writers format: no writer builds a sentence
 * about a finding by itself, so every format says the same thing.
 *
 * Sentences are built only when a writer asks, one finding at a time, into
 * scratch buffers the explainer reuses: an explanation is valid until the
 * next explain_finding() call on the same explainer, or its release.
 *
 * The explainer is an object with one method, so that a writer can be
 * given findings whose sentences come from elsewhere (tests build findings
 * by hand; a merge of earlier JSON reports has their sentences already).
 */
#ifndef CRASHSAFE_EXPLAIN_H
#define CRASHSAFE_EXPLAIN_H

#include <stdint.h>

#include "catalog.h"
#include "finding.h"
#include "util.h"

struct engine;
struct explain_full;

/*
 * Added (issue 13): a target's entry of a variable or fact (or an origin
 * alone) as the explainer's caches key it: its texts interned (one copy
 * of each text over the run, so that keys compare and hash by address),
 * file NULL with self set for the target's own file.
 */
struct explain_entry_key {
	const char *text, *file, *chain, *detail;
	unsigned line;
	unsigned char source, has_entry, self, overridden;
	unsigned char detail_self;   /* detail holds the target's name, as explain.c's placeholder */
	unsigned char refused;       /* a text was not interned (the run's limit): not to be kept */
};

/* The value atoms of a rule's condition (explain.c msg_class_of()). */
struct explain_msg_atoms {
	struct msg_atom *atom;
	size_t n;
};

/* Everything a report says about one finding. NULL: not applicable to this finding. */
struct explanation {
	const char *rule_id;       /* never NULL ("unnamed-rule" when the finding has none) */
	const char *title;
	/*
	 * What tells several findings of one rule on one target apart, or NULL
	 * when there is one: "channel east" for a channel, the option as
	 * written ("master_info_repository") or "line 3" for a problem.
	 */
	const char *subject;
	/* The value the verdict is about. */
	const char *variable;      /* canonical variable or fact name, as the target spells it */
	const char *value;         /* as the target has it; NULL when unknown */
	struct settings_origin origin;  /* where value came from (source, file, line, chain, detail) */
	const char *origin_text;   /* "conf.d/x.cnf:7 (included from my.cnf:3)", "not set: default OFF for MySQL 8.4" */
	const char *overridden;    /* "set to ON at a.cnf:12, overridden to OFF at b.cnf:3" */
	const char *expected;      /* what must hold, for the target's flavor and version */
	const char *message;       /* what is wrong / why it does not apply / why it could not be evaluated */
	const char *fix;           /* the rule's fix for the target's flavor */
	const char *why;           /* the rule's rationale for the flavor */
	const char *doc;           /* a reference URL for the flavor */
	/*
	 * Where a code host annotates the finding: the line of the value, of
	 * the offending line for a problem, or, for a value left at its
	 * default, the header of the group a line for it belongs in
	 * (settings.group_header); the target file without a line when nothing
	 * better is known; file NULL for a target that is not a file.
	 */
	struct settings_origin location;
	/*
	 * A finding that could not be evaluated only because of a line the
	 * server refuses (finding.cause_no): the rule that fails at that line,
	 * and the line. NULL / zeroed otherwise.
	 */
	const char *cause_rule;
	struct settings_origin cause;
	/*
	 * Added (issue 10): the finding's fingerprint when it is known already
	 * (a report read back, reportread.h), else NULL and
	 * suppress_fingerprint() computes it.
	 */
	const char *fingerprint;
	/*
	 * A suppressed finding: the suppression (finding.suppression), and the
	 * message the finding had before it ("message" then says both).
	 */
	const struct finding_suppression *suppression;
	const char *unsuppressed_message;
	/*
	 * Added (issue 13, json7): the whole explanation kept over the run
	 * that this one was filled from (explain.c struct explain_full), or
	 * NULL. Then every field but rule_id, title, why and doc is what
	 * explain_kept_fill(x, kept, NAME, ...) gives for the target's view
	 * name NAME (settings.target), and expected is the same text (same
	 * address) for every explanation of one kept; channel-less findings
	 * only (subject, overridden, cause_rule, cause, suppression,
	 * unsuppressed_message and fingerprint NULL). A writer may keep the
	 * bytes it makes of those fields per kept (valid for the explainer's
	 * life) and put each target's name in. With explainer.kept_lazy set,
	 * such an explanation has variable, value and expected but not the
	 * fields with texts (origin, origin_text, location, message, fix:
	 * zero): the writer fills them with explain_kept_fill() when it needs
	 * them.
	 */
	const struct explain_full *kept;
};

struct explainer {
	/*
	 * Fill out for finding f of target t. The default (explainer_init)
	 * renders from f->rule and t->view; a test or a report reader may
	 * install its own.
	 */
	void (*explain)(struct explainer *x, const struct target_result *t, const struct finding *f,
			struct explanation *out);
	const struct engine *engine;
	const struct catalog *catalog;
	void *data;                    /* for a replacement explain() */
	void (*data_free)(void *data); /* added: called on data by explainer_release(), when set */
	/* scratch, reused from finding to finding */
	struct strbuf origin_text, overridden, message, expected, fix, subject, suppressed;
	struct arena cache;            /* expected texts per rule, flavor and version */
	struct explain_expected *expected_cache;   /* one per rule of the engine */
	size_t nexpected;
	/* added (issue 13): the last target display ("MySQL 8.4") and what it was made from */
	char display[96];
	int display_made;
	enum flavor display_flavor;
	enum flavor_variant display_variant;
	struct version display_version;
	/* added (issue 13): the catalog's variables as that target spells them (expr.h expr_env.var_name) */
	const char **var_names;
	/* added (issue 13): and whether each exists there, when its flavor and version are known (expr.h var_exists) */
	signed char *var_exists;
	/*
	 * Added (issue 13): messages that depend on no value of the target,
	 * per rule of the engine: a condition whose every atom reads only the
	 * target's flavor, version, role or kind, or whether a catalog
	 * variable exists (explain.c message_cacheable()), says the same for
	 * every target of one (basis, status, flavor, build, version, role,
	 * kind). Also (issue 13, explain3) a condition that reads catalog
	 * variables, when the target (explainer_target_begin()) has no entry
	 * for each or its default with a known value: the same for every
	 * target of one key and those values. msg_class: per rule, 0 not
	 * classified yet, else explain.c msg_class_of(). msg_cache: per rule,
	 * a list of such messages (at most EXPLAIN_MSG_PER_RULE), in the cache
	 * arena.
	 */
	unsigned char *msg_class;
	struct explain_msg **msg_cache;
	/*
	 * Added (issue 13): the target whose findings are explained now
	 * (explainer_target_begin()), or NULL, and what explain_finding()
	 * keeps for it from one finding to the next: the results of the
	 * engine's atoms (expr.h expr_env.memo, engine.nmemo of them), whether
	 * each catalog variable exists there when its flavor or version is
	 * unknown, and its entries of the catalog variables the engine's rules
	 * read (expr_env.var_value), looked up once per target with the
	 * names' hashes worked out once per explainer (read_hash: per
	 * engine.reads, case-sensitive then case-folded).
	 */
	const struct target_result *target;
	size_t targets_begun;                      /* explainer_target_begin() calls */
	signed char *target_memo;
	signed char *target_exists;
	int target_exists_set;
	const struct settings_var **target_value;
	size_t *read_hash[2];
	struct explain_msg_atoms *msg_atoms;       /* per rule: its conditions' value atoms (explain.c) */
	/*
	 * Added (issue 13): whole explanations per rule of the engine, for
	 * findings whose every sentence depends on what the message cache
	 * keys plus the target's entry of the rule's variable, the fix chosen
	 * and the group header (explain.c struct explain_full): full_cache per
	 * rule, full_var where each rule's variable is kept, target_plain when
	 * the target's result and view agree on its name and kind; shadow
	 * while a template is worded (no cache is used then).
	 */
	struct explain_full **full_cache;
	struct explain_full_var *full_var;
	int target_plain;
	const char *target_name;                  /* the view's name (not interned) */
	const char *target_self_file;             /* the last of its entries' file pointers found to be it */
	const char *target_kind;                  /* interned */
	const char *kind_last;                    /* the last kind interned for a target not begun */
	size_t target_name_len;
	struct explain_entry_key target_group;    /* the target's group header, as a key */
	uint64_t target_group_hash;
	struct explain_entry_key *target_keys;    /* per engine.reads: the entry's key (explain.c entry_key()) */
	unsigned char *target_key_set;
	/* the interned texts (explain.c explain_intern()): a table, and one by address per target */
	const char **intern;
	uint64_t *intern_hash;
	size_t intern_cap, intern_n;
	const char **intern_memo_from, **intern_memo_to;
	struct {
		const char *from, *to;   /* a detail of the target's entries, and as keyed */
		unsigned char self;
	} detail_memo[16];
	size_t detail_memo_n;
	int shadow;
	struct strbuf origin_detail, location_detail;   /* kept details with the target's name put back */
	/* added (issue 13, json7): set by a writer: explanation.kept's texts are left for it to fill */
	int kept_lazy;
};

/* The default explainer over the rules of e and catalog c (both must outlive x). */
void explainer_init(struct explainer *x, const struct engine *e, const struct catalog *c);
void explainer_release(struct explainer *x);

/* Added (issue 13): how many messages x keeps in msg_cache (for the tests). */
size_t explainer_messages_kept(const struct explainer *x);
/* Added (issue 13): how many whole explanations x keeps in full_cache (for the tests). */
size_t explainer_explanations_kept(const struct explainer *x);

/*
 * Added (issue 13): the findings of t are explained next, until
 * explainer_target_end(): explain_finding() on t then works out what
 * depends on the target alone (the rules' atoms, the entries of the
 * variables they read) once for all its findings instead of once per
 * finding. The explanations are the same, byte for byte. t and its view
 * must not change meanwhile; a call for another target (or none) ends
 * the one before. A writer calls it when it starts a target's findings.
 */
void explainer_target_begin(struct explainer *x, const struct target_result *t);
void explainer_target_end(struct explainer *x);

/* x->explain(x, t, f, out), after clearing out. */
void explain_finding(struct explainer *x, const struct target_result *t, const struct finding *f,
		     struct explanation *out);

/*
 * Added (issue 13, json7): the fields a kept whole explanation gives
 * (explanation.kept: variable, value, expected, origin, origin_text,
 * location, message, fix) for a target called name, into out; out's other fields
 * are left as they are. The texts are in x's scratch buffers, as
 * explain_finding()'s: this ends the last explanation's texts. A writer
 * calls it with a name of its own where the target's name goes to find
 * the places of the name in what it writes.
 */
void explain_kept_fill(struct explainer *x, const struct explain_full *kept, const char *name,
		       struct explanation *out);


/*
 * Short forms the writers share, from an explanation. Heap strings; the
 * caller frees. NULL when there is nothing to say.
 *   explanation_value_text:  "relay_log_recovery = OFF", "relay_log_recovery: unknown",
 *                            "OFF" (value, no variable); '' for an empty value
 *   explanation_found:       what was found, once: the message ("relay_log_recovery is OFF
 *                            (default for MySQL 8.4)", "line 21: ..."), else the value and
 *                            its origin
 *   explanation_line:        the found sentence and "; expected relay_log_recovery = ON", else
 *                            the title, else the rule id (never NULL): one-line messages
 */
char *explanation_value_text(const struct explanation *e);
char *explanation_found(const struct explanation *e);
char *explanation_line(const struct explanation *e);

#endif
