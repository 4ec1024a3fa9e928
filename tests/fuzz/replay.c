/*
 * NAME
 *   replay - run a fuzz target over its corpus without libFuzzer
 *
 * DESCRIPTION
 *   replay [FILE|DIR]... feeds every file (a directory: each regular file
 *   in it) to LLVMFuzzerTestOneInput, so that make test replays the
 *   corpora of tests/fuzz/ as regression tests with any compiler. Without
 *   arguments a program named replay_NAME reads tests/fuzz/corpus/NAME/
 *   (run from the repository root). A failing property aborts.
 *
 * DIAGNOSTICS
 *   "replay_NAME: N inputs" on success; a file or directory that cannot be
 *   read, or an empty corpus, is named and gives exit status 1.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* replay_file - feed one file; false when it cannot be read */
static bool
replay_file(const char *path)
{
    FILE   *fp = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t  len = 0, cap = 0, n;

    if (fp == NULL) {
        fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
        return false;
    }
    do {
        if (len == cap) {
            cap = cap ? 2 * cap : 4096;
            if ((buf = realloc(buf, cap)) == NULL) {
                fprintf(stderr, "replay: out of memory reading %s\n", path);
                fclose(fp);
                return false;
            }
        }
        n = fread(buf + len, 1, cap - len, fp);
        len += n;
    } while (n > 0);
    if (ferror(fp)) {
        fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
        fclose(fp);
        free(buf);
        return false;
    }
    fclose(fp);
    /* an exact-size copy, so that a read past the end is caught */
    {
        uint8_t *exact = malloc(len ? len : 1);

        if (exact == NULL) {
            free(buf);
            return false;
        }
        if (len)
            memcpy(exact, buf, len);
        free(buf);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
    }
    return true;
}

/* replay_path - a file, or every regular file of a directory; inputs fed */
static long
replay_path(const char *path)
{
    struct stat st;
    struct dirent **names;
    long    fed = 0;
    int     n, i;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path) ? 1 : -1;
    if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
        fprintf(stderr, "replay: cannot list %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (i = 0; i < n; i++) {
        char    file[4096];

        snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
        if (names[i]->d_name[0] != '.' && stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
            if (!replay_file(file))
                fed = -1;
            else if (fed >= 0)
                fed++;
        }
        free(names[i]);
    }
    free(names);
    return fed;
}

int
main(int argc, char **argv)
{
    char    self[4096], dir[4096 + 32];
    const char *name;
    long    total = 0, fed;
    int     i;

    snprintf(self, sizeof self, "%s", argv[0]);
    name = basename(self);
    if (argc < 2) {
        if (strncmp(name, "replay_", 7) != 0) {
            fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
            return 2;
        }
        snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", name + 7);
        if ((fed = replay_path(dir)) <= 0) {
            fprintf(stderr, "%s: no inputs in %s (run from the repository root)\n", name, dir);
            return 1;
        }
        total = fed;
    }
    for (i = 1; i < argc; i++) {
        if ((fed = replay_path(argv[i])) < 0)
            return 1;
        total += fed;
    }
    printf("%s: %ld inputs\n", name, total);
    return 0;
}
