/* isakmp: dispatch to a subcommand. */
#include "cli.h"

#include <stdarg.h>
#include <string.h>

/* Weak so that the program links while a subcommand is not yet part of
 * this build; a missing one is reported, never silently faked. */
#define SUBCOMMAND(n) extern const struct cli_command cli_cmd_##n __attribute__((weak));
SUBCOMMAND(decode)
SUBCOMMAND(keys)
SUBCOMMAND(run)
SUBCOMMAND(sweep)
SUBCOMMAND(plot)
SUBCOMMAND(calibrate)
SUBCOMMAND(peer)
#undef SUBCOMMAND

static const struct cli_command *const commands[] = {
    &cli_cmd_decode, &cli_cmd_keys, &cli_cmd_run, &cli_cmd_sweep,
    &cli_cmd_plot, &cli_cmd_calibrate, &cli_cmd_peer,
};
static const char *const command_names[] = {
    "decode", "keys", "run", "sweep", "plot", "calibrate", "peer",
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return 1;
    }
    return 0;
}

int cli_usage_error(const char *sub, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "isakmp %s: ", sub);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'isakmp %s --help'.\n", sub);
    va_end(ap);
    return CLI_USAGE;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: isakmp <command> [options]\n"
            "\n"
            "ISAKMP (RFC 2408) with the IKEv1 key exchange, and a testbed around it.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (commands[i] && commands[i]->name)
            fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
        else
            fprintf(out, "  %-10s (not in this build yet)\n", command_names[i]);
    }
    fprintf(out, "\n'isakmp <command> --help' describes one command; 'man isakmp' all of them.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (strcmp(argv[1], command_names[i]) != 0) continue;
        const struct cli_command *c = commands[i];
        if (!c || !c->main) {
            fprintf(stderr, "isakmp: '%s' is not part of this build yet\n", argv[1]);
            return CLI_FAILED;
        }
        if (cli_wants_help(argc - 1, argv + 1)) {
            c->usage(stdout);
            return CLI_OK;
        }
        return c->main(argc - 1, argv + 1);
    }
    fprintf(stderr, "isakmp: '%s' is not a command; see 'isakmp --help'\n", argv[1]);
    return CLI_USAGE;
}
