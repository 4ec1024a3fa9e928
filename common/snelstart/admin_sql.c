/*
 * NAME
 *   admin_sql - read a SnelStart SQL (or Lokaal) administration with
 *               FreeTDS db-lib
 *
 * DESCRIPTION
 *   See admin_sql.h. db-lib reports errors through two process-wide
 *   handlers; they keep the last message per thread, and each call turns
 *   it into a message that names what was being done. A read of the
 *   rows changed since a value is an RPC call of sp_executesql (dbrpcinit,
 *   dbrpcparam, dbrpcsend) with the value as its parameter @since.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <sybfront.h>
#include <sybdb.h>

#include "admin_sql.h"
#include "xalloc.h"

struct admin_sql {
    DBPROCESS *proc;
    char   *server;
    char   *database;
};

/* the last db-lib message of this thread */
static __thread int last_no;
static __thread char last_text[512];
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* the freetds.conf of this process, in memory: one section per server and
 * encryption settings, appended under conf_lock and never changed after */
static int conf_fd = -1;
static char conf_error[256];
static pthread_mutex_t conf_lock = PTHREAD_MUTEX_INITIALIZER;
static char **conf_keys;                /* "server|settings" of each section */
static size_t conf_n;

/* on_message - keep the last server error (not the informational ones) */
static int
on_message(DBPROCESS *proc, DBINT msgno, int state, int severity, char *text, char *srv,
           char *proc_name, int line)
{
    (void) proc; (void) state; (void) srv; (void) proc_name; (void) line;
    if (severity > 10 && (last_no == 0 || last_no == 18456 || msgno == 4060)) {
        /* a failed login sends 4060 before 18456: keep the more precise one */
        if (!(last_no == 4060 && msgno == 18456)) {
            last_no = msgno;
            snprintf(last_text, sizeof last_text, "%s", text ? text : "");
        }
    }
    return 0;
}

/* on_error - keep a client-side error, unless the server said more */
static int
on_error(DBPROCESS *proc, int severity, int dberr, int oserr, char *dberrstr, char *oserrstr)
{
    (void) proc; (void) severity;
    if (last_no == 0) {
        last_no = -dberr;
        snprintf(last_text, sizeof last_text, "%s%s%s", dberrstr ? dberrstr : "db-lib error",
                 oserr && oserrstr ? ": " : "", oserr && oserrstr ? oserrstr : "");
    }
    return INT_CANCEL;
}

/* init - db-lib once per process, reading the freetds.conf of our own */
static void
init(void)
{
    char    path[64];

    if ((conf_fd = memfd_create("koppel-freetds.conf", MFD_CLOEXEC)) < 0)
        snprintf(conf_error, sizeof conf_error, "koppel kan de FreeTDS-instellingen niet "
                 "maken (memfd_create: %s); start koppel opnieuw", strerror(errno));
    else {
        snprintf(path, sizeof path, "/proc/self/fd/%d", conf_fd);
        setenv("FREETDSCONF", path, 1);
    }
    dbinit();
    dberrhandle(on_error);
    dbmsghandle(on_message);
    dbsetlogintime(15);
    dbsettime(120);
}

/* host_of - the host part of "host", "host:port" or "host\instance" */
static void
host_of(const char *server, char *host, size_t len)
{
    size_t  n = strcspn(server, ":\\");

    snprintf(host, len, "%.*s", (int) n, server);
}

/* admin_sql_encryption - a setting's word as a value; -1 for another */
int
admin_sql_encryption(const char *word)
{
    if (strcmp(word, "require") == 0)
        return ADMIN_SQL_REQUIRE;
    if (strcmp(word, "request") == 0)
        return ADMIN_SQL_REQUEST;
    if (strcmp(word, "off") == 0)
        return ADMIN_SQL_OFF;
    return -1;
}

/* conf_value_ok - a value fits on a freetds.conf line as it is */
static bool
conf_value_ok(const char *v)
{
    return strpbrk(v, "\n\r;#[]") == NULL;
}

/* conf_section - the name of the freetds.conf section that connects to
 * server with tls, appended when there is none yet; false with err */
static bool
conf_section(const char *server, const admin_sql_tls_t *tls, char *name, size_t namelen,
             char *err, size_t errlen)
{
    static const char *words[] = { "require", "request", "off" };
    const char *ca = tls->ca_file && *tls->ca_file ? tls->ca_file : "system";
    size_t  hn = strcspn(server, ":\\"), i;
    char   *key, *text;
    bool    ok = true;

    if (conf_fd < 0) {
        snprintf(err, errlen, "SQL-server \"%s\": %s", server, conf_error);
        return false;
    }
    if (!conf_value_ok(server) || !conf_value_ok(ca)) {
        snprintf(err, errlen, "SQL-server \"%s\": sql_server en sql_ca_file mogen geen "
                 "regeleinde en geen ; # [ ] bevatten; pas ze aan bij Instellingen > Koppeling "
                 "SnelStart", server);
        return false;
    }
    key = xasprintf("%s|%d|%d|%s", server, (int) tls->encryption, tls->verify, ca);
    pthread_mutex_lock(&conf_lock);
    for (i = 0; i < conf_n && strcmp(conf_keys[i], key) != 0; i++)
        ;
    if (i == conf_n) {
        text = xasprintf("[koppel-%zu]\n\thost = %.*s\n%s%s%s\ttds version = 7.4\n"
                         "\tencryption = %s\n%s%s%s",
                         i, (int) hn, server,
                         server[hn] == ':' ? "\tport = " : server[hn] == '\\'
                         ? "\tinstance = " : "", server[hn] ? server + hn + 1 : "",
                         server[hn] ? "\n" : "",
                         words[tls->encryption],
                         tls->verify && tls->encryption != ADMIN_SQL_OFF ? "\tca file = " : "",
                         tls->verify && tls->encryption != ADMIN_SQL_OFF ? ca : "",
                         tls->verify && tls->encryption != ADMIN_SQL_OFF
                         ? "\n\tcheck certificate hostname = yes\n" : "");
        /* one write at the end: a reader sees the section whole or not at all */
        if (write(conf_fd, text, strlen(text)) != (ssize_t) strlen(text)) {
            snprintf(err, errlen, "SQL-server \"%s\": koppel kan de FreeTDS-instellingen niet "
                     "schrijven (%s); start koppel opnieuw", server, strerror(errno));
            ok = false;
        } else {
            conf_keys = xrealloc(conf_keys, (conf_n + 1) * sizeof *conf_keys);
            conf_keys[conf_n++] = key;
            key = NULL;
        }
        free(text);
    }
    pthread_mutex_unlock(&conf_lock);
    free(key);
    snprintf(name, namelen, "koppel-%zu", i);
    return ok;
}

/* offers_encryption - ask server (host or host:port; not an instance) in a
 * PRELOGIN, which carries no credentials, whether it offers encryption:
 * 1 yes, 0 no, -1 no answer */
static int
offers_encryption(const char *server)
{
    /* PRELOGIN: VERSION (6 bytes) and ENCRYPTION (1 byte: ENCRYPT_OFF) */
    static const unsigned char pre[] = {
        0x12, 0x01, 0x00, 26, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 11, 0x00, 6,
        0x01, 0x00, 17, 0x00, 1,
        0xFF,
        0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00
    };
    unsigned char buf[512];
    char    host[256], port[16];
    struct addrinfo hints = { 0 }, *ai = NULL;
    struct timeval tv = { 5, 0 };
    size_t  hn = strcspn(server, ":\\"), got = 0, i, off, need = 8;
    int     fd, answer = -1;
    ssize_t n;

    if (server[hn] == '\\' || hn >= sizeof host)
        return -1;
    snprintf(host, sizeof host, "%.*s", (int) hn, server);
    snprintf(port, sizeof port, "%s", server[hn] == ':' ? server + hn + 1 : "1433");
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &ai) != 0)
        return -1;
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0
        || write(fd, pre, sizeof pre) != (ssize_t) sizeof pre)
        goto done;
    while (got < need && got < sizeof buf
           && (n = read(fd, buf + got, sizeof buf - got)) > 0) {
        got += (size_t) n;
        if (got >= 4)
            need = (size_t) buf[2] << 8 | buf[3];
    }
    if (got < 8 || buf[0] != 0x04 || got < need)
        goto done;
    /* the options of the answer, each: token, offset (2), length (2) */
    for (i = 8; i + 5 <= got && buf[i] != 0xFF; i += 5) {
        off = 8 + ((size_t) buf[i + 1] << 8 | buf[i + 2]);
        if (buf[i] == 0x01 && off < got) {
            answer = buf[off] != 0x02;  /* 0x02: ENCRYPT_NOT_SUP */
            break;
        }
    }
done:
    if (fd >= 0)
        close(fd);
    freeaddrinfo(ai);
    return answer;
}

/* login - a connection to server (and database); NULL with err */
static DBPROCESS *
login(const char *server, const char *database, const char *user, const char *password,
      const admin_sql_tls_t *tls, char *err, size_t errlen)
{
    static const admin_sql_tls_t strict = { ADMIN_SQL_REQUIRE, true, NULL };
    LOGINREC *l;
    DBPROCESS *proc;
    char    host[256], section[32];
    struct addrinfo hints = { 0 }, *ai = NULL;
    int     offers;

    pthread_once(&init_once, init);
    if (tls == NULL)
        tls = &strict;
    host_of(server, host, sizeof host);
    hints.ai_socktype = SOCK_STREAM;
    if (*host == 0 || getaddrinfo(host, NULL, &hints, &ai) != 0) {
        snprintf(err, errlen, "SQL-server \"%s\": onbekende host (de naam \"%s\" is niet "
                 "te vinden); controleer de SQL-server bij Instellingen > Koppeling SnelStart",
                 server, host);
        return NULL;
    }
    freeaddrinfo(ai);
    if (!conf_section(server, tls, section, sizeof section, err, errlen))
        return NULL;
    if ((l = dblogin()) == NULL) {
        snprintf(err, errlen, "SQL-server \"%s\": db-lib kan geen aanmelding maken (te weinig "
                 "geheugen?); probeer het later opnieuw", server);
        return NULL;
    }
    if (*user) {
        DBSETLUSER(l, user);
        DBSETLPWD(l, password);
    }
    DBSETLAPP(l, "koppel");
    DBSETLCHARSET(l, "UTF-8");
    DBSETLVERSION(l, DBVERSION_74);
    if (database && *database)
        DBSETLDBNAME(l, database);
    last_no = 0;
    *last_text = 0;
    proc = dbopen(l, section);
    dbloginfree(l);
    if (proc != NULL)
        return proc;
    if (tls->encryption == ADMIN_SQL_REQUIRE && last_no == -SYBEFCON
        && (offers = offers_encryption(server)) >= 0) {
        if (offers == 0)
            snprintf(err, errlen, "SQL-server \"%s\" biedt geen versleuteling: koppel stuurt "
                     "het wachtwoord niet onversleuteld; geef de server een certificaat (SQL "
                     "Server Configuration Manager, Force Encryption), of zet voor een "
                     "testserver sql_encryption = \"off\"", server);
        else if (tls->verify)
            snprintf(err, errlen, "SQL-server \"%s\": het TLS-certificaat klopt niet volgens "
                     "%s voor de hostnaam in sql_server; zet sql_ca_file op het certificaat "
                     "van de CA, of voor een testserver sql_tls_verify = false", server,
                     tls->ca_file && *tls->ca_file ? tls->ca_file
                     : "de certificaatautoriteiten van het systeem");
        else
            snprintf(err, errlen, "SQL-server \"%s\": de versleutelde verbinding is mislukt "
                     "(\"%s\"); probeer het later opnieuw", server,
                     *last_text ? last_text : "geen antwoord");
        return NULL;
    }
    if (last_no == 18456 || last_no == 18452)
        snprintf(err, errlen, "SQL-server \"%s\": aanmelding %s%s%s geweigerd: verkeerde "
                 "gebruikersnaam of wachtwoord; controleer de SQL-gebruiker en het "
                 "SQL-wachtwoord bij Instellingen > Koppeling SnelStart (SQL Server-fout %d: "
                 "\"%s\")", server, *user ? "\"" : "(Windows-authenticatie)", user,
                 *user ? "\"" : "", last_no, last_text);
    else if (last_no == 4060)
        snprintf(err, errlen, "SQL-server \"%s\": administratie (database) \"%s\" bestaat "
                 "niet of de SQL-gebruiker mag hem niet openen (SQL Server-fout 4060); kies de "
                 "administratie bij Instellingen > Koppeling SnelStart (koppelctl admins "
                 "toont ze)", server, database);
    else
        snprintf(err, errlen, "SQL-server \"%s\": geen verbinding (\"%s\"); controleer de "
                 "SQL-server bij Instellingen > Koppeling SnelStart en of hij draait", server,
                 *last_text ? last_text : "geen antwoord");
    return NULL;
}

/* admin_sql_open - log in and open the database */
admin_sql_t *
admin_sql_open(const char *server, const char *database, const char *user,
               const char *password, const admin_sql_tls_t *tls, char *err, size_t errlen)
{
    DBPROCESS *proc = login(server, database, user, password, tls, err, errlen);
    admin_sql_t *self;

    if (proc == NULL)
        return NULL;
    self = xcalloc(1, sizeof *self);
    self->proc = proc;
    self->server = xstrdup(server);
    self->database = xstrdup(database ? database : "");
    return self;
}

/* admin_sql_close - log out and free */
void
admin_sql_close(admin_sql_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    dbclose((*self_p)->proc);
    free((*self_p)->server);
    free((*self_p)->database);
    free(*self_p);
    *self_p = NULL;
}

/* the name of the one parameter, and the db-lib type of the texts sent:
 * on TDS 7 FreeTDS sends SYBVARCHAR as NVARCHAR in the client charset
 * (UTF-8 here), which sp_executesql requires; its SYBNVARCHAR would go
 * out as Sybase's type 0x67, which SQL Server does not know */
#define SINCE_PARAM     "@since"
#define SQL_TEXT_TYPE   SYBVARCHAR

/* has_since - whether q reads only the rows changed after a value */
static bool
has_since(const admin_select_t *q)
{
    return q->since_col && *q->since_col && q->since && *q->since;
}

/* admin_sql_ident - [part].[part], ] doubled */
char *
admin_sql_ident(const char *name)
{
    size_t  n = strlen(name), i, o = 0;
    char   *out = xmalloc(n * 2 + 3 * (n + 1) + 1);

    out[o++] = '[';
    for (i = 0; i < n; i++) {
        if (name[i] == '.') {
            out[o++] = ']';
            out[o++] = '.';
            out[o++] = '[';
        } else if (name[i] == ']') {
            out[o++] = ']';
            out[o++] = ']';
        } else
            out[o++] = name[i];
    }
    out[o++] = ']';
    out[o] = 0;
    return out;
}

/* admin_sql_query - SELECT [TOP n] mapped columns FROM table [WHERE col > @since] */
char *
admin_sql_query(const admin_select_t *q)
{
    char   *sql = q->max_rows > 0 ? xasprintf("SELECT TOP %ld ", q->max_rows)
                                  : xstrdup("SELECT "), *t, *id;
    size_t  i;
    bool    any = false;

    for (i = 0; i < q->ncols; i++) {
        if (*q->cols[i] == 0)
            continue;
        id = admin_sql_ident(q->cols[i]);
        t = xasprintf("%s%s%s", sql, any ? ", " : "", id);
        free(sql);
        free(id);
        sql = t;
        any = true;
    }
    id = admin_sql_ident(q->table);
    t = xasprintf("%s%s FROM %s", sql, any ? "" : "1", id);
    free(sql);
    free(id);
    sql = t;
    if (has_since(q)) {
        char   *c = admin_sql_ident(q->since_col);

        t = xasprintf("%s WHERE %s > " SINCE_PARAM, sql, c);
        free(c);
        free(sql);
        sql = t;
    }
    return sql;
}

/* send_query - run sql: a plain batch, or with the since value as
 * sp_executesql's parameter (a value is never part of the text) */
static bool
send_query(admin_sql_t *self, const admin_select_t *q, char *sql)
{
    static char decl[] = SINCE_PARAM " nvarchar(4000)";
    char   *since;
    bool    ok;

    if (!has_since(q))
        return dbcmd(self->proc, sql) == SUCCEED && dbsqlexec(self->proc) == SUCCEED;
    since = xstrdup(q->since);
    ok = dbrpcinit(self->proc, "sp_executesql", 0) == SUCCEED
        && dbrpcparam(self->proc, "@stmt", 0, SQL_TEXT_TYPE, -1, (DBINT) strlen(sql),
                      (BYTE *) sql) == SUCCEED
        && dbrpcparam(self->proc, "@params", 0, SQL_TEXT_TYPE, -1, (DBINT) strlen(decl),
                      (BYTE *) decl) == SUCCEED
        && dbrpcparam(self->proc, SINCE_PARAM, 0, SQL_TEXT_TYPE, -1, (DBINT) strlen(since),
                      (BYTE *) since) == SUCCEED
        && dbrpcsend(self->proc) == SUCCEED && dbsqlok(self->proc) == SUCCEED;
    free(since);
    return ok;
}

/* column_text - one column of the current row as text; NULL for NULL */
static char *
column_text(DBPROCESS *proc, int col)
{
    BYTE   *data = dbdata(proc, col);
    DBINT   len = dbdatlen(proc, col);
    int     type = dbcoltype(proc, col);
    char    buf[128];
    DBINT   n;

    if (data == NULL)
        return NULL;
    switch (type) {
    case SYBCHAR: case SYBVARCHAR: case SYBTEXT: case SYBNTEXT: case SYBNVARCHAR:
        return xstrndup((const char *) data, (size_t) len);
    case SYBDATETIME: case SYBDATETIMN:
        if (len == 8) {
            DBDATEREC d;

            if (dbdatecrack(proc, &d, (DBDATETIME *) data) == SUCCEED) {
                snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", d.dateyear,
                         d.datemonth + 1, d.datedmonth, d.datehour, d.dateminute,
                         d.datesecond, d.datemsecond);
                return xstrdup(buf);
            }
        }
        break;
    default:
        break;
    }
    n = dbconvert(proc, type, data, len, SYBCHAR, (BYTE *) buf, sizeof buf - 1);
    if (n < 0)
        return xstrdup("");
    buf[n] = 0;
    return xstrdup(buf);
}

/* table_error - a server error while reading a table, in plain words: the
 * column it misses named from SQL Server's "Invalid column name 'X'." */
static void
table_error(const admin_sql_t *self, const char *table, char *err, size_t errlen)
{
    const char *why = last_no == 208 ? "bestaat niet; controleer de administratie bij "
                                       "Instellingen > Koppeling SnelStart, of noem de tabel "
                                       "in snelstart.schema van het profiel"
                    : last_no == 229 || last_no == 230 ? "is niet te lezen: de SQL-gebruiker "
                                                         "heeft er geen leesrecht (SELECT) op; "
                                                         "geef hem dat in SnelStart"
                    : "is niet te lezen";
    const char *q = last_no == 207 ? strchr(last_text, '\'') : NULL;
    const char *e = q ? strchr(q + 1, '\'') : NULL;

    if (last_no == 207 && e)
        snprintf(err, errlen, "administratie \"%s\" op %s: tabel %s heeft geen kolom %.*s; "
                 "noem de kolom in snelstart.schema van het profiel of zet hem op \"\" (SQL "
                 "Server-fout 207: \"%s\")", self->database, self->server, table,
                 (int) (e - q - 1), q + 1, last_text);
    else if (last_no == 207)
        snprintf(err, errlen, "administratie \"%s\" op %s: tabel %s mist een kolom die "
                 "snelstart.schema noemt (SQL Server-fout 207: \"%s\")", self->database,
                 self->server, table, last_text);
    else if (last_no > 0)
        snprintf(err, errlen, "administratie \"%s\" op %s: tabel %s %s (SQL Server-fout %d: "
                 "\"%s\")", self->database, self->server, table, why, last_no, last_text);
    else
        snprintf(err, errlen, "administratie \"%s\" op %s: tabel %s is niet te lezen "
                 "(\"%s\"); probeer het later opnieuw", self->database, self->server, table,
                 *last_text ? last_text : "verbinding verbroken");
}

/* admin_sql_select - run one SELECT, fn per row */
bool
admin_sql_select(admin_sql_t *self, const admin_select_t *q, admin_row_fn fn, void *arg,
                 char *err, size_t errlen)
{
    char   *sql = admin_sql_query(q);
    char  **values = xcalloc(q->ncols + 1, sizeof *values);
    int    *at = xcalloc(q->ncols + 1, sizeof *at);
    size_t  i;
    int     k = 0;
    RETCODE rc;
    bool    ok = true, stop = false;

    for (i = 0; i < q->ncols; i++)
        at[i] = *q->cols[i] ? ++k : 0;
    last_no = 0;
    *last_text = 0;
    dbcancel(self->proc);
    if (!send_query(self, q, sql)) {
        table_error(self, q->table, err, errlen);
        ok = false;
        goto done;
    }
    while ((rc = dbresults(self->proc)) == SUCCEED) {
        while (dbnextrow(self->proc) == REG_ROW) {
            if (stop)
                continue;
            for (i = 0; i < q->ncols; i++)
                values[i] = at[i] ? column_text(self->proc, at[i]) : NULL;
            if (!fn(arg, values))
                stop = true;
            for (i = 0; i < q->ncols; i++) {
                free(values[i]);
                values[i] = NULL;
            }
        }
    }
    if (rc == FAIL || last_no > 0) {
        table_error(self, q->table, err, errlen);
        ok = false;
    }
done:
    free(sql);
    free(values);
    free(at);
    return ok;
}

/* collect - a row of sys.databases into a JSON array */
static bool
collect(void *arg, char **values)
{
    if (values[0])
        json_array_append_new(arg, json_string(values[0]));
    return true;
}

/* admin_sql_databases - the user databases of a server */
json_t *
admin_sql_databases(const char *server, const char *user, const char *password,
                    const admin_sql_tls_t *tls, char *err, size_t errlen)
{
    admin_sql_t *self = admin_sql_open(server, "", user, password, tls, err, errlen);
    static const char *cols[] = { "name" };
    admin_select_t q = { "sys.databases", cols, 1, "database_id", "4", 0 };
    json_t *list;

    if (self == NULL)
        return NULL;
    free(self->database);
    self->database = xstrdup("master");
    list = json_array();
    /* database_id > 4 skips master, tempdb, model and msdb; "4" compares as
       a number on SQL Server after implicit conversion */
    q.since = "4";
    if (!admin_sql_select(self, &q, collect, list, err, errlen))
        json_decref(list), list = NULL;
    admin_sql_close(&self);
    return list;
}
