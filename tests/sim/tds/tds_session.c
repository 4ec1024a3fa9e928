/*
 * NAME
 *   tds_session - one client connection of tds-sim
 *
 * DESCRIPTION
 *   See tds_session.h. Token layouts follow MS-TDS 2.2.7 for TDS 7.2 and
 *   later: DONE carries an 8-byte row count, ERROR/INFO a 4-byte line
 *   number, COLMETADATA a 4-byte user type. Column types come from the
 *   SQLite declared type (INT, BIGINT, SMALLINT, TINYINT, BIT, DECIMAL(p,s),
 *   NUMERIC, MONEY, DATETIME, DATE, REAL, FLOAT, BLOB, anything else is
 *   NVARCHAR(n) or NVARCHAR(4000)); a computed column takes the type of its
 *   first value. Text longer than its column is cut to it.
 *
 * DIAGNOSTICS
 *   Protocol violations by the client end the connection. SQL errors are
 *   ERROR tokens followed by DONE with the error bit, as SQL Server does.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sqlite3.h>

#include "tds_rpc.h"
#include "tds_session.h"
#include "tds_tls.h"
#include "tds_wire.h"
#include "xalloc.h"

/* tokens (MS-TDS 2.2.7) */
#define TOK_COLMETADATA 0x81
#define TOK_ERROR       0xAA
#define TOK_INFO        0xAB
#define TOK_LOGINACK    0xAD
#define TOK_ROW         0xD1
#define TOK_NBCROW      0xD2
#define TOK_ENVCHANGE   0xE3
#define TOK_RETURNSTATUS 0x79
#define TOK_DONE        0xFD
#define TOK_DONEPROC    0xFE
#define TOK_DONEINPROC  0xFF

/* DONE status bits */
#define DONE_FINAL      0x0000
#define DONE_MORE       0x0001
#define DONE_ERROR      0x0002
#define DONE_COUNT      0x0010
#define DONE_ATTN       0x0020

/* data types (MS-TDS 2.2.5.4) */
#define T_INTN          0x26
#define T_BITN          0x68
#define T_DECIMALN      0x6A
#define T_FLTN          0x6D
#define T_DATETIMN      0x6F
#define T_BIGVARBIN     0xA5
#define T_NVARCHAR      0xE7

#define TDS74           0x74000004u
#define TDS72           0x72090002u
#define DEFAULT_PACKET  4096
#define SERVER_NAME     "tds-sim"

/* PRELOGIN ENCRYPTION values (MS-TDS 2.2.6.5) */
#define ENCRYPT_OFF     0x00
#define ENCRYPT_ON      0x01
#define ENCRYPT_NOT_SUP 0x02
#define ENCRYPT_REQ     0x03

/* Latin1_General_CI_AS: LCID 0x0409, CI, AS, sort id 52 */
static const uint8_t collation[5] = { 0x09, 0x04, 0xD0, 0x00, 0x34 };

typedef struct {
    tds_conn_t conn;
    const tds_sim_conf_t *conf;
    uint8_t encrypt;            /* the ENCRYPTION answered in PRELOGIN */
    bool    in_proc;            /* inside an RPC: DONEINPROC, not DONE */
    const tds_param_t *params;  /* of the RPC being run */
    size_t  nparams;
    sqlite3 *db;
    size_t  dbi;                /* current database */
    int     trancount;          /* open BEGIN TRANs (@@TRANCOUNT) */
    size_t  packet_size;
    char    denied[256];        /* table the authorizer refused last */
    tds_out_t out;
    tds_buf_t in;
} session_t;

typedef struct {
    uint8_t  type;
    uint8_t  size;              /* INTN, FLTN, DATETIMN, BITN: value bytes */
    uint8_t  prec, scale;       /* DECIMALN */
    uint16_t maxlen;            /* NVARCHAR, VARBINARY: bytes */
} col_t;

/* ---- tokens ---- */

/* put_msg - an ERROR or INFO token */
static void
put_msg(session_t *s, uint8_t token, int32_t number, uint8_t state, uint8_t cls,
        const char *text)
{
    tds_buf_t *b = &s->out.buf;
    size_t  at;

    tds_buf_u8(b, token);
    at = b->len;
    tds_buf_u16(b, 0);
    tds_buf_u32(b, (uint32_t) number);
    tds_buf_u8(b, state);
    tds_buf_u8(b, cls);
    tds_buf_usvarchar(b, text);
    tds_buf_bvarchar(b, SERVER_NAME);
    tds_buf_bvarchar(b, "");
    tds_buf_u32(b, 1);
    b->data[at] = (b->len - at - 2) & 0xFF;
    b->data[at + 1] = ((b->len - at - 2) >> 8) & 0xFF;
}

/* put_done - a DONE token, DONEINPROC inside a procedure */
static void
put_done(session_t *s, uint16_t status, uint16_t curcmd, uint64_t rows)
{
    tds_buf_u8(&s->out.buf, s->in_proc ? TOK_DONEINPROC : TOK_DONE);
    if (s->in_proc)
        status |= DONE_MORE;
    tds_buf_u16(&s->out.buf, status);
    tds_buf_u16(&s->out.buf, curcmd);
    tds_buf_u64(&s->out.buf, rows);
}

/* put_envchange - an ENVCHANGE token with B_VARCHAR values */
static void
put_envchange(session_t *s, uint8_t type, const char *nv, const char *ov)
{
    tds_buf_t *b = &s->out.buf;
    size_t  at;

    tds_buf_u8(b, TOK_ENVCHANGE);
    at = b->len;
    tds_buf_u16(b, 0);
    tds_buf_u8(b, type);
    tds_buf_bvarchar(b, nv);
    tds_buf_bvarchar(b, ov);
    b->data[at] = (b->len - at - 2) & 0xFF;
    b->data[at + 1] = ((b->len - at - 2) >> 8) & 0xFF;
}

/* put_error_done - ERROR then the final DONE with the error bit */
static void
put_error_done(session_t *s, int32_t number, uint8_t cls, const char *text)
{
    put_msg(s, TOK_ERROR, number, 1, cls, text);
    put_done(s, DONE_ERROR, 0, 0);
}

/* ---- databases ---- */

/* authorize - deny SELECT on the tables named with --deny */
static int
authorize(void *arg, int action, const char *a1, const char *a2, const char *a3,
          const char *a4)
{
    session_t *s = arg;
    size_t  i;

    (void) a2; (void) a3; (void) a4;
    if (action != SQLITE_READ || a1 == NULL)
        return SQLITE_OK;
    for (i = 0; i < s->conf->ndeny; i++)
        if (strcasecmp(a1, s->conf->deny[i]) == 0) {
            snprintf(s->denied, sizeof s->denied, "%s", a1);
            return SQLITE_DENY;
        }
    return SQLITE_OK;
}

/* exec_fmt - run setup SQL built with sqlite3_mprintf; false on error */
static bool
exec_sql(sqlite3 *db, char *sql)
{
    int     rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

    sqlite3_free(sql);
    return rc == SQLITE_OK;
}

/* open_db - make database i the current one; false when it cannot be opened */
static bool
open_db(session_t *s, size_t i)
{
    const tds_db_t *d = &s->conf->dbs[i];
    sqlite3 *db = NULL;
    size_t  k;
    bool    ok;

    if (sqlite3_open_v2(d->path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return false;
    }
    sqlite3_busy_timeout(db, 5000);
    ok = exec_sql(db, sqlite3_mprintf("ATTACH ':memory:' AS sys;"
            "CREATE TABLE sys.databases(name NVARCHAR(128), database_id INT, "
            "state_desc NVARCHAR(60));"
            "INSERT INTO sys.databases VALUES ('master',1,'ONLINE'),('tempdb',2,'ONLINE'),"
            "('model',3,'ONLINE'),('msdb',4,'ONLINE');"
            "ATTACH %Q AS dbo;"
            "ATTACH ':memory:' AS INFORMATION_SCHEMA;"
            "CREATE TABLE INFORMATION_SCHEMA.TABLES(TABLE_CATALOG NVARCHAR(128), "
            "TABLE_SCHEMA NVARCHAR(128), TABLE_NAME NVARCHAR(128), TABLE_TYPE NVARCHAR(10));"
            "INSERT INTO INFORMATION_SCHEMA.TABLES SELECT %Q, 'dbo', name, CASE type WHEN "
            "'view' THEN 'VIEW' ELSE 'BASE TABLE' END FROM main.sqlite_master WHERE type IN "
            "('table','view') AND name NOT LIKE 'sqlite_%%';"
            "CREATE TABLE INFORMATION_SCHEMA.COLUMNS(TABLE_CATALOG NVARCHAR(128), "
            "TABLE_SCHEMA NVARCHAR(128), TABLE_NAME NVARCHAR(128), COLUMN_NAME NVARCHAR(128), "
            "ORDINAL_POSITION INT, DATA_TYPE NVARCHAR(128), IS_NULLABLE NVARCHAR(3));"
            "INSERT INTO INFORMATION_SCHEMA.COLUMNS SELECT %Q, 'dbo', m.name, p.name, "
            "p.cid + 1, lower(p.type), CASE p.\"notnull\" WHEN 1 THEN 'NO' ELSE 'YES' END "
            "FROM main.sqlite_master m, pragma_table_info(m.name) p WHERE m.type IN "
            "('table','view') AND m.name NOT LIKE 'sqlite_%%';",
            d->path, d->name, d->name));
    for (k = 0; ok && k < s->conf->ndbs; k++)
        ok = exec_sql(db, sqlite3_mprintf("INSERT INTO sys.databases VALUES (%Q, %d, "
                      "'ONLINE')", s->conf->dbs[k].name, (int) k + 5));
    if (!ok) {
        sqlite3_close(db);
        return false;
    }
    sqlite3_set_authorizer(db, authorize, s);
    sqlite3_close(s->db);
    s->db = db;
    s->dbi = i;
    return true;
}

/* find_db - the index of a database by name (any case); -1 when absent */
static long
find_db(const session_t *s, const char *name)
{
    size_t  i;

    for (i = 0; i < s->conf->ndbs; i++)
        if (strcasecmp(s->conf->dbs[i].name, name) == 0)
            return (long) i;
    return -1;
}

/* ---- PRELOGIN and LOGIN7 ---- */

/* prelogin - answer the client's PRELOGIN; false on a malformed one */
static bool
prelogin(session_t *s)
{
    const uint8_t *p = s->in.data;
    size_t  n = s->in.len, i = 0;
    bool    version = false;
    tds_buf_t *b = &s->out.buf;
    static const uint8_t opts[][2] = {
        { 0x00, 6 }, { 0x01, 1 }, { 0x02, 1 }, { 0x03, 0 }, { 0x04, 1 }
    };
    uint16_t off = 5 * 5 + 1;
    uint8_t client = ENCRYPT_NOT_SUP;
    size_t  k;

    while (i < n && p[i] != 0xFF) {
        size_t  o, l;

        if (i + 5 > n)
            return false;
        o = ((size_t) p[i + 1] << 8) | p[i + 2];
        l = ((size_t) p[i + 3] << 8) | p[i + 4];
        if (o + l > n)
            return false;
        if (p[i] == 0x00) {
            if (i != 0 || l < 6)
                return false;       /* VERSION comes first (2.2.6.5) */
            version = true;
        }
        if (p[i] == 0x01 && l >= 1)
            client = p[o];
        i += 5;
    }
    if (i >= n || !version)
        return false;
    tds_out_init(&s->out, &s->conn, s->packet_size, TDS_PKT_REPLY);
    for (k = 0; k < 5; k++) {
        tds_buf_u8(b, opts[k][0]);
        tds_buf_be16(b, off);
        tds_buf_be16(b, opts[k][1]);
        off += opts[k][1];
    }
    tds_buf_u8(b, 0xFF);
    /* with a certificate: TLS for the login alone when the client offers
       it (OFF), for everything when it asks (ON, REQ); else NOT_SUP */
    s->encrypt = s->conf->tls == NULL || client == ENCRYPT_NOT_SUP ? ENCRYPT_NOT_SUP
               : client == ENCRYPT_OFF ? ENCRYPT_OFF : ENCRYPT_ON;
    /* VERSION 15.0.2000.0, ENCRYPTION, INSTOPT 0, MARS off */
    tds_buf_bytes(b, "\x0F\x00\x07\xD0\x00\x00", 6);
    tds_buf_u8(b, s->encrypt);
    tds_buf_u8(b, 0x00);
    tds_buf_u8(b, 0x00);
    return tds_out_end(&s->out) == 0;
}

/* login_field - a UCS-2 field of LOGIN7 at header offset h as UTF-8;
 * NULL when it lies outside the message */
static char *
login_field(const session_t *s, size_t h, bool password)
{
    const uint8_t *p = s->in.data;
    size_t  off = p[h] | (p[h + 1] << 8), cch = p[h + 2] | (p[h + 3] << 8);
    uint8_t *copy;
    char   *text;
    size_t  i;

    if (off + cch * 2 > s->in.len)
        return NULL;
    copy = xmalloc(cch * 2 + 1);
    memcpy(copy, p + off, cch * 2);
    if (password)                  /* MS-TDS 2.2.6.4: swap nibbles, XOR 0xA5 */
        for (i = 0; i < cch * 2; i++) {
            uint8_t c = copy[i] ^ 0xA5;

            copy[i] = (uint8_t) ((c << 4) | (c >> 4));
        }
    text = tds_ucs2_to_utf8(copy, cch);
    free(copy);
    return text;
}

/* login7 - check the login and answer it; false when the connection ends */
static bool
login7(session_t *s)
{
    const uint8_t *p = s->in.data;
    uint32_t len, version, psize;
    char   *user = NULL, *pass = NULL, *dbname = NULL, msg[512], ps[16];
    long    dbi = 0;
    bool    ok = false;
    tds_buf_t *b = &s->out.buf;
    size_t  at;

    if (s->in.len < 94)
        return false;
    len = p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t) p[3] << 24);
    version = p[4] | (p[5] << 8) | (p[6] << 16) | ((uint32_t) p[7] << 24);
    psize = p[8] | (p[9] << 8) | (p[10] << 16) | ((uint32_t) p[11] << 24);
    if (len > s->in.len || len < 94)
        return false;
    tds_out_init(&s->out, &s->conn, s->packet_size, TDS_PKT_REPLY);
    if (version < TDS72 || (version >> 24) < 0x72) {
        put_error_done(s, 18456, 14, "tds-sim speaks TDS 7.2 to 7.4 only");
        goto out;
    }
    if (version > TDS74)
        version = TDS74;
    if (p[25] & 0x80) {             /* OptionFlags2.fIntSecurity */
        put_error_done(s, 18452, 14, "Login failed. The login is from an untrusted domain "
                       "and cannot be used with Integrated authentication.");
        goto out;
    }
    user = login_field(s, 40, false);
    pass = login_field(s, 44, true);
    dbname = login_field(s, 68, false);
    if (user == NULL || pass == NULL || dbname == NULL)
        goto out;
    if (strcmp(user, s->conf->user) != 0 || strcmp(pass, s->conf->password) != 0) {
        snprintf(msg, sizeof msg, "Login failed for user '%s'.", user);
        put_error_done(s, 18456, 14, msg);
        goto out;
    }
    if (*dbname && (dbi = find_db(s, dbname)) < 0) {
        snprintf(msg, sizeof msg, "Cannot open database \"%s\" requested by the login. "
                 "The login failed.", dbname);
        put_msg(s, TOK_ERROR, 4060, 1, 11, msg);
        snprintf(msg, sizeof msg, "Login failed for user '%s'.", user);
        put_error_done(s, 18456, 14, msg);
        goto out;
    }
    if (!open_db(s, (size_t) dbi)) {
        snprintf(msg, sizeof msg, "Cannot open database \"%s\": its file cannot be read.",
                 s->conf->dbs[dbi].name);
        put_error_done(s, 4060, 11, msg);
        goto out;
    }
    put_envchange(s, 1, s->conf->dbs[dbi].name, "master");
    snprintf(msg, sizeof msg, "Changed database context to '%s'.", s->conf->dbs[dbi].name);
    put_msg(s, TOK_INFO, 5701, 2, 0, msg);
    tds_buf_u8(b, TOK_ENVCHANGE);
    tds_buf_u16(b, 1 + 1 + 5 + 1);
    tds_buf_u8(b, 7);               /* SQL collation */
    tds_buf_u8(b, 5);
    tds_buf_bytes(b, collation, 5);
    tds_buf_u8(b, 0);
    put_envchange(s, 2, "us_english", "");
    put_msg(s, TOK_INFO, 5703, 1, 0, "Changed language setting to us_english.");
    tds_buf_u8(b, TOK_LOGINACK);
    at = b->len;
    tds_buf_u16(b, 0);
    tds_buf_u8(b, 1);               /* SQL_TSQL */
    tds_buf_u8(b, (version >> 24) & 0xFF);
    tds_buf_u8(b, (version >> 16) & 0xFF);
    tds_buf_u8(b, (version >> 8) & 0xFF);
    tds_buf_u8(b, version & 0xFF);
    tds_buf_bvarchar(b, "Microsoft SQL Server");
    tds_buf_bytes(b, "\x0F\x00\x07\xD0", 4);
    b->data[at] = (b->len - at - 2) & 0xFF;
    b->data[at + 1] = ((b->len - at - 2) >> 8) & 0xFF;
    if (psize == 0)
        psize = DEFAULT_PACKET;
    if (psize < 512)
        psize = 512;
    if (psize > 32767)
        psize = 32767;
    snprintf(ps, sizeof ps, "%u", psize);
    put_envchange(s, 4, ps, ps);
    put_done(s, DONE_FINAL, 0, 0);
    ok = true;
out:
    if (tds_out_end(&s->out) != 0)
        ok = false;
    if (ok)
        s->packet_size = psize;
    free(user);
    if (pass) {
        memset(pass, 0, strlen(pass));
        free(pass);
    }
    free(dbname);
    return ok;
}

/* ---- T-SQL to SQLite ---- */

/* word_eq - whether the text at p is the word w (any case), not a prefix */
static bool
word_eq(const char *p, const char *w)
{
    size_t  n = strlen(w);

    return strncasecmp(p, w, n) == 0 && !(isalnum((unsigned char) p[n]) || p[n] == '_');
}

/* rewrite - T-SQL forms SQLite lacks: N'..', TOP n, @@VARIABLES */
static char *
rewrite(const char *in)
{
    tds_buf_t b = { 0 };
    const char *p = in;
    char    prev[16] = "";
    long    limit = -1;

    while (*p) {
        if (*p == '\'' || ((*p == 'N' || *p == 'n') && p[1] == '\''
                           && (p == in || !(isalnum((unsigned char) p[-1]) || p[-1] == '_')))) {
            const char *q;

            if (*p != '\'')
                p++;
            q = p + 1;
            while (*q && !(*q == '\'' && q[1] != '\''))
                q += *q == '\'' ? 2 : 1;
            if (*q)
                q++;
            tds_buf_bytes(&b, p, (size_t) (q - p));
            p = q;
            *prev = 0;
        } else if (*p == '[' || *p == '"') {
            char    close = *p == '[' ? ']' : '"';
            const char *q = p + 1;

            while (*q && !(*q == close && q[1] != close))
                q += *q == close ? 2 : 1;
            if (*q)
                q++;
            tds_buf_bytes(&b, p, (size_t) (q - p));
            p = q;
            *prev = 0;
        } else if (p[0] == '-' && p[1] == '-') {
            const char *q = strchr(p, '\n');

            q = q ? q : p + strlen(p);
            tds_buf_bytes(&b, p, (size_t) (q - p));
            p = q;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *q = strstr(p + 2, "*/");

            q = q ? q + 2 : p + strlen(p);
            tds_buf_bytes(&b, p, (size_t) (q - p));
            p = q;
        } else if (p[0] == '@' && p[1] == '@') {
            const char *v = NULL;

            if (word_eq(p + 2, "VERSION"))
                v = "'Microsoft SQL Server 2019 (tds-sim, SQLite " SQLITE_VERSION ")'";
            else if (word_eq(p + 2, "SPID"))
                v = "51";
            else if (word_eq(p + 2, "SERVERNAME"))
                v = "'" SERVER_NAME "'";
            else if (word_eq(p + 2, "TRANCOUNT"))
                v = "0";
            if (v == NULL) {
                tds_buf_bytes(&b, p, 2);
                p += 2;
                continue;
            }
            tds_buf_bytes(&b, v, strlen(v));
            p += 2;
            while (isalnum((unsigned char) *p) || *p == '_')
                p++;
        } else if (isalpha((unsigned char) *p) || *p == '_') {
            const char *q = p;

            while (isalnum((unsigned char) *q) || *q == '_')
                q++;
            if (word_eq(p, "TOP") && (strcasecmp(prev, "SELECT") == 0
                                      || strcasecmp(prev, "DISTINCT") == 0)) {
                const char *r = q;
                char   *end;
                bool    paren;

                while (isspace((unsigned char) *r))
                    r++;
                paren = *r == '(';
                if (paren)
                    r++;
                limit = strtol(r, &end, 10);
                if (end != r && (!paren || *end == ')')) {
                    p = end + (paren ? 1 : 0);
                    continue;
                }
                limit = -1;
            }
            snprintf(prev, sizeof prev, "%.*s", (int) (q - p < 15 ? q - p : 15), p);
            tds_buf_bytes(&b, p, (size_t) (q - p));
            p = q;
        } else {
            if (*p == ';' && limit >= 0) {
                char    l[32];

                snprintf(l, sizeof l, " LIMIT %ld", limit);
                tds_buf_bytes(&b, l, strlen(l));
                limit = -1;
            }
            if (!isspace((unsigned char) *p))
                *prev = 0;
            tds_buf_u8(&b, (uint8_t) *p++);
        }
    }
    if (limit >= 0) {
        char    l[32];

        snprintf(l, sizeof l, " LIMIT %ld", limit);
        tds_buf_bytes(&b, l, strlen(l));
    }
    tds_buf_u8(&b, 0);
    return (char *) b.data;
}

/* skip_blank - past white space, comments and semicolons */
static const char *
skip_blank(const char *p)
{
    for (;;) {
        while (isspace((unsigned char) *p) || *p == ';')
            p++;
        if (p[0] == '-' && p[1] == '-') {
            p = strchr(p, '\n') ? strchr(p, '\n') : p + strlen(p);
        } else if (p[0] == '/' && p[1] == '*') {
            p = strstr(p + 2, "*/") ? strstr(p + 2, "*/") + 2 : p + strlen(p);
        } else
            return p;
    }
}

/* ---- result sets ---- */

/* col_from_decl - the TDS type of a declared SQLite column type */
static bool
col_from_decl(const char *decl, col_t *c)
{
    char    u[64];
    size_t  i;
    const char *paren;
    int     a = 0, bb = 0, n;

    if (decl == NULL || *decl == 0)
        return false;
    for (i = 0; decl[i] && i + 1 < sizeof u; i++)
        u[i] = (char) toupper((unsigned char) decl[i]);
    u[i] = 0;
    paren = strchr(u, '(');
    n = paren ? sscanf(paren, "(%d,%d", &a, &bb) : 0;
    memset(c, 0, sizeof *c);
    if (strstr(u, "BIGINT"))
        *c = (col_t) { T_INTN, 8, 0, 0, 0 };
    else if (strstr(u, "SMALLINT"))
        *c = (col_t) { T_INTN, 2, 0, 0, 0 };
    else if (strstr(u, "TINYINT"))
        *c = (col_t) { T_INTN, 1, 0, 0, 0 };
    else if (strstr(u, "INT"))
        *c = (col_t) { T_INTN, 4, 0, 0, 0 };
    else if (strstr(u, "BIT") || strstr(u, "BOOL"))
        *c = (col_t) { T_BITN, 1, 0, 0, 0 };
    else if (strstr(u, "DEC") || strstr(u, "NUMERIC") || strstr(u, "MONEY")) {
        c->type = T_DECIMALN;
        c->prec = strstr(u, "MONEY") ? 19 : n >= 1 && a >= 1 && a <= 38 ? (uint8_t) a : 18;
        c->scale = strstr(u, "MONEY") ? 4 : n == 2 && bb >= 0 && bb <= c->prec ? (uint8_t) bb : 0;
        c->size = c->prec <= 9 ? 5 : c->prec <= 19 ? 9 : c->prec <= 28 ? 13 : 17;
    } else if (strstr(u, "DATE") || strstr(u, "TIME"))
        *c = (col_t) { T_DATETIMN, 8, 0, 0, 0 };
    else if (strstr(u, "REAL") || strstr(u, "FLOA") || strstr(u, "DOUB"))
        *c = (col_t) { T_FLTN, 8, 0, 0, 0 };
    else if (strstr(u, "BLOB") || strstr(u, "BINARY"))
        *c = (col_t) { T_BIGVARBIN, 0, 0, 0, n >= 1 && a > 0 && a <= 8000 ? (uint16_t) a : 8000 };
    else
        *c = (col_t) { T_NVARCHAR, 0, 0, 0, n >= 1 && a > 0 && a <= 4000 ? (uint16_t) (2 * a)
                                                                        : 8000 };
    return true;
}

/* col_from_value - the TDS type of a computed column's first value: a
 * whole number is INT as SQL Server's COUNT(*) is, BIGINT when it does
 * not fit */
static void
col_from_value(sqlite3_stmt *st, int i, int sqlite_type, col_t *c)
{
    sqlite3_int64 v;

    memset(c, 0, sizeof *c);
    switch (sqlite_type) {
    case SQLITE_INTEGER:
        v = sqlite3_column_int64(st, i);
        *c = (col_t) { T_INTN, v >= INT32_MIN && v <= INT32_MAX ? 4 : 8, 0, 0, 0 };
        break;
    case SQLITE_FLOAT:
        *c = (col_t) { T_FLTN, 8, 0, 0, 0 };
        break;
    case SQLITE_BLOB:
        *c = (col_t) { T_BIGVARBIN, 0, 0, 0, 8000 };
        break;
    default:
        *c = (col_t) { T_NVARCHAR, 0, 0, 0, 8000 };
    }
}

/* put_colmetadata - the COLMETADATA token of a statement */
static void
put_colmetadata(session_t *s, sqlite3_stmt *st, const col_t *cols, int n)
{
    tds_buf_t *b = &s->out.buf;
    int     i;

    tds_buf_u8(b, TOK_COLMETADATA);
    tds_buf_u16(b, (uint16_t) n);
    for (i = 0; i < n; i++) {
        tds_buf_u32(b, 0);                  /* UserType */
        tds_buf_u16(b, 0x0001 | 0x0008);    /* fNullable, updateable unknown */
        tds_buf_u8(b, cols[i].type);
        switch (cols[i].type) {
        case T_INTN: case T_BITN: case T_FLTN: case T_DATETIMN:
            tds_buf_u8(b, cols[i].size);
            break;
        case T_DECIMALN:
            tds_buf_u8(b, cols[i].size);
            tds_buf_u8(b, cols[i].prec);
            tds_buf_u8(b, cols[i].scale);
            break;
        case T_BIGVARBIN:
            tds_buf_u16(b, cols[i].maxlen);
            break;
        default:
            tds_buf_u16(b, cols[i].maxlen);
            tds_buf_bytes(b, collation, 5);
        }
        tds_buf_bvarchar(b, sqlite3_column_name(st, i) ? sqlite3_column_name(st, i) : "");
    }
}

/* days_from_civil - days since 1970-01-01 of a Gregorian date */
static long
days_from_civil(long y, long m, long d)
{
    long    era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* parse_datetime - "YYYY-MM-DD[ T]HH:MM[:SS[.fff]]" as DATETIME days and ticks */
static bool
parse_datetime(const char *t, int32_t *days, uint32_t *ticks)
{
    int     y, mo, d, h = 0, mi = 0, n;
    double  sec = 0;

    if (t == NULL || sscanf(t, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1753 || y > 9999)
        return false;
    if (t[n] == ' ' || t[n] == 'T')
        if (sscanf(t + n + 1, "%2d:%2d:%lf", &h, &mi, &sec) < 2)
            return false;
    *days = (int32_t) (days_from_civil(y, mo, d) + 25567);
    *ticks = (uint32_t) llround(((double) h * 3600 + mi * 60 + sec) * 300.0);
    return true;
}

/* parse_decimal - a decimal text scaled by 10^scale, rounded half away from
 * zero; false when it is not a number or does not fit */
static bool
parse_decimal(const char *t, int scale, bool *neg, uint64_t *mag)
{
    const char *p = t;
    uint64_t v = 0;
    int     frac = -1, digits = 0;

    if (t == NULL)
        return false;
    if (strpbrk(t, "eE")) {
        double  x = strtod(t, NULL) * pow(10, scale);

        if (!isfinite(x) || fabs(x) >= 1.8e19)
            return false;
        *neg = x < 0;
        *mag = (uint64_t) llround(fabs(x));
        return true;
    }
    while (isspace((unsigned char) *p))
        p++;
    *neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    for (; *p; p++) {
        if (*p == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (!isdigit((unsigned char) *p))
            break;
        digits++;
        if (frac >= 0 && frac == scale) {
            if (*p >= '5')
                v++;
            frac++;
            while (isdigit((unsigned char) p[1]))
                p++;
            continue;
        }
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t) (*p - '0');
        if (frac >= 0)
            frac++;
    }
    if (digits == 0 || *p)
        return false;
    for (frac = frac < 0 ? 0 : frac > scale ? scale : frac; frac < scale; frac++) {
        if (v > UINT64_MAX / 10)
            return false;
        v *= 10;
    }
    *mag = v;
    return true;
}

/* put_value - one non-NULL column value; false with the SQL Server error */
static bool
put_value(session_t *s, sqlite3_stmt *st, int i, const col_t *c, char *err, size_t errlen)
{
    tds_buf_t *b = &s->out.buf;
    const char *t;

    switch (c->type) {
    case T_INTN: {
        sqlite3_int64 v = sqlite3_column_int64(st, i);
        int     k;

        if ((c->size == 4 && (v < INT32_MIN || v > INT32_MAX))
            || (c->size == 2 && (v < INT16_MIN || v > INT16_MAX))
            || (c->size == 1 && (v < 0 || v > 255))) {
            snprintf(err, errlen, "Arithmetic overflow error converting expression to "
                     "data type int.");
            return false;
        }
        tds_buf_u8(b, c->size);
        for (k = 0; k < c->size; k++)
            tds_buf_u8(b, (uint8_t) (((uint64_t) v >> (8 * k)) & 0xFF));
        return true;
    }
    case T_BITN:
        tds_buf_u8(b, 1);
        tds_buf_u8(b, sqlite3_column_int64(st, i) != 0);
        return true;
    case T_FLTN: {
        double  d = sqlite3_column_double(st, i);
        uint64_t bits;

        memcpy(&bits, &d, 8);
        tds_buf_u8(b, 8);
        tds_buf_u64(b, bits);
        return true;
    }
    case T_DATETIMN: {
        int32_t days;
        uint32_t ticks;

        if (!parse_datetime((const char *) sqlite3_column_text(st, i), &days, &ticks)) {
            snprintf(err, errlen, "Conversion failed when converting date and/or time "
                     "from character string.");
            return false;
        }
        tds_buf_u8(b, 8);
        tds_buf_u32(b, (uint32_t) days);
        tds_buf_u32(b, ticks);
        return true;
    }
    case T_DECIMALN: {
        bool    neg;
        uint64_t mag;
        int     k;

        if (!parse_decimal((const char *) sqlite3_column_text(st, i), c->scale, &neg, &mag)
            || (c->size == 5 && mag > 999999999ULL)) {
            snprintf(err, errlen, "Arithmetic overflow error converting %s to data type "
                     "numeric.", (const char *) sqlite3_column_text(st, i));
            return false;
        }
        tds_buf_u8(b, c->size);
        tds_buf_u8(b, neg && mag ? 0 : 1);
        for (k = 0; k < c->size - 1; k++)
            tds_buf_u8(b, k < 8 ? (uint8_t) ((mag >> (8 * k)) & 0xFF) : 0);
        return true;
    }
    case T_BIGVARBIN: {
        int     n = sqlite3_column_bytes(st, i);
        const void *p = sqlite3_column_blob(st, i);

        if (n > c->maxlen)
            n = c->maxlen;
        tds_buf_u16(b, (uint16_t) n);
        tds_buf_bytes(b, p, (size_t) n);
        return true;
    }
    default: {
        size_t  at = b->len, units;

        t = (const char *) sqlite3_column_text(st, i);
        tds_buf_u16(b, 0);
        units = tds_buf_ucs2(b, t ? t : "", (size_t) sqlite3_column_bytes(st, i),
                             c->maxlen / 2);
        b->data[at] = (units * 2) & 0xFF;
        b->data[at + 1] = ((units * 2) >> 8) & 0xFF;
        return true;
    }
    }
}

/* put_row - ROW, or NBCROW when a value is NULL */
static bool
put_row(session_t *s, sqlite3_stmt *st, const col_t *cols, int n, char *err, size_t errlen)
{
    tds_buf_t *b = &s->out.buf;
    bool    nulls = false;
    int     i;

    for (i = 0; i < n && !nulls; i++)
        nulls = sqlite3_column_type(st, i) == SQLITE_NULL;
    if (nulls) {
        size_t  at;

        tds_buf_u8(b, TOK_NBCROW);
        at = b->len;
        for (i = 0; i < (n + 7) / 8; i++)
            tds_buf_u8(b, 0);
        for (i = 0; i < n; i++)
            if (sqlite3_column_type(st, i) == SQLITE_NULL)
                b->data[at + i / 8] |= (uint8_t) (1 << (i % 8));
    } else
        tds_buf_u8(b, TOK_ROW);
    for (i = 0; i < n; i++)
        if (sqlite3_column_type(st, i) != SQLITE_NULL && !put_value(s, st, i, &cols[i], err, errlen))
            return false;
    return true;
}

/* sql_error - an SQLite error as SQL Server's number, class and message */
static void
sql_error(session_t *s, const char *msg, int32_t *number, uint8_t *cls, char *out, size_t len)
{
    *cls = 16;
    if (strncmp(msg, "no such table: ", 15) == 0) {
        const char *t = msg + 15;

        if (strncmp(t, "dbo.", 4) == 0)
            t += 4;
        *number = 208;
        snprintf(out, len, "Invalid object name '%s'.", t);
    } else if (strncmp(msg, "no such column: ", 16) == 0) {
        *number = 207;
        snprintf(out, len, "Invalid column name '%s'.", msg + 16);
    } else if (strstr(msg, "prohibited") || strstr(msg, "not authorized")) {
        *number = 229;
        *cls = 14;
        snprintf(out, len, "The SELECT permission was denied on the object '%s', "
                 "database '%s', schema 'dbo'.", s->denied, s->conf->dbs[s->dbi].name);
    } else if (strstr(msg, "syntax error")) {
        const char *near = strstr(msg, "near \"");

        *number = 102;
        *cls = 15;
        if (near) {
            const char *e = strchr(near + 6, '"');

            snprintf(out, len, "Incorrect syntax near '%.*s'.",
                     (int) (e ? e - near - 6 : 0), near + 6);
        } else
            snprintf(out, len, "Incorrect syntax: %s.", msg);
    } else {
        *number = 50000;
        snprintf(out, len, "%s", msg);
    }
}

/* curcmd - the DONE CurCmd of a statement */
static uint16_t
curcmd(const char *sql)
{
    sql = skip_blank(sql);
    if (word_eq(sql, "INSERT"))
        return 0xC3;
    if (word_eq(sql, "DELETE"))
        return 0xC4;
    if (word_eq(sql, "UPDATE"))
        return 0xC5;
    if (word_eq(sql, "SELECT") || word_eq(sql, "WITH"))
        return 0xC1;
    return 0;
}

/* run_statement - one prepared statement; false after an error */
static bool
run_statement(session_t *s, sqlite3_stmt *st, bool more)
{
    int     n = sqlite3_column_count(st), rc, i;
    uint16_t cmd = curcmd(sqlite3_sql(st));
    uint16_t more_bit = more ? DONE_MORE : 0;
    uint64_t rows = 0;
    col_t  *cols = NULL;
    char    err[512], msg[640];
    int32_t number;
    uint8_t cls;

    *s->denied = 0;
    rc = sqlite3_step(st);
    if (n > 0 && (rc == SQLITE_ROW || rc == SQLITE_DONE)) {
        cols = xcalloc((size_t) n, sizeof *cols);
        for (i = 0; i < n; i++)
            if (!col_from_decl(sqlite3_column_decltype(st, i), &cols[i]))
                col_from_value(st, i, rc == SQLITE_ROW ? sqlite3_column_type(st, i) : SQLITE_NULL,
                               &cols[i]);
        put_colmetadata(s, st, cols, n);
        while (rc == SQLITE_ROW) {
            if (!put_row(s, st, cols, n, err, sizeof err)) {
                free(cols);
                put_msg(s, TOK_ERROR, 8115, 1, 16, err);
                put_done(s, DONE_ERROR | DONE_COUNT, cmd, rows);
                return false;
            }
            rows++;
            if (tds_out_flush(&s->out) != 0)
                break;
            if (s->conf->slow_ms > 0 && rows % 1000 == 0)
                usleep((useconds_t) s->conf->slow_ms * 1000);   /* a slow network */
            rc = sqlite3_step(st);
        }
        free(cols);
    } else
        while (rc == SQLITE_ROW)
            rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        sql_error(s, sqlite3_errmsg(s->db), &number, &cls, msg, sizeof msg);
        put_msg(s, TOK_ERROR, number, 1, cls, msg);
        put_done(s, DONE_ERROR, cmd, 0);
        return false;
    }
    if (n == 0 && cmd >= 0xC3)
        rows = (uint64_t) sqlite3_changes(s->db);
    put_done(s, (uint16_t) (more_bit | (n > 0 || cmd >= 0xC3 ? DONE_COUNT : 0)), cmd, rows);
    return true;
}

/* put_tran_envchange - ENVCHANGE 8 (begin), 9 (commit) or 10 (rollback)
 * with the one transaction descriptor tds-sim uses, 1 */
static void
put_tran_envchange(session_t *s, uint8_t type)
{
    tds_buf_t *b = &s->out.buf;

    tds_buf_u8(b, TOK_ENVCHANGE);
    tds_buf_u16(b, 1 + 1 + 8 + 1);
    tds_buf_u8(b, type);
    if (type == 8) {
        tds_buf_u8(b, 8);
        tds_buf_u64(b, 1);
        tds_buf_u8(b, 0);
    } else {
        tds_buf_u8(b, 0);
        tds_buf_u8(b, 8);
        tds_buf_u64(b, 1);
    }
}

/* transaction - BEGIN TRAN, COMMIT or ROLLBACK at p as SQL Server nests
 * them (only the outermost COMMIT commits, ROLLBACK ends them all), run
 * on SQLite; returns the text after the statement */
static const char *
transaction(session_t *s, const char *p, bool *ok)
{
    bool    begin = word_eq(p, "BEGIN"), commit = word_eq(p, "COMMIT");
    const char *sql = NULL;

    *ok = true;
    while (*p && *p != ';' && *p != '\n')
        p++;
    if (begin) {
        if (s->trancount++ == 0) {
            sql = "BEGIN";
            put_tran_envchange(s, 8);
        }
    } else if (s->trancount == 0) {
        put_msg(s, TOK_ERROR, commit ? 3902 : 3903, 1, 16, commit
                ? "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION."
                : "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.");
        *ok = false;
    } else if (!commit || --s->trancount == 0) {
        s->trancount = 0;
        sql = commit ? "COMMIT" : "ROLLBACK";
        put_tran_envchange(s, commit ? 9 : 10);
    }
    if (sql && sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        put_msg(s, TOK_ERROR, 50000, 1, 16, sqlite3_errmsg(s->db));
        *ok = false;
    }
    return p;
}

/* is_transaction - whether the text at p is BEGIN TRAN[SACTION], COMMIT
 * or ROLLBACK (not BEGIN ... END) */
static bool
is_transaction(const char *p)
{
    if (word_eq(p, "COMMIT") || word_eq(p, "ROLLBACK"))
        return true;
    if (!word_eq(p, "BEGIN"))
        return false;
    p += 5;
    while (isspace((unsigned char) *p))
        p++;
    return word_eq(p, "TRAN") || word_eq(p, "TRANSACTION");
}

/* use_db - the USE statement at p; returns the text after it */
static const char *
use_db(session_t *s, const char *p, bool *ok)
{
    char    name[256], msg[400];
    size_t  n = 0;
    long    i;
    const char *old;

    p = skip_blank(p + 3);
    if (*p == '[' || *p == '"') {
        char    close = *p == '[' ? ']' : '"';

        for (p++; *p && !(*p == close && p[1] != close); p++) {
            if (*p == close)
                p++;
            if (n + 1 < sizeof name)
                name[n++] = *p;
        }
        if (*p)
            p++;
    } else
        while (*p && !isspace((unsigned char) *p) && *p != ';')
            if (n + 1 < sizeof name)
                name[n++] = *p++;
            else
                p++;
    name[n] = 0;
    *ok = false;
    if ((i = find_db(s, name)) < 0) {
        snprintf(msg, sizeof msg, "Database '%s' does not exist. Make sure that the name is "
                 "entered correctly.", name);
        put_msg(s, TOK_ERROR, 911, 1, 16, msg);
        return p;
    }
    old = s->conf->dbs[s->dbi].name;
    if (!open_db(s, (size_t) i)) {
        snprintf(msg, sizeof msg, "Database '%s' cannot be opened.", name);
        put_msg(s, TOK_ERROR, 945, 1, 14, msg);
        return p;
    }
    put_envchange(s, 1, s->conf->dbs[i].name, old);
    snprintf(msg, sizeof msg, "Changed database context to '%s'.", s->conf->dbs[i].name);
    put_msg(s, TOK_INFO, 5701, 1, 0, msg);
    *ok = true;
    return p;
}

/* bind_params - the RPC's parameters into the statement's @names; false
 * with SQL Server's message when the text names one not supplied */
static bool
bind_params(session_t *s, sqlite3_stmt *st, char *err, size_t errlen)
{
    int     n = sqlite3_bind_parameter_count(st), k, rc = SQLITE_OK;

    for (k = 1; k <= n && rc == SQLITE_OK; k++) {
        const char *name = sqlite3_bind_parameter_name(st, k);
        const tds_param_t *v = NULL;
        size_t  j;

        for (j = 0; name && j < s->nparams && v == NULL; j++)
            if (strcasecmp(name, s->params[j].name) == 0)
                v = &s->params[j];
        if (v == NULL) {
            snprintf(err, errlen, "Must declare the scalar variable \"%s\".", name ? name : "?");
            return false;
        }
        switch (v->kind) {
        case TDS_V_NULL: rc = sqlite3_bind_null(st, k); break;
        case TDS_V_INT: rc = sqlite3_bind_int64(st, k, v->i); break;
        case TDS_V_REAL: rc = sqlite3_bind_double(st, k, v->r); break;
        case TDS_V_TEXT:
            rc = sqlite3_bind_text(st, k, v->bytes, (int) v->len, SQLITE_TRANSIENT);
            break;
        case TDS_V_BLOB:
            rc = sqlite3_bind_blob(st, k, v->bytes, (int) v->len, SQLITE_TRANSIENT);
            break;
        }
    }
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "a parameter cannot be bound: %s", sqlite3_errstr(rc));
        return false;
    }
    return true;
}

/* run_text - the statements of a T-SQL text, answered token by token;
 * false after an error (the statements after it are not run) */
static bool
run_text(session_t *s, const char *text)
{
    char   *sql = rewrite(text);
    const char *p = skip_blank(sql);
    bool    any = false, ok = true;

    while (*p && !s->out.failed) {
        sqlite3_stmt *st = NULL;
        const char *tail;
        char    msg[640];

        any = true;
        if (word_eq(p, "USE")) {
            p = use_db(s, p, &ok);
            p = skip_blank(p);
            if (!ok) {
                put_done(s, DONE_ERROR, 0, 0);
                break;
            }
            put_done(s, *p ? DONE_MORE : DONE_FINAL, 0, 0);
            continue;
        }
        if (word_eq(p, "SET")) {
            while (*p && *p != ';' && *p != '\n')
                p++;
            p = skip_blank(p);
            put_done(s, *p ? DONE_MORE : DONE_FINAL, 0, 0);
            continue;
        }
        if (is_transaction(p)) {
            p = skip_blank(transaction(s, p, &ok));
            if (!ok) {
                put_done(s, DONE_ERROR, 0, 0);
                break;
            }
            put_done(s, *p ? DONE_MORE : DONE_FINAL, 0, 0);
            continue;
        }
        *s->denied = 0;
        if (sqlite3_prepare_v2(s->db, p, -1, &st, &tail) != SQLITE_OK) {
            int32_t number;
            uint8_t cls;

            sql_error(s, sqlite3_errmsg(s->db), &number, &cls, msg, sizeof msg);
            put_error_done(s, number, cls, msg);
            ok = false;
            break;
        }
        if (st == NULL)
            break;
        if (!bind_params(s, st, msg, sizeof msg)) {
            sqlite3_finalize(st);
            put_error_done(s, 137, 15, msg);
            ok = false;
            break;
        }
        p = skip_blank(tail);
        ok = run_statement(s, st, *p != 0);
        sqlite3_finalize(st);
        if (!ok)
            break;
    }
    if (!any)
        put_done(s, DONE_FINAL, 0, 0);
    free(sql);
    return ok;
}

/* batch - run an SQL batch and answer it */
static void
batch(session_t *s)
{
    uint32_t hlen;
    char   *text;

    tds_out_init(&s->out, &s->conn, s->packet_size, TDS_PKT_REPLY);
    if (s->in.len < 4 || (hlen = s->in.data[0] | (s->in.data[1] << 8) | (s->in.data[2] << 16)
                          | ((uint32_t) s->in.data[3] << 24)) < 4 || hlen > s->in.len
        || (s->in.len - hlen) % 2) {
        put_error_done(s, 4002, 16, "The incoming tabular data stream (TDS) protocol stream "
                       "is incorrect: ALL_HEADERS does not fit the SQL batch.");
        tds_out_end(&s->out);
        return;
    }
    text = tds_ucs2_to_utf8(s->in.data + hlen, (s->in.len - hlen) / 2);
    run_text(s, text);
    free(text);
    tds_out_end(&s->out);
}

/* proc_is - whether a procedure name is name, with or without a schema
 * or database before it (sys.sp_executesql, master..sp_executesql) */
static bool
proc_is(const char *proc, const char *name)
{
    const char *dot = strrchr(proc, '.');

    return strcasecmp(dot ? dot + 1 : proc, name) == 0;
}

/* executesql - sp_executesql @stmt, @params, values...; false after an error */
static bool
executesql(session_t *s, tds_call_t *c)
{
    char    msg[640], **declared = NULL;
    size_t  ndeclared = 0, k, j;
    bool    ok = false;

    if (c->nparams < 1 || c->params[0].kind != TDS_V_TEXT || !c->params[0].unicode) {
        put_error_done(s, 214, 16, "Procedure expects parameter '@statement' of type "
                       "'ntext/nchar/nvarchar'.");
        return false;
    }
    if (c->nparams >= 2 && (c->params[1].kind != TDS_V_TEXT || !c->params[1].unicode)) {
        put_error_done(s, 214, 16, "Procedure expects parameter '@params' of type "
                       "'ntext/nchar/nvarchar'.");
        return false;
    }
    if (c->nparams >= 2)
        declared = tds_rpc_declared(c->params[1].bytes, &ndeclared);
    for (k = 2; k < c->nparams; k++) {
        tds_param_t *v = &c->params[k];

        if (*v->name == 0 && k - 2 < ndeclared) {
            free(v->name);
            v->name = xstrdup(declared[k - 2]);
        }
        for (j = 0; j < ndeclared && strcasecmp(v->name, declared[j]) != 0; j++)
            ;
        if (j == ndeclared) {
            snprintf(msg, sizeof msg, *v->name ? "%s is not a parameter for procedure "
                     "sp_executesql." : "Procedure or function sp_executesql has too many "
                     "arguments specified.", v->name);
            put_error_done(s, *v->name ? 8145 : 8144, 16, msg);
            goto out;
        }
    }
    for (j = 0; j < ndeclared; j++) {
        for (k = 2; k < c->nparams && strcasecmp(c->params[k].name, declared[j]) != 0; k++)
            ;
        if (k == c->nparams) {
            snprintf(msg, sizeof msg, "The parameterized query '(%.200s)%.200s' expects the "
                     "parameter '%s', which was not supplied.", c->params[1].bytes,
                     c->params[0].bytes, declared[j]);
            put_error_done(s, 8178, 16, msg);
            goto out;
        }
    }
    s->params = c->nparams > 2 ? &c->params[2] : NULL;
    s->nparams = c->nparams > 2 ? c->nparams - 2 : 0;
    ok = run_text(s, c->params[0].bytes);
    s->params = NULL;
    s->nparams = 0;
out:
    for (j = 0; j < ndeclared; j++)
        free(declared[j]);
    free(declared);
    return ok;
}

/* rpc - run the procedure calls of an RPC request and answer them: each
 * call's results in DONEINPROC, then RETURNSTATUS and DONEPROC */
static void
rpc(session_t *s)
{
    tds_call_t *calls = NULL;
    size_t  n = 0, i;
    char    err[512], msg[700];

    tds_out_init(&s->out, &s->conn, s->packet_size, TDS_PKT_REPLY);
    if (!tds_rpc_parse(s->in.data, s->in.len, &calls, &n, err, sizeof err)) {
        snprintf(msg, sizeof msg, "The incoming tabular data stream (TDS) remote procedure "
                 "call (RPC) protocol stream is incorrect: %s.", err);
        put_error_done(s, 8016, 16, msg);
        tds_out_end(&s->out);
        return;
    }
    for (i = 0; i < n && !s->out.failed; i++) {
        bool    ok;

        s->in_proc = true;
        if (proc_is(calls[i].proc, "sp_executesql"))
            ok = executesql(s, &calls[i]);
        else {
            snprintf(msg, sizeof msg, "Could not find stored procedure '%s'.", calls[i].proc);
            put_error_done(s, 2812, 16, msg);
            ok = false;
        }
        s->in_proc = false;
        tds_buf_u8(&s->out.buf, TOK_RETURNSTATUS);
        tds_buf_u32(&s->out.buf, ok ? 0 : (uint32_t) -6);
        tds_buf_u8(&s->out.buf, TOK_DONEPROC);
        tds_buf_u16(&s->out.buf, (uint16_t) ((ok ? 0 : DONE_ERROR) | (i + 1 < n ? DONE_MORE : 0)));
        tds_buf_u16(&s->out.buf, 0xE0);
        tds_buf_u64(&s->out.buf, 0);
        tds_out_flush(&s->out);
    }
    tds_rpc_free(calls, n);
    tds_out_end(&s->out);
}

/* tds_session_run - serve one connection */
void
tds_session_run(int fd, const tds_sim_conf_t *conf)
{
    session_t s;
    uint8_t type;
    char    err[512];

    memset(&s, 0, sizeof s);
    s.conn.fd = fd;
    s.conf = conf;
    s.packet_size = DEFAULT_PACKET;
    if (tds_read_message(&s.conn, &type, &s.in) != 0 || type != TDS_PKT_PRELOGIN
        || !prelogin(&s))
        goto done;
    if (s.encrypt != ENCRYPT_NOT_SUP
        && !tds_tls_handshake(conf->tls, &s.conn, s.packet_size, err, sizeof err)) {
        fprintf(stderr, "tds-sim: a client: %s\n", err);
        goto done;
    }
    if (tds_read_message(&s.conn, &type, &s.in) != 0 || type != TDS_PKT_LOGIN7)
        goto done;
    if (s.encrypt == ENCRYPT_OFF)
        tds_tls_end(&s.conn);       /* the login alone was encrypted */
    if (!login7(&s))
        goto done;
    printf("tds-sim: logged in, %s\n", s.encrypt == ENCRYPT_ON ? "TLS for the whole connection"
           : s.encrypt == ENCRYPT_OFF ? "TLS for the login only" : "no TLS");
    fflush(stdout);
    while (tds_read_message(&s.conn, &type, &s.in) == 0) {
        if (type == TDS_PKT_SQLBATCH)
            batch(&s);
        else if (type == TDS_PKT_RPC)
            rpc(&s);
        else if (type == TDS_PKT_ATTENTION) {
            tds_out_init(&s.out, &s.conn, s.packet_size, TDS_PKT_REPLY);
            put_done(&s, DONE_ATTN, 0, 0);
            tds_out_end(&s.out);
        } else if (type == TDS_PKT_TRANSMGR || type == TDS_PKT_BULK) {
            tds_out_init(&s.out, &s.conn, s.packet_size, TDS_PKT_REPLY);
            put_error_done(&s, 50000, 16, "tds-sim answers SQL batches and RPC requests "
                           "only (no transaction manager or bulk load requests)");
            tds_out_end(&s.out);
        } else
            break;
        if (s.out.failed)
            break;
    }
done:
    if (s.conn.tls)
        tds_tls_end(&s.conn);
    sqlite3_close(s.db);
    tds_buf_free(&s.in);
    tds_buf_free(&s.out.buf);
    close(fd);
}
