#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "diag.h"
#include "util.h"
#include "banned.h"

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vemit(DIAG_ERROR, NULL, 0, fmt, ap);
	va_end(ap);
	return 2;
}

static const struct cli_option *find_long(const struct cli_option *opts, size_t n,
					  const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
			return &opts[i];
	return NULL;
}

static const struct cli_option *find_short(const struct cli_option *opts, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (opts[i].short_name && opts[i].short_name == c)
			return &opts[i];
	return NULL;
}

void cli_scrub(char *secret)
{
	if (!secret || !*secret)
		return;
	/* Every byte first (nothing of it survives), then keep one 'x': the length is hidden too. */
	memset(secret, 'x', strlen(secret));
	memset(secret + 1, 0, strlen(secret + 1));
}

char *cli_arg_display(const char *arg)
{
	if (arg[0] != '-' || !arg[1])
		return xstrdup(arg);
	if (arg[1] != '-')
		return xstrndup(arg, 2);
	return xstrndup(arg, strcspn(arg, "="));
}

struct cli_state {
	int argc;
	char **argv;
	int i;                       /* the argument being parsed */
	const struct cli_option *opts;
	size_t nopts;
	cli_callback cb;
	void *ctx;
	unsigned char *seen;         /* per option: given already */
};

/* Call back for o with arg; a secret's value is scrubbed from argv afterwards. */
static int cli_call(struct cli_state *st, const struct cli_option *o, char *arg)
{
	size_t k = (size_t)(o - st->opts);
	if (o->arg != CLI_NO_ARG && o->arg != CLI_REPEATABLE_ARG) {
		if (st->seen[k]) {
			if (o->arg == CLI_OPTIONAL_SECRET)
				cli_scrub(arg);
			return cli_usage_error("option '--%s' given twice (it takes one value)", o->name);
		}
		st->seen[k] = 1;
	}
	int rc = st->cb(st->ctx, o->id, arg);
	if (o->arg == CLI_OPTIONAL_SECRET)
		cli_scrub(arg);
	return rc;
}

/* The word after the current one as o's value, or a usage error. */
static int cli_next_value(struct cli_state *st, const struct cli_option *o, char **arg)
{
	if (st->i + 1 >= st->argc)
		return cli_usage_error("option '--%s' needs a value", o->name);
	*arg = st->argv[++st->i];
	return 0;
}

/* "--name", "--name=value", "--name value". */
static int cli_long(struct cli_state *st, char *a)
{
	const char *name = a + 2;
	char *eq = strchr(a + 2, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct cli_option *o = find_long(st->opts, st->nopts, name, len);
	char *arg = NULL;
	int rc;
	/* Messages name the option, never its value (it may be a password). */
	if (!o)
		return cli_usage_error("unknown option '--%.*s' (see --help)", (int)len, name);
	if (eq) {
		if (o->arg == CLI_NO_ARG)
			return cli_usage_error("option '--%s' takes no value", o->name);
		arg = eq + 1;
	} else if ((o->arg == CLI_REQUIRED_ARG || o->arg == CLI_REPEATABLE_ARG) &&
		   (rc = cli_next_value(st, o, &arg)) != 0) {
		return rc;
	}
	return cli_call(st, o, arg);
}

/* "-x", "-x value", "-xvalue", "-qv" (flags bundled), "-vpSECRET". */
static int cli_short(struct cli_state *st, char *a)
{
	for (char *p = a + 1; *p; p++) {
		const struct cli_option *o = find_short(st->opts, st->nopts, *p);
		char *arg = NULL;
		int rc;
		/* Only the letter: what follows it may be a password ("-pSekr1t"). */
		if (!o)
			return cli_usage_error("unknown option '-%c' (see --help)", *p);
		if (o->arg == CLI_NO_ARG) {
			if ((rc = cli_call(st, o, NULL)) != 0)
				return rc;
			continue;
		}
		if (p[1])
			arg = p + 1;
		else if ((o->arg == CLI_REQUIRED_ARG || o->arg == CLI_REPEATABLE_ARG) &&
			 (rc = cli_next_value(st, o, &arg)) != 0)
			return rc;
		return cli_call(st, o, arg);
	}
	return 0;
}

int cli_parse(int argc, char **argv, const struct cli_option *opts, size_t nopts,
	      cli_callback cb, void *ctx, int *noperands)
{
	struct cli_state st = { argc, argv, 0, opts, nopts, cb, ctx, xcalloc(nopts ? nopts : 1, 1) };
	int nops = 0;
	int only_operands = 0;
	for (st.i = 0; st.i < argc; st.i++) {
		char *a = argv[st.i];
		int rc;
		if (only_operands || a[0] != '-' || !a[1]) {
			argv[nops++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_operands = 1;
			continue;
		}
		rc = a[1] == '-' ? cli_long(&st, a) : cli_short(&st, a);
		if (rc) {
			free(st.seen);
			return rc;
		}
	}
	free(st.seen);
	*noperands = nops;
	return 0;
}

void cli_print_options(FILE *fp, const struct cli_option *opts, size_t nopts)
{
	for (size_t i = 0; i < nopts; i++) {
		const struct cli_option *o = &opts[i];
		char left[80];
		/* "--user NAME"; a secret: "-p, --password[=PASSWORD]" (attached only). */
		const char *open = o->arg == CLI_OPTIONAL_SECRET ? "[=" : o->arg ? " " : "";
		const char *arg = o->arg ? o->arg_name : "";
		const char *close = o->arg == CLI_OPTIONAL_SECRET ? "]" : "";
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s%s", o->short_name, o->name, open, arg, close);
		else
			snprintf(left, sizeof(left), "    --%s%s%s%s", o->name, open, arg, close);
		if (strlen(left) > 28)
			fprintf(fp, "  %s\n  %-28s  %s\n", left, "", o->help);
		else
			fprintf(fp, "  %-28s  %s\n", left, o->help);
	}
}

/* ---- asking for a password on the terminal ------------------------------- */

#define CLI_PASSWORD_MAX 4096

static int cli_tty_fd = -1;
static struct termios cli_tty_saved;
static const int cli_tty_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/* Put the echo back before dying of the signal (tcsetattr is async-signal-safe). */
static void cli_tty_on_signal(int sig)
{
	if (cli_tty_fd >= 0) {
		tcsetattr(cli_tty_fd, TCSAFLUSH, &cli_tty_saved);
		(void)!write(cli_tty_fd, "\n", 1);
	}
	raise(sig);   /* the handler was reset (SA_RESETHAND): the default action follows */
}

int cli_read_password(const char *prompt, char **out, const char **why)
{
	struct sigaction sa, old[ARRAY_SIZE(cli_tty_signals)];
	struct termios quiet;
	char *buf = NULL;
	size_t len = 0;
	int rc = -1, fd, too_long = 0;

	*out = NULL;
	*why = NULL;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || !isatty(fd) || tcgetattr(fd, &cli_tty_saved) != 0) {
		*why = "there is no terminal to ask on";
		if (fd >= 0)
			close(fd);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cli_tty_on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	cli_tty_fd = fd;
	for (size_t i = 0; i < ARRAY_SIZE(cli_tty_signals); i++)
		sigaction(cli_tty_signals[i], &sa, &old[i]);
	quiet = cli_tty_saved;
	quiet.c_lflag &= (tcflag_t)~ECHO;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
		*why = "cannot turn the terminal's echo off";
		goto restore;
	}
	(void)!write(fd, prompt, strlen(prompt));
	buf = xmalloc(CLI_PASSWORD_MAX + 1);
	for (;;) {
		char c;
		ssize_t n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*why = "cannot read from the terminal";
			goto restore;
		}
		if (n == 0 || c == '\n')
			break;
		if (len < CLI_PASSWORD_MAX)
			buf[len++] = c;
		else
			too_long = 1;
	}
	if (len && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (too_long) {
		*why = "the password is longer than 4096 bytes";
		goto restore;
	}
	rc = 0;
restore:
	tcsetattr(fd, TCSAFLUSH, &cli_tty_saved);
	(void)!write(fd, "\n", 1);
	for (size_t i = 0; i < ARRAY_SIZE(cli_tty_signals); i++)
		sigaction(cli_tty_signals[i], &old[i], NULL);
	cli_tty_fd = -1;
	close(fd);
	if (rc == 0) {
		*out = buf;
	} else if (buf) {
		explicit_bzero(buf, CLI_PASSWORD_MAX + 1);
		free(buf);
	}
	return rc;
}
