/*
 * inipack.c - find a built-in INI file in the pack by its bytes, and hand
 * out its recorded handler calls (see inipack.h).
 */
#include "inipack.h"

#include <string.h>

#include "banned.h"

static int inipack_off;

void inipack_set_enabled(int on)
{
	inipack_off = !on;
}

int inipack_find(enum inipack_kind kind, const char *data, size_t len)
{
	if (inipack_off)
		return -1;
	for (size_t i = 0; i < inipack_nfiles; i++) {
		const struct inipack_file_rec *f = &inipack_files[i];
		if (f->kind == kind && f->len == len && !memcmp(inipack_strings + f->text, data, len))
			return (int)i;
	}
	return -1;
}

size_t inipack_nevents(int file)
{
	return inipack_files[file].nevents;
}

void inipack_event_at(int file, size_t i, struct inipack_event *out)
{
	const struct inipack_event_rec *r = &inipack_events[inipack_files[file].first + i];
	out->section = inipack_strings + r->section;
	out->name = inipack_strings + r->name;
	out->value = inipack_strings + r->value;
	out->lineno = r->lineno;
	out->cont = r->cont;
	out->section_line = r->section_line;
}

unsigned inipack_nlines(int file)
{
	return inipack_files[file].nlines;
}

size_t inipack_count(void)
{
	return inipack_nfiles;
}

const char *inipack_name(int file)
{
	return inipack_strings + inipack_files[file].name;
}

enum inipack_kind inipack_kind_of(int file)
{
	return (enum inipack_kind)inipack_files[file].kind;
}
