/*
 * test_fileio.c - bounded reading (fileio_read) and paths under a root
 * (fileio_root_path, fileio_root_display). Runs in a temporary directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "util.h"
#include "tap.h"

static char tmpdir[] = "/tmp/crashsafe-test-fileio-XXXXXX";

static void put_bytes(const char *path, char c, size_t n)
{
	FILE *fp = fopen(path, "w");
	if (!fp) {
		perror(path);
		exit(1);
	}
	for (size_t i = 0; i < n; i++)
		fputc(c, fp);
	fclose(fp);
}

static enum fileio_status try_read(const char *path, enum fileio_kind kind, char **why, size_t *len)
{
	struct fileio_data d;
	enum fileio_status st = fileio_read(path, kind, &d, why);
	if (len)
		*len = d.len;
	if (st == FILEIO_OK)
		ok(d.data && d.data[d.len] == '\0', "%s: content is NUL-terminated", path);
	fileio_data_release(&d);
	return st;
}

static void test_limits(void)
{
	char *why = NULL;
	size_t len = 0;

	/* A password file: 4 KiB at most, a regular file or a pipe. */
	put_bytes("pw4096", 'x', 4096);
	put_bytes("pw4097", 'x', 4097);
	is_int(try_read("pw4096", FILEIO_PASSWORD, &why, &len), FILEIO_OK, "password: 4 KiB is read");
	is_int((long)len, 4096, "password: all of it");
	is_int(try_read("pw4097", FILEIO_PASSWORD, &why, NULL), FILEIO_TOO_LARGE, "password: 4 KiB + 1 is refused");
	ok(why && strstr(why, "larger than 4 KiB"), "password: the reason names the limit");
	free(why);
	is_int(try_read("/dev/zero", FILEIO_PASSWORD, &why, NULL), FILEIO_REFUSED, "password: a device is refused");
	ok(why && strstr(why, "character device"), "password: says it is a device");
	free(why);

	/* Kinds that must be regular files refuse directories and FIFOs without blocking. */
	mkdir("dir", 0755);
	mkfifo("fifo", 0600);
	static const enum fileio_kind regular_only[] = { FILEIO_RULES, FILEIO_CATALOG, FILEIO_SUPPRESS,
							 FILEIO_PERSISTED, FILEIO_PROJECT };
	for (size_t i = 0; i < ARRAY_SIZE(regular_only); i++) {
		const char *what = fileio_kinds[regular_only[i]].what;
		is_int(try_read("dir", regular_only[i], &why, NULL), FILEIO_REFUSED, what);
		ok(why && strstr(why, "is a directory"), "%s: a directory is refused", what);
		free(why);
		is_int(try_read("fifo", regular_only[i], &why, NULL), FILEIO_REFUSED, what);
		ok(why && strstr(why, "FIFO"), "%s: a FIFO is refused at once", what);
		free(why);
	}

	/* Option files: a directory reads as empty; /dev/zero stops at the stream limit. */
	is_int(try_read("dir", FILEIO_OPTION_FILE, &why, &len), FILEIO_OK, "option file: a directory is read");
	is_int((long)len, 0, "option file: as empty");
	is_int(try_read("/dev/zero", FILEIO_OPTION_FILE, &why, NULL), FILEIO_TOO_LARGE,
	       "option file: /dev/zero stops");
	ok(why && strstr(why, "longer than 16 MiB"), "option file: at the 16 MiB stream limit");
	is_str(why, "longer than 16 MiB: reading stopped (an option file read from a stream is at most that)",
	       "option file: the reason in English ('an option file', not 'a option file')");
	free(why);
	/* every kind's name carries its article: "a"/"an" and a lower-case word */
	size_t bad = 0;
	for (size_t k = 0; k < FILEIO_NKINDS; k++) {
		const char *w = fileio_kinds[k].what;
		int an = !strncmp(w, "an ", 3), a = !strncmp(w, "a ", 2);
		const char *word = an ? w + 3 : a ? w + 2 : NULL;
		int vowel = word && strchr("aeiou", word[0]) != NULL;
		if (!word || (an && !vowel) || (a && vowel && strncmp(word, "JSON", 4)))
			bad++;
	}
	ok(!bad, "every kind is named with its article (%zu wrong)", bad);

	/* Missing and unreadable files say so, with errno. */
	is_int(try_read("no-such", FILEIO_RULES, &why, NULL), FILEIO_MISSING, "missing: FILEIO_MISSING");
	ok(errno == ENOENT && why && strstr(why, "No such file"), "missing: errno and reason");
	free(why);

	/* A FIFO without a writer: an error after FILEIO_WRITER_WAIT_MS, not a hang. */
	is_int(try_read("fifo", FILEIO_OPTION_FILE, &why, NULL), FILEIO_TIMEOUT, "FIFO without writer: timeout");
	ok(why && strstr(why, "no process writes"), "FIFO without writer: says so");
	free(why);

	char buf[32];
	is_str(fileio_format_size(4096, buf, sizeof(buf)), "4 KiB", "size: KiB");
	is_str(fileio_format_size(16u << 20, buf, sizeof(buf)), "16 MiB", "size: MiB");
	is_str(fileio_format_size(100, buf, sizeof(buf)), "100 bytes", "size: bytes");
}

static void test_inherited(void)
{
	int fd = -1;
	ok(fileio_inherited_fd("-", &fd) && fd == 0, "'-' is standard input");
	ok(fileio_inherited_fd("/dev/stdin", &fd) && fd == 0, "/dev/stdin is standard input");
	ok(fileio_inherited_fd("/dev/fd/2", &fd) && fd == 2, "/dev/fd/2 is descriptor 2");
	ok(!fileio_inherited_fd("/dev/fd/999", &fd), "a descriptor not open is not inherited");
	ok(!fileio_inherited_fd("/dev/fd/1x", &fd), "/dev/fd/1x is a path");
	ok(!fileio_inherited_fd("my.cnf", &fd), "a file name is a path");

	/* A pipe read through /dev/fd/N, after its writer has gone: the whole content, at once. */
	int p[2];
	if (pipe(p) == 0) {
		ssize_t w = write(p[1], "[mysqld]\nx=1\n", 13);
		close(p[1]);
		char path[32];
		snprintf(path, sizeof(path), "/dev/fd/%d", p[0]);
		struct fileio_data d;
		enum fileio_status st = fileio_read(path, FILEIO_OPTION_FILE, &d, NULL);
		ok(w == 13 && st == FILEIO_OK && d.len == 13 && d.stream && !memcmp(d.data, "[mysqld]", 8),
		   "a pipe is read through its descriptor");
		fileio_data_release(&d);
		close(p[0]);
	}
}

static void test_root(void)
{
	char *s;
	mkdir("r", 0755);
	mkdir("r/etc", 0755);
	mkdir("r/etc/mysql", 0755);
	mkdir("r/etc/alternatives", 0755);
	put_bytes("r/etc/mysql/mariadb.cnf", 'x', 1);
	if (symlink("/etc/alternatives/my.cnf", "r/etc/mysql/my.cnf") ||
	    symlink("/etc/mysql/mariadb.cnf", "r/etc/alternatives/my.cnf") ||
	    symlink("../../../../..", "r/etc/up") || symlink("mysql", "r/etc/rel"))
		perror("symlink");

	s = fileio_root_path("r", "/etc/mysql/my.cnf");
	is_str(s, "r/etc/mysql/mariadb.cnf", "root: absolute symlinks continue under the root");
	free(s);
	s = fileio_root_path("r/", "/etc/rel/mariadb.cnf");
	is_str(s, "r/etc/mysql/mariadb.cnf", "root: a relative symlink stays relative");
	free(s);
	s = fileio_root_path("r", "/../../etc/up/etc/mysql/x.cnf");
	is_str(s, "r/etc/mysql/x.cnf", "root: '..' and symlinks never leave the root");
	free(s);
	s = fileio_root_path("r", "/etc/mysql/conf.d/");
	is_str(s, "r/etc/mysql/conf.d/", "root: a missing directory keeps its trailing slash");
	free(s);
	s = fileio_root_path("r", "/");
	is_str(s, "r/", "root: '/' is the root itself");
	free(s);
	s = fileio_root_path(NULL, "/etc/my.cnf");
	is_str(s, "/etc/my.cnf", "no root: unchanged");
	free(s);
	s = fileio_root_path("r", "rel/my.cnf");
	is_str(s, "rel/my.cnf", "root: a relative path is unchanged");
	free(s);

	s = fileio_root_display("repo/", "/etc/mysql/my.cnf");
	is_str(s, "repo/etc/mysql/my.cnf", "display: ROOT/path");
	free(s);
	s = fileio_root_display(".", "/etc/mysql/my.cnf");
	is_str(s, "etc/mysql/my.cnf", "display: root '.' gives a relative path");
	free(s);
	s = fileio_root_display("/", "/etc/my.cnf");
	is_str(s, "/etc/my.cnf", "display: root '/' changes nothing");
	free(s);
}

/*
 * fileio_read_opened() (issue 13): one read of fstat's size + 1 bytes ends
 * a regular file only when exactly that size comes back; a file that grew
 * or shrank since its fstat(), or says size 0 (/proc), is read to its end.
 */
static struct stat opened_stat(int fd, off_t size)
{
	struct stat st;
	memset(&st, 0, sizeof(st));
	if (fstat(fd, &st))
		perror("fstat");
	if (size >= 0)
		st.st_size = size;
	return st;
}

static void test_opened(void)
{
	struct fileio_data d;
	struct stat st;
	char *why = NULL;
	int fd;

	put_bytes("o.cnf", 'a', 100);
	fd = open("o.cnf", FILEIO_OPEN_FLAGS);
	st = opened_stat(fd, -1);
	ok(fileio_read_opened(fd, &st, FILEIO_OPTION_FILE, &d, &why) == FILEIO_OK && d.len == 100 &&
	   d.data[99] == 'a' && d.data[100] == '\0' && !d.stream, "opened: a regular file, whole");
	ok(fcntl(fd, F_GETFD) != -1, "opened: the descriptor stays open (the caller closes it)");
	fileio_data_release(&d);
	close(fd);

	/* grew after its fstat(): 100 bytes then, 5,100 now */
	fd = open("o.cnf", FILEIO_OPEN_FLAGS);
	st = opened_stat(fd, -1);
	FILE *fp = fopen("o.cnf", "a");
	for (int i = 0; fp && i < 5000; i++)
		fputc('b', fp);
	if (fp)
		fclose(fp);
	ok(fileio_read_opened(fd, &st, FILEIO_OPTION_FILE, &d, &why) == FILEIO_OK && d.len == 5100 &&
	   d.data[5099] == 'b', "opened: a file that grew after its fstat() is read to its end");
	fileio_data_release(&d);
	close(fd);

	/* one byte more than fstat said (the first read fills what it asked): read on */
	put_bytes("o.cnf", 'c', 101);
	fd = open("o.cnf", FILEIO_OPEN_FLAGS);
	st = opened_stat(fd, 100);
	ok(fileio_read_opened(fd, &st, FILEIO_OPTION_FILE, &d, &why) == FILEIO_OK && d.len == 101,
	   "opened: one byte more than the size given is read too");
	fileio_data_release(&d);
	close(fd);

	/* shrank: fewer bytes than fstat said */
	fd = open("o.cnf", FILEIO_OPEN_FLAGS);
	st = opened_stat(fd, 300);
	ok(fileio_read_opened(fd, &st, FILEIO_OPTION_FILE, &d, &why) == FILEIO_OK && d.len == 101,
	   "opened: a file shorter than its size is what it holds");
	fileio_data_release(&d);
	close(fd);

	/* size 0 with content, as /proc files say */
	fd = open("o.cnf", FILEIO_OPEN_FLAGS);
	st = opened_stat(fd, 0);
	ok(fileio_read_opened(fd, &st, FILEIO_OPTION_FILE, &d, &why) == FILEIO_OK && d.len == 101,
	   "opened: a file of size 0 is still read to its end");
	fileio_data_release(&d);
	close(fd);

	/* the kind's limit still holds */
	put_bytes("o.cnf", 'd', 5000);
	fd = open("o.cnf", FILEIO_OPEN_FLAGS);
	st = opened_stat(fd, -1);
	ok(fileio_read_opened(fd, &st, FILEIO_PASSWORD, &d, &why) == FILEIO_TOO_LARGE && why &&
	   strstr(why, "larger than 4 KiB") && !d.data, "opened: a file over its kind's limit is refused");
	free(why);
	why = NULL;
	close(fd);

	/* a directory: empty as an option file, refused as a rule file */
	mkdir("od", 0755);
	fd = open("od", FILEIO_OPEN_FLAGS);
	st = opened_stat(fd, -1);
	ok(fileio_read_opened(fd, &st, FILEIO_OPTION_FILE, &d, &why) == FILEIO_OK && d.len == 0 && d.data,
	   "opened: a directory reads as an empty option file");
	fileio_data_release(&d);
	ok(fileio_read_opened(fd, &st, FILEIO_RULES, &d, &why) == FILEIO_REFUSED && why &&
	   strstr(why, "is a directory"), "opened: a directory is refused as a rule file");
	free(why);
	why = NULL;
	close(fd);

	/* a FIFO opened here, its writer done: read as a stream */
	if (mkfifo("o.fifo", 0600) == 0) {
		fd = open("o.fifo", FILEIO_OPEN_FLAGS);
		int w = open("o.fifo", O_WRONLY | O_NONBLOCK);
		ssize_t n = write(w, "[mysqld]\nx=1\n", 13);
		close(w);
		st = opened_stat(fd, -1);
		ok(n == 13 && fileio_read_opened(fd, &st, FILEIO_OPTION_FILE, &d, &why) == FILEIO_OK && d.len == 13 &&
		   d.stream, "opened: a FIFO is read as a stream");
		fileio_data_release(&d);
		close(fd);
	} else {
		ok(0, "mkfifo: %s", strerror(errno));
	}
}

int main(void)
{
	char old[4096];
	if (!getcwd(old, sizeof(old)) || !mkdtemp(tmpdir) || chdir(tmpdir) != 0) {
		perror("setup");
		return 1;
	}
	test_limits();
	test_inherited();
	test_root();
	test_opened();
	if (chdir(old) == 0) {
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
	}
	return done_testing();
}
