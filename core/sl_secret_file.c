#include "sl_secret_file.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int sl_file_readable_by_others(const char *path, unsigned *mode)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    *mode = (unsigned)st.st_mode & 07777;
    return (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
}

int sl_option_file_has_password(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[1024];
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        const char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (strncmp(p, "password", 8) != 0)
            continue;
        p += 8;
        while (*p == ' ' || *p == '\t')
            p++;
        found = *p == '=' || *p == '\n' || *p == '\r' || *p == '\0';
    }
    fclose(f);
    return found;
}
