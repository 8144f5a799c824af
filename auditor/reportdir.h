/*
 * reportdir.h - `--report-dir DIR`: a directory of reports that a dashboard
 * or a later job reads, written by a periodic run (cron, a systemd timer).
 *
 * Each run writes one file per format, named after the time the run
 * reported (UTC):
 *
 *     DIR/crashsafe-20261129T171431Z.json        (.txt, .junit.xml, .sarif)
 *     DIR/latest.json -> crashsafe-20261129T171431Z.json
 *
 * A sharded run (--shard I/N) adds ".shard-I-of-N" before the extension,
 * and its links are latest.shard-I-of-N.EXT, so the N jobs of one fleet can
 * share a directory. Two runs in the same second: the later one is named
 * crashsafe-STAMP-2, -3 ...
 *
 * Every report is written as --json FILE writes it (a temporary file, then
 * a rename: a reader never sees half a report). Each latest.EXT is a
 * relative symbolic link, made under a temporary name and renamed over the
 * old link, so that a reader following latest.EXT always finds a whole
 * report, the previous one or the new one. Links are replaced only after
 * every report of the run has been written.
 *
 * --keep N: after writing, the runs of the same shard beyond the newest N
 * are deleted (every format of each), oldest first. Only files named as
 * above are touched; a run the links point to is never deleted.
 */
#ifndef CRASHSAFE_REPORTDIR_H
#define CRASHSAFE_REPORTDIR_H

#include "finding.h"
#include "shard.h"
#include "../reports/report.h"

/* text, json, junit and sarif */
#define REPORTDIR_DEFAULT_FORMATS                                                                   \
	((1u << REPORT_TEXT) | (1u << REPORT_JSON) | (1u << REPORT_JUNIT) | (1u << REPORT_SARIF))

struct reportdir {
	const char *dir;
	unsigned keep;              /* runs to keep; 0: keep all */
	unsigned formats;           /* mask of 1 << enum report_format */
	const struct shard *shard;  /* NULL or count 0: not sharded */
};

/*
 * Parse a --report-format list ("json,junit"; "all"): a mask of formats
 * that --report-dir writes. Prometheus is not one (--prom FILE is its own
 * fixed file, the textfile collector's). Returns 0, or -1 with *why.
 */
int reportdir_parse_formats(unsigned *mask, const char *list, const char **why);

/* The file extension of a format in a report directory: "txt", "json", "junit.xml", "sarif". */
const char *reportdir_extension(enum report_format f);

/*
 * Write r in every format of rd to rd->dir (made, mode 0755, when it does
 * not exist; its parent must exist), replace the latest links, then prune
 * per rd->keep. run->generated names the run. Messages for every problem go
 * to stderr. Returns 0, or -1 when a report or link could not be written.
 */
int reportdir_write(const struct reportdir *rd, const struct audit_result *r, const struct report_options *o,
		    const struct report_run *run);
/* The same from a source of targets (report.h, issue 13: check's spool). */
int reportdir_write_source(const struct reportdir *rd, const struct report_source *src,
			   const struct report_options *o, const struct report_run *run);

#endif
