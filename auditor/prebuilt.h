/*
 * prebuilt.h - the built-in variable catalog and rules, already built and
 * bound, compiled in (issue 13: `crashsafe check` on one option file at
 * most 1.3x my_print_defaults).
 *
 * Replaying the packed rule files (inipack.h) removed inih's text work but
 * not the loaders' own: building the catalog from the replayed
 * variables.ini, building the rules, parsing their conditions and binding
 * them to the catalog were ~2.2 million instructions of a 3.9 million
 * instruction run. The build now also runs catalog_load(), engine_load_file()
 * over every built-in rule file and engine_bind() once (scripts/gen-inipack.c,
 * linked with the same catalog.c, engine.c and expr.c), and writes what they
 * built as static C tables (BUILD/gen/inipack_data.c): every struct
 * catalog_var, catalog_index_entry, rule, expr, expr_literal and engine_read,
 * field by field, with strings as pointers into inipack_strings. Only a set
 * that loads and binds without a single diagnostic is written.
 *
 * Used (catalog.c, engine.c) only when the files are those of the build:
 * - catalog_load() takes prebuilt_vars when the catalog is empty and the
 *   file's bytes are the packed variables.ini's (inipack_find(), so an
 *   edited catalog is parsed as before);
 * - engine_load_dir() takes prebuilt_rules when the engine is empty and the
 *   directory holds exactly the packed rule files, by name, each byte for
 *   byte (any other set, an edited file, --rules DIR: parsed as before);
 * - engine_bind() keeps them as built only when nothing was loaded after
 *   them and the catalog is the prebuilt one (their conditions point to
 *   prebuilt_vars); otherwise it loads the same files again from the pack
 *   and binds everything as before.
 * The paths (rule->file, catalog_var->file) are the only fields not
 * compiled in: they depend on where the files were read, and are set when
 * the tables are taken. tests/unit/test_prebuilt.c compares every field of
 * the tables with what the loaders build from rules/ (field by field,
 * pointers followed); tests/startup.t compares reports from the built-in
 * files with those from an edited copy (parsed).
 *
 * The tables are writable (.data) because the structures the loaders build
 * are: nothing writes them after loading but the path fields.
 */
#ifndef CRASHSAFE_PREBUILT_H
#define CRASHSAFE_PREBUILT_H

#include <stddef.h>

#include "catalog.h"
#include "engine.h"

/* The catalog: prebuilt_nvars variables and their sorted name index; file: its pack index (-1: none). */
extern struct catalog_var prebuilt_vars[];
extern const size_t prebuilt_nvars;
extern struct catalog_index_entry prebuilt_index[];
extern const size_t prebuilt_nindex;
extern const int prebuilt_catalog_file;

/*
 * The rules, in load order, bound to prebuilt_vars; prebuilt_rule_file[i]
 * is the pack index (inipack.h) of rule i's file. prebuilt_rule_files[] are
 * the rule files in the order engine_load_dir() reads them (sorted names).
 * prebuilt_nrules 0: no prebuilt rules (the set did not load cleanly).
 */
extern const struct rule prebuilt_rules[];
extern const size_t prebuilt_nrules;
extern const unsigned char prebuilt_rule_file[];
extern const unsigned char prebuilt_rule_files[];
extern const size_t prebuilt_nrule_files;
/* What engine_bind() collected for them (engine.h struct engine_read). */
extern const struct engine_read prebuilt_reads[];
extern const size_t prebuilt_nreads;
/* Added (issue 13): engine.nmemo for them (the atoms' places, expr.memo, numbered by engine_bind()). */
extern const unsigned prebuilt_nmemo;

/*
 * Added: flavor inference's answers (infer.h), worked out by the same
 * functions at build time: prebuilt_infer_masks[i] is
 * infer_catalog_mask() of prebuilt_index[i]; prebuilt_option_sides[r] is
 * infer_options_side() of the name of option row r (options.h), for the
 * first row of each name (0 for the others); prebuilt_noption_sides is
 * options_nentries (0: none).
 */
extern const unsigned char prebuilt_infer_masks[];
extern const unsigned char prebuilt_option_sides[];
extern const size_t prebuilt_noption_sides;

/*
 * Added (issue 13, the fixed cost of one file): what the run works out
 * from the prebuilt tables alone, worked out by the same functions at build
 * time. prebuilt_var_hashes[i] is util_strhash(prebuilt_vars[i].name, 0)
 * and prebuilt_var_secret[i] secret_name() of it != 0 (config_cache_new());
 * prebuilt_rule_order, prebuilt_read_hashes and prebuilt_read_slots (with
 * prebuilt_nread_slots, a power of two; 0: none) are engine.order,
 * engine.read_hash and engine.read_slots as engine_bind() makes them for
 * the prebuilt rules and reads (engine.h).
 */
extern const size_t prebuilt_var_hashes[];
extern const unsigned char prebuilt_var_secret[];
extern const size_t prebuilt_rule_order[];
extern const size_t prebuilt_read_hashes[];
extern const struct engine_read_slot prebuilt_read_slots[];
extern const size_t prebuilt_nread_slots;

#endif
