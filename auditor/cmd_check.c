#include <stdio.h>

#include "cmd.h"
#include "banned.h"

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("crashsafe: error: 'check' is not built yet\n", stderr);
	return EXIT_USAGE;
}
