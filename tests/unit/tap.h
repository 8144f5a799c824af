/*
 * tap.h - a tiny TAP harness for the C unit tests.
 *
 *   ok(cond, "name %d", i);            a test
 *   is_str(got, want, "name");          string equality, shows both on failure
 *   is_int(got, want, "name");
 *   return done_testing();              prints the plan, returns the exit status
 */
#ifndef CRASHSAFE_TAP_H
#define CRASHSAFE_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

__attribute__((format(printf, 2, 3))) static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;
	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

static inline int is_str(const char *got, const char *want, const char *name)
{
	int same = (got == NULL && want == NULL) || (got && want && !strcmp(got, want));
	ok(same, "%s", name);
	if (!same)
		printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)", want ? want : "(null)");
	return same;
}

static inline int is_int(long got, long want, const char *name)
{
	ok(got == want, "%s", name);
	if (got != want)
		printf("#   got:  %ld\n#   want: %ld\n", got, want);
	return got == want;
}

static inline int done_testing(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
