/* Unit tests of the client-side column checks: integer syntax, and the
 * character and byte limits of CHAR, VARCHAR and TEXT columns. */
#include "check.h"
#include "sl_colcheck.h"

static CHECK_INIT();

static struct sl_column col(char *data_type, char *column_type, long long max_chars)
{
    struct sl_column c = {0};
    c.name = "c";
    c.data_type = data_type;
    c.column_type = column_type;
    c.max_chars = max_chars;
    return c;
}

#define OK(ck, s)  CHECK_EQ_INT(sl_colcheck_value(&(ck), s, sizeof(s) - 1, why, sizeof why), 0)
#define BAD(ck, s) CHECK_EQ_INT(sl_colcheck_value(&(ck), s, sizeof(s) - 1, why, sizeof why), -1)

int main(void)
{
    char why[160];
    struct sl_column c = col("int", "int(11)", -1);
    struct sl_colcheck ck = sl_colcheck_for(&c, 1);
    CHECK_EQ_INT(ck.kind, SL_CHECK_INTEGER);
    OK(ck, "12");
    OK(ck, "-7");
    OK(ck, " +42 ");
    OK(ck, "1e3"); /* the server judges exponents and decimals */
    OK(ck, "12.5");
    BAD(ck, "twelve");
    CHECK_EQ_STR(why, "Incorrect integer value: 'twelve' (the column is int(11))");
    BAD(ck, "");
    BAD(ck, "-");
    BAD(ck, "12abc");

    c = col("varchar", "varchar(3)", 3);
    ck = sl_colcheck_for(&c, 1);
    CHECK_EQ_INT(ck.kind, SL_CHECK_CHARS);
    OK(ck, "abc");
    OK(ck, "\xC3\xA9\xC3\xA9\xC3\xA9"); /* three 2-byte characters */
    OK(ck, "\xF0\x9F\x98\x80");         /* one 4-byte character */
    BAD(ck, "abcd");
    CHECK_EQ_STR(why, "value of 4 characters is too long for varchar(3)");

    c = col("tinytext", "tinytext", 255);
    ck = sl_colcheck_for(&c, 1);
    CHECK_EQ_INT(ck.kind, SL_CHECK_BYTES);
    char big[300];
    memset(big, 'x', sizeof big);
    CHECK_EQ_INT(sl_colcheck_value(&ck, big, 255, why, sizeof why), 0);
    CHECK_EQ_INT(sl_colcheck_value(&ck, big, 256, why, sizeof why), -1);
    CHECK_EQ_STR(why, "value of 256 bytes is too long for tinytext");

    c = col("datetime", "datetime", -1);
    ck = sl_colcheck_for(&c, 1);
    CHECK_EQ_INT(ck.kind, SL_CHECK_NONE); /* left to the server */
    OK(ck, "2026-02-30 25:61:00");
    return CHECK_DONE();
}
