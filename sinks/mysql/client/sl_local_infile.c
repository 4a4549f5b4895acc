/* Serving LOAD DATA LOCAL from memory only. See sl_local_infile.h. */
#include "sl_local_infile.h"

#include <stdio.h>
#include <string.h>

/* The error the client reports for a refused request. */
#define REFUSED_ERRNO 2068 /* CR_LOAD_DATA_LOCAL_INFILE_REJECTED */

static int offer_init(void **ptr, const char *filename, void *userdata)
{
    struct sl_local_infile *o = userdata;
    *ptr = o;
    if (!o)
        return 1;
    if (strcmp(filename, SL_LOCAL_INFILE_NAME) != 0 || o->asked) {
        snprintf(o->refused, sizeof o->refused, "%s", filename);
        return 1;
    }
    o->asked = 1;
    return 0;
}

static int offer_read(void *ptr, char *buf, unsigned int buf_len)
{
    struct sl_local_infile *o = ptr;
    if (!o || o->refused[0])
        return -1;
    size_t n = o->len - o->pos;
    if (n > buf_len)
        n = buf_len;
    memcpy(buf, o->data + o->pos, n);
    o->pos += n;
    return (int)n;
}

static void offer_end(void *ptr)
{
    (void)ptr;
}

static int offer_error(void *ptr, char *msg, unsigned int len)
{
    struct sl_local_infile *o = ptr;
    if (o && o->refused[0])
        snprintf(msg, len,
                 "sluice refused the server's request for the file '%.200s': it "
                 "sends only the rows it offers",
                 o->refused);
    else
        snprintf(msg, len,
                 "sluice refused the server's request for a local file: it sends "
                 "no file");
    return REFUSED_ERRNO;
}

void sl_local_infile_guard(MYSQL *m)
{
    mysql_set_local_infile_handler(m, offer_init, offer_read, offer_end, offer_error, NULL);
}

void sl_local_infile_offer(MYSQL *m, struct sl_local_infile *o, const char *data, size_t len)
{
    o->data = data;
    o->len = len;
    o->pos = 0;
    o->asked = 0;
    o->refused[0] = '\0';
    mysql_set_local_infile_handler(m, offer_init, offer_read, offer_end, offer_error, o);
}

void sl_local_infile_withdraw(MYSQL *m)
{
    sl_local_infile_guard(m);
}
