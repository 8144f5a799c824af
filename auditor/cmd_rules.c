/*
 * cmd_rules.c - `crashsafe rules [RULE-ID]`: list every rule (id, severity,
 * title), or explain one, from the same rule files the audits use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cmd.h"
#include "engine.h"
#include "banned.h"

enum {
	OPT_HELP = 1,
	OPT_VERSION,
	OPT_RULES,
};

static const struct cli_option rules_options[] = {
	{ "rules", 0, CLI_REQUIRED_ARG, OPT_RULES, "DIR", "also load the rule files (*.ini) in DIR (repeatable)" },
	{ "help", 'h', CLI_NO_ARG, OPT_HELP, NULL, "show this help and exit" },
	{ "version", 0, CLI_NO_ARG, OPT_VERSION, NULL, "print crashsafe's version and exit" },
};

struct rules_args {
	const char *dirs[AUDIT_MAX_RULE_DIRS];
	size_t ndirs;
	int help, version;
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
	if (a->ndirs == AUDIT_MAX_RULE_DIRS)
		return cli_usage_error("--rules: at most %d directories", AUDIT_MAX_RULE_DIRS);
	a->dirs[a->ndirs++] = arg;
	return 0;
}

static void rules_usage(FILE *fp)
{
	fputs("usage: crashsafe rules [--rules DIR] [RULE-ID]\n"
	      "\n"
	      "Without RULE-ID, list every rule: id, severity, title. With one, explain it:\n"
	      "when it applies, what it requires, why, the fix and references.\n"
	      "\n"
	      "Options:\n", fp);
	cli_print_options(fp, rules_options, ARRAY_SIZE(rules_options));
	fputs("\nExit status: 0 done; 2 usage error, unknown RULE-ID or a bad rule file.\n", fp);
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
			diag_emit(DIAG_ERROR, NULL, 0, "no rule '%s' (see 'crashsafe rules')", argv[0]);
			status = EXIT_USAGE;
			goto out;
		}
		rules_explain(r);
		goto out;
	}
	size_t width = 2;
	for (size_t i = 0; i < engine_rule_count(&e); i++) {
		size_t l = strlen(engine_rule_at(&e, i)->id);
		if (l > width)
			width = l;
	}
	for (size_t i = 0; i < engine_rule_count(&e); i++) {
		const struct rule *r = engine_rule_at(&e, i);
		printf("%-*s  %-7s  ", (int)width, r->id, severity_name(r->severity));
		fputs_escaped(r->title, stdout, NULL);
		putchar('\n');
	}
out:
	diag_list_release(&d);
	engine_release(&e);
	catalog_release(&c);
	return status;
}
