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
int cmd_diff(int argc, char **argv);
int cmd_live(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_merge(int argc, char **argv);

/*
 * Where the rule files and the variable catalog live: $CRASHSAFE_RULES_DIR
 * when set; else, of BIN/../rules (a build tree), BIN/../share/crashsafe/rules
 * (an installed binary, whatever PREFIX it was built with) and the directory
 * the build baked in (RULES_DIR), the first that holds variables.ini.
 * NULL when none does: never "rules" in the working directory, so that a
 * repository with a rules/ directory of its own cannot change the audit.
 * Returns a static string.
 */
const char *crashsafe_rules_dir(void);
/* After crashsafe_rules_dir() returned NULL: the directories it tried, ", "-separated, appended to sb. */
struct strbuf;
void crashsafe_rules_dir_tried(struct strbuf *sb);

#endif
