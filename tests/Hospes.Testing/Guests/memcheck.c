/*
 * memcheck MIB [INTERVAL_MS]: a guest-side checker for save/restore and migration.
 *
 * Owns MIB MiB of memory. Each pass stamps every 4 KiB page at both ends with (pass, page) and, before
 * overwriting, verifies that the page still holds the previous pass's stamp. A page that does not is a
 * write the VM lost (a stale page after a restore or a migration): it is reported and memcheck exits 1.
 * After each pass it prints "memcheck pass N t=MS" (MS: CLOCK_MONOTONIC in ms), so the host sees both
 * progress and any gap in it. Between passes it sleeps INTERVAL_MS (default 100) to dirty memory at a rate.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define PAGE 4096u

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t stamp(uint64_t pass, uint64_t page)
{
    return (pass << 32) | (page & 0xffffffffu) | 0x8000000000000000ull;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: memcheck MIB [INTERVAL_MS]\n");
        return 2;
    }

    size_t pages = (size_t)strtoul(argv[1], NULL, 10) * (1024u * 1024u / PAGE);
    long interval = argc > 2 ? strtol(argv[2], NULL, 10) : 100;
    unsigned char *mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (mem == MAP_FAILED) {
        perror("memcheck: mmap");
        return 2;
    }

    /* Keep it resident: a page the guest swapped or reclaimed is not what is being checked. */
    mlock(mem, pages * PAGE);
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (uint64_t pass = 1;; pass++) {
        for (size_t p = 0; p < pages; p++) {
            uint64_t *head = (uint64_t *)(mem + p * PAGE);
            uint64_t *tail = (uint64_t *)(mem + (p + 1) * PAGE - sizeof(uint64_t));
            if (pass > 1) {
                uint64_t want = stamp(pass - 1, p);
                if (*head != want || *tail != want) {
                    printf("memcheck STALE page %zu in pass %llu: head %016llx tail %016llx, expected %016llx\n",
                           p, (unsigned long long)pass, (unsigned long long)*head, (unsigned long long)*tail,
                           (unsigned long long)want);
                    return 1;
                }
            }

            *head = stamp(pass, p);
            *tail = stamp(pass, p);
        }

        printf("memcheck pass %llu t=%llu\n", (unsigned long long)pass, (unsigned long long)now_ms());
        if (interval > 0) {
            struct timespec ts = { interval / 1000, (interval % 1000) * 1000000L };
            nanosleep(&ts, NULL);
        }
    }
}
