/*
 * sl_hash: FNV-1a, 64 bits, for short identities such as a load job's key
 * (target table plus source path). Not for anything adversarial.
 */
#ifndef SL_HASH_H
#define SL_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SL_HASH_INIT 0xcbf29ce484222325ULL

/* Folds n bytes into h and returns the new hash. Start from SL_HASH_INIT. */
static inline uint64_t sl_hash_add(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

#endif
