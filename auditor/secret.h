/*
 * secret.h - which option and variable values are secrets, defined once.
 *
 * Option files hold passwords ([client] password=, Galera's wsrep_sst_auth
 * user:password, MySQL 5.5's master-password, report-password ...), and so
 * do captured variables and live servers. crashsafe never prints or stores
 * such a value: settings_set() stores the mask instead (so no report, no
 * finding and no capture read back can hold it), the capture writer and
 * `resolve` print the mask (`resolve --show-secrets` shows them, as
 * `my_print_defaults --show` does), and messages about a value show the
 * mask. The list, with its sources, is the table in secret.c.
 */
#ifndef CRASHSAFE_SECRET_H
#define CRASHSAFE_SECRET_H

/*
 * What a secret value is shown as. Eight stars: what MariaDB itself shows
 * for wsrep_sst_auth in SHOW VARIABLES (sql/wsrep_sst.cc, wsrep_sst_auth_update).
 */
#define SECRET_MASK "********"

/*
 * Nonzero when an option or variable called name holds a secret. name is
 * taken as the server takes option names: any case, '-' and '_' alike,
 * "loose-" and the other my_getopt prefixes ignored, and MariaDB's
 * unambiguous prefixes of "password" ("pass", "passw"...) included.
 */
int secret_name(const char *name);

/*
 * Nonzero when value holds a secret's assignment: an '=' right after a run of
 * name characters some end of which is a secret name ("1password=x",
 * "xwsrep_sst_auth=u:p"). MySQL 8.0.25+ joins the next physical line onto a
 * line cut by a NUL byte (docs/option-files.md, "Physical lines"), so
 * "sync_binlog=1\0junk\npassword=x" is the value "1password=x" of sync_binlog.
 */
int secret_value_holds(const char *value);

/*
 * value itself when name is not a secret and value holds no secret's
 * assignment (secret_value_holds()), or value is NULL or empty; else
 * SECRET_MASK.
 */
const char *secret_shown(const char *name, const char *value);

/*
 * What a message shows of the value of an option the server does not know
 * (an unknown or ambiguous name): never the value, SECRET_MASK (a misspelt
 * secret, "wsrep_sst_auht=root:pw", is no secret name); NULL or "" as is.
 */
const char *secret_shown_unknown(const char *value);

#endif
