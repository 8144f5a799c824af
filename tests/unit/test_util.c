/*
 * test_util.c - the shared helpers of util.h and diag.h: terminal-safe
 * escaping and the diagnostics that use it.
 */
#include <dirent.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "tap.h"
#include "diag.h"
#include "flavor.h"
#include "secret.h"
#include "settings.h"
#include "util.h"

static char *esc(const char *s, size_t n, const char *indent)
{
	struct strbuf sb = { 0 };
	strbuf_add_escaped(&sb, s, n, indent);
	return strbuf_detach(&sb);
}

static void test_escape(void)
{
	static const struct {
		const char *in;
		const char *want;
		const char *name;
	} cases[] = {
		{ "plain text, a\\backslash", "plain text, a\\backslash", "printable ASCII is copied" },
		{ "a\x1b[2Jb", "a\\x1b[2Jb", "ESC is escaped" },
		{ "\x1b]0;title\x07", "\\x1b]0;title\\x07", "OSC and BEL are escaped" },
		{ "line\nfake", "line\\nfake", "a newline cannot fake a line" },
		{ "cr\rover", "cr\\x0dover", "a carriage return cannot overwrite the line" },
		{ "tab\there", "tab\\there", "tab" },
		{ "del\x7f", "del\\x7f", "DEL" },
		{ "c1 \xc2\x9b[2J", "c1 \\u009b[2J", "a C1 control in UTF-8 (U+009B CSI)" },
		{ "raw \x9b[2J", "raw \\x9b[2J", "the 8-bit CSI byte alone (not UTF-8)" },
		{ "bidi \xe2\x80\xae txt", "bidi \\u202e txt", "a bidi override (U+202E)" },
		{ "iso \xe2\x81\xa6x", "iso \\u2066x", "a bidi isolate (U+2066)" },
		{ "ls \xe2\x80\xa8 ps \xe2\x80\xa9", "ls \\u2028 ps \\u2029", "line and paragraph separators" },
		{ "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80",
		  "well-formed UTF-8 is copied" },
		{ "overlong \xc0\xaf", "overlong \\xc0\\xaf", "an overlong form is escaped byte by byte" },
		{ "surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80", "an encoded surrogate is escaped" },
		{ "cut \xe6\x97", "cut \\xe6\\x97", "a sequence cut short is escaped" },
		{ "nbsp \xc2\xa0", "nbsp \xc2\xa0", "U+00A0 is printable" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = esc(cases[i].in, strlen(cases[i].in), NULL);
		is_str(got, cases[i].want, cases[i].name);
		free(got);
	}
	char *got = esc("a\0b", 3, NULL);
	is_str(got, "a\\x00b", "a NUL byte inside the text is escaped");
	free(got);
	got = esc("one\ntwo\x1b", 8, "    ");
	is_str(got, "one\n    two\\x1b", "with an indent, a newline is kept and indented; the rest still escaped");
	free(got);
}

static void test_diag_print(void)
{
	struct diag_list l;
	diag_list_init(&l);
	diag_add(&l, DIAG_ERROR, "evil\n\x1b[2J.cnf", 3, "value '%s' is bad", "x\x1b]0;t\x07");
	diag_add(&l, DIAG_NOTE, NULL, 0, "no file");
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	diag_print(&l, fp);
	fclose(fp);
	is_str(buf, "crashsafe: evil\\n\\x1b[2J.cnf:3: error: value 'x\\x1b]0;t\\x07' is bad\n"
		    "crashsafe: note: no file\n",
	       "diag_print escapes the file name and the message, one line each");
	free(buf);
	diag_list_release(&l);
}

/*
 * Issue 13: the hash reads eight bytes at a time and folds ASCII case
 * there: every length up to 40 (each tail length), each letter in either
 * case, found under its other spelling; bytes from 0x80 are not folded.
 */
static void test_strhash_fold(void)
{
	static const char alpha[] = "aBcDeFgHiJkLmNoPqRsTuVwXyZ_09@[`{-aZ:zAq";
	struct strmap m;
	char keys[41][48], swapped[48];
	size_t wrong = 0, at = 0;
	strmap_init(&m, 1);
	for (size_t len = 1; len <= 40; len++) {
		memcpy(keys[len], alpha, len);
		keys[len][len] = '\0';
		strmap_put(&m, keys[len], len);
	}
	for (size_t len = 1; len <= 40; len++) {
		for (size_t i = 0; i <= len; i++) {
			char c = i < len ? keys[len][i] : '\0';
			swapped[i] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		}
		if (util_strhash(swapped, 1) != util_strhash(keys[len], 1) || strmap_get(&m, swapped, &at) < 0 ||
		    at != len)
			wrong++;
		if (util_strhash(swapped, 0) == util_strhash(keys[len], 0) && strcmp(swapped, keys[len]))
			wrong++;   /* without folding, the other spelling is another key (here: another hash too) */
	}
	is_int((long)wrong, 0, "hash: keys of 1 to 40 bytes found under their other case with fold_case");
	strmap_put(&m, "caf\xc9", 41);
	ok(strmap_get(&m, "caf\xe9", &at) < 0 && strmap_get(&m, "CAF\xc9", &at) == 0 && at == 41,
	   "hash: bytes from 0x80 are not folded, ASCII beside them is");
	strmap_release(&m);
}

static void test_strmap(void)
{
	enum { N = 100000 };
	struct strmap m;
	char **keys = malloc(N * sizeof(*keys));
	strmap_init(&m, 0);
	for (size_t i = 0; i < N; i++) {
		keys[i] = xasprintf("name_%zu", i);
		strmap_put(&m, keys[i], i);
	}
	size_t at = 0, wrong = 0;
	for (size_t i = 0; i < N; i++)
		if (strmap_get(&m, keys[i], &at) < 0 || at != i)
			wrong++;
	is_int((long)wrong, 0, "100,000 keys: each found at its position");
	is_int((long)m.n, N, "100,000 keys counted once each");
	ok(strmap_get(&m, "name_100000", &at) < 0, "an absent key is absent");
	ok(strmap_get(&m, "NAME_1", &at) < 0, "case matters without fold_case");
	strmap_put(&m, keys[7], 77);
	ok(strmap_get(&m, "name_7", &at) == 0 && at == 77 && m.n == N, "putting an equal key replaces its value");
	strmap_release(&m);
	ok(strmap_get(&m, "name_1", &at) < 0, "a released map is empty");
	for (size_t i = 0; i < N; i++)
		free(keys[i]);
	free(keys);

	strmap_init(&m, 1);
	strmap_put(&m, "Wsrep_On", 1);
	ok(strmap_get(&m, "WSREP_ON", &at) == 0 && at == 1, "fold_case: ASCII case is ignored");
	strmap_put(&m, "wsrep_on", 2);
	ok(m.n == 1 && strmap_get(&m, "wsrep_on", &at) == 0 && at == 2, "fold_case: one key whatever its case");
	strmap_release(&m);

	struct strmap empty = { 0 };
	ok(strmap_get(&empty, "x", &at) < 0, "a zero-initialised map is empty");
}

/* strmap_get_or_put_hashed (issue 13): one probe finds a key or adds it, across growth, folded or not. */
static void test_strmap_get_or_put(void)
{
	enum { N = 300 };
	static char keys[N][24];
	struct strmap m;
	size_t at = 999;
	int all = 1;
	strmap_init(&m, 0);
	for (size_t i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "var_%zu", i);
		if (strmap_get_or_put_hashed(&m, keys[i], strmap_hash_of(&m, keys[i]), i, &at) != 0 || at != i)
			all = 0;
	}
	ok(all && m.n == N, "get_or_put: %d new keys are added with their values", N);
	all = 1;
	for (size_t i = 0; i < N; i++) {
		char copy[24];
		memcpy(copy, keys[i], sizeof(copy));
		if (strmap_get_or_put_hashed(&m, copy, strmap_hash_of(&m, copy), 5000 + i, &at) != 1 || at != i)
			all = 0;
	}
	ok(all && m.n == N, "get_or_put: an equal key (another copy) is found with its value, nothing added");
	all = 1;
	for (size_t i = 0; i < N; i++)
		if (strmap_get(&m, keys[i], &at) < 0 || at != i)
			all = 0;
	ok(all, "get_or_put: strmap_get() finds every key it added");
	strmap_release(&m);
	strmap_init(&m, 1);
	ok(strmap_get_or_put_hashed(&m, "Sync_Binlog", strmap_hash_of(&m, "Sync_Binlog"), 7, &at) == 0 &&
	   strmap_get_or_put_hashed(&m, "SYNC_BINLOG", strmap_hash_of(&m, "SYNC_BINLOG"), 8, &at) == 1 && at == 7 &&
	   m.n == 1, "get_or_put: fold_case finds the key in another case");
	strmap_release(&m);
}

/* strmap_remap (issue 13): kept keys with their new values, the others gone, the map still usable. */
/* util_index_probe(): records of ints, hashed so that many collide (hash = value % 7). */
static size_t probe_hash_at(const void *recs, size_t i)
{
	return (size_t)((const int *)recs)[i] % 7;
}

static int probe_same_at(const void *recs, size_t i, const void *key)
{
	return ((const int *)recs)[i] == *(const int *)key;
}

static void test_index_probe(void)
{
	enum { N = 3000 };
	int *recs = NULL;
	size_t n = 0, cap = 0, wrong = 0, dup = 0;
	unsigned *table = NULL;
	/* each value put three times (in three rounds): the first makes a record, the others find it */
	for (int round = 0; round < 3; round++)
		for (int v = 0; v < N; v++) {
			int key = (v * 7919) % N;
			unsigned *slot = util_index_probe(&table, &cap, 4, n, (size_t)key % 7, probe_hash_at,
							  probe_same_at, recs, &key);
			if (*slot) {
				if (round == 0 || recs[*slot - 1] != key)
					wrong++;
				continue;
			}
			if (round)
				dup++;
			recs = realloc(recs, (n + 1) * sizeof(*recs));
			recs[n] = key;
			*slot = (unsigned)++n;
		}
	ok(n == N && !wrong && !dup, "util_index_probe: %d values put three times make %d records, each found again "
	   "(%zu records, %zu found wrong, %zu made twice)", N, N, n, wrong, dup);
	ok(cap >= 2 * n && !(cap & (cap - 1)), "... the table at most half full, a power of two (%zu slots)", cap);
	size_t used = 0;
	for (size_t i = 0; i < cap; i++)
		used += table[i] != 0;
	ok(used == n, "... one slot a record (%zu)", used);
	free(table);
	free(recs);
}

static void test_strmap_remap(void)
{
	enum { N = 1000 };
	struct strmap m;
	char *keys[N];
	size_t map[N], at = 0, wrong = 0, k = 0;
	strmap_init(&m, 1);
	for (size_t i = 0; i < N; i++) {
		keys[i] = xasprintf("Name_%zu", i);
		strmap_put(&m, keys[i], i);
		map[i] = i % 3 ? SIZE_MAX : k++;
	}
	strmap_remap(&m, map, N - 10);   /* the last ten values out of the map's range: dropped too */
	for (size_t i = 0; i < N; i++) {
		int found = strmap_get(&m, keys[i], &at) == 0;
		if (i % 3 || i >= N - 10 ? found : !found || at != map[i])
			wrong++;
	}
	is_int((long)wrong, 0, "strmap_remap: each kept key at its new value, the dropped ones gone");
	is_int((long)m.n, (N - 10 + 2) / 3, "strmap_remap: the kept keys counted");
	ok(strmap_get(&m, "NAME_3", &at) == 0 && at == 1, "strmap_remap: fold_case kept");
	strmap_put(&m, "name_1", 5000);
	ok(strmap_get(&m, "Name_1", &at) == 0 && at == 5000 && m.n == (N - 10 + 2) / 3 + 1,
	   "strmap_remap: the map takes new keys after");
	for (size_t i = 0; i < N; i++)
		map[i] = SIZE_MAX;
	strmap_remap(&m, map, N);
	ok(m.n == 0 && strmap_get(&m, "Name_0", &at) < 0, "strmap_remap: nothing kept is an empty map");
	strmap_put(&m, "x", 1);
	ok(strmap_get(&m, "x", &at) == 0 && at == 1, "strmap_remap: an emptied map takes keys again");
	strmap_release(&m);
	for (size_t i = 0; i < N; i++)
		free(keys[i]);
}

static void test_settings_index(void)
{
	struct settings s;
	struct settings_origin o = { .source = SETTINGS_SRC_FILE, .file = "my.cnf", .line = 1 };
	settings_init(&s, "t", "file");
	for (unsigned i = 0; i < 50000; i++) {
		char name[32], value[32];
		snprintf(name, sizeof(name), "v%u", i % 25000);
		snprintf(value, sizeof(value), "%u", i);
		o.line = i + 1;
		settings_set(&s, name, value, name, &o);
	}
	is_int((long)s.n, 25000, "settings: 50,000 sets of 25,000 names make 25,000 variables");
	const struct settings_var *v = settings_get(&s, "v24999");
	ok(v && !strcmp(v->current.value, "49999") && v->n_overridden == 1 &&
		   !strcmp(v->overridden[0].value, "24999"),
	   "settings: the last value wins and the earlier one is kept as overridden");
	ok(settings_get(&s, "v25000") == NULL, "settings: an unknown name is NULL");
	settings_release(&s);
}

/*
 * settings_set_kept_all() and settings_set_constant() (issue 13): what the
 * caller says outlives s is stored as given, no copy; set again, the
 * earlier value is kept as overridden; settings_set() still copies.
 */
static void test_settings_kept(void)
{
	struct settings s;
	static const char name[] = "sync_binlog", value[] = "1", spelled[] = "sync-binlog", detail[] = "default";
	struct settings_origin o = { .source = SETTINGS_SRC_DEFAULT, .detail = detail };
	settings_init(&s, "t", "file");
	size_t h = strmap_hash_of(&s.index, name);
	const struct settings_var *v = settings_set_constant(&s, name, h, value, &o);
	ok(v->name == name && v->current.value == value && v->current.origin.detail == detail && !v->current.spelled,
	   "settings_set_constant: name, value and origin stored as given");
	struct settings_origin f = { .source = SETTINGS_SRC_FILE, .file = "my.cnf", .line = 3 };
	v = settings_set_kept_all(&s, name, h, "0", spelled, &f);
	ok(v->current.spelled == spelled && !strcmp(v->current.value, "0") && v->n_overridden == 1 &&
	   v->overridden[0].value == value && s.n == 1,
	   "settings_set_kept_all: the spelling as given, the default kept as overridden, one variable");
	ok(v->current.origin.file != f.file && !strcmp(v->current.origin.file, "my.cnf"),
	   "settings_set_kept_all: the origin's file copied");
	char own[] = "binlog_format";
	v = settings_set(&s, own, "ROW", own, &f);
	ok(v->name != own && v->current.spelled != own && settings_get(&s, "binlog_format") == v,
	   "settings_set: name and spelling copied");
	settings_release(&s);
}

/* settings_retain (issue 13): every third name kept, in order, with its values; the rest gone. */
static int keep_every_third(void *ctx, const char *name)
{
	(void)ctx;
	return atoi(name + 1) % 3 == 0;
}

static int keep_none(void *ctx, const char *name)
{
	(void)ctx;
	(void)name;
	return 0;
}

static void test_settings_retain(void)
{
	struct settings s;
	struct settings_origin o = { .source = SETTINGS_SRC_FILE, .file = "my.cnf", .line = 1 };
	settings_init(&s, "t", "file");
	for (unsigned i = 0; i < 3000; i++) {
		char name[32], value[32];
		snprintf(name, sizeof(name), "v%u", i % 1500);
		snprintf(value, sizeof(value), "%u", i);
		settings_set(&s, name, value, name, &o);
	}
	settings_retain(&s, keep_every_third, NULL);
	is_int((long)s.n, 500, "settings_retain keeps the 500 names it is told to");
	int order = 1;
	for (size_t i = 0; i < s.n; i++) {
		char want[32];
		snprintf(want, sizeof(want), "v%zu", i * 3);
		order = order && !strcmp(s.vars[i].name, want);
	}
	ok(order, "settings_retain keeps them in their order");
	size_t lost = 0;
	for (size_t i = 0; i < s.n; i++)
		if (settings_get(&s, s.vars[i].name) != &s.vars[i])
			lost++;
	is_int((long)lost, 0, "settings_retain: each kept name is found where it now is (the index remapped)");
	const struct settings_var *v = settings_get(&s, "v1497");
	ok(v && !strcmp(v->current.value, "2997") && v->n_overridden == 1 && !strcmp(v->overridden[0].value, "1497"),
	   "settings_retain: a kept name keeps its value and what it overrode, and is found");
	ok(settings_get(&s, "v1") == NULL && settings_get(&s, "v1498") == NULL, "settings_retain: a dropped name is gone");
	settings_set(&s, "v1", "again", "v1", &o);
	ok(settings_get(&s, "v1") && s.n == 501, "settings: set again after retain");
	settings_retain(&s, keep_none, NULL);
	ok(s.n == 0 && settings_get(&s, "v0") == NULL, "settings_retain: nothing kept");
	settings_release(&s);
}

/* A writer that is interrupted halfway: half the content, then the signal. */
static int write_then_signal(void *ctx, void *fp)
{
	int sig = *(int *)ctx;
	for (int i = 0; i < 10000; i++)
		fprintf(fp, "line %d of a report being written\n", i);
	fflush(fp);
	raise(sig);
	return 0;
}

static int write_small(void *ctx, void *fp)
{
	return fputs((const char *)ctx, fp) < 0 ? -1 : 0;
}

static size_t count_entries(const char *dir)
{
	size_t n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	if (d)
		closedir(d);
	return n;
}

static void test_write_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	char dir[64];
	if (!fixture_tmpdir(dir, sizeof(dir), "unit"))
		return;
	char *path = xasprintf("%s/report.json", dir);
	char old[] = "old\n";
	is_int(write_file_atomic(path, 0644, write_small, old), 0, "write_file_atomic writes a file");
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		int sig = sigs[i];
		pid_t pid = fork();
		if (pid == 0) {
			signal(sig, SIG_DFL);
			write_file_atomic(path, 0644, write_then_signal, &sig);
			_exit(0);   /* not reached: the signal ends the child */
		}
		int status = 0;
		waitpid(pid, &status, 0);
		ok(WIFSIGNALED(status) && WTERMSIG(status) == sig, "signal %d mid-write ends the writer by that signal",
		   sig);
		is_int((long)count_entries(dir), 1, "... and leaves no temporary file beside the report");
		char *content = NULL;
		size_t len = 0;
		ok(read_file(path, &content, &len) == 0 && !strcmp(content, "old\n"), "... the old report is untouched");
		free(content);
	}
	/* An ignored signal stays ignored: the write completes. */
	pid_t pid = fork();
	if (pid == 0) {
		int sig = SIGHUP;
		signal(SIGHUP, SIG_IGN);
		_exit(write_file_atomic(path, 0644, write_then_signal, &sig) == 0 ? 0 : 1);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "an ignored SIGHUP stays ignored: the write completes");
	is_int((long)count_entries(dir), 1, "... one file, no temporary file");
	unlink(path);
	rmdir(dir);
	free(path);
}

static void test_secret(void)
{
	static const struct {
		const char *name;
		int secret;
	} cases[] = {
		{ "password", 1 }, { "PASSWORD", 1 }, { "loose-password", 1 }, { "loose_loose-password", 1 },
		{ "pass", 1 }, { "passw", 1 }, { "pas", 1 }, { "pa", 0 }, { "p", 0 },
		{ "password1", 1 }, { "password3", 1 }, { "password-file", 0 },
		{ "master-password", 1 }, { "master_password", 1 }, { "report_password", 1 },
		{ "report-password", 1 }, { "wsrep_sst_auth", 1 }, { "wsrep-sst-auth", 1 },
		{ "file_key_management_filekey", 1 }, { "hashicorp_key_management_token", 1 },
		{ "authentication_ldap_sasl_bind_root_pwd", 1 }, { "keyring_hashicorp_secret_id", 1 },
		{ "keyring_encrypted_file_password", 1 }, { "some_plugin_password", 1 }, { "x_passphrase", 1 },
		{ "disconnect_on_expired_password", 0 }, { "validate_password", 0 },
		{ "loose-mysql_native_password", 0 }, { "caching_sha2_password", 0 },
		{ "default_password_lifetime", 0 }, { "old_passwords", 0 }, { "password_history", 0 },
		{ "caching_sha2_password_private_key_path", 0 }, { "wsrep_sst_method", 0 },
		{ "report_user", 0 }, { "ssl_key", 0 }, { "server_id", 0 }, { "", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(secret_name(cases[i].name) == cases[i].secret, "secret_name(\"%s\") is %d", cases[i].name,
		   cases[i].secret);
	ok(secret_name(NULL) == 0, "secret_name(NULL) is 0");
	is_str(secret_shown("password", "Sekr1t"), SECRET_MASK, "secret_shown masks a secret");
	is_str(secret_shown("password", ""), "", "secret_shown leaves an empty value empty");
	ok(secret_shown("password", NULL) == NULL, "secret_shown leaves NULL (unknown) NULL");
	is_str(secret_shown("server_id", "3"), "3", "secret_shown leaves other values");
	/* breaker7 #7: a value holding a secret's assignment (a MySQL 8.4 NUL-joined line) */
	is_str(secret_shown("sync_binlog", "1password=hunter2"), SECRET_MASK,
	       "secret_shown masks a value holding password= (NUL-joined line)");
	is_str(secret_shown("init_connect", "xwsrep_sst_auth=u:p"), SECRET_MASK,
	       "... and wsrep_sst_auth= glued after other text");
	is_str(secret_shown("optimizer_switch", "index_merge=on,mrr=off"), "index_merge=on,mrr=off",
	       "... not a value whose assignments are no secrets'");
	is_str(secret_shown("plugin_load_add", "auth_pam=auth_pam.so"), "auth_pam=auth_pam.so",
	       "... not a plugin named auth_pam");
	is_str(secret_shown("init_connect", "SET @a='password'"), "SET @a='password'",
	       "... not the word password without an assignment");
	is_str(secret_shown_unknown("root:pw"), SECRET_MASK, "secret_shown_unknown masks any value");
	is_str(secret_shown_unknown(""), "", "secret_shown_unknown leaves an empty value empty");

	struct settings s;
	struct settings_origin o = { .source = SETTINGS_SRC_FILE, .file = "my.cnf", .line = 1 };
	settings_init(&s, "t", "file");
	settings_set(&s, "wsrep_sst_auth", "sst:Sekr1t", "wsrep-sst-auth", &o);
	settings_set(&s, "wsrep_sst_auth", "sst:Other", "wsrep-sst-auth", &o);
	const struct settings_var *v = settings_get(&s, "wsrep_sst_auth");
	ok(v && !strcmp(v->current.value, SECRET_MASK) && v->n_overridden == 1 &&
		   !strcmp(v->overridden[0].value, SECRET_MASK),
	   "settings never store a secret, current or overridden");
	settings_release(&s);
}

/* Numbers on the command line: digits only, in range ("db1: +5" was port 5). */
static void test_parse_uint(void)
{
	static const struct {
		const char *text;
		unsigned long min, max;
		long want;   /* -1: refused */
	} cases[] = {
		{ "5", 1, 65535, 5 }, { "65535", 1, 65535, 65535 }, { "1", 1, 1, 1 }, { "0", 0, 9, 0 },
		{ "007", 1, 10, 7 }, { "+5", 1, 65535, -1 }, { " 5", 1, 65535, -1 }, { " +5", 1, 65535, -1 },
		{ "5 ", 1, 65535, -1 }, { "-1", 1, 65535, -1 }, { " -1", 1, 86400, -1 }, { "0x5", 1, 65535, -1 },
		{ "", 1, 65535, -1 }, { "0", 1, 65535, -1 }, { "65536", 1, 65535, -1 }, { "7", 1, 5, -1 },
		{ "18446744073709551616", 0, (unsigned long)-1, -1 }, { "99999999999999999999999", 1, 1024, -1 },
		{ "1e3", 1, 100000, -1 }, { "4x", 1, 10, -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long v = 12345;
		int rc = parse_uint_strict(cases[i].text, cases[i].min, cases[i].max, &v);
		if (cases[i].want < 0)
			ok(rc == -1 && v == 12345, "parse_uint_strict(\"%s\", %lu, %lu) is refused", cases[i].text,
			   cases[i].min, cases[i].max);
		else
			ok(rc == 0 && v == (unsigned long)cases[i].want, "parse_uint_strict(\"%s\", %lu, %lu) is %ld",
			   cases[i].text, cases[i].min, cases[i].max, cases[i].want);
	}
	ok(parse_uint_strict(NULL, 0, 1, &(unsigned long){ 0 }) == -1, "parse_uint_strict(NULL) is refused");
}

/* The one-pass printf paths (issue 13): short and long texts, appended, truncated like snprintf. */
static void test_printf_paths(void)
{
	char longtext[1001];
	memset(longtext, 'x', 1000);
	longtext[1000] = '\0';
	char *p = xasprintf("<%s>", "short");
	is_str(p, "<short>", "xasprintf: a short text");
	free(p);
	p = xasprintf("<%s>", longtext);
	ok(strlen(p) == 1002 && p[0] == '<' && p[1001] == '>' && p[500] == 'x', "xasprintf: a text over 256 bytes");
	free(p);
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addstr(&sb, "a");
	strbuf_addf(&sb, "%d-%s", 42, "b");
	is_str(sb.buf, "a42-b", "strbuf_addf appends");
	strbuf_addf(&sb, "%s", longtext);
	ok(sb.len == 1005 && strlen(sb.buf) == 1005 && !strncmp(sb.buf, "a42-bxxx", 8), "strbuf_addf: a long text");
	strbuf_addf(&sb, "%s", "");
	ok(sb.len == 1005, "strbuf_addf: nothing added");
	strbuf_release(&sb);

	struct version v = { .major = 10, .minor = 11, .patch = 6 };
	char buf[32], small[5];
	is_str(version_format(&v, buf, sizeof(buf)), "10.11.6", "version_format: major.minor.patch");
	is_str(version_format(&v, small, sizeof(small)), "10.1", "version_format truncates as snprintf does");
	v.patch = -1;
	is_str(version_format(&v, buf, sizeof(buf)), "10.11", "version_format: no patch");
	v.major = 0;
	v.minor = 0;
	is_str(version_format(&v, buf, sizeof(buf)), "0.0", "version_format: 0.0");
	v.major = 2147483647;
	v.minor = 1000000000;
	v.patch = 10;
	is_str(version_format(&v, buf, sizeof(buf)), "2147483647.1000000000.10", "version_format: the largest int");
}

/* util_digits() and strbuf_add_uint() against "%llu", at every length and on each side of a power of ten */
static void test_digits(void)
{
	size_t bad = 0, n = 0;
	unsigned long long p = 1;
	for (int k = 0; k <= 20; k++, p *= 10) {
		unsigned long long vals[] = { p - 1, p, p + 1, p * 9 / 10 * 10 + 9, ULLONG_MAX - (unsigned long long)k };
		for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++, n++) {
			char want[32], got[UTIL_DIGITS_MAX + 1];
			snprintf(want, sizeof(want), "%llu", vals[i]);
			char *d = util_digits(got + UTIL_DIGITS_MAX, vals[i]);
			got[UTIL_DIGITS_MAX] = '\0';
			struct strbuf sb = { 0 };
			strbuf_addstr(&sb, "x");
			strbuf_add_uint(&sb, vals[i]);
			if (strcmp(d, want) || d < got || strcmp(sb.buf + 1, want) || sb.len != strlen(want) + 1) {
				if (!bad++)
					printf("# %s: util_digits '%s', strbuf_add_uint '%s'\n", want, d, sb.buf + 1);
			}
			strbuf_release(&sb);
		}
	}
	ok(!bad, "util_digits and strbuf_add_uint write %%llu's digits (%zu values, %zu differ)", n, bad);
}

/* strbuf_addf() and xasprintf() of fmt against snprintf's text, appended to "pre:". */
#define FORMAT_SAME(bad, fmt, ...)                                                      \
	do {                                                                            \
		char want_[512];                                                        \
		struct strbuf sb_ = { 0 };                                              \
		snprintf(want_, sizeof(want_), "pre:" fmt, __VA_ARGS__);                \
		strbuf_addstr(&sb_, "pre:");                                            \
		strbuf_addf(&sb_, fmt, __VA_ARGS__);                                    \
		char *x_ = xasprintf("pre:" fmt, __VA_ARGS__);                          \
		if (strcmp(sb_.buf, want_) || strcmp(x_, want_) || sb_.len != strlen(want_)) { \
			(bad)++;                                                        \
			fprintf(stderr, "# %s: got '%s' / '%s', want '%s'\n", fmt, sb_.buf, x_, want_); \
		}                                                                       \
		free(x_);                                                               \
		strbuf_release(&sb_);                                                   \
	} while (0)

/*
 * Issue 13: the sentences' formats are written without printf; every
 * conversion, at its limits, as printf writes it, and the formats handed on
 * to printf (flags, width, precision, a NULL string) as before.
 */
static void test_format_plain(void)
{
	int bad = 0;
	const char *volatile nul_ = NULL;   /* hidden from the compiler: printf of NULL is the point */
	const char *nul = nul_;
	FORMAT_SAME(bad, "%s and %s", "one", "");
	FORMAT_SAME(bad, "%d %d %d %d", 0, -1, INT_MAX, INT_MIN);
	FORMAT_SAME(bad, "%u %u", 0u, UINT_MAX);
	FORMAT_SAME(bad, "%ld %ld %lu", LONG_MIN, LONG_MAX, ULONG_MAX);
	FORMAT_SAME(bad, "%lld %lld %llu", LLONG_MIN, LLONG_MAX, ULLONG_MAX);
	FORMAT_SAME(bad, "%zu %zu %zd %zd", (size_t)0, SIZE_MAX, (ssize_t)-5, (ssize_t)SSIZE_MAX);
	FORMAT_SAME(bad, "100%% %c%c", 'x', '%');
	FORMAT_SAME(bad, "%s:%u (%s), %s", "a.cnf", 12u, "included from my.cnf:3", "default");
	FORMAT_SAME(bad, "%04ld-%02ld-%02ld", 2026L, 1L, 9L);
	FORMAT_SAME(bad, "%.3f %5s|%-5s|", 1.5, "ab", "cd");
	FORMAT_SAME(bad, "%x %s", 255u, "after");
	FORMAT_SAME(bad, "[%s]", nul);
	FORMAT_SAME(bad, "%s", "no conversion after the last");
	is_int(bad, 0, "formats without printf: as snprintf writes them, the others through it");
}

/*
 * Issue 13: settings_set() remembers which names are secrets; a secret's
 * value stays masked however often and after however many other names.
 */
static void test_settings_secret_memo(void)
{
	struct settings_origin o = { .source = SETTINGS_SRC_FILE };
	int wrong = 0;
	for (int round = 0; round < 3; round++) {
		struct settings s;
		settings_init(&s, "t.cnf", "file");
		for (int i = 0; i < 600; i++) {
			char name[32];
			snprintf(name, sizeof(name), "plain_%d", i);
			const struct settings_var *v = settings_set(&s, name, "shown", NULL, &o);
			wrong += strcmp(v->current.value, "shown") != 0;
			v = settings_set(&s, i % 2 ? "wsrep_sst_auth" : "loose-report-password", "u:secret", NULL, &o);
			wrong += strcmp(v->current.value, SECRET_MASK) != 0;
		}
		settings_release(&s);
	}
	is_int(wrong, 0, "settings_set: secrets masked and other values kept, each name seen many times");
}

/* A test pool for settings.shared: equal text, one copy; counts the copies made. */
struct test_pool {
	struct arena arena;
	const char *kept[16];
	size_t n;
};

static const char *test_pool_intern(void *ctx, const char *text)
{
	struct test_pool *p = ctx;
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->kept[i], text))
			return p->kept[i];
	return p->n < 16 ? (p->kept[p->n++] = arena_strdup(&p->arena, text)) : arena_strdup(&p->arena, text);
}

/* settings.shared (issue 13): no index, strings from the shared pool, the same lookups and overrides. */
static void test_settings_shared(void)
{
	struct test_pool pool;
	memset(&pool, 0, sizeof(pool));
	arena_init(&pool.arena);
	const struct settings_shared sh = { test_pool_intern, &pool };
	struct settings a, b;
	struct settings_origin o = { .source = SETTINGS_SRC_TOPOLOGY, .detail = "derived" };
	settings_init(&a, "a", "file");
	settings_init(&b, "b", "file");
	a.shared = b.shared = &sh;
	settings_set(&a, "topology.ring", "OFF", "topology.ring", &o);
	settings_set(&a, "server_id", "1", "server-id", &o);
	settings_set(&b, "topology.ring", "OFF", "topology.ring", &o);
	settings_set(&a, "topology.ring", "ON", "topology.ring", &o);
	const struct settings_var *ra = settings_get(&a, "topology.ring"), *rb = settings_get(&b, "topology.ring");
	ok(ra && !strcmp(ra->current.value, "ON") && ra->n_overridden == 1 && !strcmp(ra->overridden[0].value, "OFF"),
	   "settings shared: set again, the last value wins and the earlier one is overridden");
	ok(a.n == 2 && settings_get(&a, "server_id") == &a.vars[1] && !settings_get(&a, "server-id") &&
		   !settings_get(&b, "server_id"),
	   "settings shared: found by a scan, an unknown name is NULL");
	ok(a.index.n == 0 && a.index.cap == 0 && b.index.cap == 0, "settings shared: no index is made");
	ok(rb && rb->name == ra->name && rb->current.value == ra->overridden[0].value &&
		   rb->current.origin.detail == ra->current.origin.detail && settings_intern(&b, "ON") == ra->current.value,
	   "settings shared: equal strings of two views are one copy in the pool");
	settings_release(&a);
	settings_release(&b);
	arena_release(&pool.arena);
}

/*
 * arena_alloc() steps (issue 13): aligned as malloc() aligns (_Alignof
 * max_align_t, 16 bytes on x86-64), not by sizeof(max_align_t) (32), which
 * put every short interned string (a name, a server_id) in 32 bytes.
 */
static void test_arena_steps(void)
{
	struct arena a;
	arena_init(&a);
	char *one = arena_strdup(&a, "./h1.cnf"), *two = arena_strdup(&a, "12345"), *three = arena_alloc(&a, 17);
	uintptr_t step = _Alignof(max_align_t);
	ok((uintptr_t)one % step == 0 && (uintptr_t)two % step == 0 && (uintptr_t)three % step == 0,
	   "arena: each allocation aligned as malloc() aligns");
	is_int((int)(two - one), (int)step, "arena: a string of 9 bytes takes one step, the next right after");
	is_int((int)(three - two), (int)step, "arena: ... and one of 6 too");
	arena_release(&a);
}

int main(void)
{
	test_arena_steps();
	test_format_plain();
	test_settings_secret_memo();
	test_escape();
	test_diag_print();
	test_strmap();
	test_strmap_get_or_put();
	test_strhash_fold();
	test_settings_index();
	test_settings_kept();
	test_settings_retain();
	test_strmap_remap();
	test_index_probe();
	test_settings_shared();
	test_write_signals();
	test_secret();
	test_parse_uint();
	test_printf_paths();
	test_digits();
	return done_testing();
}
