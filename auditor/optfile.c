/*
 * optfile.c - the option-file reader: the server's own grammar
 * (mysys/my_default.c, MariaDB 10.11 and MySQL 8.x alike), measured rule by
 * rule against my_print_defaults. docs/option-files.md lists every rule and
 * how it was confirmed; the comments here say only what the code does.
 *
 * A file is read as the server's fgets() loop reads it: physical chunks of
 * at most 4094 bytes (a 4096-byte buffer, size-1 passed to fgets), each of
 * them one "line" with its own number, each seen as a C string (a NUL byte
 * ends it). Every chunk is copied into a small NUL-terminated buffer, so the
 * scanning below is plain C-string code over at most 4094 bytes and cannot
 * run past its buffer whatever the file holds.
 */
#include "optfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "banned.h"

/* The server's limits (mysys: FN_REFLEN, FN_LEN, the fgets buffer). */
enum {
	OPT_FN_REFLEN = 512,           /* longest path the server builds */
	OPT_FN_LEN = 256,              /* longest base name */
	OPT_PATH_IGNORED = OPT_FN_REFLEN - 3, /* a path this long or longer is ignored */
	OPT_CHUNK = 4096 - 2,          /* fgets(buff, sizeof(buff) - 1): 4094 bytes at most */
	OPT_CHUNK_WHOLE = 4096 - 1,    /* MySQL 8.0.25+: fgets(buff, sizeof(buff)), chunks then joined */
};

/* What reading one file ended with. */
enum read_status {
	READ_OK = 0,       /* read (or ignored the way the server ignores it) */
	READ_MISSING = 1,  /* could not be opened: silent for !include, fatal when required */
	READ_FATAL = -1,   /* the server stops reading this file here */
};

enum group_state {
	GROUP_NONE = 0,    /* no header seen yet in this file: an option here is fatal */
	GROUP_READ,        /* inside a group the target reads */
	GROUP_SKIP,        /* inside some other group */
};

struct reader {
	struct optfile *of;
	const struct optfile_groups *g;
	const struct optfile_buffer *bufs;  /* memory mode when non-NULL */
	size_t nbufs;
	const char *home;                   /* the server's home_dir ($HOME); NULL when unset */
	const char *root;                   /* --root: absolute paths resolve under it; NULL for none */
	char *tree;                         /* directory of the file given (realpath): includes leaving it get a warning */
	size_t max_files;
	int stopped;                        /* the file limit or an input error: unwind everything */
	int saved_errno;                    /* why the last file could not be opened */
	int given_fd;                       /* of->given_fd for the file given, until it is read; else -1 */
	int depths;                         /* files[] and line[] below this depth were used (released) */
	/* Per depth, of the file read there: it holds no NUL byte, no backslash (one look per file, issue 13). */
	unsigned char no_nul[OPTFILE_MAX_DEPTH + 1], no_backslash[OPTFILE_MAX_DEPTH + 1];
	/* One file per include depth, released when the next one at that depth is read. */
	struct fileio_data files[OPTFILE_MAX_DEPTH + 1];
	/* The current line of each depth (any length for whole lines; a directive's
	 * argument points into it while the file it names is read), and a scratch
	 * buffer for one option. */
	struct strbuf line[OPTFILE_MAX_DEPTH + 1];
	char *scratch;
	size_t scratch_cap;
	/*
	 * The directives at the depth limit warned about, by "LINE PATH": an
	 * !includedir storm reaches the same line thousands of times, one
	 * warning each (breaker7 #10). Initialised on first use.
	 */
	struct strmap deep_warned;
	int have_deep_warned;
};

/* ---- character classes (latin1, as my_isspace / my_toupper see bytes) ---- */

/* Measured: exactly these seven bytes (see docs/option-files.md); a table (issue 13: the padding
 * before '=' in "name      = value" is walked byte by byte, twice). */
static const unsigned char opt_space[256] = {
	['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1, [0xA0] = 1,
};

static int opt_isspace(int c)
{
	return opt_space[(unsigned char)c];
}

static int latin1_toupper(int c)
{
	unsigned char u = (unsigned char)c;
	if (u >= 'a' && u <= 'z')
		return u - ('a' - 'A');
	if (u >= 0xE0 && u <= 0xFE && u != 0xF7)
		return u - 0x20;
	return u;
}

/* ---- groups ---- */

/* The groups mysqld reads, in the server's order; "%s" is the version X.Y. */
static const struct {
	const char *pattern;
	int mariadb_only;
} optfile_group_table[] = {
	{ "mysqld", 0 },
	{ "server", 0 },
	{ "mysqld-%s", 0 },
	{ "mariadb", 1 },
	{ "mariadb-%s", 1 },
	{ "mariadbd", 1 },
	{ "mariadbd-%s", 1 },
	{ "client-server", 1 },
	{ "galera", 1 },
};

int optfile_groups_add(struct optfile_groups *g, const char *name)
{
	size_t len = strlen(name);
	if (g->n >= OPTFILE_MAX_GROUPS || len >= sizeof(g->names[0]))
		return -1;
	memcpy(g->names[g->n], name, len + 1);
	g->n++;
	return 0;
}

/*
 * The last list optfile_groups_for() made, per thread: the next target of
 * the same flavor, series and suffix gets a copy (issue 13: a printf and a
 * strstr per group, per target).
 */
static _Thread_local struct {
	int valid;
	enum flavor flavor;
	int major, minor;
	char suffix[64];
	struct optfile_groups g;
} optfile_groups_last;

static void optfile_groups_make(struct optfile_groups *g, enum flavor flavor, const struct version *version,
				const char *suffix);

void optfile_groups_for(struct optfile_groups *g, enum flavor flavor,
			const struct version *version, const char *suffix)
{
	struct version v;
	if (version)
		v = *version;
	else
		flavor_default_version(flavor == FLAVOR_UNKNOWN ? FLAVOR_DEFAULT : flavor, &v);
	const char *sfx = suffix ? suffix : "";
	size_t sl = strlen(sfx);
	if (optfile_groups_last.valid && optfile_groups_last.flavor == flavor && optfile_groups_last.major == v.major &&
	    optfile_groups_last.minor == v.minor && !strcmp(optfile_groups_last.suffix, sfx)) {
		/* the names in use only (issue 13: the whole table is 2.5 KB) */
		g->n = optfile_groups_last.g.n;
		g->all = optfile_groups_last.g.all;
		memcpy(g->names, optfile_groups_last.g.names, g->n * sizeof(g->names[0]));
		return;
	}
	optfile_groups_make(g, flavor, &v, suffix);
	optfile_groups_last.valid = sl < sizeof(optfile_groups_last.suffix);
	if (!optfile_groups_last.valid)
		return;
	optfile_groups_last.flavor = flavor;
	optfile_groups_last.major = v.major;
	optfile_groups_last.minor = v.minor;
	memcpy(optfile_groups_last.suffix, sfx, sl + 1);
	optfile_groups_last.g = *g;
}

static void optfile_groups_make(struct optfile_groups *g, enum flavor flavor, const struct version *version,
				const char *suffix)
{
	int mariadb = flavor == FLAVOR_MARIADB;
	struct version v = *version;
	char vs[32], name[96];

	snprintf(vs, sizeof(vs), "%d.%d", v.major, v.minor);

	g->n = 0;
	g->all = 0;
	for (size_t i = 0; i < ARRAY_SIZE(optfile_group_table); i++) {
		const char *pat = optfile_group_table[i].pattern;
		const char *pct = strstr(pat, "%s");
		if (optfile_group_table[i].mariadb_only && !mariadb)
			continue;
		if (!pct) {
			(void)optfile_groups_add(g, pat);
			continue;
		}
		/* head, the version, tail, put together by hand (a printf per group per target, issue 13) */
		size_t hl = (size_t)(pct - pat), vl = strlen(vs), tl = strlen(pct + 2);
		if (hl + vl + tl >= sizeof(name))
			continue;
		memcpy(name, pat, hl);
		memcpy(name + hl, vs, vl);
		memcpy(name + hl + vl, pct + 2, tl + 1);
		(void)optfile_groups_add(g, name);
	}
	if (suffix && *suffix) {
		size_t base = g->n;
		for (size_t i = 0; i < base; i++) {
			int n = snprintf(name, sizeof(name), "%s%s", g->names[i], suffix);
			if (n > 0 && (size_t)n < sizeof(g->names[0]))
				(void)optfile_groups_add(g, name);
		}
	}
}

void optfile_groups_all(struct optfile_groups *g)
{
	g->n = 0;
	g->all = 1;
}

void optfile_keep_groups(struct optfile *of, const struct optfile_groups *g)
{
	size_t kept = 0;
	const char *last = NULL;
	int keep = 0;
	for (size_t i = 0; i < of->n; i++) {
		/* the options of one group share its name (one string): matched once per run of them (issue 13) */
		if (of->options[i].group != last) {
			last = of->options[i].group;
			keep = optfile_groups_match(g, last);
		}
		if (keep && kept++ != i)
			of->options[kept - 1] = of->options[i];   /* moved only behind a dropped one (issue 13) */
	}
	of->n = kept;
	/* the headers too: of->headers holds the groups the target reads (a line for it goes under one) */
	size_t heads = 0;
	for (size_t i = 0; i < of->nheaders; i++)
		if (optfile_groups_match(g, of->headers[i].group))
			of->headers[heads++] = of->headers[i];
	of->nheaders = heads;
}

int optfile_groups_match(const struct optfile_groups *g, const char *name)
{
	if (g->all)
		return 1;
	for (size_t i = 0; i < g->n; i++) {
		const unsigned char *a = (const unsigned char *)name;
		const unsigned char *b = (const unsigned char *)g->names[i];
		while (*a && *b && latin1_toupper(*a) == latin1_toupper(*b))
			a++, b++;
		if (*b)
			continue;
		while (*a == ' ')
			a++;
		if (!*a)
			return 1;
	}
	return 0;
}

/* ---- the line rule ---- */

enum optfile_line_rule optfile_line_rule_for(enum flavor flavor, const struct version *version)
{
	static const struct version whole_since = { 8, 0, 25 };   /* first release confirmed whole */
	static const struct version unsure_from = { 8, 0, 22 };   /* first release after 8.0.21 */
	if (!flavor_is_mysql_family(flavor) || !version)
		return OPTFILE_LINES_CHUNKED;
	if (version->major == 8 && version->minor == 0 && version->patch < 0)
		return OPTFILE_LINES_WHOLE_UNSURE;
	if (version_cmp(version, &whole_since) >= 0)
		return OPTFILE_LINES_WHOLE;
	if (version_cmp(version, &unsure_from) >= 0)
		return OPTFILE_LINES_WHOLE_UNSURE;
	return OPTFILE_LINES_CHUNKED;
}

/* ---- lifecycle ---- */

void optfile_init(struct optfile *of)
{
	memset(of, 0, sizeof(*of));
	diag_list_init(&of->diags);
	arena_init(&of->arena);
	of->given_fd = -1;
}

void optfile_release(struct optfile *of)
{
	free(of->options);
	free(of->sources);
	free(of->headers);
	free(of->notes);
	diag_list_release(&of->diags);
	arena_release(&of->arena);
	optfile_init(of);
}

/* ---- paths: the server's lexical clean-up (fn_format with MY_UNPACK_FILENAME) ---- */

/*
 * Put dir (at most half of outsz) at the start of out, in place of a "~" or
 * "." component; returns the index of its last byte, a trailing '/' excluded.
 */
static long path_splice_dir(char *out, size_t outsz, const char *dir)
{
	size_t len = strlen(dir);
	if (len >= outsz / 2)
		len = outsz / 2 - 1;
	memcpy(out, dir, len);
	long pos = (long)len - 1;
	if (pos >= 0 && out[pos] == '/')
		pos--;
	return pos;
}

/*
 * Clean a directory name that ends in '/': "//" -> "/", "/./" -> "/",
 * "D/../" drops D unless D is ".." or starts with '~'; a "~" or "."
 * component right before ".." is first replaced by the home or current
 * directory. All of it lexical: no symlink is looked at. Returns the new
 * length; out holds at least OPT_FN_REFLEN * 3 bytes.
 */
static size_t path_cleanup_dir(char *out, size_t outsz, const char *in, const char *home)
{
	long start = 0, pos;
	const char *from = in;
	char cwd[OPT_FN_REFLEN * 2];

	for (pos = 0;; pos++) {
		if ((size_t)pos >= outsz - 1) {
			out[outsz - 1] = '\0';
			return outsz - 1;
		}
		out[pos] = *from++;
		if (!out[pos])
			break;
		if (out[pos] != '/')
			continue;
		if (pos - start > 3 && !memcmp(out + pos - 3, "/..", 3)) {
			pos -= 3;
			if (pos == start)
				continue;
			pos--;
			if (out[pos] == '~' && (pos == start || out[pos - 1] == '/')) {
				if (!home) {
					pos += 4;
					continue;
				}
				pos = path_splice_dir(out, outsz, home);
			}
			if (pos >= 0 && out[pos] == '.' && (pos == start || out[pos - 1] == '/')) {
				if (!getcwd(cwd, sizeof(cwd))) {
					pos += 4;
					continue;
				}
				pos = path_splice_dir(out, outsz, cwd);
			}
			long end_parent = pos;
			while (pos >= start && out[pos] != '/')
				pos--;
			if (out[pos + 1] == '~' || (pos >= start && !memcmp(out + pos, "/..", 3))) {
				/* Keep "~user/.." and "../..": put the "/.." back. */
				pos = end_parent + 1;
				memcpy(out + pos, "/../", 4);
				pos += 3;
			}
			continue;
		}
		if (pos - start == 2 && out[start] == '.' && out[start + 1] == '.')
			start = pos;
		else if (pos - start > 0 && out[pos - 1] == '/')
			pos--;
		else if (pos - start > 1 && out[pos - 1] == '.' && out[pos - 2] == '/')
			pos -= 2;
	}
	return (size_t)pos;
}

/*
 * The server's unpack of a path named in a file or on the command line:
 * the directory part (through the last '/') is cleaned up and a leading
 * "~/" or "~user/" expanded; the base name loses trailing spaces. Writes at
 * most outsz - 1 bytes (outsz >= OPT_FN_REFLEN).
 */
static void path_unpack(char *out, size_t outsz, const char *in, const char *home)
{
	const char *slash = strrchr(in, '/');
	size_t dirlen = slash ? (size_t)(slash - in) + 1 : 0;
	const char *base = in + dirlen;
	size_t baselen = strlen(base);
	char dir[OPT_FN_REFLEN * 3], clean[OPT_FN_REFLEN * 3];
	size_t len = 0;

	while (baselen && base[baselen - 1] == ' ')
		baselen--;
	if (dirlen >= OPT_FN_REFLEN || baselen >= OPT_FN_LEN || dirlen + baselen >= OPT_FN_REFLEN) {
		/* Too long for the server to unpack: it keeps the name as given. */
		snprintf(out, outsz, "%.*s", OPT_FN_REFLEN - 1, in);
		return;
	}
	memcpy(dir, in, dirlen);
	dir[dirlen] = '\0';
	if (dirlen) {
		len = path_cleanup_dir(clean, sizeof(clean), dir, home);
		if (clean[0] == '~') {
			const char *rest = clean + 1, *exp = NULL;
			if (*rest == '/') {
				exp = home;
			} else {
				const char *end = strchr(rest, '/');
				size_t ul = end ? (size_t)(end - rest) : strlen(rest);
				char user[OPT_FN_REFLEN];
				if (ul < sizeof(user)) {
					memcpy(user, rest, ul);
					user[ul] = '\0';
					struct passwd *pw = getpwnam(user);
					if (pw && pw->pw_dir) {
						exp = pw->pw_dir;
						rest += ul;
					}
				}
			}
			if (exp) {
				size_t el = strlen(exp), rl = strlen(rest);
				if ((len - (size_t)(rest - clean) + 1) + el <= OPT_FN_REFLEN) {
					if (el && exp[el - 1] == '/')
						el--;
					memmove(dir, exp, el);
					memmove(dir + el, rest, rl + 1);
					memcpy(clean, dir, el + rl + 1);
					len = el + rl;
				}
			}
		}
	} else {
		clean[0] = '\0';
	}
	/* clean then the base name, cut at outsz - 1 bytes as snprintf cut them (issue 13: a printf per file) */
	size_t a = strnlen(clean, len), b = baselen;
	if (a > outsz - 1)
		a = outsz - 1;
	if (b > outsz - 1 - a)
		b = outsz - 1 - a;
	memcpy(out, clean, a);
	memcpy(out + a, base, b);
	out[a + b] = '\0';
	if (a + b >= OPT_FN_REFLEN)
		out[OPT_FN_REFLEN - 1] = '\0';
}

/* ---- sources and provenance ---- */

static struct optfile_source *source_new(struct optfile *of, const char *path,
					 const struct optfile_source *parent, unsigned parent_line)
{
	struct optfile_source *s = arena_alloc(&of->arena, sizeof(*s));
	s->path = arena_strdup(&of->arena, path);
	s->parent = parent;
	s->parent_line = parent_line;
	ARRAY_GROW(of->sources, of->nsources + 1, of->sources_cap);
	of->sources[of->nsources++] = s;
	return s;
}

static void source_chain(struct strbuf *sb, const struct optfile_source *src)
{
	for (const struct optfile_source *p = src; p && p->parent; p = p->parent) {
		if (p != src)
			strbuf_addstr(sb, ", ");
		strbuf_addf(sb, "included from %s:%u", p->parent->path, p->parent_line);
	}
}

char *optfile_source_describe(const struct optfile_source *src)
{
	struct strbuf sb = { 0 };
	strbuf_addstr(&sb, src->path);
	if (src->parent) {
		strbuf_addstr(&sb, " (");
		source_chain(&sb, src);
		strbuf_addch(&sb, ')');
	}
	return strbuf_detach(&sb);
}

const char *optfile_source_chain(struct optfile *of, const struct optfile_source *src)
{
	struct strbuf sb = { 0 };
	if (!src || !src->parent)
		return NULL;
	source_chain(&sb, src);
	char *s = arena_strndup(&of->arena, sb.buf, sb.len);
	strbuf_release(&sb);
	return s;
}

/* ---- diagnostics ---- */

/*
 * A problem after which the server stops reading the file. In the
 * top-level file it refuses everything (fatal); in an included file it
 * only stops reading that file and the including file goes on, so the
 * problem is a warning there.
 */
static enum read_status reader_stop(struct reader *r, const struct optfile_source *src,
				    unsigned line, int depth, const char *msg)
{
	if (depth == 0) {
		diag_add(&r->of->diags, DIAG_ERROR, src->path, line, "%s", msg);
		r->of->fatal = 1;
	} else {
		diag_add(&r->of->diags, DIAG_WARNING, src->path, line,
			 "%s: the server ignores the rest of this included file", msg);
	}
	return READ_FATAL;
}

/* ---- reading one file ---- */

static enum read_status reader_file(struct reader *r, const char *given,
				    const struct optfile_source *parent, unsigned parent_line,
				    int depth);

/* An input that cannot be read to its end (a stream): the target cannot be audited. */
static enum read_status reader_input_error(struct reader *r, const char *where, unsigned line,
					   const char *name, const char *why)
{
	diag_add(&r->of->diags, DIAG_ERROR, where, line, "cannot read option file '%s': %s", name, why);
	if (!r->of->input_error)
		r->of->input_error = arena_printf(&r->of->arena, "cannot read option file '%s': %s",
						  name, why);
	r->stopped = 1;
	return READ_FATAL;
}

/*
 * Load a file's bytes into r->files[depth]. name is the path to open (under
 * --root already), display the path messages name. Returns READ_MISSING when
 * it cannot be opened (errno in r->saved_errno), READ_OK with *data NULL when
 * the server would ignore it, READ_FATAL on an input error.
 */
static enum read_status reader_load(struct reader *r, const char *name, const char *display,
				    int depth, const struct optfile_source *parent,
				    unsigned parent_line, const char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	if (r->bufs) {
		for (size_t i = 0; i < r->nbufs; i++) {
			if (r->bufs[i].path && !strcmp(r->bufs[i].path, name)) {
				*data = r->bufs[i].data;
				*len = r->bufs[i].len;
				return READ_OK;
			}
		}
		r->saved_errno = ENOENT;
		return READ_MISSING;
	}

	struct fileio_data *f = &r->files[depth];
	char *why = NULL;
	if (depth >= r->depths)
		r->depths = depth + 1;
	const char *where = parent ? parent->path : display;
	unsigned wline = parent ? parent_line : 0;
	fileio_data_release(f);
	/* the file given, opened by the caller when it resolved it (optfile.h given_fd) */
	int fd = r->given_fd;
	r->given_fd = -1;
	if (fd >= 0 && (depth || !r->of->given_real || strcmp(name, r->of->given_real)))
		fd = -1;
	switch (fd >= 0 ? fileio_read_opened(fd, &r->of->given_st, FILEIO_OPTION_FILE, f, &why)
			: fileio_read(name, FILEIO_OPTION_FILE, f, &why)) {
	case FILEIO_OK:
		break;
	case FILEIO_MISSING:
	case FILEIO_UNREADABLE:
	case FILEIO_REFUSED:
		/* The server's fopen() fails: it skips the file (fatal only when required). */
		r->saved_errno = errno ? errno : ENOENT;
		free(why);
		return READ_MISSING;
	case FILEIO_TOO_LARGE:
	case FILEIO_TIMEOUT: {
		enum read_status st = reader_input_error(r, where, wline, display, why);
		free(why);
		return st;
	}
	}
	mode_t m = f->st.st_mode;
	if (S_ISREG(m) && (m & S_IWOTH)) {
		/* my_default.c check_file_permissions(): ignored with a warning only the server prints. */
		diag_add(&r->of->diags, DIAG_ERROR, where, wline,
			 "world-writable option file '%s' is ignored: the server will not read it "
			 "(remove write permission for others: chmod o-w)", display);
		return READ_OK;
	}
	if (S_ISDIR(m)) {
		diag_add(&r->of->diags, DIAG_WARNING, where, wline,
			 "'%s' is a directory: read as empty (as the server reads it)", display);
		return READ_OK;
	}
	*data = f->data;
	*len = f->len;
	return READ_OK;
}

/*
 * The argument of "!include" / "!includedir": p points just past the
 * keyword (at whitespace). Like the server, skip whitespace, drop the last
 * byte (it expects the newline fgets kept, even when there is none), then
 * trim trailing whitespace. NULL when nothing is left.
 */
static char *directive_argument(char *p)
{
	while (opt_isspace(*p))
		p++;
	size_t len = strlen(p);
	if (len < 2)
		return NULL;
	char *end = p + len - 1;
	while (opt_isspace(end[-1]))
		end--;
	*end = '\0';
	return p;
}

/*
 * The server's remove_end_comment(): '#' outside quotes ends the line
 * p..end (no NUL in it). Returns where it ends; writes nothing (the line
 * may be the file's own bytes, issue 13).
 */
static const char *cut_comment(const char *p, const char *end)
{
	char quote = 0;
	int escape = 0;
	/* no '#' at all (most lines): nothing to cut, the end is the end (issue 13: the walk was 5% of reading) */
	if (!memchr(p, '#', (size_t)(end - p)))
		return end;
	for (; p < end; p++) {
		if ((*p == '\'' || *p == '"') && !escape) {
			if (!quote)
				quote = *p;
			else if (quote == *p)
				quote = 0;
		}
		if (!quote && *p == '#')
			return p;
		escape = quote && *p == '\\' && !escape;
	}
	return p;
}

/* Append one option of the current group; text is "--name[=value]". */
static void option_add(struct reader *r, const char *group, const char *text, size_t textlen,
		       size_t namelen, int has_value, const struct optfile_source *src,
		       unsigned line)
{
	struct optfile *of = r->of;
	ARRAY_GROW(of->options, of->n + 1, of->cap);
	struct optfile_option *o = &of->options[of->n++];
	char *t = arena_alloc(&of->arena, textlen + 1 + namelen + 1);
	memcpy(t, text, textlen);
	t[textlen] = '\0';
	char *name = t + textlen + 1;
	memcpy(name, text + 2, namelen);
	name[namelen] = '\0';
	o->group = group;
	o->text = t;
	o->name = name;
	o->value = has_value ? t + 2 + namelen + 1 : NULL;
	o->source = src;
	o->line = line;
	o->name_hash = util_strhash(name, 0);   /* once here for inference and config (issue 13) */
}

/*
 * One option line, p at its first non-blank byte (not '#', ';', '!', '[').
 * buf_start is the start of the line chunk (the server's name trimming can
 * walk back into the leading blanks when the name is empty).
 */
static void option_line(struct reader *r, int depth, const char *group, const char *buf_start,
			const char *line_end, const char *p, const struct optfile_source *src, unsigned line)
{
	/* "--" + name (at most the whole line) + "=" + value (at most the line) */
	size_t need = 2 + 2 * (size_t)(line_end - buf_start) + 2;
	if (r->scratch_cap < need) {
		size_t cap = need < 512 ? 512 : need;   /* once for usual lines (issue 13) */
		r->scratch = xrealloc(r->scratch, cap);
		r->scratch_cap = cap;
	}
	char *out = r->scratch;
	/* lengths from the line's end, not strlen() (issue 13): the line holds no NUL before it */
	const char *cut = cut_comment(p, line_end), *end = cut;
	const char *value = memchr(p, '=', (size_t)(cut - p));
	size_t namelen;

	if (value)
		end = value;
	while (end > buf_start && opt_isspace(end[-1]))
		end--;
	memcpy(out, "--", 2);
	if (end >= p) {
		namelen = (size_t)(end - p);
	} else {
		/*
		 * An empty name after leading blanks: the server's trim walks back
		 * over them and its copy, given a negative length, takes the whole
		 * rest of the line (after the comment cut) as the name.
		 */
		namelen = (size_t)(cut - p);
	}
	memcpy(out + 2, p, namelen);
	size_t o = 2 + namelen;
	if (!value) {
		option_add(r, group, out, o, namelen, 0, src, line);
		return;
	}
	const char *v = value + 1, *vend;
	while (v < cut && opt_isspace(*v))
		v++;
	vend = cut;
	while (vend > value + 1 && opt_isspace(vend[-1]))
		vend--;
	if (vend < v)
		vend = v;
	if (v + 1 < vend && (*v == '"' || *v == '\'') && *v == vend[-1]) {
		v++;
		vend--;
	}
	out[o++] = '=';
	/* no backslash (most values): the value goes in whole (issue 13) */
	if (r->no_backslash[depth] || !memchr(v, '\\', (size_t)(vend - v))) {
		memcpy(out + o, v, (size_t)(vend - v));
		o += (size_t)(vend - v);
		v = vend;
	}
	for (; v < vend; v++) {
		if (*v == '\\' && v != vend - 1) {
			static const char esc_from[] = "ntrbs\"'\\";
			static const char esc_to[] = "\n\t\r\b \"'\\";
			const char *e = strchr(esc_from, *++v);
			if (e && *v) {
				out[o++] = esc_to[e - esc_from];
			} else {
				out[o++] = '\\';
				out[o++] = *v;
			}
		} else {
			out[o++] = *v;
		}
	}
	option_add(r, group, out, o, namelen, 1, src, line);
}

static int name_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Does this directory entry end in ".cnf" (the last extension, exactly)? */
static int entry_is_cnf(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && !strcmp(dot, ".cnf");
}

/* Nonzero the first time the directive at path:line is skipped for its depth (reader.deep_warned). */
static int reader_first_deep(struct reader *r, const struct optfile_source *src, unsigned line)
{
	size_t seen;
	if (!r->have_deep_warned) {
		strmap_init(&r->deep_warned, 0);
		r->have_deep_warned = 1;
	}
	char *key = xasprintf("%u %s", line, src->path ? src->path : "");
	int first = strmap_get(&r->deep_warned, key, &seen) != 0;
	if (first)   /* the map keeps the key's pointer: a copy in the optfile's arena */
		strmap_put(&r->deep_warned, arena_printf(&r->of->arena, "%s", key), 1);
	free(key);
	return first;
}

/*
 * An included file that cannot be opened: the server skips it without a
 * word (mysys/my_default.cc: search_default_file_with_ext() returns 1 when
 * the file cannot be opened, and the include goes on). Missing (named by
 * !include): a note, as the server skips it. Denied to this user (EACCES,
 * EPERM): a warning whatever named it, printed without -v: the server runs
 * as its own user (mysql), who may read it, so the audit may miss its
 * options (breaker7 #9). Other errors from !includedir stay silent (a file
 * removed while the directory was read).
 */
static void reader_skipped(struct reader *r, const struct optfile_source *src, unsigned line, const char *path,
			   int named)
{
	int e = r->saved_errno;
	if (e == EACCES || e == EPERM)
		diag_add(&r->of->diags, DIAG_WARNING, src->path, line,
			 "included file '%s' cannot be opened by this user (%s): its options are not audited; "
			 "the server reads it if its own user may", path, strerror(e));
	else if (named)
		diag_add(&r->of->diags, DIAG_NOTE, src->path, line,
			 "included file '%s' cannot be opened (%s): skipped (as the server skips it)", path,
			 strerror(e));
}

/*
 * "!includedir DIR": every *.cnf entry, strcmp order, one level deep.
 * Returns READ_FATAL when the directory cannot be read.
 */
static enum read_status reader_includedir(struct reader *r, const char *dirarg,
					  const struct optfile_source *src, unsigned line,
					  int depth)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	enum read_status st = READ_OK;
	size_t dl = strlen(dirarg);
	int slash = dl && dirarg[dl - 1] == '/';

	if (r->bufs) {
		for (size_t i = 0; i < r->nbufs; i++) {
			const char *pth = r->bufs[i].path;
			if (!pth || strncmp(pth, dirarg, dl))
				continue;
			const char *rest = pth + dl;
			if (!slash) {
				if (*rest != '/')
					continue;
				rest++;
			}
			if (!*rest || strchr(rest, '/'))
				continue;
			ARRAY_GROW(names, n + 1, cap);
			names[n++] = xstrdup(rest);
		}
		if (!n) {
			char *msg = xasprintf("cannot read directory '%s' named by '!includedir': %s",
					      dirarg, strerror(ENOENT));
			st = reader_stop(r, src, line, depth, msg);
			free(msg);
			goto out;
		}
	} else {
		char *host = fileio_root_path(r->root, *dirarg ? dirarg : ".");
		DIR *d = opendir(host);
		free(host);
		if (!d) {
			char *msg = xasprintf("cannot read directory '%s' named by '!includedir': %s",
					      dirarg, strerror(errno));
			st = reader_stop(r, src, line, depth, msg);
			free(msg);
			goto out;
		}
		struct dirent *de;
		while ((de = readdir(d)) != NULL) {
			ARRAY_GROW(names, n + 1, cap);
			names[n++] = xstrdup(de->d_name);
		}
		closedir(d);
	}
	qsort(names, n, sizeof(*names), name_strcmp);
	for (size_t i = 0; i < n && !r->stopped; i++) {
		if (!entry_is_cnf(names[i]))
			continue;
		char *raw = xasprintf("%s%s%s", dirarg, slash ? "" : "/", names[i]);
		char path[OPT_FN_REFLEN * 2];
		path_unpack(path, sizeof(path), raw, r->home);
		if (strlen(raw) >= OPT_FN_REFLEN * 2 || strlen(path) >= OPT_FN_REFLEN - 1 ||
		    strlen(names[i]) >= OPT_FN_LEN) {
			diag_add(&r->of->diags, DIAG_WARNING, src->path, line,
				 "path of '%s' in '%s' too long for the server: not read", names[i],
				 dirarg);
			free(raw);
			continue;
		}
		free(raw);
		/* The server ignores what reading an included file returns. */
		if (reader_file(r, path, src, line, depth + 1) == READ_MISSING)
			reader_skipped(r, src, line, path, 0);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return st;
}

/* ---- lines: how the server's fgets() loop cuts a file ---- */

/*
 * The next line as the server sees it, into line (NUL-terminated, and
 * processed as a C string: a NUL byte ends the content). *raw gets the bytes
 * of the file it used. Returns 0 at the end of the file.
 *
 * OPTFILE_LINES_CHUNKED: one fgets() into a 4096-byte buffer with size-1,
 * i.e. at most 4094 bytes or through a newline; the rest of a longer line
 * is the next "line".
 *
 * OPTFILE_LINES_WHOLE (MySQL 8.0.25+ mysql_file_getline()): fgets() chunks of
 * at most 4095 bytes, each cut at its first NUL (strlen), appended until one
 * ends with the newline. A chunk that starts with a NUL ends the line, or the
 * whole file when nothing was read for the line yet (the server's loop then
 * sees no more lines).
 */
static int reader_next_line(struct reader *r, int depth, const char *data, size_t len, size_t *pos, size_t *raw,
			    const char **view, size_t *vlen)
{
	struct strbuf *line = &r->line[depth];
	int no_nul = r->no_nul[depth];
	size_t start = *pos;
	*view = NULL;
	if (r->of->line_rule == OPTFILE_LINES_CHUNKED) {
		if (*pos >= len)
			return 0;
		size_t max = len - *pos < OPT_CHUNK ? len - *pos : OPT_CHUNK;
		const char *nl = memchr(data + *pos, '\n', max);
		size_t clen = nl ? (size_t)(nl - (data + *pos)) + 1 : max;
		if (no_nul || !memchr(data + *pos, '\0', clen)) {
			*view = data + *pos;   /* the file's own bytes: no copy (issue 13) */
			*vlen = clen;
		} else {
			strbuf_reset(line);
			strbuf_add(line, data + *pos, clen);
		}
		*pos += clen;
		*raw = clen;
		return 1;
	}
	if (*pos < len) {
		/* a whole line without a NUL, ended by its newline or the file's end: the file's own bytes */
		size_t max = len - *pos < OPT_CHUNK_WHOLE ? len - *pos : OPT_CHUNK_WHOLE;
		const char *nl = memchr(data + *pos, '\n', max);
		size_t clen = nl ? (size_t)(nl - (data + *pos)) + 1 : max;
		if ((nl || *pos + clen == len) && (no_nul || !memchr(data + *pos, '\0', clen))) {
			*view = data + *pos;
			*vlen = clen;
			*pos += clen;
			*raw = clen;
			return 1;
		}
	}
	strbuf_reset(line);
	int have = 0;
	for (;;) {
		if (*pos >= len)
			break;
		size_t max = len - *pos < OPT_CHUNK_WHOLE ? len - *pos : OPT_CHUNK_WHOLE;
		const char *nl = memchr(data + *pos, '\n', max);
		size_t clen = nl ? (size_t)(nl - (data + *pos)) + 1 : max;
		const char *nul = memchr(data + *pos, '\0', clen);
		size_t cl = nul ? (size_t)(nul - (data + *pos)) : clen;
		size_t at = *pos;
		*pos += clen;
		if (cl == 0) {
			if (!have)
				*pos = len;   /* no line: the server's loop ends here */
			break;
		}
		strbuf_add(line, data + at, cl);
		have = 1;
		if (data[at + cl - 1] == '\n')
			break;
	}
	*raw = *pos - start;
	return have;
}

/*
 * Warn once per file where the line rule changes what a long line means:
 * the line just read (raw bytes of the file, pos the offset after them).
 */
static void reader_long_line(struct reader *r, const struct optfile_source *src, unsigned line,
			     const char *data, size_t len, size_t pos, size_t raw, int *warned)
{
	if (*warned)
		return;
	switch (r->of->line_rule) {
	case OPTFILE_LINES_CHUNKED:
		/* Cut: a full chunk without its newline, and more than a newline after it. */
		if (raw < OPT_CHUNK || data[pos - 1] == '\n' || pos >= len || data[pos] == '\n')
			return;
		diag_add(&r->of->diags, DIAG_WARNING, src->path, line,
			 "line longer than %d bytes: this server reads the rest of it as line %u "
			 "(MariaDB, and MySQL and Percona Server up to 8.0.21, cut lines there)",
			 OPT_CHUNK, line + 1);
		break;
	case OPTFILE_LINES_WHOLE:
		return;
	case OPTFILE_LINES_WHOLE_UNSURE:
		if (raw - (data[pos - 1] == '\n') <= OPT_CHUNK)
			return;
		diag_add(&r->of->diags, DIAG_WARNING, src->path, line,
			 "line longer than %d bytes read whole, as MySQL 8.0.25 and later read it; "
			 "releases up to 8.0.21 cut it into %d-byte lines, and 8.0.22 to 8.0.24 are "
			 "not confirmed (give --server-version with the exact release)",
			 OPT_CHUNK, OPT_CHUNK);
		break;
	}
	*warned = 1;
}

/* ---- includes that leave the tree of the file given (without --root) ---- */

/* Normalise an absolute path lexically: no ".", "..", or repeated '/'. In place. */
static void path_lexical(char *p)
{
	char *out = p;
	const char *in = p;
	while (*in) {
		while (*in == '/')
			in++;
		if (!*in)
			break;
		size_t n = strcspn(in, "/");
		if (n == 1 && in[0] == '.') {
			in += n;
			continue;
		}
		if (n == 2 && in[0] == '.' && in[1] == '.') {
			while (out > p && *--out != '/')
				;
			in += n;
			continue;
		}
		*out++ = '/';
		memmove(out, in, n);
		out += n;
		in += n;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

/*
 * A directive's path outside r->tree reads this machine's files, not those
 * of the tree the user gave: say so, naming the path.
 */
static void reader_check_tree(struct reader *r, const char *path, int dir,
			      const struct optfile_source *src, unsigned line)
{
	char resolved[PATH_MAX + 1], cwd[PATH_MAX];
	char *abs;

	if (!r->tree || r->root || r->bufs || !*path)
		return;
	if (path[0] == '/') {
		abs = xstrdup(path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return;
		abs = xasprintf("%s/%s", cwd, path);
	}
	if (realpath(abs, resolved)) {
		free(abs);
		abs = xstrdup(resolved);
	} else {
		path_lexical(abs);
	}
	size_t tl = strlen(r->tree);
	int inside = !strncmp(abs, r->tree, tl) &&
		     (abs[tl] == '/' || abs[tl] == '\0' || (tl == 1 && r->tree[0] == '/'));
	if (!inside)
		diag_add(&r->of->diags, DIAG_WARNING, src->path, line,
			 "'!include%s %s' reads '%s', outside '%s' (the directory of the file "
			 "given): that is this machine's own %s; give --root DIR to read it under DIR",
			 dir ? "dir" : "", path, abs, r->tree, dir ? "directory" : "file");
	free(abs);
}

/* ---- notes: annotations (issue 10, project.h) ---- */

#define NOTE_PREFIX "crashsafe:"

static struct optfile_note *note_add(struct optfile *of, enum optfile_note_kind kind,
				     const struct optfile_source *src, unsigned line)
{
	ARRAY_GROW(of->notes, of->nnotes + 1, of->notes_cap);
	struct optfile_note *n = &of->notes[of->nnotes++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->source = src;
	n->line = line;
	return n;
}

/* A comment line p..end (p at its '#' or ';'): kept when it is a "crashsafe:" annotation. */
static void note_comment(struct optfile *of, const char *p, const char *end, const struct optfile_source *src,
			 unsigned line, const char *header)
{
	while (p < end && (*p == '#' || *p == ';' || opt_isspace(*p)))
		p++;
	if ((size_t)(end - p) < strlen(NOTE_PREFIX) || strncmp(p, NOTE_PREFIX, strlen(NOTE_PREFIX)))
		return;
	p += strlen(NOTE_PREFIX);
	while (p < end && opt_isspace(*p))
		p++;
	size_t n = (size_t)(end - p);
	while (n && (opt_isspace(p[n - 1]) || p[n - 1] == '\r'))
		n--;
	struct optfile_note *note = note_add(of, OPTFILE_NOTE_ANNOTATION, src, line);
	note->text = arena_strndup(&of->arena, p, n);
	note->group = header;
}

/* A line that is neither a comment nor blank: the annotations of this file before it stand before it. */
static void note_resolve(struct optfile *of, size_t from, const struct optfile_source *src, unsigned line)
{
	for (size_t i = of->nnotes; i > from; i--) {
		struct optfile_note *n = &of->notes[i - 1];
		if (n->kind != OPTFILE_NOTE_ANNOTATION || n->next_line || n->source != src)
			break;
		n->next_line = line;
	}
}

/* Parse the bytes of one file; reading stops at a fatal line. */
static enum read_status reader_parse(struct reader *r, const char *data, size_t len,
				     const struct optfile_source *src, int depth)
{
	size_t pos = 0, raw = 0, vlen = 0;
	const char *view;
	unsigned line = 0;
	int warned_long = 0;
	enum group_state state = GROUP_NONE;
	const char *group = NULL;
	const char *header = NULL;          /* the last group header of this file, read or not */
	size_t notes_from = r->of->nnotes;  /* this file's notes start here */

	if (depth >= r->depths)
		r->depths = depth + 1;
	/* room at once for a usual file (issue 13: each grew from 8 in steps) */
	if (!r->line[depth].cap)
		ARRAY_GROW(r->line[depth].buf, 256, r->line[depth].cap);
	if (!r->of->cap)
		ARRAY_GROW(r->of->options, 64, r->of->cap);
	r->no_nul[depth] = !memchr(data, '\0', len);
	r->no_backslash[depth] = !memchr(data, '\\', len);
	while (!r->stopped && reader_next_line(r, depth, data, len, &pos, &raw, &view, &vlen)) {
		line++;
		/*
		 * The line: the file's own bytes (view, not NUL-terminated), else
		 * its copy. A whole line never holds a NUL (cut there); a
		 * 4094-byte piece may: its string ends there.
		 */
		const char *cbuf = view ? view : r->line[depth].buf;
		size_t line_len = view ? vlen
				: r->of->line_rule == OPTFILE_LINES_CHUNKED ? strlen(cbuf) : r->line[depth].len;
		const char *line_end = cbuf + line_len;
		if (raw >= OPT_CHUNK)
			reader_long_line(r, src, line, data, len, pos, raw, &warned_long);

		const char *cp = cbuf;
		while (cp < line_end && opt_isspace(*cp))
			cp++;
		if (cp < line_end && (*cp == '#' || *cp == ';')) {
			note_comment(r->of, cp, line_end, src, line, header);
			continue;
		}
		if (cp == line_end)
			continue;
		note_resolve(r->of, notes_from, src, line);
		if (*cp != '!' && *cp != '[') {
			switch (state) {
			case GROUP_NONE:
				return reader_stop(r, src, line, depth, "option before any group header");
			case GROUP_SKIP:
				continue;
			case GROUP_READ:
				break;
			}
			option_line(r, depth, group, cbuf, line_end, cp, src, line);
			continue;
		}
		/* a directive or a header: its line is written into, so a copy of the file's bytes */
		if (view) {
			strbuf_reset(&r->line[depth]);
			strbuf_add(&r->line[depth], view, vlen);
		}
		char *buf = r->line[depth].buf;
		char *p = buf + (cp - cbuf);

		if (*p == '!') {
			if (depth >= OPTFILE_MAX_DEPTH) {
				if (reader_first_deep(r, src, line))
					diag_add(&r->of->diags, DIAG_WARNING, src->path, line,
						 "include nesting deeper than %d: directive skipped (as the server "
						 "does)", OPTFILE_MAX_DEPTH);
				continue;
			}
			p++;
			while (opt_isspace(*p))
				p++;
			int dir = !strncmp(p, "includedir", 10) && opt_isspace(p[10]);
			int inc = !dir && !strncmp(p, "include", 7) && opt_isspace(p[7]);
			if (!dir && !inc) {
				size_t kl = 0;
				while (p[kl] && !opt_isspace(p[kl]) && kl < 32)
					kl++;
				diag_add(&r->of->diags, DIAG_WARNING, src->path, line,
					 "unknown directive '!%.*s' ignored (as the server ignores it)",
					 (int)kl, p);
				continue;
			}
			char *arg = directive_argument(p + (dir ? 10 : 7));
			if (!arg)
				return reader_stop(r, src, line, depth,
						   dir ? "'!includedir' without a directory"
						       : "'!include' without a file name");
			if (dir) {
				reader_check_tree(r, arg, 1, src, line);
				if (reader_includedir(r, arg, src, line, depth) == READ_FATAL)
					return READ_FATAL;
			} else {
				char clean[OPT_FN_REFLEN * 2];
				path_unpack(clean, sizeof(clean), arg, r->home);
				reader_check_tree(r, clean, 0, src, line);
				/* Missing: silently skipped; fatal inside: ignored by the server. */
				if (reader_file(r, arg, src, line, depth + 1) == READ_MISSING)
					reader_skipped(r, src, line, arg, 1);
			}
			continue;
		}

		if (*p == '[') {
			char *name = p + 1;
			char *end = strchr(name, ']');
			if (!end)
				return reader_stop(r, src, line, depth, "group header without ']'");
			while (opt_isspace(end[-1]))
				end--;
			*end = '\0';
			header = arena_strdup(&r->of->arena, name);
			if (optfile_groups_match(r->g, name)) {
				state = GROUP_READ;
				group = arena_strdup(&r->of->arena, name);
				ARRAY_GROW(r->of->headers, r->of->nheaders + 1, r->of->headers_cap);
				r->of->headers[r->of->nheaders++] = (struct optfile_header){ group, src, line };
			} else {
				state = GROUP_SKIP;
			}
			continue;
		}

	}
	return r->stopped ? READ_FATAL : READ_OK;
}

/*
 * Read one file named as the server names it (after --defaults-file's own
 * path handling, or as a directive wrote it). depth 0 is the top level.
 * With --root an absolute name is opened under the root and shown as
 * ROOT/name.
 */
static enum read_status reader_file(struct reader *r, const char *given,
				    const struct optfile_source *parent, unsigned parent_line,
				    int depth)
{
	char name[OPT_FN_REFLEN * 2];
	const char *data = NULL;
	size_t len = 0;

	if (r->stopped)
		return READ_FATAL;
	if (strlen(given) >= OPT_PATH_IGNORED) {
		diag_add(&r->of->diags, DIAG_WARNING, parent ? parent->path : NULL,
			 parent ? parent_line : 0,
			 "option file path longer than %d bytes ignored (as the server ignores it)",
			 OPT_PATH_IGNORED - 1);
		return READ_OK;
	}
	path_unpack(name, sizeof(name), given, r->home);

	char *host = fileio_root_path(r->root, name);
	char *display = fileio_root_display(r->root, name);
	enum read_status st = reader_load(r, host, display, depth, parent, parent_line, &data, &len);
	free(host);
	if (st != READ_OK)
		goto out;
	if (++r->of->nfiles_opened > r->max_files) {
		/*
		 * crashsafe's own limit, not the server's: mysqld reads on (its
		 * only bound is the include depth; my_print_defaults read 1.4
		 * million files of a 4-file !includedir storm in 5 s). What was
		 * read is not what the server reads: the target could not be
		 * audited (an input error, as an unreadable file), said once.
		 */
		char *msg = xasprintf("crashsafe stopped reading after %zu option files (at %s:%u: an include "
				      "loop or storm; the server reads on, bounded only by the include depth "
				      "of %d): the files could not be audited", r->max_files,
				      parent ? parent->path : display, parent ? parent_line : 0, OPTFILE_MAX_DEPTH);
		if (!r->of->input_error)
			r->of->input_error = arena_printf(&r->of->arena, "%s", msg);
		diag_add(&r->of->diags, DIAG_ERROR, parent ? parent->path : display, 0, "%s", msg);
		free(msg);
		r->of->fatal = 1;
		r->stopped = 1;
		st = READ_FATAL;
		goto out;
	}
	/* Named as the server names it after its path clean-up (under the root). */
	const struct optfile_source *src = source_new(r->of, display, parent, parent_line);
	if (data)
		st = reader_parse(r, data, len, src, depth);
out:
	free(display);
	return st;
}

static void reader_init(struct reader *r, struct optfile *of, const struct optfile_groups *g)
{
	memset(r, 0, sizeof(*r));
	r->of = of;
	r->g = g;
	r->home = getenv("HOME");
	r->root = of->root && *of->root ? of->root : NULL;
	r->max_files = of->max_files ? of->max_files : OPTFILE_MAX_FILES;
	r->given_fd = -1;
}

static void reader_release(struct reader *r)
{
	for (int i = 0; i < r->depths; i++) {   /* only the depths used (issue 13: eleven each time) */
		fileio_data_release(&r->files[i]);
		strbuf_release(&r->line[i]);
	}
	free(r->scratch);
	free(r->tree);
	if (r->have_deep_warned)
		strmap_release(&r->deep_warned);
}

/* The directory whose tree a given file's includes should stay in: its own (realpath). */
static void reader_set_tree(struct reader *r, const char *abs, int stdio)
{
	char dir[PATH_MAX + 1];
	if (r->root || r->bufs)
		return;
	if (stdio) {
		if (getcwd(dir, sizeof(dir)))
			r->tree = xstrdup(dir);
		return;
	}
	if (!abs || abs[0] != '/')
		return;
	const char *slash = strrchr(abs, '/');
	r->tree = slash == abs ? xstrdup("/") : xstrndup(abs, (size_t)(slash - abs));
}

/*
 * A required file (--defaults-file, --defaults-extra-file): the server first
 * makes the path absolute (realpath, or the working directory prepended when
 * that fails), reads it as any other file, and fails when it cannot open it.
 * "-" and /dev/stdin, /dev/fd/N are read from the descriptor this process
 * has (a pipe read once); "-" is named "<stdin>".
 */
static int reader_required(struct reader *r, const char *path, int tree)
{
	char resolved[PATH_MAX + 1];
	char *abs = NULL;
	enum read_status st;
	int fd, stdio = !r->bufs && fileio_inherited_fd(path, &fd);
	const char *display = !strcmp(path, "-") ? (r->of->stdin_name ? r->of->stdin_name : OPTFILE_STDIN_NAME) : path;

	if (!r->bufs && !stdio) {
		if (tree && r->of->given_real) {
			abs = xstrdup(r->of->given_real);   /* resolved by the caller (issue 13) */
		} else if (realpath(path, resolved)) {
			abs = xstrdup(resolved);
		} else if (path[0] != '/' && !(path[0] == '~' && path[1] == '/')) {
			char cwd[PATH_MAX];
			const char *rel = path[0] == '.' && path[1] == '/' ? path + 2 : path;
			if (getcwd(cwd, sizeof(cwd)))
				abs = xasprintf("%s%s%s", cwd, cwd[strlen(cwd) - 1] == '/' ? "" : "/",
						rel);
		}
	}
	if (tree) {
		reader_set_tree(r, abs, stdio);
		if (!r->bufs && !stdio)
			r->given_fd = r->of->given_fd;
	}
	const char *use = abs ? abs : path;
	if (abs && strlen(abs) >= OPT_FN_REFLEN)
		abs[OPT_FN_REFLEN - 1] = '\0';

	if (strlen(use) >= OPT_PATH_IGNORED) {
		diag_add(&r->of->diags, DIAG_WARNING, display, 0,
			 "option file path longer than %d bytes ignored (as the server ignores it)",
			 OPT_PATH_IGNORED - 1);
		free(abs);
		return 0;
	}
	char name[OPT_FN_REFLEN * 2];
	const char *data = NULL;
	size_t len = 0;
	if (stdio)
		snprintf(name, sizeof(name), "%s", path);
	else
		path_unpack(name, sizeof(name), use, r->home);
	free(abs);
	st = reader_load(r, name, display, 0, NULL, 0, &data, &len);
	if (st == READ_FATAL)
		return -1;
	if (st == READ_MISSING) {
		const char *why = strerror(r->saved_errno ? r->saved_errno : ENOENT);
		diag_add(&r->of->diags, DIAG_ERROR, display, 0, "cannot open required option file: %s",
			 why);
		r->of->fatal = 1;
		if (!r->of->input_error)
			r->of->input_error = arena_printf(&r->of->arena, "cannot read: %s", why);
		return -1;
	}
	if (++r->of->nfiles_opened > r->max_files) {
		diag_add(&r->of->diags, DIAG_ERROR, display, 0,
			 "more than %zu option files read: reading stopped", r->max_files);
		r->of->fatal = 1;
		r->stopped = 1;
		return -1;
	}
	const struct optfile_source *src = source_new(r->of, display, NULL, 0);
	if (data && reader_parse(r, data, len, src, 0) == READ_FATAL)
		return -1;
	return r->of->fatal ? -1 : 0;
}

int optfile_read(struct optfile *of, const char *path, const struct optfile_groups *g)
{
	struct reader r;
	reader_init(&r, of, g);
	int rc = reader_required(&r, path, 1);
	reader_release(&r);
	return rc;
}

int optfile_read_buffers(struct optfile *of, const struct optfile_buffer *bufs, size_t n,
			 const struct optfile_groups *g)
{
	struct reader r;
	if (!n) {
		diag_add(&of->diags, DIAG_ERROR, NULL, 0, "no option file to read");
		of->fatal = 1;
		return -1;
	}
	reader_init(&r, of, g);
	r.bufs = bufs;
	r.nbufs = n;
	int rc = reader_required(&r, bufs[0].path, 0);
	reader_release(&r);
	return rc;
}

/* ---- the default search path ---- */

/*
 * Add dir to the list the server's way: a directory already listed moves
 * to the end, so no file is read twice and precedence stays right.
 */
static void dirs_add(char dirs[][OPT_FN_REFLEN + 2], size_t *n, const char *dir)
{
	char norm[OPT_FN_REFLEN + 2];
	size_t len = strlen(dir);
	if (len >= OPT_FN_REFLEN)
		len = OPT_FN_REFLEN - 1;
	memcpy(norm, dir, len);
	if (len && norm[len - 1] != '/')
		norm[len++] = '/';
	norm[len] = '\0';
	char clean[OPT_FN_REFLEN * 3];
	if (len)
		path_cleanup_dir(clean, sizeof(clean), norm, NULL);
	else
		clean[0] = '\0';
	snprintf(norm, sizeof(norm), "%s", clean);
	for (size_t i = 0; i < *n; i++) {
		if (!strcmp(dirs[i], norm)) {
			memmove(dirs[i], dirs[i + 1], (*n - i - 1) * sizeof(dirs[0]));
			(*n)--;
			break;
		}
	}
	memcpy(dirs[(*n)++], norm, sizeof(norm));
}

int optfile_read_defaults(struct optfile *of, const struct optfile_search *s,
			  enum flavor flavor, const struct optfile_groups *g)
{
	struct reader r;
	char dirs[8][OPT_FN_REFLEN + 2];
	size_t ndirs = 0;
	int rc = 0;

	(void)flavor;  /* MySQL's compile-time SYSCONFDIR is not knowable here; see the header */
	if (s->no_defaults)
		return 0;

	reader_init(&r, of, g);
	if (s->home)
		r.home = s->home;
	if (s->root && *s->root)
		r.root = s->root;
	if (s->defaults_file) {
		rc = reader_required(&r, s->defaults_file, 1);
		goto out;
	}

	/* Paths of the server's machine: under the root when there is one. */
	dirs_add(dirs, &ndirs, "/etc/");
	dirs_add(dirs, &ndirs, "/etc/mysql/");
	if (s->server_home && *s->server_home)
		dirs_add(dirs, &ndirs, s->server_home);
	dirs_add(dirs, &ndirs, "");       /* where --defaults-extra-file goes */
	if (s->home)
		dirs_add(dirs, &ndirs, "~/");

	for (size_t i = 0; i < ndirs && !r.stopped; i++) {
		if (!dirs[i][0]) {
			if (s->defaults_extra_file) {
				if (reader_required(&r, s->defaults_extra_file, 0) < 0) {
					rc = -1;
					goto out;
				}
			}
			continue;
		}
		char *path = xasprintf("%s%smy.cnf", dirs[i], dirs[i][0] == '~' ? "." : "");
		enum read_status st = reader_file(&r, path, NULL, 0, 0);
		free(path);
		if (st == READ_FATAL) {
			rc = -1;
			goto out;
		}
	}
out:
	reader_release(&r);
	if (of->fatal || of->input_error)
		rc = -1;
	return rc;
}
