/*
 * cli.h - table-driven command-line parsing shared by every command.
 *
 * Each command describes its options in a static table; cli_parse() walks
 * argv, accepts "--name=value", "--name value", "-x value", bundled-free
 * short flags and "--" and calls back with the option's id. Usage text is
 * generated from the same table, so --help cannot drift from the parser.
 */
#ifndef CRASHSAFE_CLI_H
#define CRASHSAFE_CLI_H

#include <stdio.h>

enum cli_arg {
	CLI_NO_ARG = 0,
	CLI_REQUIRED_ARG,
};

struct cli_option {
	const char *name;       /* long name without "--" */
	char short_name;        /* 0 for none */
	enum cli_arg arg;
	int id;                 /* passed to the callback */
	const char *arg_name;   /* "FILE", "N" ... shown in --help */
	const char *help;       /* one line */
};

/*
 * Called once per option; arg is NULL for CLI_NO_ARG. Return 0 to go on,
 * or non-zero to stop parsing (cli_parse returns that value).
 */
typedef int (*cli_callback)(void *ctx, int id, const char *arg);

/*
 * Parse argv[0..argc) (argv[0] is the first argument, not the program).
 * Operands (non-options) are moved, in order, to the front of argv and
 * their count stored in *noperands. Unknown options and missing arguments
 * print one "crashsafe: error: ..." line to stderr and return 2.
 */
int cli_parse(int argc, char **argv, const struct cli_option *opts, size_t nopts,
	      cli_callback cb, void *ctx, int *noperands);

/* Print "  -x, --name ARG   help" lines for every option. */
void cli_print_options(FILE *fp, const struct cli_option *opts, size_t nopts);

/* Print "crashsafe: error: <msg>" to stderr; returns 2 (usage error) for `return cli_usage_error(...)`. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
