/* The scan kernel's loop in plain C (bench/headroom.ts's yardstick): the rolling sum over random
 * bytes with the two-bit prefilter test of index/lookup.ts, never matching. Prints MB/s. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  size_t n = argc > 1 ? strtoull(argv[1], 0, 10) : 64u << 20, L = 8192;
  uint8_t *u = malloc(n + L);
  uint32_t *bits = calloc(1 << 16, 4), x = 12345, a = 0, b = 0, hits = 0;
  for (size_t i = 0; i < n + L; i++) u[i] = (x = x * 1103515245u + 12345u) >> 24;
  for (size_t j = 0; j < L; j++) a += u[j], b += (L - j) * u[j];
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (size_t i = 0; i < n; i++) {
    uint32_t h = ((a & 0xffff) | (b << 16)) * 0x9e3779b1u, m = (1u << (h & 31)) | (1u << ((h >> 5) & 31));
    if ((bits[h >> 16] & m) == m) hits++;
    uint32_t o = u[i];
    a = a - o + u[i + L];
    b = b - (uint32_t)L * o + a;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("%.0f %u\n", n / s / 1e6, hits);
  return 0;
}
