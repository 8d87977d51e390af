/* fp32 multiply-add peak of one vector width, on N threads: the plain-C check of the benchmark's own probe.
 *   gcc -O2 -ffp-contract=off -pthread -o fma_peak fma_peak.c
 *   ./fma_peak avx512|avx2|fma128|sse THREADS [cpu]
 * Prints "GFLOPS <rate>" (best of several runs); with "cpu", each thread is timed by its own CPU time, so time slices
 * lost to other processes on a shared host do not count. Twelve independent chains per thread cover the FMA latency times
 * the pipes of current x64 cores while leaving registers for the two operands (16 ymm/xmm on AVX2 and SSE).
 * sse is a multiply then an add (what the 128-bit kernel does where the hardware has no FMA). */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ITERATIONS 40000000L
#define CHAINS 12

static int cpu_time;

static double now(void)
{
    struct timespec t;
    clock_gettime(cpu_time ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Distinct starting values read at run time: identical chains would be merged into one by the compiler. */
static volatile float seed = 0.5f;

#define BODY(T, SET1, STEP, ADD, REDUCE)                                                              \
    float s0 = seed;                                                                                  \
    T x = SET1(0.999f), y = SET1(1e-7f);                                                              \
    T a0 = SET1(s0), a1 = SET1(s0 + 0.01f), a2 = SET1(s0 + 0.02f), a3 = SET1(s0 + 0.03f);            \
    T a4 = SET1(s0 + 0.04f), a5 = SET1(s0 + 0.05f), a6 = SET1(s0 + 0.06f), a7 = SET1(s0 + 0.07f);    \
    T a8 = SET1(s0 + 0.08f), a9 = SET1(s0 + 0.09f), a10 = SET1(s0 + 0.1f), a11 = SET1(s0 + 0.11f);   \
    for (long i = 0; i < n; i++)                                                                      \
    {                                                                                                 \
        a0 = STEP(a0); a1 = STEP(a1); a2 = STEP(a2); a3 = STEP(a3); a4 = STEP(a4); a5 = STEP(a5);      \
        a6 = STEP(a6); a7 = STEP(a7); a8 = STEP(a8); a9 = STEP(a9); a10 = STEP(a10); a11 = STEP(a11);  \
    }                                                                                                 \
    T s = ADD(ADD(ADD(a0, a1), ADD(a2, a3)), ADD(ADD(a4, a5), ADD(a6, a7)));                          \
    s = ADD(s, ADD(ADD(a8, a9), ADD(a10, a11)));                                                      \
    return REDUCE(s);

__attribute__((target("avx512f"))) static float loop512(long n)
{
#define S512(a) _mm512_fmadd_ps(a, x, y)
    BODY(__m512, _mm512_set1_ps, S512, _mm512_add_ps, _mm512_reduce_add_ps)
}

__attribute__((target("avx2,fma"))) static float first256(__m256 v) { return _mm256_cvtss_f32(v); }
__attribute__((target("avx2,fma"))) static float loop256(long n)
{
#define S256(a) _mm256_fmadd_ps(a, x, y)
    BODY(__m256, _mm256_set1_ps, S256, _mm256_add_ps, first256)
}

__attribute__((target("fma"))) static float first128f(__m128 v) { return _mm_cvtss_f32(v); }
__attribute__((target("fma"))) static float loopfma128(long n)
{
#define SF128(a) _mm_fmadd_ps(a, x, y)
    BODY(__m128, _mm_set1_ps, SF128, _mm_add_ps, first128f)
}

static float first128(__m128 v) { return _mm_cvtss_f32(v); }
static float loop128(long n)
{
#define S128(a) _mm_add_ps(_mm_mul_ps(a, x), y)
    BODY(__m128, _mm_set1_ps, S128, _mm_add_ps, first128)
}

static float (*loop)(long);
static int lanes;
static pthread_barrier_t barrier;
static volatile float sink;

static void *worker(void *arg)
{
    double *elapsed = arg;
    sink = loop(1000);
    pthread_barrier_wait(&barrier);
    double t0 = now();
    sink = loop(ITERATIONS);
    *elapsed = now() - t0;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3)
    {
        fprintf(stderr, "usage: %s avx512|avx2|fma128|sse THREADS\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1];
    int threads = atoi(argv[2]);
    cpu_time = argc > 3 && !strcmp(argv[3], "cpu");
    __builtin_cpu_init();
    if (!strcmp(mode, "avx512") && __builtin_cpu_supports("avx512f")) { loop = loop512; lanes = 16; }
    else if (!strcmp(mode, "avx2") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) { loop = loop256; lanes = 8; }
    else if (!strcmp(mode, "fma128") && __builtin_cpu_supports("fma")) { loop = loopfma128; lanes = 4; }
    else if (!strcmp(mode, "sse")) { loop = loop128; lanes = 4; }
    else
    {
        fprintf(stderr, "mode %s is not supported on this CPU\n", mode);
        return 3;
    }

    double best = 0;
    for (int run = 0; run < 7; run++)
    {
        pthread_t ids[256];
        double elapsed[256];
        pthread_barrier_init(&barrier, NULL, threads);
        for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, worker, &elapsed[t]);
        double slowest = 0;
        for (int t = 0; t < threads; t++)
        {
            pthread_join(ids[t], NULL);
            if (elapsed[t] > slowest) slowest = elapsed[t];
        }
        pthread_barrier_destroy(&barrier);
        double rate = threads * (double)ITERATIONS * CHAINS * lanes * 2 / slowest / 1e9;
        if (rate > best) best = rate;
    }
    printf("GFLOPS %.1f\n", best);
    return 0;
}
