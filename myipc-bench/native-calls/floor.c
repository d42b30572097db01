/* The C floor of the same calls: ns per call, median [min-max] of 7 repeats. cc -O2 floor.c -o floor */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}
static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static volatile long sink;
static uint32_t word __attribute__((aligned(64)));
static int fds[2];
static char byte;
static struct timespec ts;

static void f_getpid(void) { sink += getpid(); }
static void f_futex(void) { sink += syscall(SYS_futex, &word, FUTEX_WAKE, 0x7fffffff, NULL, 0, 0); }
static void f_pipe(void) {
    sink += write(fds[1], &byte, 1);
    sink += read(fds[0], &byte, 1);
}
static void f_clock(void) { sink += clock_gettime(CLOCK_MONOTONIC, &ts); }

static void run(const char *name, void (*f)(void), long n) {
    enum { R = 7 };
    double v[R];
    for (long i = 0; i < n / 10; i++) f(); /* warm-up */
    for (int r = 0; r < R; r++) {
        double t0 = now();
        for (long i = 0; i < n; i++) f();
        v[r] = (now() - t0) / n;
    }
    qsort(v, R, sizeof v[0], cmp);
    printf("%s_c %.1f %.1f %.1f\n", name, v[R / 2], v[0], v[R - 1]);
}

int main(void) {
    if (pipe(fds)) return 1;
    run("getpid", f_getpid, 300000);
    run("futexWake", f_futex, 300000);
    run("pipeWriteRead", f_pipe, 200000);
    run("clock", f_clock, 5000000);
    return 0;
}
