/*
 * The schema side of a copy: which source tables, what each one reads, and
 * what happens to each target table (--if-exists, CREATE TABLE, the column
 * checks). Everything here runs before any row moves.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "sl_copy_run.h"
#include "sl_create_table.h"
#include "sl_deferred.h"
#include "sl_hash.h"
#include "sl_ident.h"
#include "sl_insert_plan.h"
#include "sl_privs.h"

#define SQL_MAX (16 * 1024 * 1024)

/* ---- which tables ---- */

struct name_list {
    char **v;
    size_t n, cap;
    int failed;
};

static int names_add(struct name_list *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(s)))
        return -1;
    l->n++;
    return 0;
}

void sl_copy_names_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

struct listing {
    struct name_list tables, other; /* base tables; views and other kinds */
};

static int read_table_row(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)lens;
    struct listing *l = ctx;
    if (n != 2 || !v[0] || !v[1])
        return 0;
    if (strcmp(v[0], SL_CHECKPOINT_TABLE) == 0 || strcmp(v[0], SL_DEFERRED_TABLE) == 0)
        return 0; /* sluice's own bookkeeping belongs to its database's server */
    struct name_list *to = strcmp(v[1], "BASE TABLE") == 0 ? &l->tables : &l->other;
    if (to == &l->other) {
        /* kept as "name (KIND)" for the notice */
        char buf[512];
        snprintf(buf, sizeof buf, "%s (%s)", v[0], strcmp(v[1], "VIEW") ? v[1] : "view");
        return names_add(to, buf) == 0 ? 0 : 1;
    }
    return names_add(to, v[0]) == 0 ? 0 : 1;
}

static int is_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

/* Keeps the tables that --tables names. Every plain name must exist and
 * every glob must match something. */
static int filter_tables(const char *spec, const char *db, struct name_list *all,
                         struct name_list *keep, struct sl_err *err)
{
    char *copy = strdup(spec);
    if (!copy)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    char *flags = calloc(all->n + 1, 1);
    int rc = flags ? 0 : sl_err_set(err, SL_ERR_FATAL, "out of memory");
    char *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); rc == 0 && item;
         item = strtok_r(NULL, ",", &save)) {
        while (*item == ' ')
            item++;
        size_t len = strlen(item);
        while (len > 0 && item[len - 1] == ' ')
            item[--len] = '\0';
        if (len == 0)
            continue;
        int matched = 0;
        for (size_t i = 0; i < all->n; i++) {
            if (is_glob(item) ? fnmatch(item, all->v[i], 0) == 0 : strcmp(item, all->v[i]) == 0) {
                matched = 1;
                flags[i] = 1;
            }
        }
        if (!matched)
            rc = sl_err_set(err, SL_ERR_FATAL, "--tables: %s '%s' in database '%s'",
                            is_glob(item) ? "nothing matches" : "there is no table", item, db);
    }
    for (size_t i = 0; rc == 0 && i < all->n; i++)
        if (flags[i] && names_add(keep, all->v[i]) != 0)
            rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (rc == 0 && keep->n == 0)
        rc = sl_err_set(err, SL_ERR_FATAL, "--tables names no table");
    free(flags);
    free(copy);
    return rc;
}

static int count_rows(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)lens;
    if (n >= 1 && v[0])
        *(long long *)ctx += atoll(v[0]);
    return 0;
}

/* Tells the user what a schema copy leaves behind. */
static void note_out_of_scope(struct crun *r, const struct listing *l)
{
    const char *db = r->from.db;
    const char *p[] = {db};
    long long triggers = 0, routines = 0, events = 0;
    struct sl_err e;
    sl_conn_select(r->src,
                   "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE "
                   "EVENT_OBJECT_SCHEMA = ?",
                   p, 1, count_rows, &triggers, &e);
    sl_conn_select(r->src,
                   "SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?", p,
                   1, count_rows, &routines, &e);
    sl_conn_select(r->src, "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?",
                   p, 1, count_rows, &events, &e);
    if (l->other.n == 0 && triggers == 0 && routines == 0 && events == 0)
        return;
    if (!r->c->progress)
        return;
    fprintf(r->log, "sluice: views, triggers, routines and events are not copied; in %s:", db);
    for (size_t i = 0; i < l->other.n; i++)
        fprintf(r->log, "%s %s", i ? "," : "", l->other.v[i]);
    if (triggers)
        fprintf(r->log, "%s %lld trigger%s", l->other.n ? "," : "", triggers,
                triggers == 1 ? "" : "s");
    if (routines)
        fprintf(r->log, "%s %lld routine%s", l->other.n || triggers ? "," : "", routines,
                routines == 1 ? "" : "s");
    if (events)
        fprintf(r->log, "%s %lld event%s", l->other.n || triggers || routines ? "," : "", events,
                events == 1 ? "" : "s");
    fprintf(r->log, ". Copying the tables.\n");
}

int sl_copy_list_tables(struct crun *r, char ***names, size_t *n, struct sl_err *err)
{
    struct listing l;
    memset(&l, 0, sizeof l);
    struct name_list keep = {0};
    const char *p[] = {r->from.db};
    int rc = sl_conn_select(r->src,
                            "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES "
                            "WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME",
                            p, 1, read_table_row, &l, err);
    if (rc > 0)
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    else if (rc < 0)
        sl_err_prefix(err, "listing the tables of %s", r->from.db);
    if (rc == 0 && r->from.table) {
        int found = 0;
        for (size_t i = 0; i < l.tables.n; i++)
            found |= strcmp(l.tables.v[i], r->from.table) == 0;
        if (!found)
            rc = sl_err_set(err, SL_ERR_FATAL,
                            "table '%s.%s' does not exist (or is not a base table, or this user "
                            "may not see it%s)",
                            r->from.db, r->from.table,
                            strcmp(r->from.table, SL_CHECKPOINT_TABLE) == 0
                                ? ", or is sluice's own checkpoint table, which is never copied"
                                : "");
        else if (names_add(&keep, r->from.table) != 0)
            rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    } else if (rc == 0 && r->c->tables) {
        rc = filter_tables(r->c->tables, r->from.db, &l.tables, &keep, err);
    } else if (rc == 0) {
        keep = l.tables;
        memset(&l.tables, 0, sizeof l.tables);
        if (keep.n == 0)
            rc = sl_err_set(err, SL_ERR_FATAL, "database '%s' has no tables to copy", r->from.db);
    }
    if (rc == 0 && !r->c->verify_only && !r->from.table && !r->c->tables)
        note_out_of_scope(r, &l); /* a whole schema: say what stays behind */
    sl_copy_names_free(l.tables.v, l.tables.n);
    sl_copy_names_free(l.other.v, l.other.n);
    if (rc != 0) {
        sl_copy_names_free(keep.v, keep.n);
        return -1;
    }
    *names = keep.v;
    *n = keep.n;
    return 0;
}

/* ---- what each table reads ---- */

/* Whether ct's target, if the copy creates it, is created with only its
 * primary key (see enum sl_defer). Under the default, a table of fewer than
 * SL_COPY_DEFER_ROWS rows keeps its indexes, since building them afterwards
 * gains little there and costs one more statement; and so does a table whose
 * target account seems to lack ALTER, so that the copy cannot fail at the
 * end for want of it. Returns 1 or 0, or -1 with err set. */
static int defers(const struct crun *r, const struct ctable *ct, struct sl_err *err)
{
    switch (r->c->defer_indexes) {
    case SL_DEFER_ALWAYS:
        return 1;
    case SL_DEFER_NEVER:
        return 0;
    case SL_DEFER_AUTO:
        break;
    }
    if (ct->src.est_rows < SL_COPY_DEFER_ROWS || r->c->verify_only)
        return 0;
    const char *table = ct->final_name ? ct->final_name : ct->dst_name;
    char missing[64];
    int n = sl_privs_missing(r->dst, ct->dst_schema, table, "ALTER", missing, sizeof missing, err);
    if (n < 0)
        sl_err_prefix(err, "checking ALTER on %s.%s", ct->dst_schema, table);
    return n < 0 ? -1 : n == 0;
}

/* Reads SHOW CREATE TABLE of the source and writes the target's CREATE into
 * out (and, when defers() says so or always_defer is set, the ALTER that
 * adds the rest). */
static int plan_create(struct crun *r, struct ctable *ct, int always_defer,
                       struct sl_create_sql *out, struct sl_err *err)
{
    int defer = always_defer ? 1 : defers(r, ct, err);
    if (defer < 0)
        return -1;
    char *show = NULL;
    int rc = sl_table_show_create(r->src, ct->src.schema, ct->src.name, &show, err);
    if (rc == 0)
        rc = sl_create_table_rewrite(show, ct->dst_schema, ct->dst_name,
                                     defer ? SL_REWRITE_DEFER_ALL : SL_REWRITE_KEEP, out, err);
    if (rc != 0)
        sl_err_prefix(err, "reading the definition of %s.%s", ct->src.schema, ct->src.name);
    free(show);
    return rc;
}

int sl_copy_plan_table(struct crun *r, struct ctable *ct, const char *name, const char *dst_name,
                       struct sl_err *err)
{
    sl_buf_init(&ct->select, SQL_MAX);
    sl_buf_init(&ct->key, 1024);
    sl_buf_init(&ct->order, SQL_MAX);
    sl_create_sql_init(&ct->sql, SQL_MAX);
    ct->ranges.n = 1;
    ct->dst_schema = strdup(r->to.db);
    if (r->c->mode == SL_MODE_SWAP && !r->c->verify_only) {
        char work[256];
        if (sl_swap_name(work, sizeof work, dst_name, SL_SWAP_NEW_SUFFIX, err) != 0)
            return -1;
        ct->final_name = strdup(dst_name);
        ct->dst_name = strdup(work);
        if (!ct->final_name)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    } else {
        ct->dst_name = strdup(dst_name);
    }
    if (!ct->dst_schema || !ct->dst_name)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (sl_table_describe(r->src, r->from.db, name, &ct->src, err) != 0 ||
        sl_table_keys_read(r->src, ct->src.schema, ct->src.name, &ct->src_keys, err) != 0)
        return -1;
    ct->est_rows = ct->src.est_rows;
    ct->cols = calloc(ct->src.ncols, sizeof *ct->cols);
    if (!ct->cols)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    int rc = sl_buf_puts(&ct->select, "SELECT /* sluice copy */ ");
    for (size_t i = 0; rc == 0 && i < ct->src.ncols; i++) {
        const struct sl_column *col = &ct->src.cols[i];
        if (col->generated)
            continue; /* the target computes it */
        int is_float = strcmp(col->data_type, "float") == 0;
        if (ct->ncols > 0)
            rc = sl_buf_puts(&ct->select, ", ");
        /* FLOAT's text keeps 6 digits; as DOUBLE it is exact, and the target
         * rounds that DOUBLE back to the same FLOAT */
        if (rc == 0 && is_float)
            rc = sl_buf_puts(&ct->select, "CAST(");
        if (rc == 0)
            rc = sl_ident_append(&ct->select, col->name, strlen(col->name));
        if (rc == 0 && is_float)
            rc = sl_buf_puts(&ct->select, " AS DOUBLE)");
        ct->cols[ct->ncols++] = col->name;
    }
    if (rc == 0)
        rc = sl_buf_puts(&ct->select, " FROM ");
    if (rc == 0)
        rc = sl_ident_append_qualified(&ct->select, ct->src.schema, ct->src.name);
    /* a leading integer key column splits the table into ranges; with a
     * composite key the ranges are on its first column */
    if (rc == 0 && ct->src.npk > 0) {
        const struct sl_column *k = &ct->src.cols[ct->src.pk[0]];
        if (sl_type_is_integer(k->data_type))
            rc = sl_ident_append(&ct->key, k->name, strlen(k->name));
    }
    for (size_t i = 0; rc == 0 && i < ct->src.npk; i++) {
        const char *k = ct->src.cols[ct->src.pk[i]].name;
        rc = sl_buf_puts(&ct->order, i ? ", " : " ORDER BY ");
        if (rc == 0)
            rc = sl_ident_append(&ct->order, k, strlen(k));
    }
    if (rc != 0 || !sl_buf_cstr(&ct->select) || !sl_buf_cstr(&ct->key) || !sl_buf_cstr(&ct->order))
        return sl_err_set(err, SL_ERR_FATAL, "%s.%s: the column list is too long", ct->src.schema,
                          ct->src.name);
    if (ct->ncols == 0)
        return sl_err_set(err, SL_ERR_FATAL, "%s.%s has no columns to copy", ct->src.schema,
                          ct->src.name);
    ct->target = (struct sl_insert_target){.schema = ct->dst_schema,
                                           .table = ct->dst_name,
                                           .cols = ct->cols,
                                           .ncols = ct->ncols,
                                           .verb = sl_write_mode_verb(r->c->mode)};
    return r->c->verify_only ? 0 : plan_create(r, ct, 0, &ct->sql, err);
}

/* ---- the target side ---- */

static int read_exists(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)v;
    (void)lens;
    (void)n;
    *(int *)ctx = 1;
    return 0;
}

int sl_copy_db_exists(struct crun *r, int *exists, struct sl_err *err)
{
    const char *p[] = {r->to.db};
    *exists = 0;
    return sl_conn_select(r->dst, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
                          p, 1, read_exists, exists, err);
}

static int table_exists(struct crun *r, const struct ctable *ct, int *exists, struct sl_err *err)
{
    *exists = sl_table_exists(r->dst, ct->dst_schema,
                              ct->final_name ? ct->final_name : ct->dst_name, err);
    return *exists < 0 ? -1 : 0;
}

/* Checks that every copied column can be written into the target's. */
static int check_columns(const struct ctable *ct, struct sl_err *err)
{
    for (size_t i = 0; i < ct->ncols; i++) {
        long k = sl_table_find(&ct->dst, ct->cols[i], strlen(ct->cols[i]));
        if (k < 0)
            return sl_err_set(err, SL_ERR_FATAL, "target table %s.%s has no column `%s`",
                              ct->dst_schema, ct->dst_name, ct->cols[i]);
        if (ct->dst.cols[k].generated)
            return sl_err_set(err, SL_ERR_FATAL,
                              "column `%s` of target table %s.%s is generated: it cannot be "
                              "written",
                              ct->cols[i], ct->dst_schema, ct->dst_name);
    }
    for (size_t i = 0; i < ct->dst.ncols; i++) {
        const struct sl_column *d = &ct->dst.cols[i];
        if (d->generated || d->has_default ||
            sl_table_find(&ct->src, d->name, strlen(d->name)) >= 0)
            continue;
        return sl_err_set(err, SL_ERR_FATAL,
                          "column `%s` of target table %s.%s is NOT NULL without a default, "
                          "and the source has no such column",
                          d->name, ct->dst_schema, ct->dst_name);
    }
    return 0;
}

/* --shard: whether this shard copies ct at all. A table with an integer
 * primary key is split by key (each shard its part); one without goes
 * whole to one shard, picked by its name. */
static int shard_takes(const struct crun *r, struct ctable *ct)
{
    const struct sl_shard *s = &r->c->shard;
    if (s->count <= 1)
        return 1;
    if (sl_table_has_integer_key(&ct->src)) {
        ct->split = 1;
        return 1;
    }
    uint64_t h = sl_hash_add(SL_HASH_INIT, ct->src.name, strlen(ct->src.name));
    return h % s->count == s->index;
}

int sl_copy_decide(struct crun *r, struct ctable *ct, int db_exists, struct sl_err *err)
{
    int exists = 0;
    if (db_exists && table_exists(r, ct, &exists, err) != 0)
        return -1;
    const struct sl_copy_config *c = r->c;
    if (!shard_takes(r, ct)) {
        ct->action = CT_SKIP; /* another shard's */
        return 0;
    }
    if (c->verify_only) {
        if (!exists)
            return sl_err_set(err, SL_ERR_FATAL, "target table %s.%s does not exist",
                              ct->dst_schema, ct->dst_name);
        ct->action = CT_VERIFY;
    } else if (ct->final_name) {
        ct->action = CT_SWAP;
        ct->final_exists = exists;
        /* its own keys come from the source; any key on the target counts */
        if (sl_swap_check_fks(r->src, "source", ct->src.schema, ct->src.name, 0, err) != 0)
            return -1;
        if (exists &&
            sl_swap_check_fks(r->dst, "target", ct->dst_schema, ct->final_name, 1, err) != 0)
            return -1;
    } else if (!exists) {
        ct->action = CT_CREATE;
    } else if (c->resume) {
        ct->action = CT_RESUME; /* sl_copy_ckpt_prepare checks its checkpoints */
    } else {
        switch (c->if_exists) {
        case SL_IF_EXISTS_FAIL:
            return sl_err_set(err, SL_ERR_FATAL,
                              "target table %s.%s already exists (see --if-exists: skip, "
                              "truncate, drop or append)",
                              ct->dst_schema, ct->dst_name);
        case SL_IF_EXISTS_SKIP:
            ct->action = CT_SKIP;
            return 0;
        case SL_IF_EXISTS_TRUNCATE:
            ct->action = CT_TRUNCATE;
            break;
        case SL_IF_EXISTS_DROP:
            ct->action = CT_RECREATE;
            break;
        case SL_IF_EXISTS_APPEND:
            ct->action = CT_APPEND;
            break;
        }
    }
    ct->verify = c->verify || c->verify_only;
    if (ct->action == CT_CREATE || ct->action == CT_RECREATE || ct->action == CT_SWAP)
        return 0;
    /* an existing table: its columns must take the source's */
    if (sl_table_describe(r->dst, ct->dst_schema, ct->dst_name, &ct->dst, err) != 0)
        return -1;
    return check_columns(ct, err);
}

/* Checks, by preparing it, that the target accepts the INSERT (privileges,
 * columns). */
static int check_insert(struct crun *r, const struct ctable *ct, struct sl_err *err)
{
    struct sl_buf sql;
    sl_buf_init(&sql, SQL_MAX);
    if (sl_insert_build_sql(&sql, &ct->target, 1) != 0 || !sl_buf_cstr(&sql)) {
        sl_buf_release(&sql);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    int rc = sl_conn_check_prepare(r->dst, sql.data, sql.len, "the target refuses the INSERT", err);
    sl_buf_release(&sql);
    if (rc != 0)
        sl_err_prefix(err, "%s.%s", ct->dst_schema, ct->dst_name);
    return rc;
}

/* Writes "VERB `db`.`table`" for ct's target into sql (initialised here;
 * release it). Returns the statement, or NULL when out of memory. */
static const char *table_stmt(struct sl_buf *sql, const char *verb, const struct ctable *ct)
{
    sl_buf_init(sql, 4096);
    if (sl_buf_puts(sql, verb) != 0 ||
        sl_ident_append_qualified(sql, ct->dst_schema, ct->dst_name) != 0)
        return NULL;
    return sl_buf_cstr(sql);
}

static int exec_on(struct crun *r, const char *verb, const struct ctable *ct, struct sl_err *err)
{
    struct sl_buf sql;
    const char *stmt = table_stmt(&sql, verb, ct);
    int rc =
        stmt ? sl_conn_exec(r->dst, stmt, err) : sl_err_set(err, SL_ERR_FATAL, "out of memory");
    sl_buf_release(&sql);
    return rc;
}

/* Under --mode upsert, the columns a duplicate key updates, named as in t,
 * go into ct's INSERT. Returns 0 or -1 with err set. */
static int plan_upsert(struct crun *r, struct ctable *ct, const struct sl_table *t,
                       struct sl_err *err)
{
    if (r->c->mode != SL_MODE_UPSERT)
        return 0;
    if (sl_write_mode_update_cols(t, ct->cols, ct->ncols, r->c->update_columns, &ct->update,
                                  &ct->nupdate, err) != 0)
        return -1;
    ct->target.update = ct->update;
    ct->target.nupdate = ct->nupdate;
    return 0;
}

/* Decides how each copied column's values travel (sl_value.h): integers and
 * dates in binary when the column has that type on both sides, so the target
 * stores them without parsing text; any other column, or one whose target
 * type differs, as the source's text. Returns 0 or -1 (no memory). */
static int plan_kinds(struct ctable *ct, struct sl_err *err)
{
    ct->kinds = calloc(ct->ncols, sizeof *ct->kinds);
    if (!ct->kinds)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; i < ct->ncols; i++) {
        size_t len = strlen(ct->cols[i]);
        long s = sl_table_find(&ct->src, ct->cols[i], len);
        long d = sl_table_find(&ct->dst, ct->cols[i], len);
        if (s < 0 || d < 0)
            continue;
        const struct sl_column *sc = &ct->src.cols[s], *dc = &ct->dst.cols[d];
        enum sl_value_kind k = sl_value_kind_of(sc->data_type, sc->is_unsigned);
        if (k == sl_value_kind_of(dc->data_type, dc->is_unsigned))
            ct->kinds[i] = k;
    }
    ct->target.kinds = ct->kinds;
    return 0;
}

/* For a table the copy does not create: nothing is deferred, so neither
 * sl_copy_drop_deferred() nor the index builder has anything to do for it. */
static void keep_indexes(struct ctable *ct)
{
    sl_buf_reset(&ct->sql.drop_fks);
    sl_buf_reset(&ct->sql.drop_keys);
    sl_buf_reset(&ct->sql.add);
}

/* The deferred indexes of a resumed table. The interrupted run may have
 * taken its secondary indexes and foreign keys off to add them after the
 * rows: when the target lacks keys the source has, they are added once the
 * rows are in, with the ALTER TABLE that a deferred copy runs (built afresh
 * from the source's definition). Otherwise (or when split: --shard never
 * defers) nothing is added. */
static int resume_keys(struct crun *r, struct ctable *ct, struct sl_err *err)
{
    keep_indexes(ct);
    if (r->c->shard.count > 1)
        return 0; /* a split copy never takes keys off: the table's keys are its own */
    char note[SL_ERR_MSG_MAX];
    long missing = sl_copy_keys_missing(ct, r->dst, note, sizeof note, err);
    if (missing <= 0)
        return (int)missing;
    struct sl_create_sql sql;
    sl_create_sql_init(&sql, SQL_MAX);
    int rc = plan_create(r, ct, 1, &sql, err);
    if (rc == 0 && sl_buf_append(&ct->sql.add, sql.add.data, sql.add.len) != 0)
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    sl_create_sql_release(&sql);
    return rc;
}

int sl_copy_target_has_rows(struct crun *r, const struct ctable *ct, struct sl_err *err)
{
    return sl_table_has_rows(r->dst, ct->dst_schema, ct->dst_name, err);
}

int sl_copy_apply(struct crun *r, struct ctable *ct, struct sl_err *err)
{
    int rc = 0;
    switch (ct->action) {
    case CT_SWAP: /* a work table left by an earlier run is replaced */
    case CT_RECREATE:
    case CT_CREATE:
        if (ct->action == CT_SWAP)
            rc = sl_swap_drop_new(r->dst, ct->dst_schema, ct->final_name, err);
        else if (ct->action == CT_RECREATE)
            rc = exec_on(r, "DROP TABLE ", ct, err);
        if (rc == 0)
            rc = sl_conn_exec(r->dst, sl_buf_cstr(&ct->sql.create), err);
        if (rc != 0 && ct->action == CT_CREATE && r->c->shard.count > 1 &&
            err->server_errno == 1050) {
            /* another shard made it first: write into it as theirs */
            ct->action = CT_APPEND;
            rc = sl_table_describe(r->dst, ct->dst_schema, ct->dst_name, &ct->dst, err);
            if (rc == 0)
                rc = check_columns(ct, err);
            keep_indexes(ct);
            ct->look_for_rows = ct->split;
            break;
        }
        ct->created = rc == 0;
        if (rc == 0)
            rc = sl_table_describe(r->dst, ct->dst_schema, ct->dst_name, &ct->dst, err);
        break;
    case CT_TRUNCATE:
        rc = exec_on(r, "TRUNCATE TABLE ", ct, err);
        keep_indexes(ct); /* they are there already */
        break;
    case CT_APPEND: {
        if (ct->split) { /* the other shards write it too: their rows are not ours */
            keep_indexes(ct);
            ct->look_for_rows = 1;
            break;
        }
        int has_rows = sl_copy_target_has_rows(r, ct, err);
        rc = has_rows < 0 ? -1 : 0;
        keep_indexes(ct);
        ct->fresh = !has_rows;
        if (rc == 0 && has_rows && ct->verify) {
            ct->verify = 0;
            ct->no_verify = "the target table had rows before (--if-exists append)";
        }
        break;
    }
    case CT_RESUME:
        if (ct->restart)
            rc = exec_on(r, "TRUNCATE TABLE ", ct, err);
        if (rc == 0)
            rc = resume_keys(r, ct, err);
        if (rc == 0 && !ct->fresh && ct->verify) {
            ct->verify = 0;
            ct->no_verify = "the target table had rows before the interrupted copy appended to it";
        }
        break;
    case CT_SKIP:
    case CT_VERIFY:
        keep_indexes(ct);
        return 0;
    }
    if (rc == 0)
        rc = plan_upsert(r, ct, &ct->dst, err);
    if (rc == 0)
        rc = plan_kinds(ct, err);
    if (rc != 0) {
        sl_err_prefix(err, "preparing target table %s.%s", ct->dst_schema, ct->dst_name);
        return -1;
    }
    return check_insert(r, ct, err);
}

int sl_copy_drop_deferred(struct crun *r, struct sl_err *err)
{
    for (int keys = 0; keys <= 1; keys++) {
        for (size_t i = 0; i < r->nt; i++) {
            struct ctable *ct = &r->t[i];
            struct sl_buf *drop = keys ? &ct->sql.drop_keys : &ct->sql.drop_fks;
            if (drop->len == 0)
                continue;
            if (sl_conn_exec(r->dst, sl_buf_cstr(drop), err) != 0) {
                sl_err_prefix(err, "taking the deferred %s off the new table %s.%s",
                              keys ? "indexes" : "foreign keys", ct->dst_schema, ct->dst_name);
                return -1;
            }
        }
    }
    return 0;
}

void sl_copy_undo_created(struct crun *r)
{
    for (size_t i = 0; i < r->nt; i++) {
        struct ctable *ct = &r->t[i];
        if (!ct->created)
            continue;
        struct sl_err e;
        sl_err_clear(&e);
        if (exec_on(r, "DROP TABLE IF EXISTS ", ct, &e) == 0) {
            ct->created = 0;
            fprintf(r->log, "sluice: dropped %s.%s, which this run had just created\n",
                    ct->dst_schema, ct->dst_name);
        } else {
            struct sl_buf sql;
            const char *stmt = table_stmt(&sql, "DROP TABLE ", ct);
            fprintf(r->log,
                    "sluice: warning: %s.%s was created by this run and could not be dropped "
                    "(%s); drop it with %s\n",
                    ct->dst_schema, ct->dst_name, e.msg, stmt ? stmt : "DROP TABLE");
            sl_buf_release(&sql);
        }
    }
}

const char *sl_copy_action_name(const struct ctable *ct)
{
    switch (ct->action) {
    case CT_CREATE:
        return "create";
    case CT_RECREATE:
        return "drop, create";
    case CT_TRUNCATE:
        return "truncate";
    case CT_APPEND:
        return "append";
    case CT_SKIP:
        return "skip";
    case CT_VERIFY:
        return "compare";
    case CT_SWAP:
        return "swap";
    case CT_RESUME:
        return "resume";
    }
    return "?";
}

/* The privileges ct's action and the mode need on the target table. */
static void target_privs(const struct crun *r, const struct ctable *ct, char *buf, size_t cap)
{
    const struct sl_copy_config *c = r->c;
    int creates = ct->action == CT_CREATE || ct->action == CT_RECREATE || ct->action == CT_SWAP;
    snprintf(buf, cap, "INSERT%s%s%s%s",
             c->mode == SL_MODE_REPLACE  ? ",DELETE"
             : c->mode == SL_MODE_UPSERT ? ",UPDATE"
                                         : "",
             creates ? ",CREATE" : "",
             ct->action == CT_RECREATE || ct->action == CT_TRUNCATE || ct->action == CT_SWAP
                 ? ",DROP"
                 : "",
             ct->action == CT_SWAP || (creates && ct->sql.add.len > 0) ? ",ALTER" : "");
}

int sl_copy_need_privs(MYSQL *m, const char *side, const char *db, const char *table,
                       const char *need, struct sl_err *err)
{
    char missing[256];
    int n = sl_privs_missing(m, db, table, need, missing, sizeof missing, err);
    if (n < 0)
        return -1;
    if (n > 0)
        return sl_err_set(err, SL_ERR_FATAL,
                          "the %s account lacks %s on %s%s%s (privileges held through a role are "
                          "not seen)",
                          side, missing, db ? db : "the server", table ? "." : "",
                          table ? table : "");
    return 0;
}

int sl_copy_dry_check(struct crun *r, struct ctable *ct, int db_exists, struct sl_err *err)
{
    char need[128];
    if (ct->action == CT_SKIP)
        return 0;
    if (sl_copy_need_privs(r->src, "source", ct->src.schema, ct->src.name, "SELECT", err) != 0)
        return -1;
    target_privs(r, ct, need, sizeof need);
    if (!db_exists &&
        sl_copy_need_privs(r->dst, "target", ct->dst_schema, NULL, "CREATE", err) != 0)
        return -1;
    if (sl_copy_need_privs(r->dst, "target", ct->dst_schema,
                           ct->final_name ? ct->final_name : ct->dst_name, need, err) != 0)
        return -1;
    int exists = ct->action == CT_APPEND || ct->action == CT_TRUNCATE;
    /* a table still to be created takes the source's columns */
    if (plan_upsert(r, ct, exists ? &ct->dst : &ct->src, err) != 0) {
        sl_err_prefix(err, "%s.%s", ct->dst_schema, ct->dst_name);
        return -1;
    }
    return exists ? check_insert(r, ct, err) : 0;
}

void sl_copy_table_release(struct ctable *ct)
{
    sl_table_release(&ct->src);
    sl_table_release(&ct->dst);
    sl_table_keys_release(&ct->src_keys);
    free(ct->dst_schema);
    free(ct->dst_name);
    free(ct->final_name);
    free(ct->update);
    free(ct->kinds);
    free(ct->cols);
    free(ct->r);
    sl_buf_release(&ct->select);
    sl_buf_release(&ct->key);
    sl_buf_release(&ct->order);
    sl_create_sql_release(&ct->sql);
    sl_copy_ckpt_release(ct);
}
