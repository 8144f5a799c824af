/*
 * suppress.c - suppression files, the matching of suppressions to
 * findings, and expiry dates (see suppress.h).
 */
#include "suppress.h"

#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ini.h>

#include "fileio.h"
#include "reportread.h"
#include "banned.h"

const char *suppress_kind_name(enum suppress_kind k)
{
	static const char *const names[] = {
		[SUPPRESS_FILE] = "file",
		[SUPPRESS_PROJECT] = "project-file",
		[SUPPRESS_INLINE] = "inline",
		[SUPPRESS_BASELINE] = "baseline",
	};
	return (unsigned)k < ARRAY_SIZE(names) ? names[k] : "unknown";
}

void suppress_list_release(struct suppress_list *l)
{
	free(l->items);
	memset(l, 0, sizeof(*l));
}

struct suppress_entry *suppress_list_add(struct suppress_list *l)
{
	ARRAY_GROW(l->items, l->n + 1, l->cap);
	struct suppress_entry *e = &l->items[l->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

/* ---- dates -------------------------------------------------------------- */

static int leap_year(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int suppress_date_parse(const char *s, long *out)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long y = 0, m = 0, d = 0;
	/* Exactly YYYY-MM-DD: ten characters, digits where digits go. */
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
	}
	y = (s[0] - '0') * 1000L + (s[1] - '0') * 100L + (s[2] - '0') * 10L + (s[3] - '0');
	m = (s[5] - '0') * 10L + (s[6] - '0');
	d = (s[8] - '0') * 10L + (s[9] - '0');
	if (y < 2000 || m < 1 || m > 12 || d < 1)
		return -1;
	if (d > days[m - 1] + (m == 2 && leap_year(y)))
		return -1;
	*out = y * 10000 + m * 100 + d;
	return 0;
}

long suppress_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	if (!localtime_r(&now, &tm))
		return 0;
	return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1L) * 100 + tm.tm_mday;
}

static pthread_once_t suppress_today_once = PTHREAD_ONCE_INIT;
static long suppress_today_asked;

static void suppress_today_ask(void)
{
	suppress_today_asked = suppress_today();
}

/* today itself, or for SUPPRESS_TODAY_LATER the date asked once per process. */
static long suppress_today_of(long today)
{
	if (today != SUPPRESS_TODAY_LATER)
		return today;
	pthread_once(&suppress_today_once, suppress_today_ask);
	return suppress_today_asked;
}

/* ---- the suppression file ----------------------------------------------- */

void suppress_set_init(struct suppress_set *s)
{
	memset(s, 0, sizeof(*s));
	arena_init(&s->arena);
	s->today = SUPPRESS_TODAY_LATER;
}

void suppress_set_release(struct suppress_set *s)
{
	suppress_list_release(&s->files);
	arena_release(&s->arena);
	memset(s, 0, sizeof(*s));
}

void ini_headers_scan(struct ini_headers *h, const char *data)
{
	unsigned line = 1;
	const char *p = data;
	memset(h, 0, sizeof(*h));
	while (*p) {
		const char *q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '[') {
			ARRAY_GROW(h->lines, h->n + 1, h->cap);
			h->lines[h->n++] = line;
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
		line++;
	}
}

unsigned ini_header_line(const struct ini_headers *h, unsigned key_line)
{
	unsigned best = 0;
	for (size_t i = 0; h && i < h->n && h->lines[i] < key_line; i++)
		best = h->lines[i];
	return best;
}

void ini_headers_release(struct ini_headers *h)
{
	free(h->lines);
	memset(h, 0, sizeof(*h));
}

void suppress_section_begin(struct suppress_section *p, const char *rule, unsigned line)
{
	unsigned header = ini_header_line(p->headers, line);
	p->rule = arena_strdup(p->arena, rule);
	p->line = header ? header : line;
	p->first = p->out->n;
	p->reason = NULL;
	p->until = 0;
	p->until_bad = 0;
	p->ntargets = 0;
	p->open = 1;
}

static struct suppress_entry *section_entry(struct suppress_section *p, unsigned line)
{
	struct suppress_entry *e = suppress_list_add(p->out);
	e->rule = p->rule;
	e->kind = p->kind;
	e->file = p->file;
	e->line = line;
	e->base = p->base;
	return e;
}

int suppress_section_key(struct suppress_section *p, const char *name, const char *value, unsigned line)
{
	if (!strcmp(name, "target")) {
		struct suppress_entry *e = section_entry(p, line);
		e->target = arena_strdup(p->arena, value);
		p->ntargets++;
		return 0;
	}
	if (!strcmp(name, "reason")) {
		if (!*value) {
			diag_add(p->d, DIAG_ERROR, p->file, line, "suppression of '%s': the reason is empty", p->rule);
			p->errors++;
			return 0;
		}
		p->reason = arena_strdup(p->arena, value);
		return 0;
	}
	if (!strcmp(name, "until")) {
		if (suppress_date_parse(value, &p->until)) {
			diag_add(p->d, p->strict ? DIAG_ERROR : DIAG_WARNING, p->file, line,
				 "suppression of '%s': until '%s' is not a date (YYYY-MM-DD): the suppression is "
				 "not used", p->rule, value);
			p->until_bad = 1;
			if (p->strict)
				p->errors++;
		}
		return 0;
	}
	return -1;
}

void suppress_section_end(struct suppress_section *p)
{
	if (!p->open)
		return;
	p->open = 0;
	if (!p->ntargets)
		section_entry(p, p->line);
	if (!p->reason) {
		diag_add(p->d, DIAG_ERROR, p->file, p->line, "suppression of '%s' needs 'reason = TEXT'", p->rule);
		p->errors++;
	}
	if (p->until_bad || !p->reason) {
		p->out->n = p->first;   /* not used: the entries of the section go */
		return;
	}
	for (size_t i = p->first; i < p->out->n; i++) {
		p->out->items[i].reason = p->reason;
		p->out->items[i].until = p->until;
	}
}

struct suppress_file_ctx {
	struct suppress_section sec;
	const char *section;     /* the section being read (inih's buffer: compared, not kept) */
	char *section_copy;
};

static int suppress_file_handler(void *user, const char *section, const char *name, const char *value, int lineno)
{
	struct suppress_file_ctx *x = user;
	struct suppress_section *p = &x->sec;
	unsigned line = (unsigned)lineno;
	if (!*section) {
		diag_add(p->d, DIAG_ERROR, p->file, line, "'%s' is outside any [rule-id] section", name);
		p->errors++;
		return 1;
	}
	if (!x->section_copy || strcmp(x->section_copy, section)) {
		suppress_section_end(p);
		free(x->section_copy);
		x->section_copy = xstrdup(section);
		suppress_section_begin(p, section, line);
	}
	if (suppress_section_key(p, name, value, line)) {
		diag_add(p->d, DIAG_ERROR, p->file, line,
			 "unknown key '%s' (a suppression has 'target = GLOB', 'reason = TEXT' and "
			 "'until = YYYY-MM-DD')", name);
		p->errors++;
	}
	return 1;
}

int suppress_load_file(struct suppress_set *s, const char *path, int strict, struct diag_list *d)
{
	struct suppress_file_ctx x;
	struct fileio_data file;
	char *why = NULL;
	memset(&x, 0, sizeof(x));
	if (fileio_read(path, FILEIO_SUPPRESS, &file, &why) != FILEIO_OK) {
		diag_add(d, DIAG_ERROR, path, 0, "cannot read suppression file: %s", why);
		free(why);
		return -1;
	}
	const char *data = file.data;
	x.sec.out = &s->files;
	x.sec.arena = &s->arena;
	x.sec.file = arena_strdup(&s->arena, path);
	x.sec.kind = SUPPRESS_FILE;
	x.sec.strict = strict;
	x.sec.d = d;
	struct ini_headers headers;
	ini_headers_scan(&headers, data);
	x.sec.headers = &headers;
	int rc = ini_parse_string(data, suppress_file_handler, &x);
	suppress_section_end(&x.sec);
	ini_headers_release(&headers);
	free(x.section_copy);
	fileio_data_release(&file);
	if (rc > 0) {
		diag_add(d, DIAG_ERROR, path, (unsigned)rc, "not a suppression line: expected '[rule-id]' or 'key = value'");
		return -1;
	}
	if (rc < 0) {
		diag_add(d, DIAG_ERROR, path, 0, "cannot parse suppression file: out of memory");
		return -1;
	}
	return x.sec.errors ? -1 : 0;
}

/* ---- matching ------------------------------------------------------------ */

/* The part of path below dir ("a/b.cnf" for "/r/a/b.cnf" under "/r"), or NULL when it is not below. */
static const char *path_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/' ? path + 1 : NULL;
	if (strncmp(path, dir, n) || path[n] != '/')
		return NULL;
	return path + n + 1;
}

int suppress_glob_match(const char *glob, const char *rel)
{
	if (!strchr(glob, '/')) {
		const char *base = strrchr(rel, '/');
		return fnmatch(glob, base ? base + 1 : rel, 0) == 0;
	}
	return fnmatch(glob, rel, FNM_PATHNAME) == 0;
}

static int entry_matches_target(const struct suppress_entry *e, const struct suppress_target *t)
{
	if (!e->target)
		return 1;
	if (e->kind == SUPPRESS_PROJECT) {
		const char *rel = t->abs && e->base ? path_below(t->abs, e->base) : NULL;
		return rel && suppress_glob_match(e->target, rel);
	}
	/* A suppression file: a shell pattern over the normalised path, or the name as given. */
	if (t->key && !fnmatch(e->target, t->key, 0))
		return 1;
	return t->name && !fnmatch(e->target, t->name, 0);
}

static int entry_matches_place(const struct suppress_entry *e, const char *origin_file, unsigned origin_line)
{
	if (e->kind != SUPPRESS_INLINE)
		return 1;
	if (!origin_file)
		return e->group_read;
	return e->excuses_line && origin_line == e->excuses_line && e->file && !strcmp(e->file, origin_file);
}

struct suppress_entry *suppress_match(struct suppress_list *const *lists, size_t nlists,
				      const struct suppress_target *t, const char *rule_id,
				      const char *origin_file, unsigned origin_line, long today,
				      struct suppress_entry **expired)
{
	struct suppress_entry *gone = NULL;
	*expired = NULL;
	for (size_t l = 0; l < nlists; l++) {
		if (!lists[l])
			continue;
		for (size_t i = 0; i < lists[l]->n; i++) {
			struct suppress_entry *e = &lists[l]->items[i];
			if (strcmp(e->rule, "*") && strcmp(e->rule, rule_id))
				continue;
			if (!entry_matches_target(e, t) || !entry_matches_place(e, origin_file, origin_line))
				continue;
			if (e->until && suppress_today_of(today) > e->until) {
				if (!gone)
					gone = e;
				continue;
			}
			e->matched++;
			return e;
		}
	}
	if (gone) {
		gone->expired++;
		*expired = gone;
	}
	return NULL;
}

size_t suppress_report_unused(const struct suppress_list *l, int (*known)(void *ctx, const char *id), void *ctx,
			      int strict, struct diag_list *d)
{
	size_t n = 0;
	enum diag_level level = strict ? DIAG_ERROR : DIAG_WARNING;
	for (size_t i = 0; i < l->n; i++) {
		const struct suppress_entry *e = &l->items[i];
		if (strcmp(e->rule, "*") && known && !known(ctx, e->rule)) {
			diag_add(d, level, e->file, e->line, "suppression of unknown rule '%s'", e->rule);
			n++;
			continue;
		}
		if (e->expired && !e->matched) {
			/* the finding fails again and says so: a warning, whatever --strict */
			diag_add(d, DIAG_WARNING, e->file, e->line,
				 "suppression of '%s' expired on %04ld-%02ld-%02ld: %zu finding%s no longer suppressed",
				 e->rule, e->until / 10000, e->until / 100 % 100, e->until % 100, e->expired,
				 e->expired == 1 ? " is" : "s are");
			n++;
			continue;
		}
		if (e->matched)
			continue;
		if (e->target)
			diag_add(d, level, e->file, e->line, "suppression of '%s' for '%s' matched no finding", e->rule,
				 e->target);
		else
			diag_add(d, level, e->file, e->line, "suppression of '%s' matched no finding", e->rule);
		n++;
	}
	return n;
}

/* ---- the baseline -------------------------------------------------------------- */

int suppress_baseline_load(struct suppress_baseline *b, const char *path, struct diag_list *d)
{
	struct reportread rr;
	memset(b, 0, sizeof(*b));
	arena_init(&b->arena);
	strmap_init(&b->fingerprints, 0);
	b->path = arena_strdup(&b->arena, path);
	reportread_init(&rr);
	int rc = reportread_load(&rr, path, d);
	for (size_t i = 0; i < rr.n; i++) {
		const struct reportread_target *t = &rr.targets[i];
		for (size_t j = 0; j < t->n; j++) {
			const struct reportread_finding *f = &t->findings[j];
			char fp[17];
			if (f->status != FINDING_FAIL && f->status != FINDING_UNKNOWN && f->status != FINDING_SUPPRESSED)
				continue;
			if (f->fingerprint && strlen(f->fingerprint) == 16)
				memcpy(fp, f->fingerprint, 17);
			else
				reportread_fingerprint(t->key ? t->key : t->name, f->rule_id, f->channel, f->value, fp);
			const char *k = arena_strdup(&b->arena, fp);
			strmap_put(&b->fingerprints, k, b->n++);
		}
	}
	reportread_release(&rr);
	return rc;
}

void suppress_baseline_release(struct suppress_baseline *b)
{
	strmap_release(&b->fingerprints);
	arena_release(&b->arena);
	memset(b, 0, sizeof(*b));
}

/* ---- applying ---------------------------------------------------------------- */

void suppress_fingerprint(const struct target_result *t, const struct finding *f, const struct explanation *e,
			  char out[17])
{
	if (e->fingerprint && strlen(e->fingerprint) == 16) {
		memcpy(out, e->fingerprint, 17);
		return;
	}
	suppress_fingerprint_keyed(t->path_key ? t->path_key : t->name, t, f, e, out);
}

void suppress_fingerprint_keyed(const char *key, const struct target_result *t, const struct finding *f,
				const struct explanation *e, char out[17])
{
	/* a problem of the option files: the option and value as written, not the line (it moves) */
	if (f->problem_no && f->problem_no <= t->view.nproblems) {
		const struct settings_problem *p = &t->view.problems[f->problem_no - 1];
		char *v = p->option ? xasprintf("%s=%s", p->option, p->value ? p->value : "")
				    : xstrdup(p->detail ? p->detail : "");
		reportread_fingerprint(key, f->rule_id, f->channel, v, out);
		free(v);
		return;
	}
	reportread_fingerprint(key, f->rule_id, f->channel, e->value, out);
}

static struct finding_suppression *suppression_new(struct audit_result *r, const struct suppress_entry *e,
						   enum finding_status was)
{
	struct finding_suppression *fs = arena_alloc(&r->arena, sizeof(*fs));
	memset(fs, 0, sizeof(*fs));
	fs->file = audit_result_intern(r, e->file);
	fs->line = e->line;
	fs->reason = audit_result_intern(r, e->reason);
	fs->was = was;
	fs->kind = suppress_kind_name(e->kind);
	fs->until = e->until;
	return fs;
}

void suppress_apply_target(struct audit_result *r, struct target_result *t, struct explainer *x,
			   struct suppress_list *const *lists, size_t nlists, const struct suppress_target *st,
			   long today, const struct suppress_baseline *b)
{
	/* Nothing to match against: skip explaining every failed finding (issue 13). */
	size_t entries = 0;
	for (size_t l = 0; l < nlists; l++)
		entries += lists[l] ? lists[l]->n : 0;
	if (!entries && !b)
		return;
	for (size_t i = 0; i < t->n; i++) {
		struct finding *f = &t->findings[i];
		struct explanation e;
		struct suppress_entry *hit, *expired;
		size_t pos;
		if (f->status != FINDING_FAIL && f->status != FINDING_UNKNOWN)
			continue;
		explain_finding(x, t, f, &e);
		/* where the value comes from: a line of a file, or nowhere (a default) */
		const char *file = e.origin.source == SETTINGS_SRC_FILE ? e.origin.file : NULL;
		unsigned line = file ? e.origin.line : 0;
		hit = suppress_match(lists, nlists, st, f->rule_id, file, line, today, &expired);
		if (hit) {
			f->suppression = suppression_new(r, hit, f->status);
			f->status = FINDING_SUPPRESSED;
			continue;
		}
		if (expired)
			f->expired = suppression_new(r, expired, f->status);
		if (!b)
			continue;
		char fp[17];
		suppress_fingerprint(t, f, &e, fp);
		if (strmap_get(&b->fingerprints, fp, &pos)) {
			f->baseline = FINDING_BASELINE_NEW;
			continue;
		}
		struct suppress_entry be = { .rule = f->rule_id, .reason = "already in the baseline report",
					     .file = b->path, .kind = SUPPRESS_BASELINE };
		f->suppression = suppression_new(r, &be, f->status);
		f->status = FINDING_SUPPRESSED;
		f->baseline = FINDING_BASELINE_UNCHANGED;
	}
}
