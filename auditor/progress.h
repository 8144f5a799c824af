/*
 * progress.h - a progress line on stderr for long runs: "crashsafe: 120/1000
 * servers, 3 unreachable", redrawn in place (carriage return) five times a
 * second, once the run has lasted more than a second, and erased at the
 * end. Only when stderr is a terminal: under cron, in a pipeline or in CI
 * nothing is written, so logs and reports never hold it.
 *
 * The counts may be updated from any thread (they are atomic); a thread of
 * the progress object itself draws the line, so a run where nothing
 * finishes for a while still shows that it is alive.
 */
#ifndef CRASHSAFE_PROGRESS_H
#define CRASHSAFE_PROGRESS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

/* The line appears only after this long (seconds). */
#define PROGRESS_DELAY 1.0
/* and is redrawn this often (milliseconds). */
#define PROGRESS_PERIOD_MS 200

struct progress {
	int on;                       /* stderr is a terminal and the drawing thread runs */
	size_t total;
	const char *noun;             /* "servers", "files" */
	const char *failed_word;      /* "unreachable", "unreadable" */
	atomic_size_t done, failed;
	atomic_int stop;
	size_t width;                 /* characters of the line drawn last, to erase it */
	pthread_t thread;
};

/*
 * Start showing progress over total items (nothing when fd 2 is not a
 * terminal). noun and failed_word are static strings.
 */
void progress_start(struct progress *p, size_t total, const char *noun, const char *failed_word);
/* One more item done (failed: it could not be audited). Thread-safe. */
void progress_tick(struct progress *p, int failed);
/* Stop drawing and erase the line. */
void progress_end(struct progress *p);

#endif
