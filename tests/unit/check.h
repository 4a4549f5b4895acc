/*
 * check.h: the unit tests' assertion macros. Each failed check prints its
 * file, line and the values involved, and counts; a test program's main()
 * ends with CHECK_DONE(), which prints "N passed, N failed" and returns the
 * exit code ctest reads.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <string.h>

struct check_counts {
    int passed, failed;
};

#define CHECK_INIT() struct check_counts check_counts_ = {0, 0}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            check_counts_.passed++;                                                                \
        } else {                                                                                   \
            check_counts_.failed++;                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                         \
    do {                                                                                           \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                      \
        if (va_ == vb_) {                                                                          \
            check_counts_.passed++;                                                                \
        } else {                                                                                   \
            check_counts_.failed++;                                                                \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b,  \
                    va_, vb_);                                                                     \
        }                                                                                          \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                                         \
    do {                                                                                           \
        const char *sa_ = (a), *sb_ = (b);                                                         \
        if (sa_ && sb_ && strcmp(sa_, sb_) == 0) {                                                 \
            check_counts_.passed++;                                                                \
        } else {                                                                                   \
            check_counts_.failed++;                                                                \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a,  \
                    #b, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");                               \
        }                                                                                          \
    } while (0)

#define CHECK_DONE()                                                                               \
    (printf("%d passed, %d failed\n", check_counts_.passed, check_counts_.failed),                 \
     check_counts_.failed == 0 && check_counts_.passed > 0 ? 0 : 1)

#endif
