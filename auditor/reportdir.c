/*
 * reportdir.c - timestamped reports, latest links and pruning (reportdir.h).
 */
#include "reportdir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "util.h"
#include "banned.h"

#define REPORTDIR_PREFIX "crashsafe-"
#define REPORTDIR_LATEST "latest"

static const char *const reportdir_ext[REPORT_FORMAT_COUNT] = {
	[REPORT_TEXT] = "txt",
	[REPORT_JSON] = "json",
	[REPORT_JUNIT] = "junit.xml",
	[REPORT_SARIF] = "sarif",
};

const char *reportdir_extension(enum report_format f)
{
	return (unsigned)f < REPORT_FORMAT_COUNT ? reportdir_ext[f] : NULL;
}

int reportdir_parse_formats(unsigned *mask, const char *list, const char **why)
{
	unsigned m = 0;
	const char *p = list;
	if (!strcmp(list, "all")) {
		*mask = REPORTDIR_DEFAULT_FORMATS;
		return 0;
	}
	while (*p) {
		size_t len = strcspn(p, ",");
		char *name = xstrndup(p, len);
		const struct report_writer *w = report_writer_find(name);
		free(name);
		if (!w || !reportdir_ext[w->format]) {
			*why = "expected a comma-separated list of text, json, junit, sarif (or all)";
			return -1;
		}
		m |= 1u << w->format;
		p += len;
		if (*p)
			p++;
	}
	if (!m) {
		*why = "expected at least one of text, json, junit, sarif";
		return -1;
	}
	*mask = m;
	return 0;
}

/* ".shard-I-of-N" for a sharded run, else "". */
static void reportdir_suffix(const struct reportdir *rd, char *buf, size_t size)
{
	if (rd->shard && rd->shard->count)
		snprintf(buf, size, ".shard-%u-of-%u", rd->shard->index, rd->shard->count);
	else
		buf[0] = '\0';
}

/* Nonzero when some report of stem (any format) exists in dir. */
static int reportdir_stem_used(const char *dir, const char *stem, const char *suffix)
{
	for (int f = 0; f < REPORT_FORMAT_COUNT; f++) {
		struct stat st;
		if (!reportdir_ext[f])
			continue;
		char *path = xasprintf("%s/%s%s.%s", dir, stem, suffix, reportdir_ext[f]);
		int used = lstat(path, &st) == 0;
		free(path);
		if (used)
			return 1;
	}
	return 0;
}

/* Point dir/latest<suffix>.<ext> at target, atomically (a new link renamed over the old). */
static int reportdir_link(const char *dir, const char *suffix, const char *ext, const char *target)
{
	char *link = xasprintf("%s/%s%s.%s", dir, REPORTDIR_LATEST, suffix, ext);
	char *tmp = NULL;
	int rc = -1;
	for (unsigned i = 0; i < 100; i++) {
		free(tmp);
		tmp = xasprintf("%s/.%s%s.%s.%ld.%u", dir, REPORTDIR_LATEST, suffix, ext, (long)getpid(), i);
		if (symlink(target, tmp) == 0) {
			rc = 0;
			break;
		}
		if (errno != EEXIST)
			break;
	}
	if (rc == 0 && rename(tmp, link)) {
		int saved = errno;
		unlink(tmp);
		errno = saved;
		rc = -1;
	}
	if (rc)
		diag_emit(DIAG_ERROR, link, 0, "cannot point the link at %s: %s", target, strerror(errno));
	free(tmp);
	free(link);
	return rc;
}

/* The stem of a report file name of this kind of run (suffix), or NULL. Heap string. */
static char *reportdir_stem_of(const char *name, const char *suffix)
{
	size_t n = strlen(name), pre = strlen(REPORTDIR_PREFIX), slen = strlen(suffix);
	if (strncmp(name, REPORTDIR_PREFIX, pre))
		return NULL;
	for (int f = 0; f < REPORT_FORMAT_COUNT; f++) {
		const char *ext = reportdir_ext[f];
		if (!ext)
			continue;
		size_t elen = strlen(ext);
		if (n < pre + slen + 1 + elen || strcmp(name + n - elen, ext) || name[n - elen - 1] != '.')
			continue;
		size_t stem_len = n - elen - 1 - slen;
		if (strncmp(name + stem_len, suffix, slen))
			continue;
		/* crashsafe-YYYYMMDDTHHMMSSZ, optionally -K: nothing else is ours (a shard's name is not) */
		const char *s = name + pre;
		size_t len = stem_len - pre;
		if (len < 16 || s[8] != 'T' || s[15] != 'Z')
			continue;
		int good = 1;
		for (size_t i = 0; i < 15 && good; i++)
			if (i != 8 && (s[i] < '0' || s[i] > '9'))
				good = 0;
		if (len > 16) {
			if (s[16] != '-' || len == 17)
				good = 0;
			for (size_t i = 17; i < len && good; i++)
				if (s[i] < '0' || s[i] > '9')
					good = 0;
		}
		if (good)
			return xstrndup(name, stem_len);
	}
	return NULL;
}

static int str_desc(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	/* "STAMP-2" is newer than "STAMP": a longer stem with the same stamp sorts after */
	return -strcmp(x, y);
}

/* Delete the runs of this kind beyond the newest keep (the current run always stays). */
static int reportdir_prune(const char *dir, const char *suffix, const char *current, unsigned keep)
{
	DIR *d = opendir(dir);
	char **stems = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *de;
	if (!d) {
		diag_emit(DIAG_ERROR, dir, 0, "cannot list the report directory to prune it: %s", strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		char *stem = reportdir_stem_of(de->d_name, suffix);
		if (!stem)
			continue;
		int seen = 0;
		for (size_t i = 0; i < n && !seen; i++)
			seen = !strcmp(stems[i], stem);
		if (seen) {
			free(stem);
			continue;
		}
		ARRAY_GROW(stems, n + 1, cap);
		stems[n++] = stem;
	}
	closedir(d);
	if (n > 1)
		qsort(stems, n, sizeof(*stems), str_desc);
	unsigned kept = 1;   /* the current run */
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(stems[i], current))
			continue;
		if (kept < keep) {
			kept++;
			continue;
		}
		for (int f = 0; f < REPORT_FORMAT_COUNT; f++) {
			struct stat st;
			if (!reportdir_ext[f])
				continue;
			char *path = xasprintf("%s/%s%s.%s", dir, stems[i], suffix, reportdir_ext[f]);
			if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && unlink(path)) {
				diag_emit(DIAG_ERROR, path, 0, "cannot delete an old report: %s", strerror(errno));
				rc = -1;
			}
			free(path);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(stems[i]);
	free(stems);
	return rc;
}

int reportdir_write(const struct reportdir *rd, const struct audit_result *r, const struct report_options *o,
		    const struct report_run *run)
{
	struct report_source src;
	report_source_of(&src, r);
	return reportdir_write_source(rd, &src, o, run);
}

int reportdir_write_source(const struct reportdir *rd, const struct report_source *src,
			   const struct report_options *o, const struct report_run *run)
{
	struct stat st;
	char suffix[64], stamp[32];
	char *stem = NULL;
	int rc = 0;
	time_t t = (time_t)run->generated;
	struct tm tm;

	if (stat(rd->dir, &st)) {
		if (errno != ENOENT || mkdir(rd->dir, 0755)) {
			diag_emit(DIAG_ERROR, rd->dir, 0, "cannot make the report directory: %s", strerror(errno));
			return -1;
		}
	} else if (!S_ISDIR(st.st_mode)) {
		diag_emit(DIAG_ERROR, rd->dir, 0, "--report-dir: not a directory");
		return -1;
	}
	reportdir_suffix(rd, suffix, sizeof(suffix));
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (unsigned k = 1; k < 10000; k++) {
		free(stem);
		stem = k == 1 ? xasprintf(REPORTDIR_PREFIX "%s", stamp) : xasprintf(REPORTDIR_PREFIX "%s-%u", stamp, k);
		if (!reportdir_stem_used(rd->dir, stem, suffix))
			break;
	}
	for (int f = 0; f < REPORT_FORMAT_COUNT; f++) {
		if (!(rd->formats & (1u << f)) || !reportdir_ext[f])
			continue;
		char *path = xasprintf("%s/%s%s.%s", rd->dir, stem, suffix, reportdir_ext[f]);
		if (report_write_file_source((enum report_format)f, src, o, run, path)) {
			diag_emit(DIAG_ERROR, path, 0, "cannot write the %s report: %s",
				  report_writer_get((enum report_format)f)->name, strerror(errno));
			rc = -1;
		}
		free(path);
	}
	/* The links move only once the whole run is there. */
	for (int f = 0; f < REPORT_FORMAT_COUNT && rc == 0; f++) {
		if (!(rd->formats & (1u << f)) || !reportdir_ext[f])
			continue;
		char *target = xasprintf("%s%s.%s", stem, suffix, reportdir_ext[f]);
		if (reportdir_link(rd->dir, suffix, reportdir_ext[f], target))
			rc = -1;
		free(target);
	}
	if (rc == 0 && rd->keep && reportdir_prune(rd->dir, suffix, stem, rd->keep))
		rc = -1;
	free(stem);
	return rc;
}
