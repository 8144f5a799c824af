/*
 * test_inipack.c - the built-in rule files and catalog compiled in at build
 * time (inipack.h) are what the loaders read from rules/ now: every
 * built-in rule file is in the pack byte for byte, and reading it again
 * through the loaders' own path (engine_ini_record(), catalog_ini_record())
 * gives the recorded handler calls, call for call, with the same reader
 * state. So replaying the pack and parsing the file load the same rules.
 * A file that differs by one byte is not found (it is parsed). Runs from
 * the repository root (prove does).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "engine.h"
#include "fileio.h"
#include "inipack.h"
#include "tap.h"

#include "banned.h"

/* A recording compared call by call with a packed file. */
struct compare {
	int file;
	size_t at;
	int mismatches;
	char first[512];
};

static int same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static void compare_event(void *ctx, const struct inipack_event *ev)
{
	struct compare *c = ctx;
	struct inipack_event want;
	if (c->at >= inipack_nevents(c->file)) {
		if (!c->mismatches++)
			snprintf(c->first, sizeof(c->first), "call %zu ([%s] %s) is not in the pack", c->at + 1,
				 ev->section, ev->name);
		c->at++;
		return;
	}
	inipack_event_at(c->file, c->at, &want);
	if (!same(ev->section, want.section) || !same(ev->name, want.name) || !same(ev->value, want.value) ||
	    ev->lineno != want.lineno || !ev->cont != !want.cont || ev->section_line != want.section_line) {
		if (!c->mismatches++)
			snprintf(c->first, sizeof(c->first),
				 "call %zu: read [%s] %s = '%.60s' line %d cont %d header %u; packed [%s] %s = '%.60s' "
				 "line %d cont %d header %u",
				 c->at + 1, ev->section, ev->name, ev->value, ev->lineno, ev->cont, ev->section_line,
				 want.section, want.name, want.value, want.lineno, want.cont, want.section_line);
	}
	c->at++;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	DIR *dp = opendir("rules");
	struct dirent *de;
	char *names[64];
	size_t n = 0;

	if (!ok(dp != NULL, "rules/ can be read"))
		return done_testing();
	while ((de = readdir(dp)) && n < 64) {
		size_t len = strlen(de->d_name);
		if (len > 4 && !strcmp(de->d_name + len - 4, ".ini"))
			names[n++] = strdup(de->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof(*names), str_cmp);
	ok(n > 1, "rules/ holds rule files and the catalog (%zu .ini files)", n);
	is_int((long)inipack_count(), (long)n, "the pack holds every one of them");

	for (size_t i = 0; i < n; i++) {
		char path[512];
		struct fileio_data file;
		char *why = NULL;
		int catalog = !strcmp(names[i], "variables.ini");
		enum inipack_kind kind = catalog ? INIPACK_CATALOG : INIPACK_RULES;
		snprintf(path, sizeof(path), "rules/%s", names[i]);
		if (!ok(fileio_read(path, catalog ? FILEIO_CATALOG : FILEIO_RULES, &file, &why) == FILEIO_OK,
			"%s can be read", path)) {
			free(why);
			continue;
		}
		int f = inipack_find(kind, file.data, file.len);
		if (ok(f >= 0, "%s is in the pack, byte for byte", path)) {
			struct compare c = { .file = f };
			unsigned nlines = 0;
			int clean = 0, rc;
			is_str(inipack_name(f), names[i], "... under its name");
			rc = catalog ? catalog_ini_record(path, compare_event, &c)
				     : engine_ini_record(path, compare_event, &c, &nlines, &clean);
			is_int(rc, 0, "... read again by its loader's path, inih reads it to the end");
			ok(c.mismatches == 0 && c.at == inipack_nevents(f),
			   "... giving the %zu recorded handler calls, call for call (%zu read, %d differ%s%s)",
			   inipack_nevents(f), c.at, c.mismatches, c.mismatches ? ": " : "", c.first);
			if (!catalog) {
				ok(clean, "... without a reader diagnostic");
				is_int(nlines, inipack_nlines(f), "... over as many lines");
			}
			/* One byte more or one byte changed: not the packed file, parsed instead. */
			char *copy = malloc(file.len + 2);
			memcpy(copy, file.data, file.len);
			copy[file.len] = '\n';
			ok(inipack_find(kind, copy, file.len + 1) < 0, "... a copy with one more byte is not found");
			if (file.len) {
				copy[file.len / 2] ^= 0x20;
				ok(inipack_find(kind, copy, file.len) < 0, "... nor one with a byte changed");
			}
			ok(inipack_find(catalog ? INIPACK_RULES : INIPACK_CATALOG, file.data, file.len) < 0,
			   "... nor the same bytes read as the other kind of file");
			free(copy);
		}
		fileio_data_release(&file);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return done_testing();
}
