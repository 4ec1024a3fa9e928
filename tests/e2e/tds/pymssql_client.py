# pymssql_client.py - python3's pymssql (FreeTDS db-lib underneath) against
# tds-sim: login (over TLS when the FreeTDS configuration asks for it),
# unicode text, NULLs, integers and negative decimals, a query with
# parameters (pymssql quotes them into the text itself), an SQL error that
# leaves the connection usable, and error 18456 for a wrong password.
# Usage: /usr/bin/python3 pymssql_client.py SERVER PORT USER PASSWORD DATABASE
# (the encryption level comes from $FREETDSCONF). Prints "ok: ..." per check;
# exits 1 at the first that fails.
import decimal
import sys

import pymssql

server, port, user, password, database = sys.argv[1:6]
want = [(1, 'Taquería Ünïcødé € 😀', 'jan@devries.nl', decimal.Decimal('-1234.56')),
        (2, "O'Brien", None, decimal.Decimal('0.00')),
        (-7, None, 'x@y.z', decimal.Decimal('-0.05'))]


def fail(what):
    print('FAILED: ' + what)
    sys.exit(1)


def connect(pw):
    return pymssql.connect(server=server, port=port, user=user, password=pw,
                           database=database, login_timeout=10)


try:
    conn = connect(password)
except pymssql.Error as e:
    fail('login: %s' % (e,))
print('ok: login')
cur = conn.cursor()
cur.execute('SELECT id, naam, email, saldo FROM klanten ORDER BY rij')
rows = cur.fetchall()
if rows != want:
    fail('rows: got %r, want %r' % (rows, want))
print('ok: unicode text, NULLs, integers and negative decimals')
cur.execute('SELECT id FROM klanten WHERE naam = %s OR id = %d', ("O'Brien", -7))
if cur.fetchall() != [(2,), (-7,)]:
    fail('parameters')
cur.execute('SELECT id FROM klanten WHERE naam = %s', ("x' OR '1'='1",))
if cur.fetchall():
    fail('a quote in a parameter changed the query')
print('ok: parameters quoted')
try:
    cur.execute('SELECT nope FROM klanten')
    fail('an SQL error: no error')
except pymssql.Error as e:
    if e.args[0] != 207:
        fail('an SQL error: expected 207, got %r' % (e.args,))
cur.execute('SELECT COUNT(*) FROM klanten')
if cur.fetchall() != [(3,)]:
    fail('after an error')
print('ok: error 207, and the connection answers after it')
conn.close()
try:
    connect('wrong')
    fail('a wrong password was accepted')
except pymssql.Error as e:
    # a failed connect carries (number, text) as its one argument
    if (e.args[0][0] if isinstance(e.args[0], tuple) else e.args[0]) != 18456:
        fail('a wrong password: expected 18456, got %r' % (e.args,))
print('ok: a wrong password is refused (18456)')
