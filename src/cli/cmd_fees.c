/* cmd_fees.c — `pmarb fees kalshi|polymarket …`: what one order of C contracts at P costs in
 * fees on a venue, with the venue's own rounding (core/fees.h), and the effective price per
 * contract. Offline: nothing is sent. */
#include "cli/cli.h"
#include "cli/render.h"
#include "core/fees.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb fees kalshi --price P --count C [--side buy|sell] [--maker] [--fee-type T]\n"
    "                         [--multiplier M] [--json]\n"
    "       pmarb fees polymarket --price P --size S --fee-rate R [--exponent E] [--side buy|sell]\n"
    "                             [--maker] [--json]\n\n"
    "Prints the fee of one order (treated as one fill) and the effective price per contract.\n"
    "kalshi: T is quadratic (default), quadratic_with_maker_fees, quadratic_with_combo_maker_fees\n"
    "  or flat ([kalshi] flat_fee per contract); M the series' fee_multiplier (default 1). The\n"
    "  trade fee is rounded up to $0.0001, then the balance change to the cent against you; the\n"
    "  fee shown includes that rounding.\n"
    "polymarket: R is the market's taker rate as published (e.g. 0.05), E its exponent (default\n"
    "  1); makers pay nothing. A buy pays its fee in shares (fee_shares, rounded up to 0.000001)\n"
    "  and holds `delivered` shares; fee is those shares valued at P. A sell pays in pUSD,\n"
    "  rounded up to $0.00001. The effective price is money paid per share held (buy) or money\n"
    "  received per share sold (sell).\n"
    "--json prints one object with dollar amounts as decimal strings.\n";

static int parse_fixed(const char *cmd, const char *what, const char *s, int64_t max, int64_t *out) {
    pm_decimal_spec spec = {6, 6, 0, 0, max, what};
    pm_err err;
    if (pm_decimal_parse(s, strlen(s), &spec, out, &err)) return pm_cli_usage_error(cmd, "%s", err.msg);
    return 0;
}

static json_t *fixed(int64_t v) {
    char buf[PM_FIXED_BUF];
    pm_fixed_format_exact(v, 0, buf, sizeof buf);
    return json_string(buf);
}

static const char *money(int64_t v, char *buf) {
    pm_fixed_format_exact(v, 2, buf, PM_FIXED_BUF);
    return buf;
}

int pm_cmd_fees(pm_cli *cli, int argc, char **argv) {
    static const char cmd[] = "fees";
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    if (argc < 2 || (strcmp(argv[1], "kalshi") && strcmp(argv[1], "polymarket")))
        return pm_cli_usage_error(cmd, "say which venue: kalshi or polymarket");
    int kalshi = !strcmp(argv[1], "kalshi");
    static const struct option opts[] = {
        {"price", required_argument, NULL, 'p'},    {"count", required_argument, NULL, 'c'},
        {"size", required_argument, NULL, 's'},     {"side", required_argument, NULL, 'S'},
        {"maker", no_argument, NULL, 'm'},          {"fee-type", required_argument, NULL, 't'},
        {"multiplier", required_argument, NULL, 'M'}, {"fee-rate", required_argument, NULL, 'r'},
        {"exponent", required_argument, NULL, 'e'}, {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    const char *price_s = NULL, *count_s = NULL, *rate_s = NULL, *fee_type = "quadratic";
    int64_t multiplier = PM_SCALE, exponent = 1;
    int maker = 0, json = 0;
    pm_side side = PM_SIDE_BUY;
    optind = 1;
    int c;
    while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        switch (c) {
        case 'p': price_s = optarg; break;
        case 'c':
        case 's':
            if ((c == 'c') != kalshi) return pm_cli_usage_error(cmd, "%s takes --%s", argv[1], kalshi ? "count" : "size");
            count_s = optarg;
            break;
        case 'S':
            if (pm_side_parse(optarg, &side)) return pm_cli_usage_error(cmd, "--side is buy or sell, not '%s'", optarg);
            break;
        case 'm': maker = 1; break;
        case 't':
        case 'M':
            if (!kalshi) return pm_cli_usage_error(cmd, "--fee-type and --multiplier are Kalshi options");
            if (c == 't') fee_type = optarg;
            else if (parse_fixed(cmd, "multiplier", optarg, PM_KALSHI_FEE_MAX_MULTIPLIER, &multiplier)) return PM_EXIT_USAGE;
            break;
        case 'r':
        case 'e':
            if (kalshi) return pm_cli_usage_error(cmd, "--fee-rate and --exponent are Polymarket options");
            if (c == 'r') rate_s = optarg;
            else if (parse_fixed(cmd, "exponent", optarg, 4 * PM_SCALE, &exponent) || exponent % PM_SCALE)
                return pm_cli_usage_error(cmd, "--exponent is a whole number 0..4");
            else exponent /= PM_SCALE;
            break;
        case 'j': json = 1; break;
        default: return pm_cli_usage_error(cmd, "unknown option");
        }
    }
    if (optind + 1 < argc) return pm_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
    if (!price_s || !count_s) return pm_cli_usage_error(cmd, "--price and --%s are required", kalshi ? "count" : "size");
    if (!kalshi && !rate_s) return pm_cli_usage_error(cmd, "--fee-rate is required (the market's taker rate, e.g. 0.05)");

    pm_px_t price;
    pm_qty_t count;
    pm_err err;
    if (pm_px_parse(price_s, strlen(price_s), &price, &err)) return pm_cli_usage_error(cmd, "%s", err.msg);
    if (pm_qty_parse(count_s, strlen(count_s), &count, &err)) return pm_cli_usage_error(cmd, "%s", err.msg);

    pm_fee_model m;
    int64_t rate = 0;
    if (kalshi) {
        pm_usd_t flat = -1;
        if (!strcmp(fee_type, "flat")) {
            const pm_config *cfg = pm_cli_config(cli);
            if (!cfg) return PM_EXIT_USAGE;
            flat = cfg->kalshi.flat_fee;
        }
        if (pm_fee_kalshi_parse(fee_type, multiplier, flat, &m, &err)) return pm_cli_usage_error(cmd, "%s", err.msg);
    } else {
        if (parse_fixed(cmd, "fee rate", rate_s, PM_SCALE, &rate)) return PM_EXIT_USAGE;
        m = pm_fee_poly(rate, (int)exponent);
    }

    pm_fee_quote q;
    if (pm_fee_quote_fill(&m, side, maker, price, count, &q, &err)) return pm_cli_fail("fees: %s", err.msg);

    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "venue", json_string(argv[1]));
        json_object_set_new(o, "side", json_string(pm_side_name(side)));
        json_object_set_new(o, "maker", json_boolean(maker));
        json_object_set_new(o, "price", fixed(price));
        json_object_set_new(o, kalshi ? "count" : "size", fixed(count));
        if (kalshi) {
            json_object_set_new(o, "fee_type", json_string(fee_type));
            json_object_set_new(o, "multiplier", fixed(multiplier));
        } else {
            json_object_set_new(o, "fee_rate", fixed(rate));
            json_object_set_new(o, "exponent", json_integer(exponent));
        }
        json_object_set_new(o, "notional", fixed(q.notional));
        json_object_set_new(o, "fee", fixed(q.fee));
        json_object_set_new(o, "fee_shares", fixed(q.fee_shares));
        json_object_set_new(o, "delivered", fixed(q.delivered));
        json_object_set_new(o, "cash", fixed(q.cash));
        json_object_set_new(o, "effective_price", fixed(q.effective_px));
        int rc = pm_render_print_json(o);
        json_decref(o);
        return rc ? PM_EXIT_ERROR : PM_EXIT_OK;
    }
    char b1[PM_FIXED_BUF], b2[PM_FIXED_BUF];
    printf("%s %s %s at %s%s\n", argv[1], pm_side_name(side), money(count, b1), money(price, b2), maker ? " (maker)" : " (taker)");
    printf("notional         %s\n", money(q.notional, b1));
    printf("fee              %s\n", money(q.fee, b1));
    if (!kalshi && side == PM_SIDE_BUY) {
        printf("fee shares       %s\n", money(q.fee_shares, b1));
        printf("shares held      %s\n", money(q.delivered, b1));
    }
    printf("%-16s %s\n", side == PM_SIDE_BUY ? "paid" : "received", money(q.cash < 0 ? -q.cash : q.cash, b1));
    printf("effective price  %s per contract\n", money(q.effective_px, b1));
    return PM_EXIT_OK;
}
