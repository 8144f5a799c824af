/*
 * test_cli.c - the command-line parser: bundled short options, attached
 * values, and passwords the mysql client's way (attached only, bare asks,
 * "-p X" is an operand, the value scrubbed from argv, never echoed).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "cli.h"
#include "util.h"

enum { O_USER = 1, O_PASSWORD, O_QUIET, O_VERBOSE, O_FILE };

static const struct cli_option opts[] = {
	{ "user", 'u', CLI_REQUIRED_ARG, O_USER, "NAME", "user" },
	{ "password", 'p', CLI_OPTIONAL_SECRET, O_PASSWORD, "PASSWORD", "password" },
	{ "quiet", 'q', CLI_NO_ARG, O_QUIET, NULL, "quiet" },
	{ "verbose", 'v', CLI_NO_ARG, O_VERBOSE, NULL, "verbose" },
	{ "file", 0, CLI_REQUIRED_ARG, O_FILE, "FILE", "file" },
};

struct seen {
	char *user;
	char *password;
	int password_count, bare;
	int quiet, verbose;
};

static int cb(void *ctx, int id, const char *arg)
{
	struct seen *s = ctx;
	switch (id) {
	case O_USER: free(s->user); s->user = xstrdup(arg); break;
	case O_PASSWORD:
		s->password_count++;
		free(s->password);
		s->password = arg ? xstrdup(arg) : NULL;
		s->bare = arg == NULL;
		break;
	case O_QUIET: s->quiet++; break;
	case O_VERBOSE: s->verbose++; break;
	}
	return 0;
}

/* Parse a copy of words (writable, as argv is); returns the parse status. */
static int parse(struct seen *s, char **words, int n, int *nops)
{
	memset(s, 0, sizeof(*s));
	return cli_parse(n, words, opts, sizeof(opts) / sizeof(opts[0]), cb, s, nops);
}

static void release(struct seen *s)
{
	free(s->user);
	free(s->password);
}

/* Run with stderr captured into err (size bytes). */
static int parse_capture(struct seen *s, char **words, int n, int *nops, char *err, size_t size)
{
	fflush(stderr);
	int saved = dup(2);
	FILE *tmp = tmpfile();
	dup2(fileno(tmp), 2);
	int rc = parse(s, words, n, nops);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t got = fread(err, 1, size - 1, tmp);
	err[got] = '\0';
	fclose(tmp);
	return rc;
}

int main(void)
{
	struct seen s;
	int nops = 0;
	char err[1024];

	{
		char a0[] = "-uauditor", a1[] = "-pSekr1t", a2[] = "host";
		char *w[] = { a0, a1, a2 };
		is_int(parse(&s, w, 3, &nops), 0, "-uNAME -pSECRET HOST parses");
		is_str(s.user, "auditor", "-uNAME: an attached value");
		is_str(s.password, "Sekr1t", "-pSECRET: the password");
		is_int(nops, 1, "one operand");
		is_str(w[0], "host", "the operand moved to the front");
		is_str(a1, "-px", "-pSECRET is scrubbed in argv to -px");
		ok(!memcmp(a1, "-px\0\0\0\0\0", 9), "every byte of the secret is gone from argv's memory");
		release(&s);
	}
	{
		char a0[] = "-p", a1[] = "Sekr1t";
		char *w[] = { a0, a1 };
		is_int(parse(&s, w, 2, &nops), 0, "-p SECRET parses");
		ok(s.bare && s.password == NULL, "bare -p: no value (ask for it)");
		is_int(nops, 1, "-p SECRET: the next word is an operand, as in the mysql client");
		is_str(w[0], "Sekr1t", "... that operand");
		release(&s);
	}
	{
		char a0[] = "--password=Sekr1t", a1[] = "-pAn0ther";
		char *w[] = { a0, a1 };
		/* issue 10: an option that takes one value, given twice, is a usage error (which should win is a guess) */
		is_int(parse(&s, w, 2, &nops), 2, "--password=SECRET --password: given twice, a usage error");
		is_int(s.password_count, 1, "the second is not taken");
		is_str(a0, "--password=x", "--password=SECRET is scrubbed to --password=x all the same");
		ok(!strstr(a1, "An0ther"), "... and so is the second, refused one");
		release(&s);
	}
	{
		char a0[] = "--password=";
		char *w[] = { a0 };
		is_int(parse(&s, w, 1, &nops), 0, "--password= parses");
		ok(!s.bare && s.password && !*s.password, "--password= is an empty password, not a question");
		release(&s);
	}
	{
		char a0[] = "-qvpSekr1t";
		char *w[] = { a0 };
		is_int(parse(&s, w, 1, &nops), 0, "-qvpSECRET parses");
		ok(s.quiet == 1 && s.verbose == 1, "bundled flags -q -v");
		is_str(s.password, "Sekr1t", "then -p takes the rest of the word");
		is_str(a0, "-qvpx", "and the rest is scrubbed");
		release(&s);
	}
	{
		char a0[] = "-qu", a1[] = "auditor";
		char *w[] = { a0, a1 };
		is_int(parse(&s, w, 2, &nops), 0, "-qu NAME parses");
		ok(s.quiet == 1 && s.user && !strcmp(s.user, "auditor"), "a flag, then an option taking the next word");
		release(&s);
	}
	{
		char a0[] = "--", a1[] = "-pSekr1t";
		char *w[] = { a0, a1 };
		is_int(parse(&s, w, 2, &nops), 0, "-- -pX parses");
		ok(nops == 1 && s.password_count == 0, "after --, -pX is an operand");
		release(&s);
	}

	/* Errors name the option, never its value. */
	static const struct {
		const char *arg;
		const char *want;
	} bad[] = {
		{ "-xSekr1t", "unknown option '-x'" },
		{ "-qxSekr1t", "unknown option '-x'" },
		{ "--pasword=Sekr1t", "unknown option '--pasword'" },
		{ "--quiet=Sekr1t", "option '--quiet' takes no value" },
		{ "-\x1bSekr1t", "unknown option '-\\x1b'" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *a = xstrdup(bad[i].arg);
		char *w[] = { a };
		int rc = parse_capture(&s, w, 1, &nops, err, sizeof(err));
		err[strcspn(err, "\n")] = '\0';
		is_int(rc, 2, "bad option: a usage error (exit 2)");
		ok(strstr(err, bad[i].want) != NULL, "error names the option: %s", bad[i].want);
		ok(strstr(err, "Sekr1t") == NULL, "error does not echo the value: %s", err);
		free(a);
		release(&s);
	}

	char *d = cli_arg_display("--password=Sekr1t");
	is_str(d, "--password", "cli_arg_display: a long option's name only");
	free(d);
	d = cli_arg_display("-pSekr1t");
	is_str(d, "-p", "cli_arg_display: a short option's letter only");
	free(d);
	d = cli_arg_display("live");
	is_str(d, "live", "cli_arg_display: an operand as it is");
	free(d);

	char buf[] = "secret";
	cli_scrub(buf);
	ok(!memcmp(buf, "x\0\0\0\0\0", 7), "cli_scrub: 'x' then NULs");

	return done_testing();
}
