/*
 * NAME
 *   tds-sim - a SQL Server (TDS 7.4) stand-in backed by SQLite, for tests
 *
 * SYNOPSIS
 *   tds-sim --listen HOST:PORT --db FILE.sqlite [--db FILE2.sqlite ...]
 *           --user U --password P [--deny TABLE ...] [--slow MS] [--browser HOST:PORT]
 *           [--tls-cert FILE.pem --tls-key FILE.pem]
 *
 * DESCRIPTION
 *   Serves the tables of the SQLite files over SQL Server's wire protocol
 *   (MS-TDS), so that FreeTDS's tsql and koppel's SQL reader can be tested
 *   without a SQL Server. Each file is one database, named after the file
 *   without directory and extension; the first is the login's default.
 *   Only SQL authentication with the one --user and --password is
 *   accepted; a wrong one answers error 18456 as SQL Server does.
 *   --deny TABLE makes every SELECT on that table fail with error 229
 *   --slow MS pauses MS milliseconds after every 1,000 rows of an answer,
 *   as a SQL server across a slow network takes its time
 *   (permission denied). PORT 0 picks a free port. The address actually
 *   bound is printed as "tds-sim: listening on HOST:PORT". Runs until
 *   SIGINT or SIGTERM. tds_session.h lists what the protocol covers.
 *
 *   --browser HOST:PORT also answers the SQL Server Browser protocol
 *   (MC-SQLR) on that UDP address: CLNT_BCAST_EX, CLNT_UCAST_EX (0x02,
 *   0x03) and CLNT_UCAST_INST (0x04) get one SVR_RESP naming the instance
 *   TDSSIM with the TCP port of --listen.
 *
 *   --tls-cert and --tls-key (PEM files) offer encryption in PRELOGIN as
 *   SQL Server does: a client that offers it gets TLS for its login, a
 *   client that asks for it gets TLS for the whole connection. Without
 *   them encryption is not supported, and a client that requires it
 *   gives up.
 *
 * DIAGNOSTICS
 *   Exit 2 on a bad flag, 1 when a database file, the certificate or the
 *   key cannot be read or the address cannot be bound.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "tds_session.h"
#include "tds_tls.h"
#include "xalloc.h"

static const char usage[] =
    "usage: tds-sim --listen HOST:PORT --db FILE.sqlite [--db FILE ...] --user U --password P\n"
    "               [--deny TABLE ...] [--slow MS] [--browser HOST:PORT]\n"
    "               [--tls-cert F --tls-key F]\n"
    "  --listen HOST:PORT  address to serve (PORT 0: any free port)\n"
    "  --db FILE           a SQLite file served as the database named after the file\n"
    "  --user U            the SQL login accepted\n"
    "  --password P        its password\n"
    "  --deny TABLE        refuse SELECT on TABLE (error 229), repeatable\n"
    "  --slow MS           pause MS ms after every 1,000 rows of an answer\n"
    "  --browser HOST:PORT answer the SQL Server Browser protocol on this UDP address\n"
    "  --tls-cert FILE     PEM certificate (chain): offer TLS as SQL Server does\n"
    "  --tls-key FILE      its PEM private key\n"
    "  --version           koppel's version\n";

static char browser_reply[512];
static size_t browser_len;

/* browser - thread body: answer SQL Server Browser requests (MC-SQLR) */
static void *
browser(void *arg)
{
    int     fd = *(int *) arg;

    for (;;) {
        unsigned char req[1024];
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(fd, req, sizeof req, 0, (struct sockaddr *) &from, &fl);

        if (n < 1 || req[0] < 0x02 || req[0] > 0x04)
            continue;
        sendto(fd, browser_reply, browser_len, 0, (struct sockaddr *) &from, fl);
    }
    return NULL;
}

/* start_browser - bind the UDP address and start answering; false with a message */
static bool
start_browser(const char *addr, const char *tcp_port)
{
    char   *host = xstrdup(addr), *colon = strrchr(host, ':');
    struct addrinfo hints = { 0 }, *ai = NULL;
    static int fd;
    pthread_t t;
    int     len;

    if (colon == NULL) {
        fprintf(stderr, "tds-sim: --browser %s: expected HOST:PORT\n", addr);
        free(host);
        return false;
    }
    *colon = 0;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if (getaddrinfo(host, colon + 1, &hints, &ai) != 0
        || (fd = socket(ai->ai_family, SOCK_DGRAM, 0)) < 0
        || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        fprintf(stderr, "tds-sim: --browser %s: cannot bind: %s\n", addr, strerror(errno));
        if (ai)
            freeaddrinfo(ai);
        free(host);
        return false;
    }
    freeaddrinfo(ai);
    free(host);
    {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        char    hbuf[NI_MAXHOST], pbuf[NI_MAXSERV];

        if (getsockname(fd, (struct sockaddr *) &ss, &sl) == 0
            && getnameinfo((struct sockaddr *) &ss, sl, hbuf, sizeof hbuf, pbuf, sizeof pbuf,
                           NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
            printf("tds-sim: browser on %s:%s\n", hbuf, pbuf);
            fflush(stdout);
        }
    }
    len = snprintf(browser_reply + 3, sizeof browser_reply - 3, "ServerName;TDSSIM;"
                   "InstanceName;TDSSIM;IsClustered;No;Version;15.0.2000.5;tcp;%s;;", tcp_port);
    browser_reply[0] = 0x05;
    browser_reply[1] = (char) (len & 0xFF);
    browser_reply[2] = (char) ((len >> 8) & 0xFF);
    browser_len = (size_t) len + 3;
    if (pthread_create(&t, NULL, browser, &fd) != 0)
        return false;
    pthread_detach(t);
    return true;
}

typedef struct {
    int     fd;
    const tds_sim_conf_t *conf;
} job_t;

/* serve - thread body: one connection */
static void *
serve(void *arg)
{
    job_t  *j = arg;

    tds_session_run(j->fd, j->conf);
    free(j);
    return NULL;
}

/* db_name - a file's name without directory and extension (new memory) */
static char *
db_name(const char *path)
{
    const char *base = strrchr(path, '/');
    char   *name = xstrdup(base ? base + 1 : path), *dot = strrchr(name, '.');

    if (dot && dot != name)
        *dot = 0;
    return name;
}

/* listen_on - a listening socket for HOST:PORT; -1 with a message; the
 * port bound to port_out */
static int
listen_on(const char *addr, char *port_out, size_t port_len)
{
    char   *host = xstrdup(addr), *colon = strrchr(host, ':');
    struct addrinfo hints = { 0 }, *ai = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char    hbuf[NI_MAXHOST], pbuf[NI_MAXSERV];
    int     fd = -1, one = 1, rc;

    if (colon == NULL) {
        fprintf(stderr, "tds-sim: --listen %s: expected HOST:PORT\n", addr);
        free(host);
        return -1;
    }
    *colon = 0;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if ((rc = getaddrinfo(*host ? host : NULL, colon + 1, &hints, &ai)) != 0) {
        fprintf(stderr, "tds-sim: --listen %s: %s\n", addr, gai_strerror(rc));
        free(host);
        return -1;
    }
    if ((fd = socket(ai->ai_family, SOCK_STREAM, 0)) < 0
        || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0
        || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 64) != 0
        || getsockname(fd, (struct sockaddr *) &ss, &sl) != 0) {
        fprintf(stderr, "tds-sim: --listen %s: %s\n", addr, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    } else if (getnameinfo((struct sockaddr *) &ss, sl, hbuf, sizeof hbuf, pbuf, sizeof pbuf,
                           NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
        printf("tds-sim: listening on %s:%s\n", hbuf, pbuf);
        snprintf(port_out, port_len, "%s", pbuf);
        fflush(stdout);
    }
    freeaddrinfo(ai);
    free(host);
    return fd;
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "listen", required_argument, NULL, 'l' },
        { "db", required_argument, NULL, 'd' },
        { "user", required_argument, NULL, 'u' },
        { "password", required_argument, NULL, 'p' },
        { "deny", required_argument, NULL, 'x' },
        { "slow", required_argument, NULL, 's' },
        { "browser", required_argument, NULL, 'b' },
        { "tls-cert", required_argument, NULL, 'c' },
        { "tls-key", required_argument, NULL, 'k' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    tds_sim_conf_t conf = { 0 };
    tds_db_t *dbs = xcalloc((size_t) argc, sizeof *dbs);
    const char *listen_addr = NULL, *browser_addr = NULL, *cert = NULL, *key = NULL;
    char    err[512];
    char    port[NI_MAXSERV] = "";
    size_t  i;
    int     c, lfd;

    conf.deny = xcalloc((size_t) argc, sizeof *conf.deny);
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'l': listen_addr = optarg; break;
        case 'd':
            dbs[conf.ndbs].path = xstrdup(optarg);
            dbs[conf.ndbs].name = db_name(optarg);
            conf.ndbs++;
            break;
        case 'u': conf.user = optarg; break;
        case 'p': conf.password = optarg; break;
        case 'x': conf.deny[conf.ndeny++] = optarg; break;
        case 's': conf.slow_ms = atoi(optarg); break;
        case 'b': browser_addr = optarg; break;
        case 'c': cert = optarg; break;
        case 'k': key = optarg; break;
        case 'h':
        case 'V':
            if (c == 'h')
                printf("%s", usage);
            else
                printf("tds-sim (koppel) %s\n", KOPPEL_VERSION);
            for (i = 0; i < conf.ndbs; i++) {
                free(dbs[i].path);
                free(dbs[i].name);
            }
            free(dbs);
            free(conf.deny);
            return 0;
        default: fprintf(stderr, "%s", usage); return 2;
        }
    }
    if (optind != argc || listen_addr == NULL || conf.ndbs == 0 || conf.user == NULL
        || conf.password == NULL || (cert == NULL) != (key == NULL)) {
        fprintf(stderr, "%s", usage);
        return 2;
    }
    conf.dbs = dbs;
    for (i = 0; i < conf.ndbs; i++)
        if (access(dbs[i].path, R_OK | W_OK) != 0) {
            fprintf(stderr, "tds-sim: --db %s: %s\n", dbs[i].path, strerror(errno));
            return 1;
        }
    if (cert && (conf.tls = tds_tls_new(cert, key, err, sizeof err)) == NULL) {
        fprintf(stderr, "tds-sim: %s\n", err);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    if ((lfd = listen_on(listen_addr, port, sizeof port)) < 0)
        return 1;
    if (browser_addr && !start_browser(browser_addr, port))
        return 1;
    for (;;) {
        int     fd = accept(lfd, NULL, NULL), one = 1;
        pthread_t t;
        job_t  *j;

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE)
                continue;
            fprintf(stderr, "tds-sim: accept: %s\n", strerror(errno));
            return 1;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        j = xmalloc(sizeof *j);
        j->fd = fd;
        j->conf = &conf;
        if (pthread_create(&t, NULL, serve, j) != 0) {
            close(fd);
            free(j);
            continue;
        }
        pthread_detach(t);
    }
}
