/*
 * test_prebuilt.c - the catalog and rules compiled in at build time
 * (prebuilt.h) are what the loaders build from rules/: with the pack off
 * (inipack_set_enabled(0)) catalog_load(), engine_load_dir() and
 * engine_bind() parse rules/variables.ini and the rule files; with it on they
 * take the prebuilt tables. Every field of every variable, index entry,
 * rule, condition tree (node by node, literal by literal) and read is
 * compared, pointers followed (a catalog variable by its position in its
 * catalog), and flavor inference's answers for every catalog name and
 * option row against infer.c's own computation. Also: the prebuilt rules are given up for the parsed path when
 * another rule file is loaded after them or the catalog is not the
 * prebuilt one, and a directory with one byte changed is not prebuilt.
 * Runs from the repository root (prove does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "engine.h"
#include "expr.h"
#include "infer.h"
#include "inipack.h"
#include "options.h"
#include "prebuilt.h"
#include "secret.h"
#include "tap.h"
#include "util.h"

#include "banned.h"

/* The first difference found, for the test's diagnostic. */
static char why[512];

static int differ(const char *what)
{
	if (!why[0])
		snprintf(why, sizeof(why), "%s", what);
	return 1;
}

static int str_differ(const char *a, const char *b, const char *what)
{
	if (!a != !b || (a && strcmp(a, b)))
		return differ(what);
	return 0;
}

static int version_differ(const struct version *a, const struct version *b, const char *what)
{
	if (a->major != b->major || a->minor != b->minor || a->patch != b->patch)
		return differ(what);
	return 0;
}

/* Catalog variables compare by their position in their own catalog. */
struct pair {
	const struct catalog *ca, *cb;
};

static int var_ref_differ(const struct pair *p, const struct catalog_var *a, const struct catalog_var *b,
			  const char *what)
{
	if (!a != !b)
		return differ(what);
	if (a && (a - p->ca->vars) != (b - p->cb->vars))
		return differ(what);
	return 0;
}

static int var_differ(const struct catalog_var *a, const struct catalog_var *b)
{
	int d = 0;
	d |= str_differ(a->name, b->name, "name");
	d |= a->naliases != b->naliases ? differ("naliases") : 0;
	for (size_t i = 0; !d && i < a->naliases; i++)
		d |= str_differ(a->aliases[i], b->aliases[i], "aliases");
	d |= a->type != b->type ? differ("type") : 0;
	d |= a->nenum != b->nenum ? differ("nenum") : 0;
	for (size_t i = 0; !d && i < a->nenum; i++)
		d |= str_differ(a->enum_values[i], b->enum_values[i], "enum_values");
	d |= a->nranges != b->nranges ? differ("nranges") : 0;
	for (size_t i = 0; !d && i < a->nranges; i++) {
		const struct catalog_range *x = &a->ranges[i], *y = &b->ranges[i];
		d |= x->flavor != y->flavor || x->variant != y->variant || x->unknown != y->unknown
			     ? differ("range flavor/variant/unknown")
			     : 0;
		d |= version_differ(&x->from, &y->from, "range from") | version_differ(&x->to, &y->to, "range to");
		d |= str_differ(x->value, y->value, "range value");
	}
	d |= a->crash_safety != b->crash_safety ? differ("crash_safety") : 0;
	d |= a->dynamic != b->dynamic ? differ("dynamic") : 0;
	d |= str_differ(a->title, b->title, "title");
	d |= str_differ(a->file, b->file, "file");
	d |= a->line != b->line ? differ("line") : 0;
	d |= a->nnames != b->nnames ? differ("nnames") : 0;
	for (size_t i = 0; !d && i < a->nnames; i++) {
		const struct catalog_name *x = &a->names[i], *y = &b->names[i];
		d |= x->flavor != y->flavor ? differ("names flavor") : 0;
		d |= str_differ(x->name, y->name, "names name");
		d |= version_differ(&x->from, &y->from, "names from") | version_differ(&x->to, &y->to, "names to");
	}
	d |= str_differ(a->bare, b->bare, "bare");
	for (size_t f = 0; f < 4; f++) {
		const struct catalog_flavor_info *x = &a->per[f], *y = &b->per[f];
		if (x->has_names != y->has_names || x->ignored != y->ignored || x->dynamic != y->dynamic ||
		    x->bad_bool_ignore != y->bad_bool_ignore || x->has_min != y->has_min || x->has_max != y->has_max ||
		    x->min != y->min || x->max != y->max || x->has_ranges != y->has_ranges ||
		    x->has_galera_ranges != y->has_galera_ranges || x->has_removed != y->has_removed)
			d |= differ("per-flavor facts");
		d |= version_differ(&x->removed, &y->removed, "per-flavor removed");
	}
	return d;
}

static int expr_differ(const struct pair *p, const struct expr *a, const struct expr *b, int depth)
{
	int d = 0;
	if (!a != !b)
		return differ("expression present");
	if (!a)
		return 0;
	if (depth > 64)
		return differ("expression too deep (a cycle?)");
	d |= a->kind != b->kind || a->cmp != b->cmp || a->value != b->value ? differ("expr kind/cmp/value") : 0;
	d |= a->memo != b->memo ? differ("expr memo") : 0;
	d |= str_differ(a->ident, b->ident, "expr ident");
	d |= a->nlits != b->nlits ? differ("expr nlits") : 0;
	for (size_t i = 0; !d && i < a->nlits; i++) {
		d |= str_differ(a->lits[i].text, b->lits[i].text, "literal text");
		d |= a->lits[i].quoted != b->lits[i].quoted ? differ("literal quoted") : 0;
		d |= str_differ(a->lits[i].norm, b->lits[i].norm, "literal norm");
		d |= expr_differ(p, a->lits[i].ref, b->lits[i].ref, depth + 1);
	}
	d |= a->column != b->column ? differ("expr column") : 0;
	d |= a->ref != b->ref ? differ("expr ref") : 0;
	d |= var_ref_differ(p, a->var, b->var, "expr var");
	d |= expr_differ(p, a->left, b->left, depth + 1);
	d |= expr_differ(p, a->right, b->right, depth + 1);
	d |= expr_differ(p, a->sub, b->sub, depth + 1);
	return d;
}

static int strs4_differ(const char *const a[4], const char *const b[4], const char *what)
{
	int d = 0;
	for (size_t i = 0; i < 4; i++)
		d |= str_differ(a[i], b[i], what);
	return d;
}

static int rule_differ(const struct pair *p, const struct rule *a, const struct rule *b)
{
	int d = 0;
	d |= str_differ(a->id, b->id, "id") | str_differ(a->title, b->title, "title");
	d |= a->severity != b->severity ? differ("severity") : 0;
	d |= a->nseverity_if != b->nseverity_if ? differ("nseverity_if") : 0;
	for (size_t i = 0; !d && i < a->nseverity_if; i++) {
		d |= str_differ(a->severity_if[i].text, b->severity_if[i].text, "severity_if text");
		d |= a->severity_if[i].severity != b->severity_if[i].severity ? differ("severity_if severity") : 0;
		d |= expr_differ(p, a->severity_if[i].cond, b->severity_if[i].cond, 0);
	}
	d |= a->nfix_if != b->nfix_if ? differ("nfix_if") : 0;
	for (size_t i = 0; !d && i < a->nfix_if; i++) {
		d |= str_differ(a->fix_if[i].text, b->fix_if[i].text, "fix_if text");
		d |= str_differ(a->fix_if[i].fix, b->fix_if[i].fix, "fix_if fix");
		d |= a->fix_if[i].line != b->fix_if[i].line ? differ("fix_if line") : 0;
		d |= expr_differ(p, a->fix_if[i].cond, b->fix_if[i].cond, 0);
	}
	d |= a->scope != b->scope ? differ("scope") : 0;
	d |= str_differ(a->applies_text, b->applies_text, "applies_text");
	d |= str_differ(a->require_text, b->require_text, "require_text");
	d |= expr_differ(p, a->applies, b->applies, 0) | expr_differ(p, a->require, b->require, 0);
	d |= str_differ(a->variable, b->variable, "variable") | str_differ(a->expect, b->expect, "expect");
	d |= a->expect_given != b->expect_given ? differ("expect_given") : 0;
	d |= str_differ(a->unique, b->unique, "unique") | str_differ(a->except_same, b->except_same, "except_same");
	d |= str_differ(a->why, b->why, "why") | str_differ(a->fix, b->fix, "fix");
	d |= str_differ(a->doc, b->doc, "doc") | str_differ(a->tags, b->tags, "tags");
	d |= strs4_differ(a->why_for, b->why_for, "why_for") | strs4_differ(a->fix_for, b->fix_for, "fix_for");
	d |= strs4_differ(a->doc_for, b->doc_for, "doc_for") | strs4_differ(a->expect_for, b->expect_for, "expect_for");
	d |= str_differ(a->file, b->file, "file") | str_differ(a->family, b->family, "family");
	d |= a->line != b->line || a->applies_line != b->applies_line || a->require_line != b->require_line
		     ? differ("lines")
		     : 0;
	d |= a->fact_lists != b->fact_lists ? differ("fact_lists") : 0;
	d |= expr_differ(p, a->variable_ref, b->variable_ref, 0);
	d |= expr_differ(p, a->unique_ref, b->unique_ref, 0);
	d |= expr_differ(p, a->except_ref, b->except_ref, 0);
	return d;
}

/* Compare engines a (over catalog ca) and b (over cb) rule by rule, and their reads. */
static void compare_engines(const char *label, const struct pair *p, const struct engine *a, const struct engine *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	is_int((long)b->n, (long)a->n, "same number of rules");
	for (size_t i = 0; i < n; i++) {
		why[0] = '\0';
		if (!ok(!rule_differ(p, &a->rules[i], &b->rules[i]), "%s: rule %s is the same", label, a->rules[i].id))
			printf("#   first difference: %s\n", why);
	}
	if (is_int((long)b->nreads, (long)a->nreads, "same number of reads")) {
		int d = 0;
		why[0] = '\0';
		for (size_t i = 0; i < a->nreads; i++) {
			d |= str_differ(a->reads[i].name, b->reads[i].name, "read name");
			d |= var_ref_differ(p, a->reads[i].var, b->reads[i].var, "read var");
			d |= a->reads[i].fleet != b->reads[i].fleet ? differ("read fleet") : 0;
		}
		if (!ok(!d, "%s: the reads are the same, in the same order", label))
			printf("#   first difference: %s\n", why);
	}
}

static int load(struct catalog *c, struct engine *e, int pack, const char *extra_dir, const struct catalog *bind_to)
{
	struct diag_list d;
	int rc = 0;
	diag_list_init(&d);
	inipack_set_enabled(pack);
	if (c && catalog_load(c, "rules/variables.ini", &d))
		rc = -1;
	if (engine_load_dir(e, "rules", &d))
		rc = -1;
	if (extra_dir && engine_load_dir(e, extra_dir, &d))
		rc = -1;
	if (!rc && engine_bind(e, bind_to ? bind_to : c, &d))
		rc = -1;
	inipack_set_enabled(1);
	if (d.n)
		diag_print(&d, stdout);
	rc |= d.n ? -1 : 0;
	diag_list_release(&d);
	return rc;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

int main(void)
{
	struct catalog pc, sc;
	struct engine pe, se, xe, ye, ze;
	char dir[] = "/tmp/crashsafe-prebuilt.XXXXXX";
	char path[256], cmd[600];

	catalog_init(&pc);
	catalog_init(&sc);
	engine_init(&pe);
	engine_init(&se);
	if (!ok(load(&pc, &pe, 0, NULL, NULL) == 0, "rules/ parses with the pack off") ||
	    !ok(load(&sc, &se, 1, NULL, NULL) == 0, "rules/ loads with the pack on"))
		return done_testing();
	ok(!pc.prebuilt && pe.nprebuilt == 0, "with the pack off nothing is prebuilt");
	ok(sc.prebuilt && sc.vars == prebuilt_vars, "the catalog is the prebuilt one");
	ok(se.nprebuilt == se.n && se.n == prebuilt_nrules && se.n > 0, "every rule is prebuilt (%zu)", se.n);

	/* the catalog, variable by variable, and its index */
	struct pair p = { &pc, &sc };
	is_int((long)sc.n, (long)pc.n, "same number of catalog variables");
	for (size_t i = 0; i < pc.n && i < sc.n; i++) {
		why[0] = '\0';
		if (!ok(!var_differ(&pc.vars[i], &sc.vars[i]), "variable %s is the same", pc.vars[i].name))
			printf("#   first difference: %s\n", why);
	}
	if (is_int((long)sc.nindex, (long)pc.nindex, "same number of index entries")) {
		int d = 0;
		for (size_t i = 0; i < pc.nindex; i++)
			d |= strcmp(pc.index[i].name, sc.index[i].name) || pc.index[i].var != sc.index[i].var;
		ok(!d, "the name index is the same");
	}
	compare_engines("prebuilt", &p, &pe, &se);
	is_int((long)se.nmemo, (long)pe.nmemo, "the prebuilt rules' memo has the places of the parsed ones");
	ok(pe.nmemo > 0 && engine_memo_places(&se) == se.nmemo && engine_memo_places(&pe) == pe.nmemo,
	   "as many as their atoms are numbered (%u)", se.nmemo);

	/* engine_bind()'s order and read index of the prebuilt rules: those made for the parsed ones */
	{
		int d = !se.order || !pe.order || se.norder != pe.norder || se.norder != se.n;
		for (size_t i = 0; !d && i < se.n; i++)
			d = se.order[i] != pe.order[i];
		ok(!d, "the prebuilt rules' order by id is the parsed rules' (%zu)", se.norder);
		d = !se.read_hash || !pe.read_hash || se.nreads != pe.nreads;
		for (size_t i = 0; !d && i < se.nreads; i++)
			d = se.read_hash[i] != pe.read_hash[i];
		ok(!d, "the prebuilt reads' name hashes are the parsed reads' (%zu)", se.nreads);
		d = !se.read_slots || !pe.read_slots || se.read_mask != pe.read_mask;
		for (size_t i = 0; !d && i <= se.read_mask; i++)
			d = se.read_slots[i].read1 != pe.read_slots[i].read1 || se.read_slots[i].len != pe.read_slots[i].len;
		ok(!d, "the prebuilt reads' index is the parsed reads' (%zu slots)", se.read_mask + 1);
		ok(se.order != prebuilt_rule_order && se.read_slots != prebuilt_read_slots,
		   "the engine has its own copies (engine_release() frees them)");
		for (size_t i = 0; i < se.nreads; i++)
			if (engine_read_index(&se, se.reads[i].name) != (long)i)
				d = 1;
		ok(!d, "every read is found by name through the prebuilt index");
	}

	/* config_cache_new()'s answers per variable: util_strhash() and secret_name() of each name */
	{
		size_t bad = 0, secrets = 0;
		for (size_t i = 0; i < pc.n && i < prebuilt_nvars; i++) {
			bad += prebuilt_var_hashes[i] != util_strhash(pc.vars[i].name, 0);
			bad += prebuilt_var_secret[i] != (secret_name(pc.vars[i].name) != 0);
			secrets += prebuilt_var_secret[i];
		}
		ok(!bad && pc.n == prebuilt_nvars, "the hash and secret flag of each of the %zu catalog names (%zu differ)",
		   pc.n, bad);
		ok(secrets == 0 || secrets < pc.n, "not every variable is a secret's (%zu are)", secrets);
	}

	/* flavor inference's answers: what infer.c computes, for every catalog name and option row */
	{
		size_t bad = 0, rows = 0;
		for (size_t i = 0; i < pc.nindex && i < sc.nindex; i++)
			if (prebuilt_infer_masks[i] != infer_catalog_mask(&pc.vars[pc.index[i].var], pc.index[i].name))
				bad++;
		ok(!bad, "the inference mask of each of the %zu catalog names (%zu differ)", pc.nindex, bad);
		bad = 0;
		is_int((long)prebuilt_noption_sides, (long)options_nentries, "a side per option row");
		for (size_t i = 0; i < options_nentries && i < prebuilt_noption_sides; i++) {
			if (i && !strcmp(options_name_at(i - 1), options_name_at(i)))
				continue;
			rows++;
			if (prebuilt_option_sides[i] != (unsigned char)infer_options_side(options_name_at(i))) {
				if (!bad++)
					printf("# %s: prebuilt %u\n", options_name_at(i), prebuilt_option_sides[i]);
			}
		}
		ok(!bad && rows > 1000, "the inference side of each of the %zu option names (%zu differ)", rows, bad);
	}

	/* a rule file loaded after the built-in ones: they are loaded again from their files */
	if (!ok(mkdtemp(dir) != NULL, "a temporary rules directory"))
		return done_testing();
	snprintf(path, sizeof(path), "%s/extra.ini", dir);
	write_file(path, "[extra-rule]\ntitle = an extra rule\nseverity = info\nrequire = sync_binlog == 1\n"
			 "why = a test\nfix = none\n");
	engine_init(&xe);
	ok(load(NULL, &xe, 1, dir, &sc) == 0, "rules/ and another directory load and bind");
	ok(xe.nprebuilt == 0 && xe.n == pe.n + 1, "the prebuilt rules are given up (%zu rules)", xe.n);
	struct engine view = xe;
	view.n = pe.n;   /* the built-in rules first, as parsed; reads differ by the extra rule's */
	view.nreads = pe.nreads;
	compare_engines("built-in rules and one more", &p, &pe, &view);
	ok(xe.n == pe.n + 1 && !strcmp(xe.rules[pe.n].id, "extra-rule"), "the other rule comes last");

	/* a catalog that is not the prebuilt one: the rules are bound to it */
	engine_init(&ye);
	struct pair pp = { &pc, &pc };
	ok(load(NULL, &ye, 1, NULL, &pc) == 0 && ye.nprebuilt == 0, "bound to a parsed catalog: loaded again");
	compare_engines("parsed catalog", &pp, &pe, &ye);

	/* one byte changed in one file: nothing is prebuilt */
	snprintf(cmd, sizeof(cmd), "cp rules/*.ini %s/ && rm %s/extra.ini && printf '# edited\\n' >> %s/gtid.ini", dir,
		 dir, dir);
	engine_init(&ze);
	if (ok(system(cmd) == 0, "an edited copy of rules/")) {
		struct diag_list d;
		diag_list_init(&d);
		ok(engine_load_dir(&ze, dir, &d) == 0 && ze.nprebuilt == 0 && ze.n == pe.n,
		   "an edited rule file: parsed, none prebuilt");
		diag_list_release(&d);
	}
	/*
	 * Issue 13: a built-in file is compared by one read of its packed length + 1 bytes
	 * (engine.c rule_file_is_packed()): the same length with one byte changed, or one
	 * byte shorter, is not the packed file; a symbolic link to an unchanged file (readdir
	 * does not say regular) is compared as before, and is.
	 */
	{
		static const struct {
			const char *what;
			int prebuilt;
		} cases[] = {
			{ "one byte changed, same length: parsed", 0 },
			{ "one byte shorter: parsed", 0 },
			{ "a link to an unchanged file: prebuilt", 1 },
		};
		for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
			char edit[400];
			struct engine ke;
			snprintf(cmd, sizeof(cmd), "rm -f %s/*.ini %s/*.real && cp rules/*.ini %s/", dir, dir, dir);
			if (k == 0)
				snprintf(edit, sizeof(edit), "sed -i '1s/^;/#/' %s/gtid.ini", dir);
			else if (k == 1)
				snprintf(edit, sizeof(edit), "truncate -s -1 %s/replica.ini", dir);
			else
				snprintf(edit, sizeof(edit), "mv %s/ring.ini %s/ring.real && ln -s ring.real %s/ring.ini", dir,
					 dir, dir);
			engine_init(&ke);
			if (ok(system(cmd) == 0 && system(edit) == 0, "a copy of rules/: %s", cases[k].what)) {
				struct diag_list d;
				diag_list_init(&d);
				int loaded = engine_load_dir(&ke, dir, &d) == 0;
				ok(loaded && ke.n == pe.n && (ke.nprebuilt == ke.n) == cases[k].prebuilt, "%s (%zu of %zu prebuilt)",
				   cases[k].what, ke.nprebuilt, ke.n);
				diag_list_release(&d);
			}
			engine_release(&ke);
		}
	}
	/* another catalog file loaded into the prebuilt catalog: it gets its own copy first */
	{
		struct catalog c2, c3;
		struct diag_list d;
		snprintf(path, sizeof(path), "%s/more.ini", dir);
		write_file(path, "[dw_test_var]\ntitle = t\ntype = bool\ndefault.mysql = 5.0:ON\n");
		catalog_init(&c2);
		catalog_init(&c3);
		diag_list_init(&d);
		ok(catalog_load(&c2, "rules/variables.ini", &d) == 0 && c2.prebuilt, "a second catalog takes the prebuilt one");
		int more = catalog_load(&c2, path, &d);
		ok(more == 0 && !c2.prebuilt && c2.vars != prebuilt_vars && c2.n == pc.n + 1,
		   "loading more into it: its own copy, plus the new variable (%zu)", c2.n);
		ok(catalog_lookup(&c2, "dw_test_var") && catalog_lookup(&c2, "log_replica_updates") &&
			   catalog_lookup(&c2, "log_slave_updates") == catalog_lookup(&c2, "log_replica_updates"),
		   "  and finds old and new names");
		why[0] = '\0';
		ok(!var_differ(&pc.vars[0], &c2.vars[0]), "  the copied variables are the same");
		/* the prebuilt variables' file is the path of the catalog that holds them: another path parses */
		snprintf(path, sizeof(path), "%s/variables.ini", dir);
		ok(catalog_load(&c3, path, &d) == 0 && !c3.prebuilt && !strcmp(c3.vars[0].file, path),
		   "the same bytes from another path while the prebuilt one is held: parsed");
		ok(!strcmp(sc.vars[0].file, "rules/variables.ini"), "  and the prebuilt variables keep their path");
		is_int((long)d.n, 0, "no diagnostics");
		diag_list_release(&d);
		catalog_release(&c3);
		catalog_release(&c2);
	}

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);

	engine_release(&ze);
	engine_release(&ye);
	engine_release(&xe);
	engine_release(&se);
	engine_release(&pe);
	catalog_release(&sc);
	catalog_release(&pc);
	return done_testing();
}
