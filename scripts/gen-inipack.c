/*
 * gen-inipack.c - build-time generator of BUILD/gen/inipack_data.c (see
 * auditor/inipack.h): the built-in rule files and variable catalog, read
 * by the loaders' own reading path (engine_ini_record(), catalog_ini_record()
 * in the same engine.c and catalog.c crashsafe is built from), recorded as
 * offsets into one string table, so the tables need no relocation.
 *
 *   gen-inipack OUT.c FILE.ini...     (variables.ini is the catalog)
 *
 * A file that does not read cleanly (inih stops at a bad line, a line is
 * too long for the rule reader) is left out with a note on stderr: it is
 * parsed at run time as before, and reports its problem there. Linked with
 * every object of crashsafe but the pack itself, whose tables it defines
 * empty here (so the loaders parse, never replay, while recording).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cmd.h"
#include "engine.h"
#include "fileio.h"
#include "inipack.h"
#include "util.h"

/* The pack of the generator itself: empty. */
const char inipack_strings[] = "";
const struct inipack_event_rec inipack_events[1];
const struct inipack_file_rec inipack_files[1];
const size_t inipack_nfiles = 0;

/* main.c's, for the objects that name it (never called here). */
const char *crashsafe_rules_dir(void)
{
	return "rules";
}

void crashsafe_rules_dir_tried(struct strbuf *sb)
{
	strbuf_addstr(sb, "rules");
}

struct gen {
	struct strbuf strings;        /* the string table being built; offset 0 is "" */
	struct strmap offsets;        /* string -> offset, so that equal strings are stored once */
	char **keys;                  /* the map's keys, freed at the end */
	size_t nkeys, keys_cap;
	struct inipack_event_rec *events;
	size_t nevents, cap;
};

static unsigned gen_string(struct gen *g, const char *s, size_t len)
{
	size_t off;
	char *key;
	if (!len)
		return 0;
	if (memchr(s, '\0', len)) {
		off = g->strings.len;   /* bytes with a NUL (never in INI text): stored, not shared */
		strbuf_add(&g->strings, s, len);
		strbuf_addch(&g->strings, '\0');
		return (unsigned)off;
	}
	key = xstrndup(s, len);
	if (strmap_get(&g->offsets, key, &off) == 0) {
		free(key);
		return (unsigned)off;
	}
	off = g->strings.len;
	strbuf_add(&g->strings, s, len);
	strbuf_addch(&g->strings, '\0');
	strmap_put(&g->offsets, key, off);   /* the map keeps key */
	ARRAY_GROW(g->keys, g->nkeys + 1, g->keys_cap);
	g->keys[g->nkeys++] = key;
	return (unsigned)off;
}

static void gen_record(void *ctx, const struct inipack_event *ev)
{
	struct gen *g = ctx;
	ARRAY_GROW(g->events, g->nevents + 1, g->cap);
	g->events[g->nevents++] = (struct inipack_event_rec){
		.section = gen_string(g, ev->section, strlen(ev->section)),
		.name = gen_string(g, ev->name, strlen(ev->name)),
		.value = gen_string(g, ev->value, strlen(ev->value)),
		.lineno = ev->lineno,
		.cont = (unsigned char)(ev->cont != 0),
		.section_line = ev->section_line,
	};
}

/* The string table as C string literals, 64 bytes a line, every byte escaped that needs it. */
static void gen_emit_strings(FILE *out, const struct strbuf *sb)
{
	fputs("const char inipack_strings[] =\n", out);
	for (size_t i = 0; i < sb->len || i == 0; i += 64) {
		fputs("\t\"", out);
		for (size_t k = i; k < i + 64 && k < sb->len; k++) {
			unsigned char c = (unsigned char)sb->buf[k];
			if (c == '\\' || c == '"')
				fprintf(out, "\\%c", c);
			else if (c >= 0x20 && c < 0x7f && c != '?')
				fputc(c, out);
			else
				fprintf(out, "\\%03o", c);   /* octal: never swallows the next character */
		}
		fputs("\"\n", out);
		if (!sb->len)
			break;
	}
	fputs(";\n\n", out);
}

int main(int argc, char **argv)
{
	struct gen g = { 0 };
	struct inipack_file_rec *files;
	size_t nfiles = 0;
	FILE *out;

	if (argc < 2) {
		fprintf(stderr, "usage: gen-inipack OUT.c FILE.ini...\n");
		return 2;
	}
	files = xcalloc((size_t)argc, sizeof(*files));
	strbuf_addch(&g.strings, '\0');   /* offset 0: the empty string */
	for (int i = 2; i < argc; i++) {
		const char *path = argv[i];
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		int catalog = !strcmp(base, "variables.ini");
		struct fileio_data file;
		char *why = NULL;
		size_t first = g.nevents;
		unsigned nlines = 0;
		int clean = 1, rc;

		if (fileio_read(path, catalog ? FILEIO_CATALOG : FILEIO_RULES, &file, &why) != FILEIO_OK) {
			fprintf(stderr, "gen-inipack: %s: %s\n", path, why);
			free(why);
			return 1;
		}
		rc = catalog ? catalog_ini_record(path, gen_record, &g)
			     : engine_ini_record(path, gen_record, &g, &nlines, &clean);
		if (rc != 0 || !clean) {
			fprintf(stderr, "gen-inipack: %s: not packed (it does not read cleanly: parsed at run time)\n",
				path);
			g.nevents = first;
			fileio_data_release(&file);
			continue;
		}
		files[nfiles++] = (struct inipack_file_rec){
			.name = gen_string(&g, base, strlen(base)),
			.kind = (unsigned char)(catalog ? INIPACK_CATALOG : INIPACK_RULES),
			.text = gen_string(&g, file.data, file.len),
			.len = file.len,
			.first = first,
			.nevents = g.nevents - first,
			.nlines = nlines,
		};
		fileio_data_release(&file);
	}

	out = fopen(argv[1], "w");
	if (!out) {
		fprintf(stderr, "gen-inipack: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	fputs("/* Generated by scripts/gen-inipack.c from the built-in rule files: do not edit (inipack.h). */\n"
	      "#include \"inipack.h\"\n\n", out);
	gen_emit_strings(out, &g.strings);
	fputs("const struct inipack_event_rec inipack_events[] = {\n", out);
	for (size_t i = 0; i < g.nevents; i++) {
		const struct inipack_event_rec *e = &g.events[i];
		fprintf(out, "\t{ %u, %u, %u, %d, %u, %u },\n", e->section, e->name, e->value, e->lineno, e->cont,
			e->section_line);
	}
	if (!g.nevents)
		fputs("\t{ 0 },\n", out);
	fputs("};\n\nconst struct inipack_file_rec inipack_files[] = {\n", out);
	for (size_t i = 0; i < nfiles; i++) {
		const struct inipack_file_rec *f = &files[i];
		fprintf(out, "\t{ %u, %u, %u, %zu, %zu, %zu, %u },\n", f->name, f->kind, f->text, f->len, f->first,
			f->nevents, f->nlines);
	}
	if (!nfiles)
		fputs("\t{ 0 },\n", out);
	fprintf(out, "};\n\nconst size_t inipack_nfiles = %zu;\n", nfiles);
	if (fclose(out)) {
		fprintf(stderr, "gen-inipack: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	strbuf_release(&g.strings);
	strmap_release(&g.offsets);
	for (size_t i = 0; i < g.nkeys; i++)
		free(g.keys[i]);
	free(g.keys);
	free(g.events);
	free(files);
	return 0;
}
