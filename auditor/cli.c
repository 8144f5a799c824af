#include "cli.h"

#include <stdarg.h>
#include <string.h>

#include "diag.h"
#include "util.h"
#include "banned.h"

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vemit(DIAG_ERROR, NULL, 0, fmt, ap);
	va_end(ap);
	return 2;
}

static const struct cli_option *find_long(const struct cli_option *opts, size_t n,
					  const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
			return &opts[i];
	return NULL;
}

static const struct cli_option *find_short(const struct cli_option *opts, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (opts[i].short_name && opts[i].short_name == c)
			return &opts[i];
	return NULL;
}

int cli_parse(int argc, char **argv, const struct cli_option *opts, size_t nopts,
	      cli_callback cb, void *ctx, int *noperands)
{
	int nops = 0;
	int only_operands = 0;
	for (int i = 0; i < argc; i++) {
		char *a = argv[i];
		if (only_operands || a[0] != '-' || !a[1]) {
			argv[nops++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_operands = 1;
			continue;
		}
		const struct cli_option *o;
		const char *arg = NULL;
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			o = find_long(opts, nopts, name, len);
			if (!o)
				return cli_usage_error("unknown option '--%.*s' (see --help)", (int)len, name);
			if (eq) {
				if (o->arg == CLI_NO_ARG)
					return cli_usage_error("option '--%s' takes no value", o->name);
				arg = eq + 1;
			}
		} else {
			if (a[2])
				return cli_usage_error("unknown option '%s' (see --help)", a);
			o = find_short(opts, nopts, a[1]);
			if (!o)
				return cli_usage_error("unknown option '%s' (see --help)", a);
		}
		if (o->arg == CLI_REQUIRED_ARG && !arg) {
			if (i + 1 >= argc)
				return cli_usage_error("option '--%s' needs a value", o->name);
			arg = argv[++i];
		}
		int rc = cb(ctx, o->id, arg);
		if (rc)
			return rc;
	}
	*noperands = nops;
	return 0;
}

void cli_print_options(FILE *fp, const struct cli_option *opts, size_t nopts)
{
	for (size_t i = 0; i < nopts; i++) {
		const struct cli_option *o = &opts[i];
		char left[80];
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
				 o->arg ? " " : "", o->arg ? o->arg_name : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
				 o->arg ? " " : "", o->arg ? o->arg_name : "");
		if (strlen(left) > 28)
			fprintf(fp, "  %s\n  %-28s  %s\n", left, "", o->help);
		else
			fprintf(fp, "  %-28s  %s\n", left, o->help);
	}
}
