/*
 * NAME
 *   sqlbrowser - find SQL Server instances: the SQL Server Browser protocol
 *
 * DESCRIPTION
 *   See sqlbrowser.h.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "sqlbrowser.h"
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

/* sqlbrowser_find - one request, every answer within the timeout */
json_t *
sqlbrowser_find(const char *addr, const char *port, long timeout_ms, char *err, size_t errlen)
{
    struct addrinfo hints = { 0 }, *ai = NULL;
    json_t *all;
    struct timespec start, now;
    int     fd, one = 1, rc;
    unsigned char req = 0x02;

    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    if ((rc = getaddrinfo(addr, port, &hints, &ai)) != 0) {
        snprintf(err, errlen, "%s is niet te vinden (\"%s\"); vul de SQL-server zelf in bij "
                 "Instellingen > Koppeling SnelStart", addr, gai_strerror(rc));
        return NULL;
    }
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) != 0
        || sendto(fd, &req, 1, 0, ai->ai_addr, ai->ai_addrlen) != 1) {
        snprintf(err, errlen, "koppel kan de SQL-servers niet zoeken via %s (\"%s\"); vul de "
                 "SQL-server zelf in bij Instellingen > Koppeling SnelStart", addr,
                 strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return NULL;
    }
    freeaddrinfo(ai);
    all = json_array();
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
    return all;
}

/* sqlbrowser_name - "host" or "host\INSTANCE" */
const char *
sqlbrowser_name(const json_t *s, char *buf, size_t len)
{
    const char *host = json_string_value(json_object_get(s, "ServerName"));
    const char *inst = json_string_value(json_object_get(s, "InstanceName"));

    snprintf(buf, len, "%s%s%s", host ? host : "?",
             inst && strcmp(inst, "MSSQLSERVER") ? "\\" : "",
             inst && strcmp(inst, "MSSQLSERVER") ? inst : "");
    return buf;
}
