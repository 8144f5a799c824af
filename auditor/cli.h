/*
 * cli.h - table-driven command-line parsing shared by every command.
 *
 * Each command describes its options in a static table; cli_parse() walks
 * argv, accepts "--name=value", "--name value", "-x value", "-xvalue",
 * bundled short flags ("-qv") and "--" and calls back with the option's id.
 * Usage text is generated from the same table, so --help cannot drift from
 * the parser.
 *
 * Secrets on the command line follow the mysql client (client/mysql.cc,
 * my_getopt): a CLI_OPTIONAL_SECRET option ("password", 'p') takes its
 * value only when attached ("-pSECRET", "--password=SECRET"); bare "-p" or
 * "--password" asks for it, and "-p SECRET" is NOT a password: the next
 * word is an operand. After the callback has copied the value, the value's
 * bytes in argv are overwritten ("x", then NUL, as the mysql client does) so
 * /proc/PID/cmdline and ps do not show it while the run goes on. No error
 * message ever prints an argument's value or anything after a short
 * option's letter: an unknown "-pSekr1t" is reported as '-p', an unknown
 * "--password=X" as '--password' (cli_arg_display()).
 */
#ifndef CRASHSAFE_CLI_H
#define CRASHSAFE_CLI_H

#include <stdio.h>

enum cli_arg {
	CLI_NO_ARG = 0,
	CLI_REQUIRED_ARG,
	CLI_OPTIONAL_SECRET,   /* value attached only; arg NULL when bare; scrubbed from argv */
	/*
	 * Added (issue 10): a value, as CLI_REQUIRED_ARG, and the option may be
	 * given several times (--rules DIR, --suppress FILE). Any other option
	 * that takes a value given twice is a usage error (which one would win
	 * is a guess); flags (CLI_NO_ARG) may repeat.
	 */
	CLI_REPEATABLE_ARG,
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
 * Called once per option; arg is NULL for CLI_NO_ARG and for a bare
 * CLI_OPTIONAL_SECRET. A secret's arg points into argv and is overwritten
 * when the callback returns: copy it. Return 0 to go on, or non-zero to
 * stop parsing (cli_parse returns that value).
 */
typedef int (*cli_callback)(void *ctx, int id, const char *arg);

/*
 * Parse argv[0..argc) (argv[0] is the first argument, not the program).
 * Operands (non-options) are moved, in order, to the front of argv and
 * their count stored in *noperands. Unknown options, missing arguments and
 * an option that takes one value given twice print one
 * "crashsafe: error: ..." line to stderr and return 2.
 */
int cli_parse(int argc, char **argv, const struct cli_option *opts, size_t nopts,
	      cli_callback cb, void *ctx, int *noperands);

/*
 * How an argument may be shown in a message: an option is shown by its name
 * only ("--password=X" -> "--password", "-pX" -> "-p"), never its value;
 * an operand as it is. Returns a heap string the caller frees.
 */
char *cli_arg_display(const char *arg);

/*
 * Overwrite a secret in place: its first byte becomes 'x' and the rest NUL,
 * so neither the secret nor its length stays in /proc/PID/cmdline.
 */
void cli_scrub(char *secret);

/*
 * Ask for a password on the controlling terminal (/dev/tty), without echo:
 * prompt is written there, one line is read. Returns 0 with *out a heap
 * string (the caller clears and frees it), or -1 with *why set when there is
 * no terminal (cron, a pipeline started by a service: never waits for
 * input that cannot come), or reading failed. The terminal's echo is
 * restored even when SIGINT, SIGTERM, SIGHUP or SIGQUIT arrive meanwhile.
 */
int cli_read_password(const char *prompt, char **out, const char **why);

/* Print "  -x, --name ARG   help" lines for every option. */
void cli_print_options(FILE *fp, const struct cli_option *opts, size_t nopts);

/* Print "crashsafe: error: <msg>" to stderr; returns 2 (usage error) for `return cli_usage_error(...)`. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
