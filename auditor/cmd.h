/*
 * cmd.h - the commands. Each lives in auditor/cmd_<name>.c and receives the
 * arguments after its name (argv[0] is the first argument). Each returns the
 * process exit status (see crashsafe(1), EXIT STATUS).
 */
#ifndef CRASHSAFE_CMD_H
#define CRASHSAFE_CMD_H

#define CRASHSAFE_VERSION "0.1.0"

/* Exit statuses, as documented in --help and the man page. */
enum exit_status {
	EXIT_OK = 0,          /* nothing at or above --fail-on */
	EXIT_FINDINGS = 1,    /* findings at or above --fail-on */
	EXIT_USAGE = 2,       /* usage error or unusable input */
	EXIT_INCOMPLETE = 3,  /* some target could not be audited or checked */
};

int cmd_check(int argc, char **argv);
int cmd_live(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_rules(int argc, char **argv);

/*
 * Where the installed rule files live: $CRASHSAFE_RULES_DIR when set, else
 * the directory the build or install baked in (RULES_DIR), else "rules"
 * next to the binary's build tree. Returns a static string.
 */
const char *crashsafe_rules_dir(void);

#endif
