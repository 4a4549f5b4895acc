/*
 * sl_suggest: "did you mean ...?" for a mistyped command or option name.
 */
#ifndef SL_SUGGEST_H
#define SL_SUGGEST_H

#include <stddef.h>

/* The edit distance between a and b: insertions, deletions, substitutions
 * and swaps of two neighbouring characters each count 1. Names longer than
 * 63 bytes count as far from everything. */
size_t sl_suggest_distance(const char *a, const char *b);

/* The one name of names[0..n) nearest to word, when it is near enough to
 * be what was meant (at most 1 edit for a word of up to 4 characters, 2 for
 * longer ones) and no other name is as near; else NULL. A NULL entry in
 * names is skipped. */
const char *sl_suggest(const char *word, const char *const *names, size_t n);

#endif
