// tedious_client.js - Node's tedious (the TDS client of most Node programs)
// against tds-sim: login over TLS, unicode text, NULLs, integers and
// negative decimals, a query with typed parameters (sp_executesql, as
// tedious sends every query), an SQL error that leaves the connection
// usable, and error 18456 for a wrong password.
// Usage: node tedious_client.js HOST PORT USER PASSWORD DATABASE [plain]
// Prints "ok: ..." per check; exits 1 at the first that fails.
'use strict';
const { Connection, Request, TYPES } = require('tedious');
const [host, port, user, password, database, mode] = process.argv.slice(2);
const want = [
    [1, 'Taquería Ünïcødé € 😀', 'jan@devries.nl', -1234.56],
    [2, "O'Brien", null, 0],
    [-7, null, 'x@y.z', -0.05],
];

function fail(what) {
    console.log('FAILED: ' + what);
    process.exit(1);
}

// connect - a connection, or the error of the login
function connect(pw) {
    return new Promise((resolve, reject) => {
        const c = new Connection({
            server: host,
            authentication: { type: 'default', options: { userName: user, password: pw } },
            options: { port: Number(port), database, encrypt: mode !== 'plain',
                       trustServerCertificate: true, serverName: 'localhost',
                       connectTimeout: 10000 },
        });
        c.on('connect', err => err ? reject(err) : resolve(c));
        c.connect();
    });
}

// query - the rows of sql with params [[name, type, value]], or its error
function query(c, sql, params) {
    return new Promise((resolve, reject) => {
        const rows = [];
        const r = new Request(sql, err => err ? reject(err) : resolve(rows));
        for (const [n, t, v] of params || [])
            r.addParameter(n, t, v);
        r.on('row', cols => rows.push(cols.map(col => col.value)));
        c.execSql(r);
    });
}

(async () => {
    const c = await connect(password).catch(e => fail('login: ' + e.message));
    console.log('ok: login' + (mode === 'plain' ? ' without TLS' : ' over TLS'));
    const rows = await query(c, 'SELECT id, naam, email, saldo FROM klanten ORDER BY rij')
        .catch(e => fail('select: ' + e.message));
    if (JSON.stringify(rows) !== JSON.stringify(want))
        fail('rows: got ' + JSON.stringify(rows) + ', want ' + JSON.stringify(want));
    console.log('ok: unicode text, NULLs, integers and negative decimals');
    const hostile = "O'Brien";
    const found = await query(c, 'SELECT id FROM klanten WHERE naam = @naam OR id = @id',
                              [['naam', TYPES.NVarChar, hostile], ['id', TYPES.Int, -7]])
        .catch(e => fail('parameters: ' + e.message));
    if (JSON.stringify(found) !== '[[2],[-7]]')
        fail('parameters: got ' + JSON.stringify(found));
    const none = await query(c, 'SELECT id FROM klanten WHERE naam = @naam',
                             [['naam', TYPES.NVarChar, "x' OR '1'='1"]])
        .catch(e => fail('parameters: ' + e.message));
    if (none.length !== 0)
        fail('a quote in a parameter changed the query: ' + JSON.stringify(none));
    console.log('ok: typed parameters (sp_executesql) bound, not pasted');
    const err = await query(c, 'SELECT nope FROM klanten').then(() => null, e => e);
    if (err === null || err.number !== 207)
        fail('an SQL error: expected error 207, got ' + (err && err.message));
    const after = await query(c, 'SELECT COUNT(*) FROM klanten')
        .catch(e => fail('after an error: ' + e.message));
    if (after[0][0] !== 3)
        fail('after an error: got ' + JSON.stringify(after));
    console.log('ok: error 207, and the connection answers after it');
    c.close();
    const bad = await connect('wrong').then(() => null, e => e);
    const msg = bad && (bad.message + ' ' + JSON.stringify(bad.errors || ''));
    if (bad === null || !/18456|Login failed/.test(msg))
        fail('a wrong password: ' + (bad ? bad.message : 'accepted'));
    console.log('ok: a wrong password is refused (18456)');
})();
