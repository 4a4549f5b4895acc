/* Transform specs and chains: parsing, every step on good and bad values. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sl_transform.h"

static CHECK_INIT();

static struct sl_column col(const char *name, const char *data_type, const char *column_type)
{
    struct sl_column c = {
        .name = (char *)name, .data_type = (char *)data_type, .column_type = (char *)column_type};
    return c;
}

/* Runs the chain of column `name` in spec over in (NULL for SQL NULL) and
 * returns the result ("<NULL>" for NULL, "!" + the reason on failure). */
static const char *run(const char *spec, const char *name, const struct sl_column *target,
                       const char *in)
{
    static char result[512];
    struct sl_transforms t;
    struct sl_err err;
    memset(&t, 0, sizeof t);
    if (sl_transforms_parse(&t, spec, &err) != 0) {
        snprintf(result, sizeof result, "!parse: %s", err.msg);
        return result;
    }
    struct sl_tf_chain *c = (struct sl_tf_chain *)sl_transforms_find(&t, name, strlen(name));
    if (!c || sl_transforms_bind(&t, c, target, &err) != 0) {
        snprintf(result, sizeof result, "!bind: %s", c ? err.msg : "no chain");
        sl_transforms_release(&t);
        return result;
    }
    struct sl_tf_work w;
    sl_tf_work_init(&w, 1 << 20);
    struct sl_tf_value v = {in ? in : "", in ? strlen(in) : 0, in == NULL};
    char why[256];
    if (sl_tf_apply(&t, c, &v, &w, why, sizeof why) != 0)
        snprintf(result, sizeof result, "!%s", why);
    else if (v.null)
        snprintf(result, sizeof result, "<NULL>");
    else
        snprintf(result, sizeof result, "%.*s", (int)v.len, v.p);
    sl_tf_work_release(&w);
    sl_transforms_release(&t);
    return result;
}

static void test_parse(void)
{
    struct sl_transforms t;
    struct sl_err err;
    memset(&t, 0, sizeof t);
    CHECK_EQ_INT(sl_transforms_parse(&t,
                                     "price: strip '$,' | decimal ; created_at: date '%d/%m/%Y "
                                     "%H:%M'\n note: trim|null-if ''; old_name: rename new_name",
                                     &err),
                 0);
    CHECK_EQ_INT(t.n, 4);
    CHECK_EQ_INT(t.v[0].n, 2);
    CHECK_EQ_STR(t.v[0].steps[0].arg, "$,");
    CHECK_EQ_STR(t.v[1].steps[0].arg, "%d/%m/%Y %H:%M");
    CHECK_EQ_INT(t.v[2].steps[1].kind, SL_TF_NULL_IF);
    CHECK_EQ_INT(t.v[2].steps[1].arg_len, 0);
    CHECK_EQ_STR(sl_transforms_rename(&t, "OLD_NAME", 8), "new_name");
    CHECK(sl_transforms_rename(&t, "price", 5) == NULL);
    /* a second spec adds chains; the same column twice is refused */
    CHECK_EQ_INT(sl_transforms_parse(&t, "qty: default '0'", &err), 0);
    CHECK_EQ_INT(t.n, 5);
    CHECK_EQ_INT(sl_transforms_parse(&t, "qty: trim", &err), -1);
    CHECK_EQ_STR(err.msg, "--transform: column qty has two chains; join them with '|'");
    sl_transforms_release(&t);

    const char *bad[][2] = {
        {"price strip", "--transform: expected 'column: step | step', found 'price strip'"},
        {"price: squash", "--transform: column price: unknown step 'squash' (steps: rename, "
                          "const, default, null-if, trim, upper, lower, strip, decimal, date, "
                          "bool, hex, base64)"},
        {"price: strip", "--transform: column price: step 'strip' needs an argument, e.g. strip "
                         "'x'"},
        {"price: trim 'x'", "--transform: column price: step 'trim' takes no argument, but 'x' "
                            "follows it"},
        {"d: date '%Y", "--transform: unterminated quote in ''%Y'"},
        {"a: trim trim", "--transform: column a: step 'trim' takes no argument, but 'trim' "
                         "follows it"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&t, 0, sizeof t);
        CHECK_EQ_INT(sl_transforms_parse(&t, bad[i][0], &err), -1);
        CHECK_EQ_STR(err.msg, bad[i][1]);
        sl_transforms_release(&t);
    }
}

static void test_steps(void)
{
    struct sl_column text = col("note", "varchar", "varchar(50)");
    struct sl_column dec = col("price", "decimal", "decimal(6,2)");
    struct sl_column dt = col("at", "datetime", "datetime");
    struct sl_column d = col("day", "date", "date");
    struct sl_column i = col("n", "int", "int(11)");
    struct sl_column bin = col("b", "varbinary", "varbinary(16)");

    CHECK_EQ_STR(run("x: const 'k'", "x", &text, "v"), "k");
    CHECK_EQ_STR(run("x: const 'k'", "x", &text, NULL), "k");
    CHECK_EQ_STR(run("x: default 'none'", "x", &text, ""), "none");
    CHECK_EQ_STR(run("x: default 'none'", "x", &text, NULL), "none");
    CHECK_EQ_STR(run("x: default 'none'", "x", &text, "v"), "v");
    CHECK_EQ_STR(run("x: null-if 'N/A'", "x", &text, "N/A"), "<NULL>");
    CHECK_EQ_STR(run("x: null-if 'N/A'", "x", &text, "n/a"), "n/a");
    CHECK_EQ_STR(run("x: trim | null-if ''", "x", &text, " \t "), "<NULL>");
    CHECK_EQ_STR(run("x: trim", "x", &text, "  a b \r\n"), "a b");
    CHECK_EQ_STR(run("x: upper", "x", &text, "abc é"), "ABC É");
    CHECK_EQ_STR(run("x: lower", "x", &text, "ÀB C"), "àb c");
    CHECK_EQ_STR(run("x: upper", "x", &text, NULL), "<NULL>");
    CHECK_EQ_STR(run("x: strip '$,'", "x", &text, "$1,234.50"), "1234.50");
    CHECK_EQ_STR(run("x: strip '€ '", "x", &text, "€ 12 €"), "12");
    /* chains: each step sees the previous one's result */
    CHECK_EQ_STR(run("x: trim | strip '$' | upper | lower", "x", &text, "  $ab$ "), "ab");

    CHECK_EQ_STR(run("price: strip '$' | decimal", "price", &dec, "$1234.50"), "1234.50");
    CHECK_EQ_STR(run("price: decimal", "price", &dec, "+0012.5"), "0012.5");
    CHECK_EQ_STR(run("price: decimal", "price", &dec, "-.5"), "-0.5");
    CHECK_EQ_STR(run("price: decimal", "price", &dec, "12345.6"),
                 "!decimal: '12345.6' has 5 digits before the point; price is decimal(6,2), "
                 "which takes 4");
    CHECK_EQ_STR(run("price: decimal", "price", &dec, "1.234"),
                 "!decimal: '1.234' has 3 digits after the point; price is decimal(6,2), which "
                 "would round it");
    CHECK_EQ_STR(run("price: decimal", "price", &dec, "1,5"),
                 "!decimal: '1,5' is not a decimal number");
    CHECK_EQ_STR(run("price: decimal", "price", &dec, "."),
                 "!decimal: '.' is not a decimal number");
    CHECK_EQ_STR(run("n: decimal", "n", &i, "123456789012"), "123456789012");
    CHECK_EQ_STR(run("x: decimal", "x", &text, "1"),
                 "!bind: --transform: column x: decimal needs a numeric column, and note is "
                 "varchar(50)");

    CHECK_EQ_STR(run("at: date '%d/%m/%Y %H:%M'", "at", &dt, "07/03/2026 14:05"),
                 "2026-03-07 14:05:00");
    CHECK_EQ_STR(run("day: date '%d/%m/%Y'", "day", &d, "29/02/2024"), "2024-02-29");
    CHECK_EQ_STR(run("day: date '%d/%m/%Y'", "day", &d, "29/02/2026"),
                 "!date: '29/02/2026' is not a real date");
    CHECK_EQ_STR(run("at: date '%d/%m/%Y %H:%M'", "at", &dt, "2026-03-07 14:05"),
                 "!date: '2026-03-07 14:05' does not match the format '%d/%m/%Y %H:%M'");
    CHECK_EQ_STR(run("at: date '%d/%m/%Y'", "at", &dt, "07/03/2026x"),
                 "!date: '07/03/2026x' does not match the format '%d/%m/%Y'");
    CHECK_EQ_STR(run("x: date '%Y'", "x", &text, "2026"),
                 "!bind: --transform: column x: date needs a DATE, DATETIME or TIMESTAMP column, "
                 "and note is varchar(50)");

    CHECK_EQ_STR(run("n: bool", "n", &i, "Yes"), "1");
    CHECK_EQ_STR(run("n: bool", "n", &i, "off"), "0");
    CHECK_EQ_STR(run("n: bool", "n", &i, "F"), "0");
    CHECK_EQ_STR(run("n: bool", "n", &i, "maybe"),
                 "!bool: 'maybe' is not yes/no, true/false, y/n, t/f, on/off or 1/0");

    CHECK_EQ_STR(run("b: hex", "b", &bin, "414243"), "ABC");
    CHECK_EQ_STR(run("b: hex", "b", &bin, "4142G3"), "!hex: 'G' at character 5 is not a hex digit");
    CHECK_EQ_STR(run("b: hex", "b", &bin, "414"), "!hex: an odd number of digits (3)");
    CHECK_EQ_STR(run("b: base64", "b", &bin, "aGVsbG8="), "hello");
    CHECK_EQ_STR(run("b: base64", "b", &bin, "aGVsbG8"), "hello");
    CHECK_EQ_STR(run("b: base64", "b", &bin, "aGV*bG8="),
                 "!base64: '*' at character 4 is not base64");
    CHECK_EQ_STR(run("b: base64", "b", &bin, "aGVsb"),
                 "!base64: a length of 5 characters is not base64");
}

int main(void)
{
    test_parse();
    test_steps();
    return CHECK_DONE();
}
