/*
 * fuzz.h - what every fuzz target shares.
 *
 * A target is one file, fuzz/fuzz_NAME.c, defining LLVMFuzzerTestOneInput()
 * (libFuzzer), with its seeds in fuzz/corpus/NAME/ (and optionally a
 * dictionary, fuzz/NAME.dict). `make fuzz` builds every fuzz/fuzz_*.c against
 * the whole core (libcrashsafe built with -fsanitize=fuzzer-no-link,address,
 * undefined) and runs each in turn for FUZZ_SECONDS; `make fuzz
 * FUZZ_TARGETS="snapshot rules"` runs some; `make fuzz-check` runs every
 * target once over its seeds (CI). Adding a parser's target is adding those
 * two things: see fuzz/README.md.
 *
 * Most readers take a path (they read through fileio_read): fuzz_file()
 * writes the input to a private temporary directory, removed at exit.
 */
#ifndef CRASHSAFE_FUZZ_H
#define CRASHSAFE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "../auditor/catalog.h"
#include "../auditor/settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Write data to NAME in the process's fuzz directory and return its path
 * (valid until the next call with the same name). Aborts on I/O errors.
 */
const char *fuzz_file(const char *name, const uint8_t *data, size_t size);

/* A NUL-terminated heap copy of data (NUL bytes inside stay, ending the C string early). */
char *fuzz_string(const uint8_t *data, size_t size);

/* The project's variable catalog (rules/variables.ini), loaded once; aborts if it cannot be. */
const struct catalog *fuzz_catalog(void);

/*
 * A few fixed targets to evaluate against, built once from embedded
 * captures: a MariaDB 10.11 replica with a channel and origins, a MySQL 8.4
 * primary with GTIDs on, and a capture without a version. Read-only.
 */
struct settings *fuzz_targets(size_t *n);

/* The rules directory of the source tree (FUZZ_RULES_DIR, set by the Makefile). */
const char *fuzz_rules_dir(void);

/* Abort (a finding for libFuzzer) with a message when cond is false. */
#define FUZZ_CHECK(cond, what)                                                   \
	do {                                                                     \
		if (!(cond))                                                     \
			fuzz_fail(__FILE__, __LINE__, what);                     \
	} while (0)
void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

#endif
