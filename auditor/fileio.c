/*
 * fileio.c - bounded, non-blocking reading of input files (see fileio.h).
 */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "banned.h"

#define KIB ((size_t)1024)
#define MIB (KIB * 1024)

/*
 * The limits. Option files are read whole, as the server reads them: the
 * regular-file limit only keeps crashsafe from holding an absurd file in
 * memory; a stream that never ends (/dev/zero) stops at max_stream.
 */
const struct fileio_kind_info fileio_kinds[FILEIO_NKINDS] = {
	[FILEIO_OPTION_FILE] = { "an option file", 256 * MIB, 16 * MIB,
				 FILEIO_ACCEPT_PIPE | FILEIO_ACCEPT_DEVICE | FILEIO_ACCEPT_DIR },
	[FILEIO_SNAPSHOT] = { "a variables snapshot", 64 * MIB, 64 * MIB,
			      FILEIO_ACCEPT_PIPE | FILEIO_ACCEPT_DEVICE },
	[FILEIO_RULES] = { "a rule file", 4 * MIB, 0, 0 },
	[FILEIO_CATALOG] = { "a variable catalog", 64 * MIB, 0, 0 },
	[FILEIO_SUPPRESS] = { "a suppression file", 4 * MIB, 0, 0 },
	[FILEIO_PASSWORD] = { "a password file", 4 * KIB, 4 * KIB, FILEIO_ACCEPT_PIPE },
	[FILEIO_PERSISTED] = { "a persisted variables file", 16 * MIB, 0, 0 },
	[FILEIO_INVENTORY] = { "an inventory", 64 * MIB, 16 * MIB, FILEIO_ACCEPT_PIPE },
	[FILEIO_REPORT] = { "a JSON report", 4096 * MIB, 4096 * MIB, FILEIO_ACCEPT_PIPE },
	[FILEIO_PROJECT] = { "a project file", 4 * MIB, 0, 0 },
};

/* One poll slice while waiting for a FIFO's writer (milliseconds). */
enum { FILEIO_WRITER_SLICE_MS = 100 };

char *fileio_format_size(size_t bytes, char *buf, size_t size)
{
	if (bytes && bytes % MIB == 0)
		snprintf(buf, size, "%zu MiB", bytes / MIB);
	else if (bytes && bytes % KIB == 0)
		snprintf(buf, size, "%zu KiB", bytes / KIB);
	else
		snprintf(buf, size, "%zu bytes", bytes);
	return buf;
}

int fileio_inherited_fd(const char *path, int *fd)
{
	static const char *const prefixes[] = { "/dev/fd/", "/proc/self/fd/" };
	const char *digits = NULL;

	if (!strcmp(path, "-") || !strcmp(path, "/dev/stdin")) {
		*fd = 0;
		return 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t pl = strlen(prefixes[i]);
		if (!strncmp(path, prefixes[i], pl))
			digits = path + pl;
	}
	if (!digits || !*digits || strlen(digits) > 9)
		return 0;
	int n = 0;
	for (const char *p = digits; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		n = n * 10 + (*p - '0');
	}
	if (fcntl(n, F_GETFD) < 0)
		return 0;
	*fd = n;
	return 1;
}

static long fileio_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Grow d->data so that it holds at least want + 1 bytes. */
static void fileio_reserve(struct fileio_data *d, size_t *cap, size_t want)
{
	if (want + 1 <= *cap)
		return;
	size_t n = *cap ? *cap : 65536;
	while (n < want + 1)
		n *= 2;
	d->data = xrealloc(d->data, n);
	*cap = n;
}

static enum fileio_status fileio_fail(enum fileio_status st, char **why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum fileio_status fileio_fail(enum fileio_status st, char **why, const char *fmt, ...)
{
	if (why) {
		va_list ap;
		va_start(ap, fmt);
		*why = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return st;
}

/*
 * A regular file: its size is known; it may still grow while being read.
 * The first read asks for one byte more than fstat's size: when exactly
 * that size comes back, the file ended there (a short read of a regular
 * file is its end) and no second read is needed to see EOF (issue 13: one
 * read per file instead of two). Anything else (the file grew, shrank, or
 * said size 0 as /proc files do) goes on reading until read() returns 0.
 */
static enum fileio_status fileio_read_regular(int fd, const struct fileio_kind_info *k,
					      struct fileio_data *d, char **why)
{
	char sz[32];
	size_t cap = 0;
	if (d->st.st_size < 0 || (unsigned long long)d->st.st_size > k->max_regular)
		return fileio_fail(FILEIO_TOO_LARGE, why, "larger than %s: %s is at most that",
				   fileio_format_size(k->max_regular, sz, sizeof(sz)), k->what);
	size_t size = (size_t)d->st.st_size;
	/* room for size + 1 bytes and the NUL */
	cap = size + 2;
	d->data = xmalloc(cap);
	int first = 1;   /* no byte read yet */
	for (;;) {
		if (!first && cap - 1 - d->len < 4096)
			fileio_reserve(d, &cap, d->len + 65536);
		size_t ask = cap - 1 - d->len;
		ssize_t got = read(fd, d->data + d->len, ask);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return fileio_fail(FILEIO_UNREADABLE, why, "cannot read: %s", strerror(errno));
		if (got == 0)
			return FILEIO_OK;
		d->len += (size_t)got;
		if (d->len > k->max_regular)
			return fileio_fail(FILEIO_TOO_LARGE, why, "larger than %s: %s is at most that",
					   fileio_format_size(k->max_regular, sz, sizeof(sz)), k->what);
		if (first && size && d->len == size && (size_t)got < ask)
			return FILEIO_OK;   /* exactly the size fstat gave, and less than asked: its end */
		first = 0;
	}
}

/*
 * A stream: poll before every read, so a blocking descriptor (inherited
 * standard input) never blocks either. A FIFO opened here starts in the
 * "waiting for a writer" state: on Linux, read() returns 0 while no writer
 * has it open and EAGAIN once one has, and poll() reports nothing until the
 * writer writes or closes; so the wait goes in short slices, each ending
 * with a probing read.
 */
static enum fileio_status fileio_read_stream(int fd, int waiting_writer,
					     const struct fileio_kind_info *k,
					     struct fileio_data *d, char **why)
{
	char sz[32];
	size_t cap = 0;
	long writer_deadline = fileio_now_ms() + FILEIO_WRITER_WAIT_MS;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, waiting_writer ? FILEIO_WRITER_SLICE_MS : FILEIO_IDLE_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fileio_fail(FILEIO_UNREADABLE, why, "cannot wait for data: %s",
					   strerror(errno));
		if (r == 0 && !waiting_writer)
			return fileio_fail(FILEIO_TIMEOUT, why, "nothing received for %d s: reading stopped",
					   FILEIO_IDLE_MS / 1000);
		if (cap - d->len < 4096 || !cap)
			fileio_reserve(d, &cap, d->len + 65536);
		size_t room = cap - 1 - d->len;
		if (room > k->max_stream + 1 - d->len)
			room = k->max_stream + 1 - d->len;
		ssize_t got = read(fd, d->data + d->len, room);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EAGAIN) {
			waiting_writer = 0;   /* a writer has it open, silent for now */
			continue;
		}
		if (got < 0)
			return fileio_fail(FILEIO_UNREADABLE, why, "cannot read: %s", strerror(errno));
		if (got == 0) {
			if (!waiting_writer || (p.revents & POLLHUP))
				return FILEIO_OK;
			if (fileio_now_ms() >= writer_deadline)
				return fileio_fail(FILEIO_TIMEOUT, why,
						   "a FIFO that no process writes to: nothing to read after %d s",
						   FILEIO_WRITER_WAIT_MS / 1000);
			continue;
		}
		waiting_writer = 0;
		d->len += (size_t)got;
		if (d->len > k->max_stream)
			return fileio_fail(FILEIO_TOO_LARGE, why,
					   "longer than %s: reading stopped (%s read from a stream is at most that)",
					   fileio_format_size(k->max_stream, sz, sizeof(sz)), k->what);
	}
}

static const char *fileio_type_name(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO or pipe";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	return "not a regular file";
}

/* Read fd (opened here or by the caller; out->st already its fstat) whole; never closes fd. */
static enum fileio_status fileio_read_fd(int fd, int inherited, const struct fileio_kind_info *k,
					 struct fileio_data *out, char **why)
{
	mode_t m = out->st.st_mode;
	if (S_ISREG(m))
		return fileio_read_regular(fd, k, out, why);
	unsigned need = S_ISDIR(m) ? FILEIO_ACCEPT_DIR
		      : S_ISFIFO(m) || S_ISSOCK(m) ? FILEIO_ACCEPT_PIPE : FILEIO_ACCEPT_DEVICE;
	if (!(k->accept & need))
		return fileio_fail(FILEIO_REFUSED, why, "is %s, not a regular file: %s must be one",
				   fileio_type_name(m), k->what);
	if (S_ISDIR(m))
		return FILEIO_OK;   /* reads as empty */
	out->stream = 1;
	return fileio_read_stream(fd, !inherited && S_ISFIFO(m), k, out, why);
}

/* The end of a read: out emptied on failure (errno kept), else NUL-terminated. */
static enum fileio_status fileio_finish(enum fileio_status st, struct fileio_data *out)
{
	if (st != FILEIO_OK) {
		int e = errno;
		free(out->data);
		out->data = NULL;
		out->len = 0;
		errno = e;
		return st;
	}
	if (!out->data)
		out->data = xmalloc(1);
	out->data[out->len] = '\0';
	return FILEIO_OK;
}

enum fileio_status fileio_read(const char *path, enum fileio_kind kind, struct fileio_data *out,
			       char **why)
{
	const struct fileio_kind_info *k = &fileio_kinds[kind];
	enum fileio_status st = FILEIO_OK;
	int fd, inherited;

	memset(out, 0, sizeof(*out));
	if (why)
		*why = NULL;
	inherited = fileio_inherited_fd(path, &fd);
	if (inherited)
		fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	else
		fd = open(path, FILEIO_OPEN_FLAGS);
	if (fd < 0) {
		int e = errno;
		st = e == ENOENT || e == ENOTDIR ? FILEIO_MISSING : FILEIO_UNREADABLE;
		fileio_fail(st, why, "cannot open: %s", strerror(e));
		errno = e;
		return st;
	}
	if (fstat(fd, &out->st))
		st = fileio_fail(FILEIO_UNREADABLE, why, "cannot read: %s", strerror(errno));
	else
		st = fileio_read_fd(fd, inherited, k, out, why);
	int e = errno;
	close(fd);
	errno = e;
	return fileio_finish(st, out);
}

enum fileio_status fileio_read_opened(int fd, const struct stat *st, enum fileio_kind kind,
				      struct fileio_data *out, char **why)
{
	memset(out, 0, sizeof(*out));
	if (why)
		*why = NULL;
	out->st = *st;
	return fileio_finish(fileio_read_fd(fd, 0, &fileio_kinds[kind], out, why), out);
}

void fileio_data_release(struct fileio_data *d)
{
	free(d->data);
	memset(d, 0, sizeof(*d));
}

/* ---- paths under a root ---- */

/* Length of root without its trailing slashes ("/" gives 0, "repo/" gives 4). */
static size_t fileio_root_len(const char *root)
{
	size_t n = strlen(root);
	while (n && root[n - 1] == '/')
		n--;
	return n;
}

char *fileio_root_display(const char *root, const char *path)
{
	if (!root || !*root || path[0] != '/')
		return xstrdup(path);
	size_t rl = fileio_root_len(root);
	if (rl == 1 && root[0] == '.') {
		while (*path == '/')
			path++;
		return xstrdup(*path ? path : ".");
	}
	return xasprintf("%.*s%s", (int)rl, root, path);
}

char *fileio_root_path(const char *root, const char *path)
{
	if (!root || !*root || path[0] != '/')
		return xstrdup(path);
	size_t base = fileio_root_len(root);
	struct strbuf res = { 0 };     /* root + the components resolved so far */
	char *work = xstrdup(path);    /* what is left to resolve */
	size_t pos = 0;
	int hops = 0, missing = 0;
	int trailing = path[strlen(path) - 1] == '/';

	strbuf_add(&res, root, base);
	while (work[pos]) {
		while (work[pos] == '/')
			pos++;
		if (!work[pos])
			break;
		size_t len = strcspn(work + pos, "/");
		const char *comp = work + pos;
		pos += len;
		if (len == 1 && comp[0] == '.')
			continue;
		if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			/* Never above root. */
			while (res.len > base && res.buf[res.len - 1] != '/')
				res.len--;
			if (res.len > base)
				res.len--;
			res.buf[res.len] = '\0';
			continue;
		}
		size_t before = res.len;
		strbuf_addch(&res, '/');
		strbuf_add(&res, comp, len);
		if (missing)
			continue;
		struct stat st;
		if (lstat(res.buf, &st)) {
			missing = 1;
			continue;
		}
		if (!S_ISLNK(st.st_mode) || hops >= 40)
			continue;
		char target[PATH_MAX];
		ssize_t tl = readlink(res.buf, target, sizeof(target) - 1);
		if (tl <= 0)
			continue;
		target[tl] = '\0';
		hops++;
		/* Replace the link by its target, then resolve the rest after it. */
		res.len = target[0] == '/' ? base : before;
		res.buf[res.len] = '\0';
		char *next = xasprintf("%s/%s", target, work + pos);
		free(work);
		work = next;
		pos = 0;
	}
	if (res.len == base || trailing)
		strbuf_addch(&res, '/');
	free(work);
	return strbuf_detach(&res);
}
