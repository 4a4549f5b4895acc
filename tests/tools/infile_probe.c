/*
 * infile_probe: runs LOAD DATA LOCAL statements on one real connection while
 * sluice's offer (sl_local_infile_offer) is active, to show what a server
 * gets when it asks for a file other than the one offered, or for the
 * offered one twice.
 *
 * Usage: infile_probe SOCKET DB DATA STATEMENT...
 * Connects as root over SOCKET to DB, offers DATA, runs each STATEMENT in
 * turn and prints, per statement, "ok ROWS" or "error ERRNO MESSAGE", then
 * "refused NAME" for the last refused request, if any.
 */
#include <mysql.h>
#include <stdio.h>
#include <string.h>

#include "sl_local_infile.h"

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: infile_probe SOCKET DB DATA STATEMENT...\n");
        return 2;
    }
    MYSQL *m = mysql_init(NULL);
    unsigned int on = 1;
    mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &on);
    if (!mysql_real_connect(m, NULL, "root", NULL, argv[2], 0, argv[1], 0)) {
        fprintf(stderr, "infile_probe: %s\n", mysql_error(m));
        mysql_close(m);
        return 1;
    }
    sl_local_infile_guard(m);
    struct sl_local_infile o;
    memset(&o, 0, sizeof o);
    sl_local_infile_offer(m, &o, argv[3], strlen(argv[3]));
    for (int i = 4; i < argc; i++) {
        if (mysql_query(m, argv[i]) == 0)
            printf("ok %llu\n", (unsigned long long)mysql_affected_rows(m));
        else
            printf("error %u %s\n", mysql_errno(m), mysql_error(m));
    }
    if (o.refused[0])
        printf("refused %s\n", o.refused);
    sl_local_infile_withdraw(m);
    mysql_close(m);
    return 0;
}
