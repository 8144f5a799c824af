/*
 * fileio.h - reading one input file into memory, bounded in size and time.
 *
 * Every file crashsafe reads goes through fileio_read(): option files and
 * what they include, captured variable snapshots, rule files, the variable
 * catalog, suppression files, password files, persisted variables. It
 *
 *   1. opens the file without blocking (O_NONBLOCK: opening a FIFO that has
 *      no writer returns at once) and looks at what it opened (fstat), so a
 *      check and the read are about the same file;
 *   2. refuses a type the kind does not accept, in one line ("is a FIFO,
 *      not a regular file"): only option files, snapshots and password files
 *      may be streams (a pipe, a FIFO, a terminal, a device);
 *   3. reads the whole content into a NUL-terminated heap buffer, refusing
 *      more than the kind's limit (fileio_kinds[] below, docs/option-files.md
 *      "Limits"). A regular file larger than its limit is refused before
 *      anything is read; a stream is read up to its limit and then refused.
 *   4. never waits without bound on a stream: a FIFO that no writer opens
 *      within FILEIO_WRITER_WAIT_MS, or a stream that sends nothing for
 *      FILEIO_IDLE_MS, is an error.
 *
 * "-", "/dev/stdin", "/dev/fd/N" and "/proc/self/fd/N" name a descriptor the
 * process already has (standard input, a bash <(...) pipe): it is read as it
 * is, not opened again (opening a pipe again through /proc would not see its
 * end once the writer has gone).
 *
 * Also here: paths under a root directory (--root), as a sysroot resolves
 * them; the option-file reader and the persisted-variables reader use it.
 */
#ifndef CRASHSAFE_FILEIO_H
#define CRASHSAFE_FILEIO_H

#include <fcntl.h>
#include <stddef.h>
#include <sys/stat.h>

/* What a file is read as: decides its limits and the file types accepted. */
enum fileio_kind {
	FILEIO_OPTION_FILE = 0,  /* my.cnf and what it includes */
	FILEIO_SNAPSHOT,         /* a captured SHOW GLOBAL VARIABLES (check --variables) */
	FILEIO_RULES,            /* a rule file (an .ini file of rules/ or --rules DIR) */
	FILEIO_CATALOG,          /* the variable catalog (rules/variables.ini) and its data */
	FILEIO_SUPPRESS,         /* a suppression file (--suppress) */
	FILEIO_PASSWORD,         /* a password file (--password-file) */
	FILEIO_PERSISTED,        /* DATADIR/mysqld-auto.cnf (SET PERSIST) */
	FILEIO_INVENTORY,        /* a fleet inventory (--inventory, inventory.h) */
	FILEIO_REPORT,           /* an earlier JSON report (crashsafe merge) */
	FILEIO_PROJECT,          /* added (issue 10): a project file (.crashsafe.ini, --project-file) */
	FILEIO_NKINDS
};

/* File types a kind accepts besides regular files. */
enum {
	FILEIO_ACCEPT_PIPE = 1 << 0,    /* pipes, FIFOs, sockets */
	FILEIO_ACCEPT_DEVICE = 1 << 1,  /* character and block devices (a terminal, /dev/zero) */
	FILEIO_ACCEPT_DIR = 1 << 2,     /* a directory reads as empty (as mysqld reads one) */
};

struct fileio_kind_info {
	const char *what;        /* "an option file": the subject of messages, with its article */
	size_t max_regular;      /* bytes; a larger regular file is refused */
	size_t max_stream;       /* bytes read from a stream before it is refused */
	unsigned accept;         /* FILEIO_ACCEPT_* */
};

/* The table of kinds, indexed by enum fileio_kind. */
extern const struct fileio_kind_info fileio_kinds[FILEIO_NKINDS];

/* A FIFO that no writer has opened after this long is an error (milliseconds). */
#define FILEIO_WRITER_WAIT_MS 3000
/* A stream that sends nothing for this long is an error (milliseconds). */
#define FILEIO_IDLE_MS 60000

enum fileio_status {
	FILEIO_OK = 0,
	FILEIO_MISSING,     /* does not exist (ENOENT, ENOTDIR): errno set */
	FILEIO_UNREADABLE,  /* cannot be opened or read (EACCES, EIO...): errno set */
	FILEIO_REFUSED,     /* a type the kind does not accept (a directory, a FIFO, a device) */
	FILEIO_TOO_LARGE,   /* larger than the kind's limit */
	FILEIO_TIMEOUT,     /* a stream without a writer, or silent for FILEIO_IDLE_MS */
};

struct fileio_data {
	char *data;         /* the content, NUL-terminated (it may hold NUL bytes); never NULL on success */
	size_t len;         /* bytes, without the terminating NUL */
	struct stat st;     /* of what was read (fstat): st_mode tells a directory or world-writable file */
	int stream;         /* nonzero when it was read as a stream (not a regular file) */
};

/*
 * Read path whole as a file of this kind. On FILEIO_OK, out holds the
 * content (release it with fileio_data_release). On any other status, out
 * holds nothing, *why (when why is non-NULL) is a heap string of one line
 * saying what is wrong without naming the file ("larger than 4 KiB: a
 * password file is at most that"), and errno is set for MISSING and
 * UNREADABLE. A directory of a kind that accepts one reads as empty.
 */
enum fileio_status fileio_read(const char *path, enum fileio_kind kind, struct fileio_data *out,
			       char **why);
void fileio_data_release(struct fileio_data *d);

/* How fileio_read() opens a path (never blocking on a FIFO, never a controlling terminal). */
#define FILEIO_OPEN_FLAGS (O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

/*
 * Added (issue 13): fileio_read() of a file the caller opened itself with
 * FILEIO_OPEN_FLAGS (maybe | O_NOFOLLOW) and whose fstat() is *st, so that
 * a caller that had to look at the file anyway (load.c: symlink or
 * directory?) does not open and stat it twice. Same statuses, limits and
 * out as fileio_read(); fd is a path's (never an inherited descriptor:
 * a FIFO is waited for as one opened here); fd stays open (the caller
 * closes it).
 */
enum fileio_status fileio_read_opened(int fd, const struct stat *st, enum fileio_kind kind,
				      struct fileio_data *out, char **why);

/*
 * Nonzero when path names a descriptor the process already has ("-",
 * /dev/stdin, /dev/fd/N, /proc/self/fd/N); *fd receives it. Such a path is
 * read through that descriptor, once.
 */
int fileio_inherited_fd(const char *path, int *fd);

/*
 * "512 KiB", "16 MiB": a byte count as the limits are written in the docs.
 * Writes into buf (at least 32 bytes) and returns it.
 */
char *fileio_format_size(size_t bytes, char *buf, size_t size);

/*
 * The path on this machine of the absolute path `path` of a system whose root
 * directory is `root` (--root DIR), resolved as a sysroot does: every
 * component is looked up under root, a symbolic link with an absolute target
 * continues from root, and ".." never leaves root. Components that do not
 * exist are appended as written (the caller then finds the file missing).
 * A relative path, or a NULL or empty root, is returned unchanged. Returns a
 * heap string the caller frees. For DATADIR/mysqld-auto.cnf and for the
 * option-file reader's absolute !include paths.
 */
char *fileio_root_path(const char *root, const char *path);

/*
 * The same path as a person reads it: root and path joined as text
 * ("repo" + "/etc/my.cnf" -> "repo/etc/my.cnf"; root "." gives
 * "etc/my.cnf"), without resolving symbolic links. For messages and
 * reports. Heap string; a relative path or no root returns a copy.
 */
char *fileio_root_display(const char *root, const char *path);

#endif
