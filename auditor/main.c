/*
 * main.c - command dispatch: a table of commands, each cmd_<name>().
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "diag.h"
#include "util.h"
#include "banned.h"

#ifndef RULES_DIR
#define RULES_DIR ""
#endif

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
	const char *help;
} commands[] = {
	{ "check", cmd_check, "[OPTIONS] [FILE...]",
	  "audit option files and captured variable snapshots offline" },
	{ "diff", cmd_diff, "[OPTIONS] OLD NEW",
	  "what a change to option files introduces, fixes and leaves (before a restart)" },
	{ "live", cmd_live, "[OPTIONS] [HOST[:PORT]...]",
	  "audit running servers and their replication channels" },
	{ "merge", cmd_merge, "[OPTIONS] REPORT.json...",
	  "one report from the shard reports of a run (--shard I/N)" },
	{ "resolve", cmd_resolve, "[OPTIONS] [FILE]",
	  "effective options with their origin (file:line, include chain)" },
	{ "rules", cmd_rules, "[--format json] [RULE-ID]",
	  "list the rules by family and id, or explain one" },
};

static void usage(FILE *fp)
{
	fprintf(fp, "usage: crashsafe COMMAND [OPTIONS] [ARGS]\n\n"
		    "Audit MySQL, Percona Server and MariaDB servers for replication crash safety.\n\n"
		    "Commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(fp, "  %-8s %-28s %s\n", commands[i].name, commands[i].synopsis, commands[i].help);
	fprintf(fp, "\nRun 'crashsafe COMMAND --help' for a command's options, and see crashsafe(1).\n"
		    "\nExit status:\n"
		    "  0  nothing at or above --fail-on\n"
		    "  1  findings at or above --fail-on (an option file the server refuses is one)\n"
		    "  2  usage error or unusable input (unreadable file, bad rule file); with an\n"
		    "     unreadable FILE the other targets are still audited and reported\n"
		    "  3  some target could not be audited, or an error-severity rule could not be evaluated\n");
}

/* A rules directory is usable when it holds the variable catalog. */
static int rules_dir_usable(const char *dir)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/variables.ini", dir);
	return n > 0 && (size_t)n < sizeof(path) && access(path, R_OK) == 0;
}

/*
 * Look for DIR/SUFFIX where DIR is the directory above the running binary's
 * own directory; on success copy it to out and return 1.
 */
static int rules_dir_beside_binary(const char *suffix, char *out, size_t size)
{
	char exe[PATH_MAX];
	out[0] = '\0';
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return 0;
	exe[n] = '\0';
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return 0;
		*slash = '\0';
	}
	int len = snprintf(out, size, "%s/%s", exe, suffix);
	return len > 0 && (size_t)len < size && rules_dir_usable(out);
}

/* The directories crashsafe_rules_dir() looked at, for the message when none is usable. */
static char rules_tried[3][PATH_MAX];
static size_t rules_ntried;

static void rules_dir_tried(const char *dir)
{
	if (rules_ntried < ARRAY_SIZE(rules_tried))
		snprintf(rules_tried[rules_ntried++], PATH_MAX, "%s", dir);
}

const char *crashsafe_rules_dir(void)
{
	static char buf[PATH_MAX];
	static const char *found;
	const char *env = getenv("CRASHSAFE_RULES_DIR");
	if (env && *env)
		return env;
	if (found)
		return found;
	rules_ntried = 0;
	/* A build tree: BUILD/crashsafe finds BUILD/../rules. */
	if (rules_dir_beside_binary("rules", buf, sizeof(buf)))
		return found = buf;
	rules_dir_tried(buf);
	/* An installed binary: PREFIX/bin/crashsafe finds PREFIX/share/crashsafe/rules,
	 * whatever PREFIX the objects were compiled with. */
	if (rules_dir_beside_binary("share/crashsafe/rules", buf, sizeof(buf)))
		return found = buf;
	rules_dir_tried(buf);
	if (RULES_DIR[0] && rules_dir_usable(RULES_DIR))
		return found = RULES_DIR;
	if (RULES_DIR[0])
		rules_dir_tried(RULES_DIR);
	/*
	 * Never "rules" in the working directory: a repository with a rules/
	 * directory of its own must not change what is audited.
	 */
	return NULL;
}

void crashsafe_rules_dir_tried(struct strbuf *sb)
{
	for (size_t i = 0; i < rules_ntried; i++)
		if (rules_tried[i][0])
			strbuf_addf(sb, "%s%s", sb->len ? ", " : "", rules_tried[i]);
}

/*
 * A command's exit status, or 2 when what it wrote to standard output could
 * not all be written (--help > /dev/full): said once, unless the command
 * already returned 2 (it said why).
 */
static int main_stdout_status(int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	if (status != EXIT_USAGE)
		diag_emit(DIAG_ERROR, NULL, 0, "cannot write to standard output: %s", strerror(errno));
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		usage(stdout);
		return main_stdout_status(EXIT_OK);
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("crashsafe %s\n", CRASHSAFE_VERSION);
		return main_stdout_status(EXIT_OK);
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name))
			return main_stdout_status(commands[i].run(argc - 2, argv + 2));
	/* Only an option's name: "--password=X" before the command must not be echoed. */
	char *shown = cli_arg_display(name);
	diag_emit(DIAG_ERROR, NULL, 0, "unknown command '%s'", shown);
	free(shown);
	fputc('\n', stderr);
	usage(stderr);
	return EXIT_USAGE;
}
