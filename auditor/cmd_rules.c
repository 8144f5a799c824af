/*
 * cmd_rules.c - `crashsafe rules [RULE-ID]`: list every rule (family, id,
 * severity, title; sorted by family and id), or explain one, from the same
 * rule files the audits use; --format json for scripts. A RULE-ID that is
 * no rule gets suggestions: the rule spelled with '-' for '_', near
 * misspellings, and every rule that reads a variable of that name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cmd.h"
#include "engine.h"
#include "../reports/report.h"
#include "banned.h"

enum {
	OPT_HELP = 1,
	OPT_VERSION,
	OPT_RULES,
	OPT_FORMAT,
};

static const struct cli_option rules_options[] = {
	{ "rules", 0, CLI_REPEATABLE_ARG, OPT_RULES, "DIR", "also load the rule files (*.ini) in DIR (repeatable)" },
	{ "format", 0, CLI_REQUIRED_ARG, OPT_FORMAT, "FORMAT", "text (the default) or json (every key of every rule)" },
	{ "help", 'h', CLI_NO_ARG, OPT_HELP, NULL, "show this help and exit" },
	{ "version", 0, CLI_NO_ARG, OPT_VERSION, NULL, "print crashsafe's version and exit" },
};

struct rules_args {
	const char *dirs[AUDIT_MAX_RULE_DIRS];
	size_t ndirs;
	int help, version;
	int json;
};

static int rules_option(void *ctx, int id, const char *arg)
{
	struct rules_args *a = ctx;
	if (id == OPT_HELP) {
		a->help = 1;
		return 0;
	}
	if (id == OPT_VERSION) {
		a->version = 1;
		return 0;
	}
	if (id == OPT_FORMAT) {
		if (strcmp(arg, "text") && strcmp(arg, "json"))
			return cli_usage_error("--format: '%s' is not text or json", arg);
		a->json = !strcmp(arg, "json");
		return 0;
	}
	if (a->ndirs == AUDIT_MAX_RULE_DIRS)
		return cli_usage_error("--rules: at most %d directories", AUDIT_MAX_RULE_DIRS);
	a->dirs[a->ndirs++] = arg;
	return 0;
}

static void rules_usage(FILE *fp)
{
	fputs("usage: crashsafe rules [--rules DIR] [--format text|json] [RULE-ID]\n"
	      "\n"
	      "Without RULE-ID, list every rule, sorted by family (the rule file's name) and\n"
	      "id: family, id, severity, title. With one, explain it: when it applies, what\n"
	      "it requires, why, the fix and references. A RULE-ID that names no rule gets\n"
	      "suggestions on standard error: the rule it may mean (sync-binlog for\n"
	      "sync_binlog) and every rule that reads a variable of that name.\n"
	      "\n"
	      "Options:\n", fp);
	cli_print_options(fp, rules_options, ARRAY_SIZE(rules_options));
	fputs("\nExit status: 0 done; 2 usage error, unknown RULE-ID (with suggestions) or a bad\n"
	      "rule file.\n", fp);
}

/* Print text wrapped at width, every line after the first indented by indent. */
static void print_wrapped(const char *text, size_t indent, size_t width)
{
	size_t col = indent;
	const char *p = text;
	while (*p) {
		if (*p == '\n') {
			printf("\n%*s", (int)indent, "");
			col = indent;
			p++;
			continue;
		}
		if (*p == ' ') {
			p++;
			continue;
		}
		size_t len = 0;
		while (p[len] && p[len] != ' ' && p[len] != '\n')
			len++;
		if (col > indent && col + 1 + len > width) {
			printf("\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			putchar(' ');
			col++;
		}
		/* rule files are outside text: escaped as every message is (util.h) */
		struct strbuf word = { 0 };
		strbuf_add_escaped(&word, p, len, NULL);
		fputs(word.buf ? word.buf : "", stdout);
		strbuf_release(&word);
		col += len;
		p += len;
	}
	putchar('\n');
}

static void field(const char *name, const char *value)
{
	if (!value || !*value)
		return;
	printf("%-10s ", name);
	print_wrapped(value, 11, 79);
}

static void rules_explain(const struct rule *r)
{
	printf("%s\n", r->id);
	print_wrapped(r->title, 0, 79);
	putchar('\n');
	struct strbuf sev = { 0 };
	strbuf_addstr(&sev, severity_name(r->severity));
	for (size_t i = 0; i < r->nseverity_if; i++)
		strbuf_addf(&sev, "; %s when %s", severity_name(r->severity_if[i].severity), r->severity_if[i].text);
	field("severity:", sev.buf);
	strbuf_release(&sev);
	field("scope:", rule_scope_name(r->scope));
	field("applies:", r->applies_text ? r->applies_text : "always");
	if (r->require_text)
		field("require:", r->require_text);
	if (r->unique) {
		struct strbuf u = { 0 };
		strbuf_addf(&u, "%s unique among the targets of one run", r->unique);
		if (r->except_same)
			strbuf_addf(&u, ", except between targets with the same non-empty %s", r->except_same);
		field("unique:", u.buf);
		strbuf_release(&u);
	}
	field("expected:", r->expect);
	for (enum flavor f = FLAVOR_MYSQL; f <= FLAVOR_MARIADB; f++) {
		if (!r->expect_for[f])
			continue;
		struct strbuf sb = { 0 };
		strbuf_addf(&sb, "(%s) %s", flavor_display(f), r->expect_for[f]);
		field("expected:", sb.buf);
		strbuf_release(&sb);
	}
	field("variable:", r->variable);
	static const enum flavor flavors[] = { FLAVOR_MYSQL, FLAVOR_PERCONA, FLAVOR_MARIADB };
	const char *const *texts[] = { r->why_for, r->fix_for, r->doc_for };
	const char *generic[] = { r->why, r->fix, r->doc };
	const char *names[] = { "why", "fix", "doc" };
	for (size_t k = 0; k < ARRAY_SIZE(texts); k++) {
		char label[32];
		snprintf(label, sizeof(label), "%s:", names[k]);
		field(label, generic[k]);
		for (size_t i = 0; i < ARRAY_SIZE(flavors); i++) {
			const char *t = texts[k][flavors[i]];
			if (!t)
				continue;
			struct strbuf sb = { 0 };
			strbuf_addf(&sb, "(%s) %s", flavor_display(flavors[i]), t);
			field(label, sb.buf);
			strbuf_release(&sb);
		}
	}
	for (size_t i = 0; i < r->nfix_if; i++) {
		struct strbuf sb = { 0 };
		strbuf_addf(&sb, "(when %s) %s", r->fix_if[i].text, r->fix_if[i].fix);
		field("fix:", sb.buf);
		strbuf_release(&sb);
	}
	field("tags:", r->tags);
	char where[512];
	snprintf(where, sizeof(where), "%s:%u", r->file, r->line);
	field("defined:", where);
}

/* Family, then id. */
static int rules_cmp(const void *pa, const void *pb)
{
	const struct rule *a = *(const struct rule *const *)pa, *b = *(const struct rule *const *)pb;
	int c = strcmp(a->family ? a->family : "", b->family ? b->family : "");
	return c ? c : strcmp(a->id, b->id);
}

/* Lowercase, '_' as '-': how a rule id compares with what was typed. */
static char *rules_normalize(const char *s)
{
	char *n = xstrdup(s);
	for (char *p = n; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		else if (*p == '_')
			*p = '-';
	}
	return n;
}

/* Levenshtein distance, stopping early above max. */
static size_t rules_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b);
	if ((la > lb ? la - lb : lb - la) > max || lb >= 64)
		return max + 1;
	size_t row[64];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0], best;
		row[0] = i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t sub = diag + (a[i - 1] != b[j - 1]);
			size_t v = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
			row[j] = v < sub ? v : sub;
			diag = up;
			if (row[j] < best)
				best = row[j];
		}
		if (best > max)
			return max + 1;
	}
	return row[lb];
}

/* NAME is no rule: what it may mean, on standard error. */
static void rules_suggest(const struct engine *e, const struct catalog *c, const char *name)
{
	char *want = rules_normalize(name);
	struct strbuf near = { 0 }, reads = { 0 };
	const struct catalog_var *v = catalog_lookup(c, name);
	for (size_t i = 0; i < engine_rule_count(e); i++) {
		const struct rule *r = engine_rule_at(e, i);
		if (rules_distance(want, r->id, 2) <= 2)
			strbuf_addf(&near, "%s%s", near.len ? ", " : "", r->id);
		if (v && rule_reads_var(r, v))
			strbuf_addf(&reads, "%s%s", reads.len ? ", " : "", r->id);
	}
	diag_emit(DIAG_ERROR, NULL, 0, "no rule '%s'", name);
	if (near.len)
		diag_emit(DIAG_NOTE, NULL, 0, "did you mean: %s", near.buf);
	if (reads.len)
		diag_emit(DIAG_NOTE, NULL, 0, "the rules that read %s: %s", v->name, reads.buf);
	if (!near.len && !reads.len)
		diag_emit(DIAG_NOTE, NULL, 0, "'crashsafe rules' lists every rule");
	free(want);
	strbuf_release(&near);
	strbuf_release(&reads);
}

int cmd_rules(int argc, char **argv)
{
	struct rules_args a = { 0 };
	struct catalog c;
	struct engine e;
	struct diag_list d;
	int noperands = 0, status = EXIT_OK;

	if (cli_parse(argc, argv, rules_options, ARRAY_SIZE(rules_options), rules_option, &a, &noperands))
		return EXIT_USAGE;
	if (a.help) {
		rules_usage(stdout);
		return EXIT_OK;
	}
	if (a.version) {
		printf("crashsafe %s\n", CRASHSAFE_VERSION);
		return EXIT_OK;
	}
	if (noperands > 1)
		return cli_usage_error("give at most one RULE-ID (see --help)");

	catalog_init(&c);
	engine_init(&e);
	diag_list_init(&d);
	audit_load_catalog(&c, &d);
	if (!diag_count(&d, DIAG_ERROR)) {
		engine_load_dir(&e, crashsafe_rules_dir(), &d);
		for (size_t i = 0; i < a.ndirs; i++)
			engine_load_dir(&e, a.dirs[i], &d);
		if (!diag_count(&d, DIAG_ERROR))
			engine_bind(&e, &c, &d);
	}
	diag_print(&d, stderr);
	if (diag_count(&d, DIAG_ERROR)) {
		status = EXIT_USAGE;
		goto out;
	}
	if (noperands == 1) {
		const struct rule *r = engine_rule_find(&e, argv[0]);
		if (!r) {
			rules_suggest(&e, &c, argv[0]);
			status = EXIT_USAGE;
			goto out;
		}
		if (a.json)
			status = report_rules_json(&r, 1, CRASHSAFE_VERSION, stdout) ? EXIT_USAGE : EXIT_OK;
		else
			rules_explain(r);
		goto out;
	}
	size_t n = engine_rule_count(&e);
	const struct rule **sorted = xcalloc(n ? n : 1, sizeof(*sorted));
	size_t width = 2, fwidth = 6;
	for (size_t i = 0; i < n; i++) {
		sorted[i] = engine_rule_at(&e, i);
		if (strlen(sorted[i]->id) > width)
			width = strlen(sorted[i]->id);
		if (sorted[i]->family && strlen(sorted[i]->family) > fwidth)
			fwidth = strlen(sorted[i]->family);
	}
	if (n)
		qsort(sorted, n, sizeof(*sorted), rules_cmp);
	if (a.json) {
		status = report_rules_json(sorted, n, CRASHSAFE_VERSION, stdout) ? EXIT_USAGE : EXIT_OK;
	} else {
		for (size_t i = 0; i < n; i++) {
			const struct rule *r = sorted[i];
			fputs_escaped(r->family ? r->family : "", stdout, NULL);
			printf("%*s  ", (int)(fwidth - (r->family ? strlen(r->family) : 0)), "");
			fputs_escaped(r->id, stdout, NULL);
			printf("%*s  %-7s  ", (int)(width - strlen(r->id)), "", severity_name(r->severity));
			fputs_escaped(r->title, stdout, NULL);
			putchar('\n');
		}
	}
	free(sorted);
	if (fflush(stdout) || ferror(stdout))
		status = EXIT_USAGE;
out:
	diag_list_release(&d);
	engine_release(&e);
	catalog_release(&c);
	return status;
}
