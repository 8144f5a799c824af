#include <stdio.h>

#include "cmd.h"
#include "banned.h"

int cmd_live(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("crashsafe: error: 'live' is not built yet\n", stderr);
	return EXIT_USAGE;
}
