/*
 * common.c - the helpers of fuzz.h, linked into every fuzz target.
 */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../auditor/diag.h"
#include "../auditor/snapshot.h"
#include "../auditor/util.h"

#ifndef FUZZ_RULES_DIR
#define FUZZ_RULES_DIR "rules"
#endif

static char fuzz_dir[256];
static char fuzz_path[512];

void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}

/* The names written, so that exit removes exactly them and the directory. */
static char *fuzz_names[64];
static size_t fuzz_nnames;

static void fuzz_cleanup(void)
{
	for (size_t i = 0; i < fuzz_nnames; i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", fuzz_dir, fuzz_names[i]);
		unlink(path);
		free(fuzz_names[i]);
	}
	if (fuzz_dir[0])
		rmdir(fuzz_dir);
}

static void fuzz_remember(const char *name)
{
	for (size_t i = 0; i < fuzz_nnames; i++)
		if (!strcmp(fuzz_names[i], name))
			return;
	if (fuzz_nnames == sizeof(fuzz_names) / sizeof(fuzz_names[0]))
		fuzz_fail(__FILE__, __LINE__, "more than 64 distinct fuzz file names");
	fuzz_names[fuzz_nnames++] = xstrdup(name);
}

const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	if (!fuzz_dir[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/crashsafe-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(fuzz_dir))
			fuzz_fail(__FILE__, __LINE__, "mkdtemp");
		atexit(fuzz_cleanup);
	}
	if (strchr(name, '/'))
		fuzz_fail(__FILE__, __LINE__, "fuzz file names are plain names");
	fuzz_remember(name);
	snprintf(fuzz_path, sizeof(fuzz_path), "%s/%s", fuzz_dir, name);
	int fd = open(fuzz_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		fuzz_fail(__FILE__, __LINE__, "open a fuzz file");
	size_t off = 0;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fuzz_fail(__FILE__, __LINE__, "write a fuzz file");
		off += (size_t)n;
	}
	close(fd);
	return fuzz_path;
}

char *fuzz_string(const uint8_t *data, size_t size)
{
	return xstrndup((const char *)data, size);
}

const char *fuzz_rules_dir(void)
{
	return FUZZ_RULES_DIR;
}

const struct catalog *fuzz_catalog(void)
{
	static struct catalog c;
	static int loaded;
	if (!loaded) {
		struct diag_list d;
		char *path = xasprintf("%s/variables.ini", FUZZ_RULES_DIR);
		diag_list_init(&d);
		catalog_init(&c);
		if (catalog_load(&c, path, &d) != 0) {
			diag_print(&d, stderr);
			fuzz_fail(__FILE__, __LINE__, "cannot load the catalog (FUZZ_RULES_DIR)");
		}
		diag_list_release(&d);
		free(path);
		loaded = 1;
	}
	return &c;
}

static const char *const fuzz_target_texts[] = {
	"# crashsafe capture 1\n# role replica\n# fact replication_channels\t1\n"
	"# fact runtime_only_changes\tsync_binlog=0\n# origin sync_binlog\tSQL\n"
	"# origin relay_log_recovery\tCONFIG\t/etc/mysql/my.cnf\n"
	"# channel \tusing_gtid=Slave_Pos\tio_running=Yes\tsql_running=Yes\tsource_host=10.0.0.5\tsource_port=3306\n"
	"version\t10.11.6-MariaDB-log\nversion_comment\tmariadb.org binary distribution\n"
	"server_id\t2\nlog_bin\tON\nsync_binlog\t0\nrelay_log_recovery\tON\ngtid_strict_mode\tON\n"
	"read_only\tON\ninnodb_flush_log_at_trx_commit\t1\nlog_slave_updates\tON\n"
	"wsrep_on\tOFF\nreport_password\tsecret\n",
	"version\t8.4.0\nversion_comment\tMySQL Community Server - GPL\nserver_id\t1\n"
	"gtid_mode\tON\nenforce_gtid_consistency\tON\nlog_bin\tON\nsync_binlog\t1\n"
	"innodb_flush_log_at_trx_commit\t1\nbinlog_format\tROW\nsuper_read_only\tOFF\n",
	"server_id\t3\nsync_binlog\t1\nrelay_log_recovery\tOFF\n",
};

struct settings *fuzz_targets(size_t *n)
{
	static struct settings t[sizeof(fuzz_target_texts) / sizeof(fuzz_target_texts[0])];
	static int built;
	*n = sizeof(t) / sizeof(t[0]);
	if (built)
		return t;
	for (size_t i = 0; i < *n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "target%zu.txt", i);
		const char *path = fuzz_file(name, (const uint8_t *)fuzz_target_texts[i], strlen(fuzz_target_texts[i]));
		settings_init(&t[i], name, "snapshot");
		if (snapshot_load(&t[i], path, fuzz_catalog()) != 0)
			fuzz_fail(__FILE__, __LINE__, "a fixed target does not load");
	}
	built = 1;
	return t;
}
