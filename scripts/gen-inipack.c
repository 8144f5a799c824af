/*
 * gen-inipack.c - build-time generator of BUILD/gen/inipack_data.c (see
 * auditor/inipack.h): the built-in rule files and variable catalog, read
 * by the loaders' own reading path (engine_ini_record(), catalog_ini_record()
 * in the same engine.c and catalog.c crashsafe is built from), recorded as
 * offsets into one string table, so the tables need no relocation.
 *
 *   gen-inipack OUT.c FILE.ini...     (variables.ini is the catalog)
 *
 * A file that does not read cleanly (inih stops at a bad line, a line is
 * too long for the rule reader) is left out with a note on stderr: it is
 * parsed at run time as before, and reports its problem there. Linked with
 * every object of crashsafe but the pack itself, whose tables it defines
 * empty here (so the loaders parse, never replay, while recording).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cmd.h"
#include "engine.h"
#include "expr.h"
#include "fileio.h"
#include "infer.h"
#include "inipack.h"
#include "options.h"
#include "prebuilt.h"
#include "secret.h"
#include "util.h"

/* The pack of the generator itself: empty. */
const char inipack_strings[] = "";
const struct inipack_event_rec inipack_events[1];
const struct inipack_file_rec inipack_files[1];
const size_t inipack_nfiles = 0;

/* The prebuilt catalog and rules of the generator itself: none (prebuilt.h). */
struct catalog_var prebuilt_vars[1];
const size_t prebuilt_nvars = 0;
struct catalog_index_entry prebuilt_index[1];
const size_t prebuilt_nindex = 0;
const int prebuilt_catalog_file = -1;
const struct rule prebuilt_rules[1];
const size_t prebuilt_nrules = 0;
const unsigned char prebuilt_rule_file[1];
const unsigned char prebuilt_rule_files[1];
const size_t prebuilt_nrule_files = 0;
const struct engine_read prebuilt_reads[1];
const size_t prebuilt_nreads = 0;
const unsigned prebuilt_nmemo = 0;
const unsigned char prebuilt_infer_masks[1];
const unsigned char prebuilt_option_sides[1];
const size_t prebuilt_noption_sides = 0;
const size_t prebuilt_var_hashes[1];
const unsigned char prebuilt_var_secret[1];
const size_t prebuilt_rule_order[1];
const size_t prebuilt_read_hashes[1];
const struct engine_read_slot prebuilt_read_slots[1];
const size_t prebuilt_nread_slots = 0;

/* main.c's, for the objects that name it (never called here). */
const char *crashsafe_rules_dir(void)
{
	return "rules";
}

void crashsafe_rules_dir_tried(struct strbuf *sb)
{
	strbuf_addstr(sb, "rules");
}

struct gen {
	struct strbuf strings;        /* the string table being built; offset 0 is "" */
	struct strmap offsets;        /* string -> offset, so that equal strings are stored once */
	char **keys;                  /* the map's keys, freed at the end */
	size_t nkeys, keys_cap;
	struct inipack_event_rec *events;
	size_t nevents, cap;
};

static unsigned gen_string(struct gen *g, const char *s, size_t len)
{
	size_t off;
	char *key;
	if (!len)
		return 0;
	if (memchr(s, '\0', len)) {
		off = g->strings.len;   /* bytes with a NUL (never in INI text): stored, not shared */
		strbuf_add(&g->strings, s, len);
		strbuf_addch(&g->strings, '\0');
		return (unsigned)off;
	}
	key = xstrndup(s, len);
	if (strmap_get(&g->offsets, key, &off) == 0) {
		free(key);
		return (unsigned)off;
	}
	off = g->strings.len;
	strbuf_add(&g->strings, s, len);
	strbuf_addch(&g->strings, '\0');
	strmap_put(&g->offsets, key, off);   /* the map keeps key */
	ARRAY_GROW(g->keys, g->nkeys + 1, g->keys_cap);
	g->keys[g->nkeys++] = key;
	return (unsigned)off;
}

static void gen_record(void *ctx, const struct inipack_event *ev)
{
	struct gen *g = ctx;
	ARRAY_GROW(g->events, g->nevents + 1, g->cap);
	g->events[g->nevents++] = (struct inipack_event_rec){
		.section = gen_string(g, ev->section, strlen(ev->section)),
		.name = gen_string(g, ev->name, strlen(ev->name)),
		.value = gen_string(g, ev->value, strlen(ev->value)),
		.lineno = ev->lineno,
		.cont = (unsigned char)(ev->cont != 0),
		.section_line = ev->section_line,
	};
}

/* The string table as C string literals, 64 bytes a line, every byte escaped that needs it. */
static void gen_emit_strings(FILE *out, const struct strbuf *sb)
{
	fputs("const char inipack_strings[] =\n", out);
	for (size_t i = 0; i < sb->len || i == 0; i += 64) {
		fputs("\t\"", out);
		for (size_t k = i; k < i + 64 && k < sb->len; k++) {
			unsigned char c = (unsigned char)sb->buf[k];
			if (c == '\\' || c == '"')
				fprintf(out, "\\%c", c);
			else if (c >= 0x20 && c < 0x7f && c != '?')
				fputc(c, out);
			else
				fprintf(out, "\\%03o", c);   /* octal: never swallows the next character */
		}
		fputs("\"\n", out);
		if (!sb->len)
			break;
	}
	fputs(";\n\n", out);
}

/* ---- the prebuilt catalog and rules (prebuilt.h) ------------------------- */

/*
 * A field added to one of these structures must be written below and
 * compared in tests/unit/test_prebuilt.c: the sizes (x86-64) stop the build
 * until both are done.
 */
#if defined(__x86_64__) && defined(__LP64__)
_Static_assert(sizeof(struct catalog_var) == 376, "struct catalog_var changed: update pb_var() and test_prebuilt.c");
_Static_assert(sizeof(struct catalog_range) == 48, "struct catalog_range changed: update pb_var()");
_Static_assert(sizeof(struct catalog_name) == 40, "struct catalog_name changed: update pb_var()");
_Static_assert(sizeof(struct catalog_flavor_info) == 64, "struct catalog_flavor_info changed: update pb_var()");
_Static_assert(sizeof(struct rule) == 352, "struct rule changed: update pb_rule() and test_prebuilt.c");
_Static_assert(sizeof(struct rule_severity_if) == 24, "struct rule_severity_if changed: update pb_rule()");
_Static_assert(sizeof(struct rule_fix_if) == 32, "struct rule_fix_if changed: update pb_rule()");
_Static_assert(sizeof(struct expr) == 80, "struct expr changed: update pb_expr() and test_prebuilt.c");
_Static_assert(sizeof(struct expr_literal) == 32, "struct expr_literal changed: update pb_expr()");
_Static_assert(sizeof(struct engine_read) == 24, "struct engine_read changed: update pb_emit()");
#endif

/* The tables being written, one text per array (they are printed in order, after the strings). */
struct pb {
	struct gen *g;
	const struct catalog *c;
	struct strbuf words, ranges, names, vars, index, exprs, lits, sevif, fixif, rules, reads;
	size_t nwords, nranges, nnames, nlits, nsevif, nfixif;
	const struct expr **seen;    /* every expression node, in the order of pb_exprs[] */
	size_t nseen, seen_cap;
};

static void pb_str(struct pb *p, struct strbuf *sb, const char *s)
{
	if (!s)
		strbuf_addstr(sb, "NULL");
	else
		strbuf_addf(sb, "inipack_strings + %u", gen_string(p->g, s, strlen(s)));
}

static void pb_version(struct strbuf *sb, const struct version *v)
{
	strbuf_addf(sb, "{ %d, %d, %d }", v->major, v->minor, v->patch);
}

static void pb_var_ref(struct pb *p, struct strbuf *sb, const struct catalog_var *v)
{
	if (!v)
		strbuf_addstr(sb, "NULL");
	else
		strbuf_addf(sb, "&prebuilt_vars[%zu]", (size_t)(v - p->c->vars));
}

/* A list of strings in pb_words[]: the expression for the field. */
static void pb_words(struct pb *p, struct strbuf *sb, const char *const *w, size_t n)
{
	if (!n) {
		strbuf_addstr(sb, "NULL");
		return;
	}
	strbuf_addf(sb, "pb_words + %zu", p->nwords);
	for (size_t i = 0; i < n; i++) {
		strbuf_addch(&p->words, '\t');
		pb_str(p, &p->words, w[i]);
		strbuf_addstr(&p->words, ",\n");
	}
	p->nwords += n;
}

static void pb_var(struct pb *p, const struct catalog_var *v)
{
	struct strbuf *sb = &p->vars;
	strbuf_addstr(sb, "\t{ .name = ");
	pb_str(p, sb, v->name);
	strbuf_addstr(sb, ", .aliases = ");
	pb_words(p, sb, v->aliases, v->naliases);
	strbuf_addf(sb, ", .naliases = %zu, .type = %d, .enum_values = ", v->naliases, (int)v->type);
	pb_words(p, sb, v->enum_values, v->nenum);
	strbuf_addf(sb, ", .nenum = %zu,\n\t  .ranges = ", v->nenum);
	if (v->nranges)
		strbuf_addf(sb, "pb_ranges + %zu", p->nranges);
	else
		strbuf_addstr(sb, "NULL");
	for (size_t i = 0; i < v->nranges; i++) {
		const struct catalog_range *r = &v->ranges[i];
		strbuf_addf(&p->ranges, "\t{ .flavor = %d, .variant = %d, .from = ", (int)r->flavor, (int)r->variant);
		pb_version(&p->ranges, &r->from);
		strbuf_addstr(&p->ranges, ", .to = ");
		pb_version(&p->ranges, &r->to);
		strbuf_addstr(&p->ranges, ", .value = ");
		pb_str(p, &p->ranges, r->value);
		strbuf_addf(&p->ranges, ", .unknown = %d },\n", r->unknown);
	}
	p->nranges += v->nranges;
	strbuf_addf(sb, ", .nranges = %zu, .crash_safety = %d, .dynamic = %d, .title = ", v->nranges,
		    v->crash_safety, v->dynamic);
	pb_str(p, sb, v->title);
	strbuf_addf(sb, ", .file = NULL, .line = %u,\n\t  .names = ", v->line);
	if (v->nnames)
		strbuf_addf(sb, "pb_names + %zu", p->nnames);
	else
		strbuf_addstr(sb, "NULL");
	for (size_t i = 0; i < v->nnames; i++) {
		const struct catalog_name *nm = &v->names[i];
		strbuf_addf(&p->names, "\t{ .flavor = %d, .name = ", (int)nm->flavor);
		pb_str(p, &p->names, nm->name);
		strbuf_addstr(&p->names, ", .from = ");
		pb_version(&p->names, &nm->from);
		strbuf_addstr(&p->names, ", .to = ");
		pb_version(&p->names, &nm->to);
		strbuf_addstr(&p->names, " },\n");
	}
	p->nnames += v->nnames;
	strbuf_addf(sb, ", .nnames = %zu, .bare = ", v->nnames);
	pb_str(p, sb, v->bare);
	strbuf_addstr(sb, ",\n\t  .per = {\n");
	for (size_t f = 0; f < ARRAY_SIZE(v->per); f++) {
		const struct catalog_flavor_info *in = &v->per[f];
		strbuf_addf(sb,
			    "\t\t{ .has_names = %d, .ignored = %d, .dynamic = %d, .bad_bool_ignore = %d, .has_min = %d, "
			    ".has_max = %d, .min = %lluULL, .max = %lluULL, .has_ranges = %d, .has_galera_ranges = %d, "
			    ".has_removed = %d, .removed = ",
			    in->has_names, in->ignored, in->dynamic, in->bad_bool_ignore, in->has_min, in->has_max,
			    in->min, in->max, in->has_ranges, in->has_galera_ranges, in->has_removed);
		pb_version(sb, &in->removed);
		strbuf_addstr(sb, " },\n");
	}
	strbuf_addstr(sb, "\t} },\n");
}

/* The index of x in pb_exprs[], adding x and everything it points to when new. */
static size_t pb_expr_add(struct pb *p, const struct expr *x)
{
	for (size_t i = 0; i < p->nseen; i++)
		if (p->seen[i] == x)
			return i;
	ARRAY_GROW(p->seen, p->nseen + 1, p->seen_cap);
	p->seen[p->nseen++] = x;
	size_t at = p->nseen - 1;
	if (x->left)
		pb_expr_add(p, x->left);
	if (x->right)
		pb_expr_add(p, x->right);
	if (x->sub)
		pb_expr_add(p, x->sub);
	for (size_t i = 0; i < x->nlits; i++)
		if (x->lits[i].ref)
			pb_expr_add(p, x->lits[i].ref);
	return at;
}

static void pb_expr_ref(struct pb *p, struct strbuf *sb, const struct expr *x)
{
	if (!x)
		strbuf_addstr(sb, "NULL");
	else
		strbuf_addf(sb, "&pb_exprs[%zu]", pb_expr_add(p, x));
}

static void pb_expr(struct pb *p, const struct expr *x)
{
	struct strbuf *sb = &p->exprs;
	strbuf_addf(sb, "\t{ .kind = %d, .cmp = %d, .value = %d, .memo = %u, .left = ", (int)x->kind, (int)x->cmp, x->value,
		    x->memo);
	pb_expr_ref(p, sb, x->left);
	strbuf_addstr(sb, ", .right = ");
	pb_expr_ref(p, sb, x->right);
	strbuf_addstr(sb, ", .ident = ");
	pb_str(p, sb, x->ident);
	strbuf_addstr(sb, ",\n\t  .lits = ");
	if (x->nlits)
		strbuf_addf(sb, "pb_lits + %zu", p->nlits);
	else
		strbuf_addstr(sb, "NULL");
	for (size_t i = 0; i < x->nlits; i++) {
		const struct expr_literal *l = &x->lits[i];
		strbuf_addstr(&p->lits, "\t{ .text = ");
		pb_str(p, &p->lits, l->text);
		strbuf_addf(&p->lits, ", .quoted = %d, .norm = ", l->quoted);
		pb_str(p, &p->lits, l->norm);
		strbuf_addstr(&p->lits, ", .ref = ");
		pb_expr_ref(p, &p->lits, l->ref);
		strbuf_addstr(&p->lits, " },\n");
	}
	p->nlits += x->nlits;
	strbuf_addf(sb, ", .nlits = %zu, .column = %u, .ref = %d, .var = ", x->nlits, x->column, (int)x->ref);
	pb_var_ref(p, sb, x->var);
	strbuf_addstr(sb, ", .sub = ");
	pb_expr_ref(p, sb, x->sub);
	strbuf_addstr(sb, " },\n");
}

static void pb_strs4(struct pb *p, struct strbuf *sb, const char *field, const char *const v[4])
{
	strbuf_addf(sb, ", .%s = { ", field);
	for (size_t i = 0; i < 4; i++) {
		pb_str(p, sb, v[i]);
		strbuf_addstr(sb, i < 3 ? ", " : " }");
	}
}

static void pb_rule(struct pb *p, const struct rule *r)
{
	struct strbuf *sb = &p->rules;
	strbuf_addstr(sb, "\t{ .id = ");
	pb_str(p, sb, r->id);
	strbuf_addstr(sb, ", .title = ");
	pb_str(p, sb, r->title);
	strbuf_addf(sb, ", .severity = %d,\n\t  .severity_if = ", (int)r->severity);
	if (r->nseverity_if)
		strbuf_addf(sb, "pb_sevif + %zu", p->nsevif);
	else
		strbuf_addstr(sb, "NULL");
	for (size_t i = 0; i < r->nseverity_if; i++) {
		strbuf_addstr(&p->sevif, "\t{ .text = ");
		pb_str(p, &p->sevif, r->severity_if[i].text);
		strbuf_addstr(&p->sevif, ", .cond = ");
		pb_expr_ref(p, &p->sevif, r->severity_if[i].cond);
		strbuf_addf(&p->sevif, ", .severity = %d },\n", (int)r->severity_if[i].severity);
	}
	p->nsevif += r->nseverity_if;
	strbuf_addf(sb, ", .nseverity_if = %zu, .fix_if = ", r->nseverity_if);
	if (r->nfix_if)
		strbuf_addf(sb, "pb_fixif + %zu", p->nfixif);
	else
		strbuf_addstr(sb, "NULL");
	for (size_t i = 0; i < r->nfix_if; i++) {
		strbuf_addstr(&p->fixif, "\t{ .text = ");
		pb_str(p, &p->fixif, r->fix_if[i].text);
		strbuf_addstr(&p->fixif, ", .cond = ");
		pb_expr_ref(p, &p->fixif, r->fix_if[i].cond);
		strbuf_addstr(&p->fixif, ", .fix = ");
		pb_str(p, &p->fixif, r->fix_if[i].fix);
		strbuf_addf(&p->fixif, ", .line = %u },\n", r->fix_if[i].line);
	}
	p->nfixif += r->nfix_if;
	strbuf_addf(sb, ", .nfix_if = %zu, .scope = %d,\n\t  .applies_text = ", r->nfix_if, (int)r->scope);
	pb_str(p, sb, r->applies_text);
	strbuf_addstr(sb, ", .require_text = ");
	pb_str(p, sb, r->require_text);
	strbuf_addstr(sb, ", .applies = ");
	pb_expr_ref(p, sb, r->applies);
	strbuf_addstr(sb, ", .require = ");
	pb_expr_ref(p, sb, r->require);
	strbuf_addstr(sb, ",\n\t  .variable = ");
	pb_str(p, sb, r->variable);
	strbuf_addstr(sb, ", .expect = ");
	pb_str(p, sb, r->expect);
	strbuf_addf(sb, ", .expect_given = %d, .unique = ", r->expect_given);
	pb_str(p, sb, r->unique);
	strbuf_addstr(sb, ", .except_same = ");
	pb_str(p, sb, r->except_same);
	strbuf_addstr(sb, ",\n\t  .why = ");
	pb_str(p, sb, r->why);
	strbuf_addstr(sb, ", .fix = ");
	pb_str(p, sb, r->fix);
	strbuf_addstr(sb, ", .doc = ");
	pb_str(p, sb, r->doc);
	strbuf_addstr(sb, ", .tags = ");
	pb_str(p, sb, r->tags);
	strbuf_addstr(sb, "\n\t  ");
	pb_strs4(p, sb, "why_for", r->why_for);
	pb_strs4(p, sb, "fix_for", r->fix_for);
	pb_strs4(p, sb, "doc_for", r->doc_for);
	pb_strs4(p, sb, "expect_for", r->expect_for);
	strbuf_addstr(sb, ",\n\t  .file = NULL, .family = ");
	pb_str(p, sb, r->family);
	strbuf_addf(sb, ", .line = %u, .applies_line = %u, .require_line = %u, .fact_lists = %d,\n\t  .variable_ref = ",
		    r->line, r->applies_line, r->require_line, r->fact_lists);
	pb_expr_ref(p, sb, r->variable_ref);
	strbuf_addstr(sb, ", .unique_ref = ");
	pb_expr_ref(p, sb, r->unique_ref);
	strbuf_addstr(sb, ", .except_ref = ");
	pb_expr_ref(p, sb, r->except_ref);
	strbuf_addstr(sb, " },\n");
}

static void pb_emit_array(FILE *out, const char *decl, const struct strbuf *sb, size_t n)
{
	fprintf(out, "%s[%zu] = {\n%s%s};\n\n", decl, n ? n : 1, sb->buf ? sb->buf : "", n ? "" : "\t{ 0 },\n");
}

/*
 * Build the catalog from catalog_path and the rules from the rule files
 * (in the order given: engine_load_dir()'s) with the loaders, bind them, and
 * write the tables as text into p. Returns 0, or -1 when anything said
 * anything (then no prebuilt set is written: the files are replayed or parsed).
 */
static int pb_build(struct pb *p, struct catalog *c, struct engine *e, const char *catalog_path,
		    char *const *rule_paths, size_t nrule_paths)
{
	struct diag_list d;
	int rc = 0;
	diag_list_init(&d);
	if (catalog_load(c, catalog_path, &d))
		rc = -1;
	for (size_t i = 0; i < nrule_paths; i++)
		if (engine_load_file(e, rule_paths[i], &d))
			rc = -1;
	if (!rc && engine_bind(e, c, &d))
		rc = -1;
	if (rc || d.n) {
		fprintf(stderr, "gen-inipack: the built-in catalog and rules do not load cleanly: not prebuilt\n");
		diag_print(&d, stderr);
		diag_list_release(&d);
		return -1;
	}
	diag_list_release(&d);
	p->c = c;
	for (size_t i = 0; i < c->n; i++)
		pb_var(p, &c->vars[i]);
	for (size_t i = 0; i < c->nindex; i++) {
		strbuf_addstr(&p->index, "\t{ ");
		pb_str(p, &p->index, c->index[i].name);
		strbuf_addf(&p->index, ", %zu },\n", c->index[i].var);
	}
	for (size_t i = 0; i < e->n; i++)
		pb_rule(p, &e->rules[i]);
	for (size_t i = 0; i < e->nreads; i++) {
		strbuf_addstr(&p->reads, "\t{ .name = ");
		pb_str(p, &p->reads, e->reads[i].name);
		strbuf_addstr(&p->reads, ", .var = ");
		pb_var_ref(p, &p->reads, e->reads[i].var);
		strbuf_addf(&p->reads, ", .fleet = %d },\n", e->reads[i].fleet);
	}
	/* every node is known now (pb_expr_add() walked them from the rules); pb_expr() adds none */
	for (size_t i = 0; i < p->nseen; i++)
		pb_expr(p, p->seen[i]);
	return 0;
}

/* Write the prebuilt tables (or empty ones when there is no prebuilt set). */
static void pb_emit(FILE *out, struct pb *p, int prebuilt, const struct engine *e, int catalog_file,
		    char *const *rule_paths, const unsigned char *rule_pack, size_t nrules)
{
	size_t nvars = prebuilt ? p->c->n : 0, nindex = prebuilt ? p->c->nindex : 0;
	size_t nrule = prebuilt ? e->n : 0, nreads = prebuilt ? e->nreads : 0;
	if (p->nwords)
		pb_emit_array(out, "static const char *pb_words", &p->words, p->nwords);
	if (p->nranges)
		pb_emit_array(out, "static struct catalog_range pb_ranges", &p->ranges, p->nranges);
	if (p->nnames)
		pb_emit_array(out, "static struct catalog_name pb_names", &p->names, p->nnames);
	pb_emit_array(out, "struct catalog_var prebuilt_vars", &p->vars, nvars);
	pb_emit_array(out, "struct catalog_index_entry prebuilt_index", &p->index, nindex);
	if (p->nseen)
		fprintf(out, "static struct expr pb_exprs[%zu];\n", p->nseen);
	if (p->nlits)
		fprintf(out, "static struct expr_literal pb_lits[%zu];\n\n", p->nlits);
	if (p->nseen)
		pb_emit_array(out, "static struct expr pb_exprs", &p->exprs, p->nseen);
	if (p->nlits)
		pb_emit_array(out, "static struct expr_literal pb_lits", &p->lits, p->nlits);
	if (p->nsevif)
		pb_emit_array(out, "static struct rule_severity_if pb_sevif", &p->sevif, p->nsevif);
	if (p->nfixif)
		pb_emit_array(out, "static struct rule_fix_if pb_fixif", &p->fixif, p->nfixif);
	pb_emit_array(out, "const struct rule prebuilt_rules", &p->rules, nrule);
	pb_emit_array(out, "const struct engine_read prebuilt_reads", &p->reads, nreads);
	fprintf(out, "const size_t prebuilt_nvars = %zu;\nconst size_t prebuilt_nindex = %zu;\n"
		     "const int prebuilt_catalog_file = %d;\nconst size_t prebuilt_nrules = %zu;\n"
		     "const size_t prebuilt_nreads = %zu;\nconst size_t prebuilt_nrule_files = %zu;\n"
		     "const unsigned prebuilt_nmemo = %u;\n\n",
		nvars, nindex, prebuilt ? catalog_file : -1, nrule, nreads, prebuilt ? nrules : 0,
		prebuilt ? e->nmemo : 0);
	fputs("const unsigned char prebuilt_rule_files[] = {", out);
	for (size_t i = 0; i < (prebuilt ? nrules : 0); i++)
		fprintf(out, " %u,", rule_pack[i]);
	fputs(prebuilt && nrules ? " };\n" : " 0 };\n", out);
	/* flavor inference's answers (infer.h) */
	fputs("const unsigned char prebuilt_infer_masks[] = {", out);
	for (size_t i = 0; i < nindex; i++)
		fprintf(out, "%s%u,", i % 16 ? " " : "\n\t",
			infer_catalog_mask(&p->c->vars[p->c->index[i].var], p->c->index[i].name));
	fputs(nindex ? "\n};\n" : " 0 };\n", out);
	fputs("const unsigned char prebuilt_option_sides[] = {", out);
	for (size_t i = 0; i < options_nentries; i++) {
		int first = i == 0 || strcmp(options_name_at(i - 1), options_name_at(i));
		fprintf(out, "%s%d,", i % 32 ? " " : "\n\t", first ? (int)infer_options_side(options_name_at(i)) : 0);
	}
	fprintf(out, "%s};\nconst size_t prebuilt_noption_sides = %zu;\n", options_nentries ? "\n" : " 0 ", options_nentries);
	fputs("const unsigned char prebuilt_rule_file[] = {", out);
	for (size_t i = 0; i < nrule; i++) {
		size_t k = 0;
		while (k < nrules && strcmp(e->rules[i].file, rule_paths[k]))
			k++;
		fprintf(out, "%s%u,", i % 16 ? " " : "\n\t", k < nrules ? rule_pack[k] : 255u);
	}
	fputs(nrule ? "\n};\n" : " 0 };\n", out);
	/* config_cache_new()'s answers per variable (config.h) */
	fputs("const size_t prebuilt_var_hashes[] = {", out);
	for (size_t i = 0; i < nvars; i++)
		fprintf(out, "%s(size_t)%zuULL,", i % 4 ? " " : "\n\t", util_strhash(p->c->vars[i].name, 0));
	fputs(nvars ? "\n};\n" : " 0 };\n", out);
	fputs("const unsigned char prebuilt_var_secret[] = {", out);
	for (size_t i = 0; i < nvars; i++)
		fprintf(out, "%s%d,", i % 32 ? " " : "\n\t", secret_name(p->c->vars[i].name) != 0);
	fputs(nvars ? "\n};\n" : " 0 };\n", out);
	/* engine_bind()'s rule order and read index for the prebuilt rules (engine.h) */
	int indexed = prebuilt && e->order && e->norder == e->n && e->read_hash && e->read_slots;
	fputs("const size_t prebuilt_rule_order[] = {", out);
	for (size_t i = 0; i < (indexed ? nrule : 0); i++)
		fprintf(out, "%s%zu,", i % 16 ? " " : "\n\t", e->order[i]);
	fputs(indexed && nrule ? "\n};\n" : " 0 };\n", out);
	fputs("const size_t prebuilt_read_hashes[] = {", out);
	for (size_t i = 0; i < (indexed ? nreads : 0); i++)
		fprintf(out, "%s(size_t)%zuULL,", i % 4 ? " " : "\n\t", e->read_hash[i]);
	fputs(indexed && nreads ? "\n};\n" : " 0 };\n", out);
	size_t nslots = indexed ? e->read_mask + 1 : 0;
	fputs("const struct engine_read_slot prebuilt_read_slots[] = {", out);
	for (size_t i = 0; i < nslots; i++)
		fprintf(out, "%s{ %u, %u },", i % 8 ? " " : "\n\t", e->read_slots[i].read1, e->read_slots[i].len);
	fprintf(out, "%s};\nconst size_t prebuilt_nread_slots = %zu;\n", nslots ? "\n" : " { 0, 0 } ", nslots);
}

static void pb_release(struct pb *p)
{
	struct strbuf *all[] = { &p->words, &p->ranges, &p->names, &p->vars, &p->index, &p->exprs,
				 &p->lits, &p->sevif, &p->fixif, &p->rules, &p->reads };
	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		strbuf_release(all[i]);
	free(p->seen);
}

int main(int argc, char **argv)
{
	struct gen g = { 0 };
	struct inipack_file_rec *files;
	size_t nfiles = 0;
	FILE *out;
	struct pb p = { .g = &g };
	struct catalog cat;
	struct engine eng;
	const char *catalog_path = NULL;
	int catalog_file = -1, all_packed = 1, prebuilt = 0;
	char **rule_paths;
	unsigned char *rule_pack;       /* the pack index of each of rule_paths */
	size_t nrules = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: gen-inipack OUT.c FILE.ini...\n");
		return 2;
	}
	files = xcalloc((size_t)argc, sizeof(*files));
	rule_paths = xcalloc((size_t)argc, sizeof(*rule_paths));
	rule_pack = xcalloc((size_t)argc, 1);
	catalog_init(&cat);
	engine_init(&eng);
	strbuf_addch(&g.strings, '\0');   /* offset 0: the empty string */
	for (int i = 2; i < argc; i++) {
		const char *path = argv[i];
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		int catalog = !strcmp(base, "variables.ini");
		struct fileio_data file;
		char *why = NULL;
		size_t first = g.nevents;
		unsigned nlines = 0;
		int clean = 1, rc;

		if (fileio_read(path, catalog ? FILEIO_CATALOG : FILEIO_RULES, &file, &why) != FILEIO_OK) {
			fprintf(stderr, "gen-inipack: %s: %s\n", path, why);
			free(why);
			return 1;
		}
		rc = catalog ? catalog_ini_record(path, gen_record, &g)
			     : engine_ini_record(path, gen_record, &g, &nlines, &clean);
		if (rc != 0 || !clean) {
			fprintf(stderr, "gen-inipack: %s: not packed (it does not read cleanly: parsed at run time)\n",
				path);
			g.nevents = first;
			fileio_data_release(&file);
			all_packed = 0;
			continue;
		}
		if (catalog) {
			catalog_path = path;
			catalog_file = (int)nfiles;
		} else {
			rule_paths[nrules] = argv[i];
			rule_pack[nrules++] = (unsigned char)nfiles;
		}
		files[nfiles++] = (struct inipack_file_rec){
			.name = gen_string(&g, base, strlen(base)),
			.kind = (unsigned char)(catalog ? INIPACK_CATALOG : INIPACK_RULES),
			.text = gen_string(&g, file.data, file.len),
			.len = file.len,
			.first = first,
			.nevents = g.nevents - first,
			.nlines = nlines,
		};
		fileio_data_release(&file);
	}

	/* The prebuilt set, only from files that are all packed (what engine_load_dir() checks at run time). */
	if (all_packed && catalog_path && nrules && nfiles < 256)
		prebuilt = pb_build(&p, &cat, &eng, catalog_path, rule_paths, nrules) == 0;

	out = fopen(argv[1], "w");
	if (!out) {
		fprintf(stderr, "gen-inipack: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	fputs("/* Generated by scripts/gen-inipack.c from the built-in rule files: do not edit (inipack.h, prebuilt.h). */\n"
	      "#include <stddef.h>\n\n#include \"catalog.h\"\n#include \"engine.h\"\n#include \"expr.h\"\n"
	      "#include \"inipack.h\"\n#include \"prebuilt.h\"\n\n", out);
	gen_emit_strings(out, &g.strings);
	fputs("const struct inipack_event_rec inipack_events[] = {\n", out);
	for (size_t i = 0; i < g.nevents; i++) {
		const struct inipack_event_rec *e = &g.events[i];
		fprintf(out, "\t{ %u, %u, %u, %d, %u, %u },\n", e->section, e->name, e->value, e->lineno, e->cont,
			e->section_line);
	}
	if (!g.nevents)
		fputs("\t{ 0 },\n", out);
	fputs("};\n\nconst struct inipack_file_rec inipack_files[] = {\n", out);
	for (size_t i = 0; i < nfiles; i++) {
		const struct inipack_file_rec *f = &files[i];
		fprintf(out, "\t{ %u, %u, %u, %zu, %zu, %zu, %u },\n", f->name, f->kind, f->text, f->len, f->first,
			f->nevents, f->nlines);
	}
	if (!nfiles)
		fputs("\t{ 0 },\n", out);
	fprintf(out, "};\n\nconst size_t inipack_nfiles = %zu;\n\n", nfiles);
	pb_emit(out, &p, prebuilt, &eng, catalog_file, rule_paths, rule_pack, nrules);
	if (fclose(out)) {
		fprintf(stderr, "gen-inipack: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	strbuf_release(&g.strings);
	strmap_release(&g.offsets);
	for (size_t i = 0; i < g.nkeys; i++)
		free(g.keys[i]);
	free(g.keys);
	free(g.events);
	free(files);
	pb_release(&p);
	engine_release(&eng);
	catalog_release(&cat);
	free(rule_paths);
	free(rule_pack);
	return 0;
}
