/*
 * The target side of a cross-engine copy's schema: --type-map, and the
 * CREATE TABLE and ALTER TABLE of each table. See sl_xcopy.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_ident.h"
#include "sl_xcopy_run.h"

/* A MySQL type as --type-map may give it: letters, digits, spaces, '_',
 * and a parenthesised list of numbers. Nothing that could end the type and
 * start more SQL. */
static int plain_type(const char *v)
{
    if (!isalpha((unsigned char)*v))
        return 0;
    for (const char *p = v; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(" _(),", *p))
            return 0;
    return 1;
}

/* The value --type-map gives for column c, or NULL: an exact match of its
 * type as the source writes it wins over one of its short name. */
static const char * override(const char *map, const struct sl_fcol *c, char *buf, size_t cap,
                             struct sl_err *err, int *bad)
{
    const char *hit = NULL;
    int exact = 0;
    const char *p = map;
    *bad = 0;
    while (*p) {
        /* one item, up to a ',' outside parentheses */
        const char *s = p;
        int depth = 0;
        while (*p && (*p != ',' || depth > 0)) {
            depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
            p++;
        }
        size_t n = (size_t)(p - s);
        if (*p)
            p++;
        while (n > 0 && isspace((unsigned char)*s))
            s++, n--;
        const char *eq = memchr(s, '=', n);
        if (!eq || eq == s || eq + 1 == s + n) {
            *bad = 1;
            sl_err_set(err, SL_ERR_FATAL,
                       "--type-map: '%.*s' is not source-type=mysql-type (e.g. "
                       "'jsonb=LONGTEXT,numeric=DECIMAL(38,10)')",
                       (int)n, s);
            return NULL;
        }
        size_t klen = (size_t)(eq - s);
        while (klen > 0 && isspace((unsigned char)s[klen - 1]))
            klen--;
        int is_exact = strlen(c->src_type) == klen && strncasecmp(c->src_type, s, klen) == 0;
        int is_base = strlen(c->src_base) == klen && strncasecmp(c->src_base, s, klen) == 0;
        if ((is_exact || (is_base && !exact))) {
            size_t vlen = (size_t)(s + n - eq - 1);
            snprintf(buf, cap, "%.*s", (int)vlen, eq + 1);
            while (*buf && isspace((unsigned char)buf[strlen(buf) - 1]))
                buf[strlen(buf) - 1] = '\0';
            hit = buf;
            exact |= is_exact;
        }
    }
    if (hit && !plain_type(hit)) {
        *bad = 1;
        sl_err_set(err, SL_ERR_FATAL,
                   "--type-map: '%s' is not a plain MySQL type (letters, digits, spaces and a "
                   "list of numbers in parentheses)",
                   hit);
        return NULL;
    }
    return hit;
}

/* What a reader must do for the type a column now has. */
static void conv_for(struct sl_fcol *c)
{
    switch (sl_canon_of_type(c->mysql_type)) {
    case SL_CANON_DECIMAL: {
        int p = 10, s = 0;
        const char *paren = strchr(c->mysql_type, '(');
        if (paren && sscanf(paren, "(%d,%d)", &p, &s) < 1)
            p = 10;
        c->conv = SL_FCONV_DECIMAL;
        c->prec = p;
        c->scale = s;
        break;
    }
    case SL_CANON_FLOAT:
        c->conv = SL_FCONV_FLOAT32;
        break;
    case SL_CANON_DOUBLE:
        c->conv = SL_FCONV_FLOAT;
        break;
    case SL_CANON_TEMPORAL:
        c->conv = SL_FCONV_TEMPORAL;
        break;
    default:
        if (c->conv != SL_FCONV_HEX)
            c->conv = SL_FCONV_TEXT;
    }
}

int sl_xcopy_map_types(struct xrun *r, struct sl_ftable *t, struct sl_err *err)
{
    for (size_t i = 0; i < t->ncols; i++) {
        struct sl_fcol *c = &t->cols[i];
        char buf[256];
        int bad = 0;
        const char *v =
            r->c->type_map ? override(r->c->type_map, c, buf, sizeof buf, err, &bad) : NULL;
        if (bad)
            return -1;
        if (v) {
            char *dup = strdup(v);
            if (!dup)
                return sl_err_set(err, SL_ERR_FATAL, "out of memory");
            free(c->mysql_type);
            c->mysql_type = dup;
            free(c->problem);
            c->problem = NULL;
            conv_for(c);
        } else if (c->mysql_type && strcmp(c->mysql_type, "UUID") == 0 && !r->has_uuid) {
            free(c->mysql_type);
            if (!(c->mysql_type = strdup("CHAR(36)")))
                return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        }
    }
    return 0;
}

static int append_cols(struct sl_buf *b, const struct sl_ftable *t, const size_t *cols, size_t n)
{
    int rc = sl_buf_puts(b, "(");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *name = t->cols[cols[i]].name;
        rc = (i ? sl_buf_puts(b, ",") : 0) | sl_ident_append(b, name, strlen(name));
    }
    return rc | sl_buf_puts(b, ")");
}

int sl_xcopy_create_sql(const struct xrun *r, struct xtable *xt, struct sl_err *err)
{
    struct sl_ftable *t = &xt->ft;
    const char *db = r->to.db;
    struct sl_buf create;
    struct sl_buf *sql = &create;
    sl_buf_init(sql, 1 << 24);
    int rc = sl_buf_puts(sql, "CREATE TABLE ") | sl_ident_append_qualified(sql, db, xt->dst) |
             sl_buf_puts(sql, " (\n");
    for (size_t i = 0; rc == 0 && i < t->ncols; i++) {
        struct sl_fcol *c = &t->cols[i];
        if (c->auto_increment && !(t->npk > 0 && t->pk[0] == i)) {
            c->auto_increment = 0;
            rc = sl_ftable_note(t,
                                "column %s: its sequence is left off, since it does not lead the "
                                "primary key (MySQL's AUTO_INCREMENT must)",
                                c->name);
        }
        rc |= sl_buf_puts(sql, i ? ",\n  " : "  ") |
              sl_ident_append(sql, c->name, strlen(c->name)) |
              sl_buf_printf(sql, " %s%s", c->mysql_type, c->not_null ? " NOT NULL" : "");
        if (c->auto_increment)
            rc |= sl_buf_puts(sql, " AUTO_INCREMENT");
        else if (c->default_sql)
            rc |= sl_buf_printf(sql, " DEFAULT %s", c->default_sql);
    }
    if (t->npk > 0)
        rc |= sl_buf_puts(sql, ",\n  PRIMARY KEY ") | append_cols(sql, t, t->pk, t->npk);
    for (size_t i = 0; rc == 0 && !xt->defer && i < t->nidx; i++) {
        const struct sl_findex *x = &t->idx[i];
        rc = sl_buf_printf(sql, ",\n  %sKEY ", x->unique ? "UNIQUE " : "") |
             sl_ident_append(sql, x->name, strlen(x->name)) | sl_buf_puts(sql, " ") |
             append_cols(sql, t, x->cols, x->ncols);
    }
    rc |= sl_buf_puts(sql, "\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    free(xt->create_sql);
    xt->create_sql = rc == 0 && sl_buf_cstr(sql) ? strdup(sql->data) : NULL;
    sl_buf_release(sql);
    if (!xt->create_sql)
        return sl_err_set(err, SL_ERR_FATAL, "%s: the CREATE TABLE is too long", t->name);
    if (t->nidx == 0 || !xt->defer)
        return 0;
    struct sl_buf alter;
    sl_buf_init(&alter, 1 << 20);
    rc = sl_buf_puts(&alter, "ALTER TABLE ") | sl_ident_append_qualified(&alter, db, xt->dst);
    for (size_t i = 0; rc == 0 && i < t->nidx; i++) {
        const struct sl_findex *x = &t->idx[i];
        rc = sl_buf_printf(&alter, "%s ADD %sINDEX ", i ? "," : "", x->unique ? "UNIQUE " : "") |
             sl_ident_append(&alter, x->name, strlen(x->name)) | sl_buf_puts(&alter, " ") |
             append_cols(&alter, t, x->cols, x->ncols);
    }
    free(xt->add_indexes);
    if (rc != 0 || !sl_buf_cstr(&alter) || !(xt->add_indexes = strdup(alter.data))) {
        sl_buf_release(&alter);
        return sl_err_set(err, SL_ERR_FATAL, "%s: the ALTER TABLE is too long", t->name);
    }
    sl_buf_release(&alter);
    return 0;
}
