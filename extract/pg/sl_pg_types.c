/*
 * The PostgreSQL to MySQL type mapping: see sl_pg_types.h and
 * docs/type-mapping.md.
 */
#include "sl_pg_types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_ident.h"

static int is(const char *base, const char *name)
{
    return strcmp(base, name) == 0;
}

/* DECIMAL(p,s) from a numeric's typmod, or a problem. */
static int map_numeric(struct sl_fcol *c, const struct sl_pg_type *ty, struct sl_ftable *t)
{
    c->conv = SL_FCONV_DECIMAL;
    if (ty->typmod < 4) {
        c->prec = 65;
        c->scale = 30;
        if (sl_ftable_note(t,
                           "column %s: numeric without precision becomes DECIMAL(65,30); a value "
                           "with more digits is a reject",
                           c->name) != 0)
            return -1;
        return sl_foreign_setf(&c->mysql_type, "DECIMAL(65,30)");
    }
    int p = ((ty->typmod - 4) >> 16) & 0xffff;
    int s = (int)(short)((ty->typmod - 4) & 0xffff);
    c->prec = p;
    c->scale = s;
    if (p > 65)
        return sl_foreign_setf(
            &c->problem,
            "numeric(%d,%d) has more digits than the 65 MySQL's DECIMAL holds; map it "
            "with --type-map 'numeric=...' or leave the column out",
            p, s);
    if (s > 30 || s < 0)
        return sl_foreign_setf(
            &c->problem, "numeric(%d,%d): MySQL's DECIMAL takes a scale from 0 to 30 digits", p, s);
    return sl_foreign_setf(&c->mysql_type, "DECIMAL(%d,%d)", p, s);
}

/* The character limit of varchar(n) or char(n), or -1. */
static int char_limit(int typmod)
{
    return typmod >= 4 ? typmod - 4 : -1;
}

/* Fractional digits of a time type's typmod (6 when none is given). */
static int frac(int typmod)
{
    return typmod >= 0 && typmod <= 6 ? typmod : 6;
}

static int map_text(struct sl_fcol *c, const struct sl_pg_type *ty, struct sl_ftable *t)
{
    int n = char_limit(ty->typmod);
    if (is(ty->base, "bpchar"))
        return n > 0 && n <= 255 ? sl_foreign_setf(&c->mysql_type, "CHAR(%d)", n)
                                 : sl_foreign_setf(&c->mysql_type, "VARCHAR(%d)", n > 0 ? n : 1);
    if (is(ty->base, "varchar") && n > 0 && n <= SL_FOREIGN_MAX_VARCHAR)
        return sl_foreign_setf(&c->mysql_type, "VARCHAR(%d)", n);
    if (ty->in_key) {
        if (sl_ftable_note(t,
                           "column %s: %s is in a key, so it becomes VARCHAR(%d) (MySQL indexes "
                           "no longer text); a longer value is a reject",
                           c->name, ty->shown, SL_FOREIGN_KEY_VARCHAR) != 0)
            return -1;
        return sl_foreign_setf(&c->mysql_type, "VARCHAR(%d)", SL_FOREIGN_KEY_VARCHAR);
    }
    return sl_foreign_setf(&c->mysql_type, "LONGTEXT");
}

/* Types read as their own text into a MySQL type that takes it as it is. */
struct as_text {
    const char *pg;
    const char *mysql;
};
static const struct as_text plain[] = {
    {"int2", "SMALLINT"},      {"int4", "INT"},
    {"int8", "BIGINT"},        {"oid", "INT UNSIGNED"},
    {"json", "JSON"},          {"jsonb", "JSON"},
    {"uuid", "UUID"},          {"inet", "VARCHAR(43)"},
    {"cidr", "VARCHAR(43)"},   {"macaddr", "CHAR(17)"},
    {"macaddr8", "CHAR(23)"},  {"xml", "LONGTEXT"},
    {"name", "VARCHAR(63)"},   {"char", "CHAR(1)"},
    {"citext", "LONGTEXT"},    {"interval", "VARCHAR(64)"},
    {"timetz", "VARCHAR(32)"}, {NULL, NULL},
};

int sl_pg_map_type(struct sl_fcol *c, const struct sl_pg_type *ty, const char *qcol,
                   struct sl_ftable *t)
{
    const char *b = ty->base;
    if (sl_foreign_setf(&c->src_type, "%s", ty->shown) != 0 ||
        sl_foreign_setf(&c->src_base, "%s", ty->category == 'A' ? "array" : b) != 0)
        return -1;
    c->conv = SL_FCONV_TEXT;
    const char *sel = "%s"; /* how the column is read: a format around qcol */
    int rc = 0;
    if (ty->category == 'A' || ty->typtype == 'c' || ty->typtype == 'r' || ty->typtype == 'm') {
        sel = "to_json(%s)";
        rc = sl_foreign_setf(&c->mysql_type, "JSON");
    } else if (ty->typtype == 'e') {
        struct sl_buf sql;
        sl_buf_init(&sql, 1 << 20);
        rc = sl_buf_puts(&sql, "ENUM(");
        for (size_t i = 0; rc == 0 && i < ty->nlabels; i++)
            rc = (i ? sl_buf_puts(&sql, ",") : 0) |
                 sl_ident_append_literal(&sql, ty->labels[i], strlen(ty->labels[i]));
        rc = rc == 0 && sl_buf_puts(&sql, ")") == 0 && sl_buf_cstr(&sql)
                 ? sl_foreign_setf(&c->mysql_type, "%s", sql.data)
                 : -1;
        sl_buf_release(&sql);
        sel = "%s::text";
    } else if (is(b, "numeric")) {
        rc = map_numeric(c, ty, t);
    } else if (is(b, "money")) {
        sel = "%s::numeric";
        c->conv = SL_FCONV_DECIMAL;
        c->prec = 19;
        c->scale = 2;
        rc = sl_foreign_setf(&c->mysql_type, "DECIMAL(19,2)");
    } else if (is(b, "float4") || is(b, "float8")) {
        c->conv = is(b, "float4") ? SL_FCONV_FLOAT32 : SL_FCONV_FLOAT;
        rc = sl_foreign_setf(&c->mysql_type, is(b, "float4") ? "FLOAT" : "DOUBLE");
    } else if (is(b, "bool")) {
        sel = "%s::int";
        rc = sl_foreign_setf(&c->mysql_type, "TINYINT(1)");
    } else if (is(b, "text") || is(b, "varchar") || is(b, "bpchar")) {
        rc = map_text(c, ty, t);
    } else if (is(b, "bytea")) {
        c->conv = SL_FCONV_HEX;
        rc = ty->in_key ? sl_foreign_setf(&c->mysql_type, "VARBINARY(%d)", SL_FOREIGN_KEY_VARBINARY)
                        : sl_foreign_setf(&c->mysql_type, "LONGBLOB");
    } else if (is(b, "date")) {
        c->conv = SL_FCONV_TEMPORAL;
        rc = sl_foreign_setf(&c->mysql_type, "DATE");
    } else if (is(b, "timestamp")) {
        c->conv = SL_FCONV_TEMPORAL;
        rc = sl_foreign_setf(&c->mysql_type, "DATETIME(%d)", frac(ty->typmod));
    } else if (is(b, "timestamptz")) {
        /* the session's TimeZone is UTC: the instant as UTC wall time */
        sel = "(%s AT TIME ZONE 'UTC')";
        c->conv = SL_FCONV_TEMPORAL;
        rc = sl_foreign_setf(&c->mysql_type, "DATETIME(%d)", frac(ty->typmod));
    } else if (is(b, "time")) {
        c->conv = SL_FCONV_TEMPORAL;
        rc = sl_foreign_setf(&c->mysql_type, "TIME(%d)", frac(ty->typmod));
    } else {
        const struct as_text *m = plain;
        while (m->pg && !is(b, m->pg))
            m++;
        if (m->pg) {
            rc = sl_foreign_setf(&c->mysql_type, "%s", m->mysql);
            if (!is(b, "int2") && !is(b, "int4") && !is(b, "int8") && !is(b, "oid"))
                sel = "%s::text";
        } else {
            sel = "%s::text";
            rc = sl_foreign_setf(&c->mysql_type, "LONGTEXT") |
                 sl_ftable_note(t,
                                "column %s: %s has no MySQL counterpart; its text is copied "
                                "into LONGTEXT",
                                c->name, ty->shown);
        }
    }
    if (rc != 0)
        return -1;
    return sl_foreign_setf(&c->select, sel, qcol);
}
