/*
 * NAME
 *   cfgedit - change values in koppel.cfg's text, keeping its comments
 *
 * DESCRIPTION
 *   See cfgedit.h. The scanner knows just enough of libconfig's grammar
 *   to find where each setting's value begins and ends: names, = or :,
 *   groups, lists, arrays, strings (with escapes, and adjacent strings
 *   that libconfig joins), scalars, and the three kinds of comment. Every
 *   edit scans the text again, so positions never go stale.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgedit.h"
#include "xalloc.h"

#define NPOS ((size_t) -1)
#define MAX_DEPTH 16

struct cfgedit {
    char   *text;
};

/* where one setting or list element is */
typedef struct {
    size_t  name;       /* first character of the name (of the value for an element) */
    size_t  start;      /* the value */
    size_t  end;        /* just after the value */
    size_t  stmt_end;   /* just after its ; or , (end when there is none) */
    size_t  prev_end;   /* list elements: end of the element before, NPOS for the first */
} span_t;

/* a container being searched: its open bracket and its closing one */
typedef struct {
    size_t  open;       /* NPOS for the file's top level */
    size_t  close;      /* position of the closing bracket (or the text's end) */
    bool    is_list;
} box_t;

/* skip_space - past whitespace and comments */
static size_t
skip_space(const char *t, size_t p)
{
    for (;;) {
        while (t[p] && isspace((unsigned char) t[p]))
            p++;
        if (t[p] == '#' || (t[p] == '/' && t[p + 1] == '/')) {
            while (t[p] && t[p] != '\n')
                p++;
        } else if (t[p] == '/' && t[p + 1] == '*') {
            char   *e = strstr(t + p + 2, "*/");

            p = e ? (size_t) (e - t) + 2 : strlen(t);
        } else
            return p;
    }
}

static size_t scan_value(const char *t, size_t p);

/* scan_string - past one or more adjacent string literals */
static size_t
scan_string(const char *t, size_t p)
{
    size_t  q;

    for (;;) {
        p++;
        while (t[p] && t[p] != '"') {
            if (t[p] == '\\' && t[p + 1])
                p++;
            p++;
        }
        if (t[p] != '"')
            return NPOS;
        p++;
        q = skip_space(t, p);
        if (t[q] != '"')
            return p;
        p = q;
    }
}

/* scan_setting - one "name = value;" from p; fills s, NPOS at a syntax error */
static size_t
scan_setting(const char *t, size_t p, span_t *s)
{
    s->name = p;
    while (t[p] && (isalnum((unsigned char) t[p]) || t[p] == '_' || t[p] == '-' || t[p] == '*'))
        p++;
    if (p == s->name)
        return NPOS;
    p = skip_space(t, p);
    if (t[p] != '=' && t[p] != ':')
        return NPOS;
    s->start = skip_space(t, p + 1);
    if ((s->end = scan_value(t, s->start)) == NPOS)
        return NPOS;
    p = skip_space(t, s->end);
    s->stmt_end = t[p] == ';' || t[p] == ',' ? p + 1 : s->end;
    return s->stmt_end;
}

/* scan_members - past a group's settings up to its closing brace */
static size_t
scan_members(const char *t, size_t p, char close)
{
    span_t  s;

    for (;;) {
        p = skip_space(t, p);
        if (t[p] == close)
            return p;
        if (t[p] == 0 || (p = scan_setting(t, p, &s)) == NPOS)
            return NPOS;
    }
}

/* scan_value - past one value: scalar, string, group, list or array */
static size_t
scan_value(const char *t, size_t p)
{
    size_t  start = p;

    if (t[p] == '{') {
        if ((p = scan_members(t, p + 1, '}')) == NPOS)
            return NPOS;
        return p + 1;
    }
    if (t[p] == '(' || t[p] == '[') {
        char    close = t[p] == '(' ? ')' : ']';

        p++;
        for (;;) {
            p = skip_space(t, p);
            if (t[p] == close)
                return p + 1;
            if (t[p] == 0 || (p = scan_value(t, p)) == NPOS)
                return NPOS;
            p = skip_space(t, p);
            if (t[p] == ',')
                p++;
        }
    }
    if (t[p] == '"')
        return scan_string(t, p);
    while (t[p] && !isspace((unsigned char) t[p]) && !strchr(";,})]#", t[p])
           && !(t[p] == '/' && (t[p + 1] == '/' || t[p + 1] == '*')))
        p++;
    return p == start ? NPOS : p;
}

/* find_member - the setting called name in a group; false when absent */
static bool
find_member(const char *t, const box_t *box, const char *name, span_t *out)
{
    size_t  p = box->open == NPOS ? 0 : box->open + 1, n = strlen(name);

    for (;;) {
        p = skip_space(t, p);
        if (p >= box->close || t[p] == 0)
            return false;
        if ((p = scan_setting(t, p, out)) == NPOS)
            return false;
        if (strncmp(t + out->name, name, n) == 0
            && !(isalnum((unsigned char) t[out->name + n]) || t[out->name + n] == '_'
                 || t[out->name + n] == '-'))
            return true;
    }
}

/* find_element - element index of a list; false when there are fewer */
static bool
find_element(const char *t, const box_t *box, int index, span_t *out)
{
    size_t  p = box->open + 1, prev = NPOS;
    int     i;

    for (i = 0;; i++) {
        p = skip_space(t, p);
        if (p >= box->close)
            return false;
        out->name = out->start = p;
        if ((out->end = scan_value(t, p)) == NPOS)
            return false;
        p = skip_space(t, out->end);
        out->stmt_end = t[p] == ',' ? p + 1 : out->end;
        out->prev_end = prev;
        if (i == index)
            return true;
        prev = out->end;
        p = out->stmt_end;
    }
}

/* box_of - a value that is a container, as a box */
static bool
box_of(const char *t, const span_t *s, box_t *box)
{
    if (t[s->start] != '{' && t[s->start] != '(' && t[s->start] != '[')
        return false;
    box->open = s->start;
    box->close = s->end - 1;
    box->is_list = t[s->start] != '{';
    return true;
}

/* split - a path into its names; the count, -1 when too deep */
static int
split(const char *path, char *buf, size_t len, char **parts)
{
    int     n = 0;
    char   *p, *save = NULL;

    snprintf(buf, len, "%s", path);
    for (p = strtok_r(buf, ".", &save); p; p = strtok_r(NULL, ".", &save))
        if (n == MAX_DEPTH)
            return -1;
        else
            parts[n++] = p;
    return n;
}

/* locate - walk a path: how many parts were found (n when all), the span
 * of the last part found, and the box the first missing one belongs in */
static int
locate(const char *t, char **parts, int n, span_t *found, box_t *box)
{
    int     i;
    char   *end;
    long    index;

    box->open = NPOS;
    box->close = strlen(t);
    box->is_list = false;
    for (i = 0; i < n; i++) {
        if (box->is_list) {
            index = strtol(parts[i], &end, 10);
            if (*end || index < 0 || !find_element(t, box, (int) index, found))
                return i;
        } else if (!find_member(t, box, parts[i], found))
            return i;
        if (i + 1 < n && !box_of(t, found, box))
            return -1 - i;
    }
    return n;
}

/* splice - replace text [from, to) with ins */
static void
splice(cfgedit_t *self, size_t from, size_t to, const char *ins)
{
    size_t  len = strlen(self->text), il = strlen(ins);
    char   *t = xmalloc(len - (to - from) + il + 1);

    memcpy(t, self->text, from);
    memcpy(t + from, ins, il);
    memcpy(t + from + il, self->text + to, len - to + 1);
    free(self->text);
    self->text = t;
}

/* line_indent - the indentation of the line holding position p */
static size_t
line_indent(const char *t, size_t p, size_t *line_start)
{
    size_t  s = p, n = 0;

    while (s > 0 && t[s - 1] != '\n')
        s--;
    while (t[s + n] == ' ' || t[s + n] == '\t')
        n++;
    if (line_start)
        *line_start = s;
    return n;
}

cfgedit_t *
cfgedit_new(const char *text)
{
    cfgedit_t *self = xcalloc(1, sizeof *self);

    self->text = xstrdup(text);
    return self;
}

void
cfgedit_destroy(cfgedit_t **self_p)
{
    if (*self_p == NULL)
        return;
    free((*self_p)->text);
    free(*self_p);
    *self_p = NULL;
}

const char *
cfgedit_text(const cfgedit_t *self)
{
    return self->text;
}

/* cfgedit_get - a setting's literal value */
char *
cfgedit_get(const cfgedit_t *self, const char *path)
{
    char    buf[512], *parts[MAX_DEPTH];
    int     n = split(path, buf, sizeof buf, parts);
    span_t  s;
    box_t   box;

    if (n <= 0 || locate(self->text, parts, n, &s, &box) != n)
        return NULL;
    return xstrndup(self->text + s.start, s.end - s.start);
}

/* cfgedit_set - set a value, adding the setting (and its groups) when absent */
bool
cfgedit_set(cfgedit_t *self, const char *path, const char *literal, char *err, size_t errlen)
{
    char    buf[512], *parts[MAX_DEPTH], *ins, *tmp;
    int     n = split(path, buf, sizeof buf, parts), have, i;
    size_t  indent, ls, at;
    span_t  s;
    box_t   box;

    if (n <= 0) {
        snprintf(err, errlen, "%s: geen pad van een instelling", path);
        return false;
    }
    have = locate(self->text, parts, n, &s, &box);
    if (have < 0) {
        snprintf(err, errlen, "%s: %s is geen groep", path, parts[-1 - have]);
        return false;
    }
    if (have == n) {
        splice(self, s.start, s.end, literal);
        return true;
    }
    if (box.is_list) {
        snprintf(err, errlen, "%s: element %s van de lijst bestaat niet", path, parts[have]);
        return false;
    }
    /* the missing settings, innermost first: a = { b = { c = literal; }; }; */
    ins = xstrdup(literal);
    for (i = n - 1; i >= have; i--) {
        if (isdigit((unsigned char) parts[i][0])) {
            free(ins);
            snprintf(err, errlen, "%s: element %s van de lijst bestaat niet", path, parts[i]);
            return false;
        }
        tmp = i == n - 1 ? xasprintf("%s = %s;", parts[i], ins)
                         : xasprintf("%s = { %s };", parts[i], ins);
        free(ins);
        ins = tmp;
    }
    if (box.open == NPOS) {
        tmp = xasprintf("%s%s\n", self->text[0] && self->text[strlen(self->text) - 1] != '\n'
                        ? "\n" : "", ins);
        splice(self, box.close, box.close, tmp);
    } else if (memchr(self->text + box.open, '\n', box.close - box.open) != NULL) {
        /* a group over several lines: a line of its own before the brace */
        indent = line_indent(self->text, box.close, &ls);
        at = ls + indent == box.close ? ls : box.close;
        tmp = at == ls ? xasprintf("%*s%s\n", (int) indent + 4, "", ins)
                       : xasprintf(" %s ", ins);
        splice(self, at, at, tmp);
    } else {
        /* a group on one line: { a = 1; } -> { a = 1; b = 2; } */
        at = box.close;
        while (at > box.open + 1 && self->text[at - 1] == ' ')
            at--;
        tmp = xasprintf(" %s ", ins);
        splice(self, at, box.close, tmp);
    }
    free(tmp);
    free(ins);
    return true;
}

/* cfgedit_remove - remove a setting, and its line when nothing else is on it */
bool
cfgedit_remove(cfgedit_t *self, const char *path, char *err, size_t errlen)
{
    char    buf[512], *parts[MAX_DEPTH];
    int     n = split(path, buf, sizeof buf, parts);
    size_t  from, to, ls;
    span_t  s;
    box_t   box;

    if (n <= 0) {
        snprintf(err, errlen, "%s: geen pad van een instelling", path);
        return false;
    }
    if (locate(self->text, parts, n, &s, &box) != n)
        return true;
    from = s.name;
    to = s.stmt_end;
    while (self->text[to] == ' ' || self->text[to] == '\t')
        to++;
    line_indent(self->text, from, &ls);
    if (ls + line_indent(self->text, from, NULL) == from && self->text[to] == '\n') {
        from = ls;
        to++;
    }
    splice(self, from, to, "");
    return true;
}

/* list_box - the list a path names */
static bool
list_box(const cfgedit_t *self, const char *path, box_t *list, char *err, size_t errlen)
{
    char    buf[512], *parts[MAX_DEPTH];
    int     n = split(path, buf, sizeof buf, parts);
    span_t  s;
    box_t   box;

    if (n <= 0 || locate(self->text, parts, n, &s, &box) != n) {
        snprintf(err, errlen, "%s: deze instelling bestaat niet", path);
        return false;
    }
    if (!box_of(self->text, &s, list) || !list->is_list) {
        snprintf(err, errlen, "%s: geen lijst", path);
        return false;
    }
    return true;
}

/* cfgedit_append - add an element at the end of a list */
bool
cfgedit_append(cfgedit_t *self, const char *path, const char *literal, char *err,
               size_t errlen)
{
    box_t   list;
    span_t  e, last;
    int     i;
    char   *ins;

    if (!list_box(self, path, &list, err, errlen))
        return false;
    for (i = 0; find_element(self->text, &list, i, &e); i++)
        last = e;
    if (i == 0)
        ins = xasprintf("\n%s\n", literal);
    else
        ins = xasprintf(",\n%*s%s", (int) line_indent(self->text, last.start, NULL), "",
                        literal);
    splice(self, i == 0 ? list.open + 1 : last.end, i == 0 ? list.open + 1 : last.end, ins);
    free(ins);
    return true;
}

/* cfgedit_remove_element - remove one element of a list with its comma */
bool
cfgedit_remove_element(cfgedit_t *self, const char *path, int index, char *err,
                       size_t errlen)
{
    box_t   list;
    span_t  e;
    size_t  from, to;

    if (!list_box(self, path, &list, err, errlen))
        return false;
    if (!find_element(self->text, &list, index, &e)) {
        snprintf(err, errlen, "%s: element %d bestaat niet", path, index);
        return false;
    }
    if (e.stmt_end != e.end) {          /* a comma follows: take it along */
        from = e.start;
        to = skip_space(self->text, e.stmt_end);
    } else if (e.prev_end != NPOS) {    /* the last one: take the comma before it */
        from = e.prev_end;
        to = e.end;
    } else {
        from = e.start;
        to = e.end;
    }
    splice(self, from, to, "");
    return true;
}

/* cfgedit_string - a libconfig string literal */
char *
cfgedit_string(const char *text)
{
    size_t  n = 0;
    char   *out = xmalloc(strlen(text) * 4 + 3);
    const unsigned char *p;

    out[n++] = '"';
    for (p = (const unsigned char *) text; *p; p++) {
        if (*p == '"' || *p == '\\') {
            out[n++] = '\\';
            out[n++] = (char) *p;
        } else if (*p < 0x20) {
            n += (size_t) sprintf(out + n, "\\x%02x", *p);
        } else
            out[n++] = (char) *p;
    }
    out[n++] = '"';
    out[n] = 0;
    return out;
}
