/*
 * progress.c - the progress line on a terminal (progress.h).
 */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

static double progress_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Write the line over the previous one: carriage return, the text, blanks over what is left. */
static void progress_draw(struct progress *p, const char *text)
{
	char line[200];
	int n = snprintf(line, sizeof(line), "\r%s", text);
	if (n < 1)
		return;
	size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	size_t shown = len - 1;
	while (shown < p->width && len < sizeof(line) - 1) {
		line[len++] = ' ';
		shown++;
	}
	(void)!write(STDERR_FILENO, line, len);
	p->width = strlen(text);
}

static void *progress_thread(void *arg)
{
	struct progress *p = arg;
	double start = progress_now();
	char text[128], last[128] = "";
	while (!atomic_load(&p->stop)) {
		progress_sleep_ms(PROGRESS_PERIOD_MS);
		if (atomic_load(&p->stop) || progress_now() - start < PROGRESS_DELAY)
			continue;
		size_t done = atomic_load(&p->done), failed = atomic_load(&p->failed);
		snprintf(text, sizeof(text), "crashsafe: %zu/%zu %s, %zu %s", done, p->total, p->noun, failed,
			 p->failed_word);
		if (strcmp(text, last)) {
			progress_draw(p, text);
			memcpy(last, text, sizeof(last));
		}
	}
	return NULL;
}

void progress_start(struct progress *p, size_t total, const char *noun, const char *failed_word)
{
	memset(p, 0, sizeof(*p));
	atomic_init(&p->done, 0);
	atomic_init(&p->failed, 0);
	atomic_init(&p->stop, 0);
	p->total = total;
	p->noun = noun;
	p->failed_word = failed_word;
	if (!isatty(STDERR_FILENO))
		return;
	if (pthread_create(&p->thread, NULL, progress_thread, p) == 0)
		p->on = 1;
}

void progress_tick(struct progress *p, int failed)
{
	atomic_fetch_add(&p->done, 1);
	if (failed)
		atomic_fetch_add(&p->failed, 1);
}

void progress_end(struct progress *p)
{
	if (!p->on)
		return;
	atomic_store(&p->stop, 1);
	pthread_join(p->thread, NULL);
	if (p->width) {
		/* erase: blanks over the line, then back to its start */
		char line[162];
		size_t len = 0;
		line[len++] = '\r';
		for (size_t i = 0; i < p->width && len < sizeof(line) - 1; i++)
			line[len++] = ' ';
		line[len++] = '\r';
		(void)!write(STDERR_FILENO, line, len);
	}
	p->on = 0;
}
