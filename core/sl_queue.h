/*
 * sl_queue: a bounded multi-producer, multi-consumer queue of pointers.
 *
 * The pipeline passes batches through two of these: full batches from readers
 * to writers, and empty batches back. Because the queues are bounded and the
 * batches are a fixed pool, peak memory does not depend on the input size.
 *
 * Each item has exactly one owner: whoever pushed it gives it up, whoever
 * popped it owns it. sl_queue_close() wakes everyone: push then fails, and pop
 * returns the remaining items, then NULL.
 */
#ifndef SL_QUEUE_H
#define SL_QUEUE_H

#include <pthread.h>
#include <stddef.h>

struct sl_queue {
    pthread_mutex_t mu;
    pthread_cond_t not_empty;
    pthread_cond_t not_full;
    void **items;
    size_t cap, head, count;
    int closed;
};

/* Initialises a queue holding up to cap items. Returns 0 or -1 (no memory). */
int sl_queue_init(struct sl_queue *q, size_t cap);

/* Frees the queue's own memory; items still inside are not freed. */
void sl_queue_release(struct sl_queue *q);

/* Adds item, waiting while the queue is full. Returns 0, or -1 if the queue
 * is closed (the caller still owns item then). */
int sl_queue_push(struct sl_queue *q, void *item);

/* Removes the oldest item, waiting while the queue is empty and open.
 * Returns NULL once the queue is closed and drained. */
void *sl_queue_pop(struct sl_queue *q);

/* Removes the oldest item if there is one, without waiting. Returns NULL
 * when the queue is empty at this moment (open or closed). */
void *sl_queue_try_pop(struct sl_queue *q);

/* Closes the queue and wakes every waiting thread. Idempotent. */
void sl_queue_close(struct sl_queue *q);

#endif
