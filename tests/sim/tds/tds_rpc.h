/*
 * NAME
 *   tds_rpc - the RPC requests of TDS (stored procedure calls) for tds-sim
 *
 * DESCRIPTION
 *   Decodes an RPC request message (MS-TDS 2.2.6.6): ALL_HEADERS, then
 *   one or more calls separated by the batch flag, each a procedure
 *   (by name, or by the ProcID of a system procedure: 10 = sp_executesql)
 *   with its parameters. A parameter is a name, status flags, TYPE_INFO
 *   and a value; the value is decoded into what SQLite can bind: a whole
 *   number (INT, BIGINT, SMALLINT, TINYINT, BIT), a real (FLOAT, REAL),
 *   text in UTF-8 (NVARCHAR, NCHAR, NTEXT, VARCHAR, CHAR, TEXT, also as
 *   MAX types in PLP chunks; DECIMAL, NUMERIC and MONEY as exact decimal
 *   text; DATETIME, DATE and DATETIME2 as "YYYY-MM-DDTHH:MM:SS.fff";
 *   UNIQUEIDENTIFIER as its usual text), bytes (VARBINARY, BINARY,
 *   IMAGE) or NULL.
 *
 *   tds_rpc_declared - the parameter names in sp_executesql's @params
 *   ("@a nvarchar(10), @b int OUTPUT" -> @a, @b), for the parameters a
 *   client sends without a name.
 *
 * DIAGNOSTICS
 *   A request that does not decode, or a type tds-sim does not know,
 *   gives false and a message for SQL Server's error 8016/4002.
 */
#ifndef KOPPEL_TDS_RPC_H
#define KOPPEL_TDS_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TDS_PROC_EXECUTESQL 10

typedef enum { TDS_V_NULL, TDS_V_INT, TDS_V_REAL, TDS_V_TEXT, TDS_V_BLOB } tds_vkind_t;

typedef struct {
    char   *name;           /* "@P1"; "" when sent by position */
    uint8_t type;           /* the TDS type byte */
    bool    unicode;        /* NVARCHAR, NCHAR, NTEXT */
    tds_vkind_t kind;
    int64_t i;
    double  r;
    char   *bytes;          /* TEXT: UTF-8, NUL-terminated; BLOB: raw */
    size_t  len;
} tds_param_t;

typedef struct {
    char   *proc;           /* as sent, or the name of a ProcID */
    uint16_t procid;        /* 0 when called by name */
    tds_param_t *params;
    size_t  nparams;
} tds_call_t;

/* tds_rpc_parse - the calls of an RPC request payload (ALL_HEADERS
 * included); false with err */
bool tds_rpc_parse(const uint8_t *p, size_t n, tds_call_t **calls, size_t *ncalls,
                   char *err, size_t errlen);

/* tds_rpc_free - release what tds_rpc_parse returned */
void tds_rpc_free(tds_call_t *calls, size_t ncalls);

/* tds_rpc_declared - the names declared in an @params text (new memory,
 * each and the array); their count in *n */
char  **tds_rpc_declared(const char *params, size_t *n);

#endif
