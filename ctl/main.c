/*
 * NAME
 *   koppelctl - operate koppel: status, run now, dead letters
 *
 * SYNOPSIS
 *   koppelctl [--config FILE] COMMAND [ARGS]
 *   koppelctl --version
 *
 * DESCRIPTION
 *   Asks the daemons through their control sockets and prints the answer
 *   for people, or with --json as JSON for machines.
 *     status [--json]                  a line per profile and per daemon
 *                                      (status_cmd.h); exit 1 when a daemon
 *                                      does not answer, 3 when a profile is
 *                                      stopped, 4 without access
 *     reload                           every daemon reads the configuration
 *                                      again (status_cmd.h)
 *     run PROFILE [TASK]               start a task now: "gestart" or
 *                                      "is al bezig"
 *     tasks [--json]                   every task with last and next run
 *     profiles [--json]                the profiles and their descriptions
 *     dlq list [--json] [--profile P]  the dead-letter queue
 *     dlq show ID [--json]             one dead letter (PROFILE:NUMBER, or
 *                                      NUMBER when one profile has it)
 *     dlq replay ID | --all [--profile P]
 *                                      read the order(s) from the shop again and
 *                                      send them through the normal path
 *     dlq drop ID                      give up on a dead letter (it is kept,
 *                                      marked dropped)
 *     log [--profile P] [--extended] [--limit N] [--json]
 *         [--export FILE.csv|FILE.xlsx] [--clear]
 *                                      the information log (ctl/log_cmd.c)
 *     plan PROFILE TASK [--interval I] [--next "YYYY-MM-DD HH:MM"]
 *                                      change the planning (ctl/plan_cmd.c)
 *     aansluiting PROFILE --van DATE --tot DATE [--export F.xlsx] [--zonder-btw]
 *                                      the shop's orders of a period against
 *                                      SnelStart's verkoopfacturen
 *                                      (ctl/aansluiting_cmd.c); exit 3 when
 *                                      they differ
 *     keygen                           print a new CURVE key pair (koppel.curve)
 *     admins PROFILE [--json]          the administrations to choose from
 *     test-connection PROFILE          check shop, administration and API
 *     webhooks PROFILE [--register] [--json]
 *                                      the shop's webhooks; register koppel's
 *                                      (ctl/webhooks_cmd.c)
 *     sql-servers [ADDRESS] [--port N] [--timeout MS] [--json]
 *                                      SQL Servers answering UDP 1434
 *                                      (admin_cmds.h)
 *
 * DIAGNOSTICS
 *   Exit 0 on success, 1 when a daemon refused or did not answer, 2 on a
 *   usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aansluiting_cmd.h"
#include "admin_cmds.h"
#include "config.h"
#include "control.h"
#include "daemon.h"
#include "log.h"
#include "log_cmd.h"
#include "net.h"
#include "netsec.h"
#include "plan_cmd.h"
#include "status_cmd.h"
#include "status_text.h"
#include "webhooks_cmd.h"
#include "xalloc.h"

#define TIMEOUT_MS 3000

static const char usage[] =
    "usage: koppelctl [--config FILE] COMMAND [ARGS]\n"
    "commands:\n"
    "  status [--json]                   each profile and daemon: Gereed, Bezig, Wacht,\n"
    "                                    Gestopt; exit 1 if a daemon is down, 3 if a\n"
    "                                    profile is stopped, 4 without access\n"
    "  reload                            every daemon reads the configuration again\n"
    "  run PROFILE [TASK]                run a task now (default importeren-financieel)\n"
    "  tasks [--json]                    each profile's tasks, last and next run\n"
    "  profiles [--json]                 the configured profiles\n"
    "  dlq list [--json] [--profile P]   the dead-letter queue\n"
    "  dlq show ID [--json]              one dead letter (ID is PROFILE:NUMBER, or NUMBER\n"
    "                                    when one profile has that order)\n"
    "  dlq replay ID | --all [--profile P]  read again from the shop and book\n"
    "  dlq drop ID                       give up on a dead letter\n"
    "  log [--profile P] [--extended] [--limit N] [--json]\n"
    "                                    the information log: what koppel did\n"
    "  log [--profile P] [--extended] --export FILE.csv|FILE.xlsx\n"
    "  log [--profile P] --clear         empty the information log\n"
    "  plan PROFILE TASK [--interval I] [--next \"YYYY-MM-DD HH:MM\"]\n"
    "                                    I: off 5m 10m 15m 30m 1h 2h 4h 8h 12h 24h\n"
    "  aansluiting PROFILE --van YYYY-MM-DD --tot YYYY-MM-DD [--export FILE.xlsx]\n"
    "              [--zonder-btw]        the shop's orders against SnelStart's\n"
    "                                    verkoopfacturen: exit 0 clean, 3 differences\n"
    "  keygen                            a new CURVE key pair for koppel.curve\n"
    "  admins PROFILE [--json]           SQL databases or MDB administrations to choose from\n"
    "  test-connection PROFILE           check shop login, administration and API\n"
    "  webhooks PROFILE [--register] [--json]\n"
    "                                    a WooCommerce shop's webhooks; --register\n"
    "                                    registers koppel's (needs a Read/Write key)\n"
    "  sql-servers [ADDRESS] [--port N] [--timeout MS] [--json]\n"
    "                                    SQL Servers answering the Browser protocol (UDP 1434)\n"
    "options:\n"
    "  --config FILE   configuration (default $KOPPEL_CONFIG or " DEFAULT_CONFIG ")\n"
    "  --version       print koppel's version\n";

/* ask - one request to a daemon; NULL with a message printed */
static msg_t *
ask(const char *endpoint, const char *cmd, int nargs, char **args, bool quiet)
{
    char    err[512];
    ctl_ask_t why;
    msg_t  *reply = ctl_ask(endpoint, cmd, nargs, args, control_request_timeout_ms(cmd, TIMEOUT_MS),
                            &why, err, sizeof err);

    if (reply == NULL && !quiet)
        fprintf(stderr, "koppelctl: %s\n", why == CTL_ASK_DENIED ? CTL_NO_ACCESS : err);
    return reply;
}

/* has_flag - whether an argument list holds a flag; removes it */
static bool
has_flag(int *argc, char **argv, const char *flag)
{
    int     i;

    for (i = 0; i < *argc; i++)
        if (strcmp(argv[i], flag) == 0) {
            memmove(argv + i, argv + i + 1, (*argc - i - 1) * sizeof *argv);
            (*argc)--;
            return true;
        }
    return false;
}

/* option_value - "--name VALUE" from an argument list; removes both */
static const char *
option_value(int *argc, char **argv, const char *name)
{
    int     i;
    const char *v;

    for (i = 0; i + 1 < *argc; i++)
        if (strcmp(argv[i], name) == 0) {
            v = argv[i + 1];
            memmove(argv + i, argv + i + 2, (*argc - i - 2) * sizeof *argv);
            *argc -= 2;
            return v;
        }
    return NULL;
}

/* print_json - pretty JSON text of a reply */
static void
print_json(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
    char   *out;

    if (v == NULL) {
        printf("%s\n", text);
        return;
    }
    out = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);
    printf("%s\n", out);
    free(out);
    json_decref(v);
}

/* when - an epoch time as local "YYYY-MM-DD HH:MM", "-" for 0 */
static const char *
when(json_int_t t, char *buf, size_t len)
{
    time_t  tt = (time_t) t;
    struct tm tm;

    if (t <= 0)
        return "-";
    localtime_r(&tt, &tm);
    strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

/* simple - send a command, print the reply's text (or JSON) */
static int
simple(const char *endpoint, const char *cmd, int nargs, char **args, bool as_json)
{
    msg_t  *r = ask(endpoint, cmd, nargs, args, false);
    int     rc;

    if (r == NULL)
        return 1;
    if (as_json && *r->json)
        print_json(r->json);
    else
        printf("%s\n", r->text);
    rc = r->ok ? 0 : 1;
    msg_destroy(&r);
    return rc;
}

/* cmd_tasks - the planning */
static int
cmd_tasks(const cfg_t *cfg, bool as_json)
{
    msg_t  *r = ask(cfg->ep_control[DAEMON_SCHEDULER], "tasks", 0, NULL, false);
    json_t *list;
    size_t  i;
    char    b1[32], b2[32], b3[1300];

    if (r == NULL)
        return 1;
    if (as_json) {
        print_json(r->json);
        msg_destroy(&r);
        return 0;
    }
    list = json_loads(r->json, 0, NULL);
    printf("%-16s %-22s %-8s %-17s %-17s %s\n", "PROFIEL", "TAAK", "INTERVAL", "VORIGE RUN",
           "VOLGENDE RUN", "RESULTAAT");
    for (i = 0; i < json_array_size(list); i++) {
        json_t *t = json_array_get(list, i);
        const char *iv = json_string_value(json_object_get(t, "interval"));
        bool    running = json_is_true(json_object_get(t, "running"));
        bool    off = json_is_false(json_object_get(t, "enabled"));

        printf("%-16s %-22s %-8s %-17s %-17s %s\n",
               json_string_value(json_object_get(t, "profile")),
               json_string_value(json_object_get(t, "task")), iv ? iv : "?",
               when(json_integer_value(json_object_get(t, "last_run")), b1, sizeof b1),
               json_integer_value(json_object_get(t, "interval_s")) && !off ?
               when(json_integer_value(json_object_get(t, "next_run")), b2, sizeof b2) : "-",
               running ? "bezig" : off ? "uitgeschakeld (enabled = false)"
               : status_text_summary(json_string_value(json_object_get(t, "last_result")), b3,
                                     sizeof b3));
    }
    json_decref(list);
    msg_destroy(&r);
    return 0;
}

/* cmd_profiles - the configured profiles */
static int
cmd_profiles(const cfg_t *cfg, bool as_json)
{
    json_t *list = json_array();
    size_t  i;
    char   *text;

    for (i = 0; i < cfg->nprofiles; i++) {
        const profile_t *p = &cfg->profiles[i];

        if (as_json)
            json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name",
                p->name, "description", p->description, "shop", p->shop_type, "shop_url",
                p->shop_url, "administration", p->admin_type, "recognition",
                recognition_name(p->recognition)));
        else
            printf("%-16s %s\n", p->name, *p->description ? p->description : "(geen omschrijving)");
    }
    if (as_json) {
        text = json_dumps(list, JSON_INDENT(2));
        printf("%s\n", text);
        free(text);
    }
    json_decref(list);
    return 0;
}

/* cmd_dlq - the dead-letter queue */
static int
cmd_dlq(const cfg_t *cfg, int argc, char **argv, bool as_json)
{
    const char *ep = cfg->ep_control[DAEMON_FETCHER];
    const char *profile = option_value(&argc, argv, "--profile");
    msg_t  *r;
    json_t *list;
    size_t  i;
    char    b[32];
    int     rc = 0;

    if (argc < 1) {
        fprintf(stderr, "%s", usage);
        return 2;
    }
    if (strcmp(argv[0], "list") == 0 || strcmp(argv[0], "show") == 0) {
        bool    show = strcmp(argv[0], "show") == 0;
        char   *pa[1] = { (char *) profile };

        if (show && argc != 2) {
            fprintf(stderr, "usage: koppelctl dlq show PROFILE:NUMBER | NUMBER\n");
            return 2;
        }
        if ((r = ask(ep, "dlq-list", profile ? 1 : 0, pa, false)) == NULL)
            return 1;
        list = json_loads(r->json, 0, NULL);
        if (show) {
            json_t *found = NULL;

            size_t  nfound = 0;

            for (i = 0; i < json_array_size(list); i++) {
                const char *id = json_string_value(json_object_get(json_array_get(list, i),
                                                                   "id"));
                const char *colon = strrchr(id, ':');

                /* PROFILE:NUMBER, or NUMBER alone when one profile has it */
                if (strcmp(id, argv[1]) == 0
                    || (strchr(argv[1], ':') == NULL && colon && strcmp(colon + 1, argv[1]) == 0)) {
                    found = json_array_get(list, i);
                    nfound++;
                }
            }
            if (nfound > 1) {
                fprintf(stderr, "koppelctl: order %s staat bij de orders die koppel niet kon "
                        "boeken van meer dan één profiel: geef PROFIEL:%s\n", argv[1], argv[1]);
                rc = 1;
            } else if (found == NULL) {
                fprintf(stderr, "koppelctl: %s staat niet bij de orders die koppel niet kon boeken "
                        "(koppelctl dlq list)\n", argv[1]);
                rc = 1;
            } else if (as_json) {
                char   *t = json_dumps(found, JSON_INDENT(2));

                printf("%s\n", t);
                free(t);
            } else
                printf("id:      %s\nprofiel: %s\nfase:    %s\nsinds:   %s\nreden:   %s\n",
                       json_string_value(json_object_get(found, "id")),
                       json_string_value(json_object_get(found, "profile")),
                       json_string_value(json_object_get(found, "stage")),
                       when(json_integer_value(json_object_get(found, "updated_at")), b, sizeof b),
                       json_string_value(json_object_get(found, "reason")));
        } else if (as_json)
            print_json(r->json);
        else if (json_array_size(list) == 0)
            printf("er zijn geen orders die koppel niet kon boeken\n");
        else
            for (i = 0; i < json_array_size(list); i++) {
                json_t *d = json_array_get(list, i);

                printf("%-24s %-8s %s\n", json_string_value(json_object_get(d, "id")),
                       json_string_value(json_object_get(d, "stage")),
                       json_string_value(json_object_get(d, "reason")));
            }
        json_decref(list);
        msg_destroy(&r);
        return rc;
    }
    if (strcmp(argv[0], "replay") == 0) {
        char   *args[2];
        int     n = 0;

        if (argc != 2) {
            fprintf(stderr, "usage: koppelctl dlq replay PROFILE:NUMBER | --all [--profile P]\n");
            return 2;
        }
        args[n++] = argv[1];
        if (profile)
            args[n++] = (char *) profile;
        if ((r = ask(ep, "dlq-replay", n, args, false)) == NULL)
            return 1;
        list = json_loads(r->json, 0, NULL);
        for (i = 0; i < json_array_size(list); i++) {
            json_t *d = json_array_get(list, i);

            if (!json_is_true(json_object_get(d, "replayed")))
                printf("%s: niet opnieuw aangeboden: %s\n",
                       json_string_value(json_object_get(d, "id")),
                       json_string_value(json_object_get(d, "error")));
        }
        printf("%s\n", r->text);
        rc = r->ok ? 0 : 1;
        json_decref(list);
        msg_destroy(&r);
        return rc;
    }
    if (strcmp(argv[0], "drop") == 0 && argc == 2)
        return simple(ep, "dlq-drop", 1, argv + 1, false);
    if (strcmp(argv[0], "drop") == 0)
        fprintf(stderr, "koppelctl: dlq drop: wrong arguments\n%s", usage);
    else
        fprintf(stderr, "koppelctl: dlq: unknown command \"%s\" (list, show, replay, drop)\n%s",
                argv[0], usage);
    return 2;
}

/* keygen - print a new CURVE key pair for koppel.curve */
static int
keygen(void)
{
    char    pub[NETSEC_KEY_LEN + 1], secret[NETSEC_KEY_LEN + 1];

    if (!netsec_keygen(pub, secret)) {
        fprintf(stderr, "koppelctl: deze ZeroMQ-bibliotheek kan geen CURVE: installeer libzmq "
                "met libsodium\n");
        return 1;
    }
    printf("# koppel.curve voor koppel.cfg; houd secret_key geheim (modus 0640)\n"
           "curve = {\n    public_key = \"%s\";\n    secret_key = \"%s\";\n};\n", pub, secret);
    return 0;
}

/* known - whether word is one of koppelctl's commands */
static bool
known(const char *word)
{
    static const char *const commands[] = { "status", "reload", "run", "tasks", "profiles",
        "dlq", "log", "plan", "keygen", "admins", "test-connection", "sql-servers", "webhooks",
        NULL };
    const char *const *c;

    for (c = commands; *c; c++)
        if (strcmp(*c, word) == 0)
            return true;
    return false;
}

/* check_profile - a command naming a profile (run, plan, admins,
 * test-connection, webhooks) names one that is configured; 2 with a message when not,
 * else 0. (log and dlq --profile may name a profile no longer configured:
 * its rows and dead letters stay.) */
static int
check_profile(const cfg_t *cfg, int argc, char **argv)
{
    const char *name = NULL;

    if (argc >= 2 && (strcmp(argv[0], "run") == 0 || strcmp(argv[0], "plan") == 0
                      || strcmp(argv[0], "admins") == 0
                      || strcmp(argv[0], "test-connection") == 0
                      || strcmp(argv[0], "webhooks") == 0))
        name = argv[1];
    if (name == NULL || cfg_profile(cfg, name) != NULL)
        return 0;
    fprintf(stderr, "koppelctl: profiel %s bestaat niet in %s (zie koppelctl "
                    "profiles)\n", name, cfg->path);
    return 2;
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *config = NULL;
    char    err[1024];
    cfg_t  *cfg;
    int     c, rc;
    bool    as_json;

    log_init("koppelctl", LOG_LEVEL_WARNING);
    while ((c = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 'h':
            printf("%s", usage);
            return 0;
        case 'V':
            printf("koppelctl %s\n", KOPPEL_VERSION);
            return 0;
        default:
            fprintf(stderr, "%s", usage);
            return 2;
        }
    }
    argc -= optind;
    argv += optind;
    if (argc < 1) {
        fprintf(stderr, "%s", usage);
        return 2;
    }
    if (strcmp(argv[0], "keygen") == 0 && argc == 1)
        return keygen();
    if (strcmp(argv[0], "sql-servers") == 0) {
        as_json = has_flag(&argc, argv, "--json");
        return ctl_sql_servers(argc - 1, argv + 1, as_json, stdout);
    }
    if (access(daemon_config_path(config), R_OK) != 0 && errno == EACCES) {
        /* koppel.cfg is 0640 root:koppel: whoever may not read it may not use
         * the control sockets either */
        fprintf(stderr, "koppelctl: %s (%s: %s)\n", CTL_NO_ACCESS, daemon_config_path(config),
                strerror(errno));
        return 4;
    }
    if ((cfg = cfg_load(daemon_config_path(config), err, sizeof err)) == NULL
        || !netsec_load(daemon_config_path(config), err, sizeof err)) {
        if (strcmp(argv[0], "reload") == 0)   /* the daemons would refuse it the same way */
            fprintf(stderr, "koppelctl: reload geweigerd: %s; de onderdelen werken door met de "
                    "geldende instellingen\n", err);
        else
            fprintf(stderr, "koppelctl: %s\n", err);
        cfg_destroy(&cfg);
        return 1;
    }
    if (!config_secrets_private(cfg->path))
        fprintf(stderr, "koppelctl: waarschuwing: %s is door iedere gebruiker te lezen maar "
                "bevat wachtwoorden en sleutels: chmod 0640 %s\n", cfg->path, cfg->path);
    as_json = has_flag(&argc, argv, "--json");
    if ((rc = check_profile(cfg, argc, argv)) != 0)
        ;
    else if (strcmp(argv[0], "status") == 0 && argc == 1)
        rc = status_cmd(cfg, as_json);
    else if (strcmp(argv[0], "reload") == 0 && argc == 1)
        rc = reload_cmd(cfg, as_json);
    else if (strcmp(argv[0], "run") == 0 && (argc == 2 || argc == 3)) {
        char   *task = plan_cmd_task_name(argc == 3 ? argv[2] : "importeren-financieel");
        char   *args[2] = { argv[1], task };

        rc = simple(cfg->ep_control[DAEMON_SCHEDULER], "run", 2, args, as_json);
        free(task);
    } else if (strcmp(argv[0], "tasks") == 0 && argc == 1)
        rc = cmd_tasks(cfg, as_json);
    else if (strcmp(argv[0], "profiles") == 0 && argc == 1)
        rc = cmd_profiles(cfg, as_json);
    else if (strcmp(argv[0], "dlq") == 0)
        rc = cmd_dlq(cfg, argc - 1, argv + 1, as_json);
    else if (strcmp(argv[0], "log") == 0)
        rc = log_cmd(cfg, argc - 1, argv + 1, as_json);
    else if (strcmp(argv[0], "plan") == 0)
        rc = plan_cmd(cfg, argc - 1, argv + 1, as_json);
    else if (strcmp(argv[0], "aansluiting") == 0)
        rc = aansluiting_cmd(cfg, argc - 1, argv + 1, stdout);
    else if ((strcmp(argv[0], "admins") == 0 || strcmp(argv[0], "test-connection") == 0)
             && argc == 2) {
        const profile_t *p = cfg_profile(cfg, argv[1]);

        rc = strcmp(argv[0], "admins") == 0 ? ctl_admins(p, as_json, stdout)
                                            : ctl_test_connection(p, stdout);
    } else if (strcmp(argv[0], "webhooks") == 0
               && (argc == 2 || (argc == 3 && strcmp(argv[2], "--register") == 0))) {
        rc = webhooks_cmd(cfg_profile(cfg, argv[1]), argc == 3, as_json, stdout);
    } else {
        if (known(argv[0]))
            fprintf(stderr, "koppelctl: %s: wrong arguments\n%s", argv[0], usage);
        else
            fprintf(stderr, "koppelctl: unknown command \"%s\"\n%s", argv[0], usage);
        rc = 2;
    }
    cfg_destroy(&cfg);
    return rc;
}
