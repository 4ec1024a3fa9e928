/*
 * NAME
 *   sim_proc - start and stop a simulator from a unit test
 *
 * DESCRIPTION
 *   See sim_proc.h.
 */
#include <errno.h>
#include <libgen.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <curl/curl.h>

#include "sim_proc.h"
#include "xalloc.h"

/* sim_proc_root - the repository root */
const char *
sim_proc_root(void)
{
    return access("tests/fixtures", F_OK) == 0 ? "." : "..";
}

/* free_port - a port nothing listens on now */
static int
free_port(void)
{
    struct sockaddr_in a = { 0 };
    socklen_t len = sizeof a;
    int     fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;

    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *) &a, sizeof a) == 0
        && getsockname(fd, (struct sockaddr *) &a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* accepts - whether something listens on the loopback port */
static bool
accepts(int port)
{
    struct sockaddr_in a = { 0 };
    int     fd = socket(AF_INET, SOCK_STREAM, 0);
    bool    ok;

    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t) port);
    ok = fd >= 0 && connect(fd, (struct sockaddr *) &a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* collect - curl write callback into a growing buffer */
static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
    struct { char *data; size_t len; } *b = arg;

    b->data = xrealloc(b->data, b->len + size * n + 1);
    memcpy(b->data + b->len, p, size * n);
    b->len += size * n;
    b->data[b->len] = 0;
    return size * n;
}

/* sim_proc_get - GET a path */
long
sim_proc_get(const sim_proc_t *s, const char *path, char **body)
{
    CURL   *c = curl_easy_init();
    struct { char *data; size_t len; } b = { NULL, 0 };
    char    url[1024];
    long    status = 0;

    snprintf(url, sizeof url, "%s%s", s->url, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (body)
        *body = b.data ? b.data : xstrdup("");
    else
        free(b.data);
    return status;
}

/* sim_proc_post - POST a JSON body to a path */
long
sim_proc_post(const sim_proc_t *s, const char *path, const char *json, char **body)
{
    CURL   *c = curl_easy_init();
    struct { char *data; size_t len; } b = { NULL, 0 };
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    char    url[1024];
    long    status = 0;

    snprintf(url, sizeof url, "%s%s", s->url, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    if (body)
        *body = b.data ? b.data : xstrdup("");
    else
        free(b.data);
    return status;
}

/* sim_proc_start - run a simulator on a free port and wait until it answers */
bool
sim_proc_start(sim_proc_t *s, const char *name, const char *probe, ...)
{
    const char *args[60];
    size_t  n = 0;
    va_list ap;

    va_start(ap, probe);
    while (n < 59 && (args[n] = va_arg(ap, const char *)) != NULL)
        n++;
    va_end(ap);
    args[n] = NULL;
    return sim_proc_startv(s, name, probe, args);
}

/* sim_proc_startv - the same with the arguments in an array */
bool
sim_proc_startv(sim_proc_t *s, const char *name, const char *probe, const char *const *args)
{
    char   *argv[64], exe[PATH_MAX], bin[PATH_MAX + 16], listen[32], logf[PATH_MAX + 16];
    ssize_t n;
    int     argc = 0, i, fd;

    if (s->dir[0] == 0) {
        snprintf(s->dir, sizeof s->dir, "/tmp/koppel-test-%s.XXXXXX", name);
        if (mkdtemp(s->dir) == NULL)
            return false;
    }
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = 0;
    snprintf(bin, sizeof bin, "%s/bin/%s", dirname(dirname(exe)), name);
    s->port = free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
    argv[argc++] = bin;
    argv[argc++] = "--listen";
    argv[argc++] = listen;
    for (i = 0; args[i] != NULL && argc < 62; i++) {
        const char *at = strstr(args[i], "@DIR@");

        argv[argc++] = at ? xasprintf("%.*s%s%s", (int) (at - args[i]), args[i], s->dir, at + 5)
                          : xstrdup(args[i]);
    }
    argv[argc] = NULL;
    snprintf(logf, sizeof logf, "%s/%s.log", s->dir, name);
    s->pid = fork();
    if (s->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);       /* a failed test leaves no simulator */
        fd = open(logf, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execv(bin, argv);
        fprintf(stderr, "exec %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    for (i = 3; i < argc; i++)
        free(argv[i]);
    if (s->pid < 0)
        return false;
    for (i = 0; i < 200; i++) {
        int     status;

        if (probe ? sim_proc_get(s, probe, NULL) > 0 : accepts(s->port))
            return true;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            s->pid = 0;
            return false;
        }
        usleep(25000);
    }
    sim_proc_stop(s);
    return false;
}

/* sim_proc_stop - SIGTERM and wait */
void
sim_proc_stop(sim_proc_t *s)
{
    int     status;

    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, &status, 0);
        s->pid = 0;
    }
}

/* sim_proc_cleanup - stop and remove the scratch directory */
void
sim_proc_cleanup(sim_proc_t *s)
{
    char    cmd[PATH_MAX + 16];

    sim_proc_stop(s);
    if (s->dir[0] && strncmp(s->dir, "/tmp/koppel-test-", 17) == 0) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "cannot remove %s\n", s->dir);
    }
    s->dir[0] = 0;
}
