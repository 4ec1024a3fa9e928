/*
 * NAME
 *   sql_servers - koppelctl sql-servers: find SQL Server instances
 *
 * DESCRIPTION
 *   Sends one CLNT_BCAST_EX request (0x02, MC-SQLR 2.2.1) of the SQL
 *   Server Browser protocol to UDP port 1434 of an address (a broadcast
 *   address reaches every server of the network) and prints every
 *   instance of every SVR_RESP answer (0x05, a 16-bit little-endian size,
 *   then "ServerName;S;InstanceName;I;IsClustered;No;Version;V;tcp;P;;")
 *   that arrives within the timeout.
 */
#include <errno.h>
#include <jansson.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "admin_cmds.h"
#include "xalloc.h"

/* sqlbrowser_parse - the instances of one SVR_RESP payload */
json_t *
sqlbrowser_parse(const char *data, size_t len)
{
    json_t *list = json_array(), *cur = NULL;
    char   *text = xstrndup(data, len), *p = text;

    while (*p) {
        char   *key = p, *val, *end;

        if (*p == ';') {            /* ";;" ends an instance */
            cur = NULL;
            p++;
            continue;
        }
        if ((val = strchr(key, ';')) == NULL)
            break;
        *val++ = 0;
        end = strchr(val, ';');
        if (end)
            *end = 0;
        if (cur == NULL) {
            cur = json_object();
            json_array_append_new(list, cur);
        }
        json_object_set_new(cur, key, json_string(val));
        if (end == NULL)
            break;
        p = end + 1;
    }
    free(text);
    if (json_array_size(list) == 0 || json_object_get(json_array_get(list, 0), "ServerName") == NULL) {
        json_decref(list);
        return NULL;
    }
    return list;
}

/* ctl_sql_servers - ask, collect and print */
int
ctl_sql_servers(int argc, char **argv, bool as_json, FILE *out)
{
    const char *addr = "255.255.255.255", *port = "1434";
    long    timeout_ms = 1000;
    struct addrinfo hints = { 0 }, *ai = NULL;
    json_t *all = json_array();
    struct timespec start, now;
    int     fd, one = 1, i, rc;
    unsigned char req = 0x02;

    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
            port = argv[++i];
        else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            timeout_ms = strtol(argv[++i], NULL, 10);
        else if (argv[i][0] != '-')
            addr = argv[i];
        else {
            fprintf(stderr, "usage: koppelctl sql-servers [ADDRESS] [--port N] [--timeout MS] "
                    "[--json]\n");
            json_decref(all);
            return 2;
        }
    }
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    if ((rc = getaddrinfo(addr, port, &hints, &ai)) != 0) {
        fprintf(stderr, "koppelctl: sql-servers %s: %s\n", addr, gai_strerror(rc));
        json_decref(all);
        return 1;
    }
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) != 0
        || sendto(fd, &req, 1, 0, ai->ai_addr, ai->ai_addrlen) != 1) {
        fprintf(stderr, "koppelctl: sql-servers %s: cannot send the request: %s\n", addr,
                strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        json_decref(all);
        return 1;
    }
    freeaddrinfo(ai);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct pollfd pfd = { fd, POLLIN, 0 };
        unsigned char buf[65536];
        long    left;
        ssize_t n;

        clock_gettime(CLOCK_MONOTONIC, &now);
        left = timeout_ms - ((now.tv_sec - start.tv_sec) * 1000
                             + (now.tv_nsec - start.tv_nsec) / 1000000);
        if (left <= 0 || poll(&pfd, 1, (int) left) <= 0)
            break;
        n = recv(fd, buf, sizeof buf, 0);
        if (n > 3 && buf[0] == 0x05) {
            size_t  size = buf[1] | (buf[2] << 8);
            json_t *inst;

            if (size > (size_t) n - 3)
                size = (size_t) n - 3;
            if ((inst = sqlbrowser_parse((const char *) buf + 3, size)) != NULL) {
                json_array_extend(all, inst);
                json_decref(inst);
            }
        }
    }
    close(fd);
    if (as_json) {
        char   *text = json_dumps(all, JSON_INDENT(2));

        fprintf(out, "%s\n", text);
        free(text);
    } else if (json_array_size(all) == 0)
        fprintf(out, "no SQL Server answered at %s (UDP %s)\n", addr, port);
    else
        for (i = 0; i < (int) json_array_size(all); i++) {
            json_t *s = json_array_get(all, (size_t) i);
            const char *inst = json_string_value(json_object_get(s, "InstanceName"));
            const char *tcp = json_string_value(json_object_get(s, "tcp"));
            const char *ver = json_string_value(json_object_get(s, "Version"));

            fprintf(out, "%s%s%s  tcp %s  version %s\n",
                    json_string_value(json_object_get(s, "ServerName")),
                    inst && strcmp(inst, "MSSQLSERVER") ? "\\" : "",
                    inst && strcmp(inst, "MSSQLSERVER") ? inst : "",
                    tcp ? tcp : "-", ver ? ver : "?");
        }
    json_decref(all);
    return 0;
}
