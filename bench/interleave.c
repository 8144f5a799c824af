/*
 * bench/interleave.c - run several commands in turn, round after round, and
 * print each one's median wall time and its ratio to the reference command.
 *
 * A benchmark tool, not part of crashsafe. hyperfine runs all the runs of one
 * command, then all of the next: on a machine shared with other jobs a burst
 * of load lands on one command only. Interleaving (A B C A B C ...) spreads it
 * over all of them, and the median ignores the bursts.
 *
 *   interleave [-n ROUNDS] [-w WARMUP] [-r REF] [-o TSV] -- 'CMD ARGS' 'CMD ARGS' ...
 *
 * Each command is one argument, split on blanks (no shell; '...' or "..."
 * keep blanks inside one word, as in `mariadb -e 'SHOW GLOBAL VARIABLES'`): the
 * time measured is fork + exec + the command, as `hyperfine -N` measures.
 * Standard input is /dev/null; standard output and error go to /dev/null.
 * REF (1-based, default the last command) is the one the ratios divide by.
 * -o writes every sample (command index, round, seconds) for later study.
 * Output: a Markdown table (command, median, mean, min, max, ratio of
 * medians). A command's own exit status is ignored (crashsafe exits 1 on
 * findings); exit 127 (not found) counts as a failed run, and the exit
 * status is 1 when some command never ran (a mistyped command measures
 * nothing).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct bench_cmd {
	char **argv;
	double *samples;
	size_t nsamples;
	size_t failures;
	const char *text;
};

static double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char **bench_split(const char *text)
{
	size_t cap = 8, n = 0;
	char **argv = malloc(cap * sizeof(*argv));
	char *copy = strdup(text);
	if (!argv || !copy)
		return NULL;
	for (char *p = copy; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (n + 2 > cap) {
			cap *= 2;
			char **grown = realloc(argv, cap * sizeof(*argv));
			if (!grown)
				return NULL;
			argv = grown;
		}
		/* One word: blanks inside '...' or "..." are kept, the quotes dropped. */
		char *w = p, quote = 0;
		argv[n++] = w;
		for (; *p && (quote || (*p != ' ' && *p != '\t')); p++) {
			if (!quote && (*p == '\'' || *p == '"'))
				quote = *p;
			else if (quote && *p == quote)
				quote = 0;
			else
				*w++ = *p;
		}
		if (*p)
			p++;
		*w = '\0';
	}
	argv[n] = NULL;
	return n ? argv : NULL;
}

/* Run one command; return its wall time in seconds, or -1 if it failed. */
static double bench_run(char **argv)
{
	double start = bench_now();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	double took = bench_now() - start;
	return WIFEXITED(status) && WEXITSTATUS(status) != 127 ? took : -1;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double bench_median(const double *sorted, size_t n)
{
	if (!n)
		return 0;
	return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	size_t rounds = 50, warmup = 5, ref = 0;
	const char *tsv = NULL;
	int i = 1;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "interleave: %s needs a value\n", argv[i]);
			return 2;
		}
		if (!strcmp(argv[i], "-n"))
			rounds = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-w"))
			warmup = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-r"))
			ref = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-o"))
			tsv = argv[++i];
		else {
			fprintf(stderr, "usage: interleave [-n ROUNDS] [-w WARMUP] [-r REF] [-o TSV] -- 'CMD' ...\n");
			return 2;
		}
	}
	size_t ncmds = (size_t)(argc - i);
	if (!ncmds || !rounds) {
		fprintf(stderr, "interleave: no command or no round\n");
		return 2;
	}
	if (!ref || ref > ncmds)
		ref = ncmds;
	struct bench_cmd *cmds = calloc(ncmds, sizeof(*cmds));
	if (!cmds)
		return 2;
	for (size_t c = 0; c < ncmds; c++) {
		cmds[c].text = argv[i + (int)c];
		cmds[c].argv = bench_split(cmds[c].text);
		cmds[c].samples = calloc(rounds, sizeof(double));
		if (!cmds[c].argv || !cmds[c].samples) {
			fprintf(stderr, "interleave: empty command or out of memory\n");
			return 2;
		}
	}
	FILE *out = tsv ? fopen(tsv, "w") : NULL;
	if (tsv && !out) {
		fprintf(stderr, "interleave: %s: %s\n", tsv, strerror(errno));
		return 2;
	}
	for (size_t r = 0; r < warmup + rounds; r++) {
		for (size_t c = 0; c < ncmds; c++) {
			double t = bench_run(cmds[c].argv);
			if (r < warmup)
				continue;
			if (t < 0) {
				cmds[c].failures++;
				continue;
			}
			cmds[c].samples[cmds[c].nsamples++] = t;
			if (out)
				fprintf(out, "%zu\t%zu\t%.6f\n", c + 1, r - warmup, t);
		}
	}
	if (out)
		fclose(out);
	int rc = 0;
	double *medians = calloc(ncmds, sizeof(double));
	if (!medians)
		return 2;
	for (size_t c = 0; c < ncmds; c++) {
		qsort(cmds[c].samples, cmds[c].nsamples, sizeof(double), bench_cmp);
		medians[c] = bench_median(cmds[c].samples, cmds[c].nsamples);
		if (!cmds[c].nsamples)
			rc = 1;
	}
	printf("| command | median | mean | min | max | median / ref |\n");
	printf("|:---|---:|---:|---:|---:|---:|\n");
	for (size_t c = 0; c < ncmds; c++) {
		double sum = 0;
		for (size_t s = 0; s < cmds[c].nsamples; s++)
			sum += cmds[c].samples[s];
		size_t n = cmds[c].nsamples;
		printf("| `%s` | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %s%.2fx |",
		       cmds[c].text, medians[c] * 1e3, n ? sum / (double)n * 1e3 : 0,
		       n ? cmds[c].samples[0] * 1e3 : 0, n ? cmds[c].samples[n - 1] * 1e3 : 0,
		       c + 1 == ref ? "(ref) " : "", medians[ref - 1] > 0 ? medians[c] / medians[ref - 1] : 0);
		if (cmds[c].failures)
			printf(" %zu of %zu runs failed to start or exited 127", cmds[c].failures, rounds);
		printf("\n");
	}
	printf("\n%zu interleaved rounds after %zu warm-up rounds; wall time of fork + exec + run.\n",
	       rounds, warmup);
	return rc;
}
