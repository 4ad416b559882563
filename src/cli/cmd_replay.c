/* cmd_replay.c — `pmarb replay FILE`: a recording through the production path, deterministically. */
#include "cli/cli.h"
#include "engine/replay.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb replay FILE\n\n"
    "Runs a recording made by `pmarb record` through the same feed state machines, books,\n"
    "detector and paper fills as `pmarb run`, with every time taken from the recording, and\n"
    "prints the same summary as a paper run ([strategy] and [risk] from the configuration;\n"
    "the pairs are the ones recorded; nothing is stored). Two replays of one file print the\n"
    "same thing. A recording cut short (an incomplete last record) replays up to the cut.\n";

int pm_cmd_replay(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    if (argc != 2) return pm_cli_usage_error("replay", "needs exactly one recording file");
    const pm_config *cfg = pm_cli_config(cli);
    if (!cfg) return PM_EXIT_USAGE;
    pm_replay_stats st;
    pm_err err;
    if (pm_replay(cfg, argv[1], stdout, &st, &err)) return pm_cli_fail("replay: %s", err.msg);
    fprintf(stderr, "replayed %" PRIu64 " records (%" PRIu64 " frames)", st.records, st.frames);
    if (st.truncated) fprintf(stderr, "; ignored an incomplete last record of %" PRIu64 " bytes", st.truncated);
    fputc('\n', stderr);
    return PM_EXIT_OK;
}
