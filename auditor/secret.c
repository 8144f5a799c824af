/*
 * secret.c - the one list of option and variable names whose values are
 * secrets (see secret.h), with the source of each.
 */
#include "secret.h"

#include <string.h>

#include "util.h"
#include "banned.h"

/* Names whose value is a secret, exactly (after normalising, see secret_key()). */
static const struct {
	const char *name;
	const char *source;
} secret_names[] = {
	/* The client's own password option, in a [client] group or on the command line. */
	{ "password", "https://dev.mysql.com/doc/refman/8.4/en/mysql-command-options.html#option_mysql_password; "
		      "https://mariadb.com/kb/en/mariadb-command-line-client/" },
	/* MySQL 8.0.27+ multifactor authentication: one password per factor. */
	{ "password1", "https://dev.mysql.com/doc/refman/8.4/en/mysql-command-options.html#option_mysql_password1" },
	{ "password2", "https://dev.mysql.com/doc/refman/8.4/en/mysql-command-options.html#option_mysql_password2" },
	{ "password3", "https://dev.mysql.com/doc/refman/8.4/en/mysql-command-options.html#option_mysql_password3" },
	/* The replication password as a mysqld option, up to MySQL 5.5 (CHANGE MASTER since). */
	{ "master_password", "https://dev.mysql.com/doc/refman/5.5/en/replication-options-slave.html" },
	/* The replica's password reported to its source; shown by SHOW VARIABLES. */
	{ "report_password", "https://dev.mysql.com/doc/refman/8.4/en/replication-options-replica.html"
			     "#sysvar_report_password; https://mariadb.com/kb/en/"
			     "replication-and-binary-log-system-variables/#report_password" },
	/* Galera SST credentials, user:password (the server masks it as ********: sql/wsrep_sst.h). */
	{ "wsrep_sst_auth", "https://mariadb.com/kb/en/galera-cluster-system-variables/#wsrep_sst_auth" },
	/* The key that decrypts MariaDB's key file (or FILE:path to it). */
	{ "file_key_management_filekey",
	  "https://mariadb.com/kb/en/file-key-management-encryption-plugin/#file_key_management_filekey" },
	/* MariaDB's HashiCorp Vault token. */
	{ "hashicorp_key_management_token",
	  "https://mariadb.com/kb/en/hashicorp-key-management-plugin/#hashicorp_key_management_token" },
	/* MySQL's LDAP bind password; Vault secret id; keyring file password. */
	{ "authentication_ldap_sasl_bind_root_pwd",
	  "https://dev.mysql.com/doc/refman/8.4/en/ldap-pluggable-authentication.html" },
	{ "authentication_ldap_simple_bind_root_pwd",
	  "https://dev.mysql.com/doc/refman/8.4/en/ldap-pluggable-authentication.html" },
	{ "keyring_hashicorp_secret_id", "https://dev.mysql.com/doc/refman/8.0/en/keyring-system-variables.html" },
	{ "keyring_encrypted_file_password", "https://dev.mysql.com/doc/refman/8.0/en/keyring-system-variables.html" },
};

/*
 * Endings that make a name a secret whatever comes before: the names above
 * follow them, and so does any plugin's credential ("*_password", "*_pwd").
 */
static const char *const secret_suffixes[] = {
	"_password", "_passwd", "_pwd", "_passphrase", "_secret", "_secret_id",
};

/* Names with a secret's ending that hold no secret (booleans, plugin load options). */
static const char *const secret_not[] = {
	"disconnect_on_expired_password",        /* ON/OFF (MySQL) */
	"log_builtin_as_identified_by_password", /* ON/OFF (MariaDB) */
	"validate_password",                     /* plugin load option: ON/OFF/FORCE */
	"mysql_native_password",                 /* authentication plugins: ON/OFF/FORCE */
	"mysql_old_password",
	"mysql_clear_password",
	"sha256_password",
	"caching_sha2_password",
};

/* The my_getopt prefixes an option may carry (mysys/my_getopt.c: special_opt_prefix). */
static const char *const secret_prefixes[] = { "loose_", "skip_", "enable_", "disable_", "maximum_" };

/*
 * Every secret name above contains one of the marks "pas", "pwd", "secret",
 * "auth", "filekey" or "token" (in any case), and dropping a prefix keeps
 * them: a name without any is no secret, which settles nearly every name in
 * one pass over it (issue 13: secret_name() was 13% of a 10,000-file check).
 */

/* Whether p starts with mark (lower case), ignoring the case of p. */
static int secret_mark_at(const char *p, const char *mark)
{
	for (; *mark; p++, mark++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p + ('a' - 'A')) : *p;
		if (c != *mark)
			return 0;
	}
	return 1;
}

/* On the name as given (any case): one pass, no copy. */
static int secret_may_be(const char *name)
{
	for (const char *p = name; *p; p++) {
		switch (*p | 0x20) {
		case 'p':
			if (secret_mark_at(p, "pas") || secret_mark_at(p, "pwd"))
				return 1;
			break;
		case 's':
			if (secret_mark_at(p, "secret"))
				return 1;
			break;
		case 'a':
			if (secret_mark_at(p, "auth"))
				return 1;
			break;
		case 'f':
			if (secret_mark_at(p, "filekey"))
				return 1;
			break;
		case 't':
			if (secret_mark_at(p, "token"))
				return 1;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* name lower-cased with '-' as '_' and the prefixes dropped, into buf; 0, or -1 if too long. */
static int secret_key(char *buf, size_t size, const char *name)
{
	size_t n = strlen(name);
	if (n >= size)
		return -1;
	for (size_t i = 0; i <= n; i++) {
		char c = name[i];
		buf[i] = c == '-' ? '_' : (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
	}
	for (int again = 1; again;) {
		again = 0;
		for (size_t i = 0; i < ARRAY_SIZE(secret_prefixes); i++) {
			size_t pl = strlen(secret_prefixes[i]);
			if (!strncmp(buf, secret_prefixes[i], pl) && buf[pl]) {
				memmove(buf, buf + pl, strlen(buf + pl) + 1);
				again = 1;
			}
		}
	}
	return 0;
}

int secret_name(const char *name)
{
	char key[256];
	if (!name || !secret_may_be(name) || secret_key(key, sizeof(key), name) < 0)
		return 0;
	size_t n = strlen(key);
	for (size_t i = 0; i < ARRAY_SIZE(secret_not); i++)
		if (!strcmp(key, secret_not[i]))
			return 0;
	for (size_t i = 0; i < ARRAY_SIZE(secret_names); i++)
		if (!strcmp(key, secret_names[i].name))
			return 1;
	/* MariaDB takes an unambiguous prefix of an option: "pass" is "password". */
	if (n >= 3 && n < 8 && !strncmp("password", key, n))
		return 1;
	for (size_t i = 0; i < ARRAY_SIZE(secret_suffixes); i++) {
		size_t sl = strlen(secret_suffixes[i]);
		if (n > sl && !strcmp(key + n - sl, secret_suffixes[i]))
			return 1;
	}
	return 0;
}

/* Characters of an option name (and of what a NUL-joined line glues before one: "1password"). */
static int secret_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

#define SECRET_ASSIGNED_NAME 64

int secret_value_holds(const char *value)
{
	if (!value)
		return 0;
	for (const char *eq = strchr(value, '='); eq; eq = strchr(eq + 1, '=')) {
		const char *start = eq;
		while (start > value && eq - start < SECRET_ASSIGNED_NAME && secret_name_char(start[-1]))
			start--;
		if (start == eq)
			continue;
		char run[SECRET_ASSIGNED_NAME + 1];
		size_t len = (size_t)(eq - start);
		memcpy(run, start, len);
		run[len] = '\0';
		for (size_t k = 0; k < len; k++)
			if (secret_name(run + k))
				return 1;
	}
	return 0;
}

const char *secret_shown(const char *name, const char *value)
{
	if (!value || !*value || (!secret_name(name) && !secret_value_holds(value)))
		return value;
	return SECRET_MASK;
}

const char *secret_shown_unknown(const char *value)
{
	return value && *value ? SECRET_MASK : value;
}
