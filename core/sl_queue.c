#include "sl_queue.h"

#include <stdlib.h>

int sl_queue_init(struct sl_queue *q, size_t cap)
{
    q->items = calloc(cap ? cap : 1, sizeof *q->items);
    if (!q->items)
        return -1;
    q->cap = cap ? cap : 1;
    q->head = 0;
    q->count = 0;
    q->closed = 0;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    return 0;
}

void sl_queue_release(struct sl_queue *q)
{
    free(q->items);
    q->items = NULL;
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
}

int sl_queue_push(struct sl_queue *q, void *item)
{
    pthread_mutex_lock(&q->mu);
    while (q->count == q->cap && !q->closed)
        pthread_cond_wait(&q->not_full, &q->mu);
    if (q->closed) {
        pthread_mutex_unlock(&q->mu);
        return -1;
    }
    q->items[(q->head + q->count) % q->cap] = item;
    q->count++;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->mu);
    return 0;
}

/* Takes the oldest item; the caller holds q->mu and q->count > 0. */
static void *take(struct sl_queue *q)
{
    void *item = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    pthread_cond_signal(&q->not_full);
    return item;
}

void *sl_queue_try_pop(struct sl_queue *q)
{
    pthread_mutex_lock(&q->mu);
    void *item = q->count > 0 ? take(q) : NULL;
    pthread_mutex_unlock(&q->mu);
    return item;
}

void *sl_queue_pop(struct sl_queue *q)
{
    pthread_mutex_lock(&q->mu);
    while (q->count == 0 && !q->closed)
        pthread_cond_wait(&q->not_empty, &q->mu);
    void *item = q->count > 0 ? take(q) : NULL;
    pthread_mutex_unlock(&q->mu);
    return item;
}

void sl_queue_close(struct sl_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->not_empty);
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->mu);
}
