/* The `isakmp` command: one program, git-style subcommands.
 * Each subcommand lives in cli/cmd_NAME.c and defines one
 * `const struct cli_command cli_cmd_NAME`; main.c lists them. */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdio.h>

struct cli_command {
    const char *name;
    const char *summary;                 /* one line for `isakmp --help` */
    int (*main)(int argc, char **argv);  /* argv[0] is the subcommand name */
    void (*usage)(FILE *out);            /* full --help text */
};

/* Exit statuses shared by every subcommand. */
enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

/* True when argv holds -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);

/* Print "isakmp SUB: message" to stderr; returns CLI_USAGE. */
int cli_usage_error(const char *sub, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
