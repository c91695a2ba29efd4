/*
 * Native C float32 yardstick for `npm run bench`: the algorithm of shaders/trajectory.wgsl (a weight-decay
 * run and its equivalent exponential-learning-rate run, complex powers for the harmonics, PyTorch's buffer
 * form, divergence and overflow tracking) as a straightforward single-threaded float32 loop, in the
 * operation order of src/core/integrator.ts so that it matches the CPU F32 mirror bit for bit.
 *
 * Build:  cc -O2 -ffp-contract=off -o c_peer c_peer.c -lm
 * Usage:  c_peer INPUT            time the run; prints JSON {"seconds", "trajectorySteps", "checksum", ...}
 *         c_peer INPUT --check    prints the final state as JSON (tests/bench/benchPeers.test.ts)
 * INPUT is written by src/bench/peerInput.ts (text: header lines, then one "x y" line per trajectory).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_K 64

static int K;
static float KA[MAX_K], KB[MAX_K];

static void die(const char *msg) {
  fprintf(stderr, "c_peer: %s\n", msg);
  exit(2);
}

/* grad L(w) = f'(theta) (-uy, ux) / r, harmonics by complex powers of u = w / r. */
static void gradient(float x, float y, float *gx, float *gy) {
  float inv = 1.0f / sqrtf(x * x + y * y);
  float ux = x * inv, uy = y * inv;
  float acc = 0.0f, c = ux, s = uy;
  for (int h = 0; h < K; h++) {
    acc = acc + (KB[h] * c - KA[h] * s);
    float cn = c * ux - s * uy;
    s = c * uy + s * ux;
    c = cn;
  }
  float g = acc * inv;
  *gx = -(uy * g);
  *gy = ux * g;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc < 2) die("usage: c_peer INPUT [--check]");
  int check = argc > 2 && strcmp(argv[2], "--check") == 0;
  FILE *f = fopen(argv[1], "r");
  if (!f) die("cannot open input");
  int n, steps;
  double lr, wd, mom, expLr0, growth, bufInit, tan2Tol, a[MAX_K], b[MAX_K];
  char tag[64];
  if (fscanf(f, "%63s %d %d %d", tag, &n, &steps, &K) != 4 || strcmp(tag, "scaleinv-bench-v1") != 0)
    die("bad header");
  if (K < 1 || K > MAX_K || n < 1 || steps < 0) die("bad sizes");
  if (fscanf(f, "%lf %lf %lf %lf %lf %lf %lf", &lr, &wd, &mom, &expLr0, &growth, &bufInit, &tan2Tol) != 7)
    die("bad constants");
  for (int h = 0; h < K; h++)
    if (fscanf(f, "%lf", &a[h]) != 1) die("bad a");
  for (int h = 0; h < K; h++)
    if (fscanf(f, "%lf", &b[h]) != 1) die("bad b");
  /* k*a_k rounded once to double, then to float: what F32.fromDD does with the exact product. */
  for (int h = 0; h < K; h++) {
    KA[h] = (float)((h + 1) * a[h]);
    KB[h] = (float)((h + 1) * b[h]);
  }
  float *st = malloc(sizeof(float) * 9 * (size_t)n); /* wx wy wvx wvy ex ey evx evy lr */
  int *div = malloc(sizeof(int) * (size_t)n), *ovf = malloc(sizeof(int) * (size_t)n);
  if (!st || !div || !ovf) die("out of memory");
  const float bi = (float)bufInit;
  for (int i = 0; i < n; i++) {
    double x0, y0;
    if (fscanf(f, "%lf %lf", &x0, &y0) != 2) die("bad point");
    float x = (float)x0, y = (float)y0, *s = st + 9 * (size_t)i;
    s[0] = x, s[1] = y, s[2] = 0.0f, s[3] = 0.0f;
    s[4] = x, s[5] = y, s[6] = bi * x, s[7] = bi * y, s[8] = (float)expLr0;
    div[i] = -1;
    ovf[i] = -1;
  }
  fclose(f);

  const float eta = (float)lr, lam = (float)wd, gamma = (float)mom, gr = (float)growth, tt = (float)tan2Tol;
  double t0 = now();
  for (int i = 0; i < n; i++) {
    float *s = st + 9 * (size_t)i;
    float wx = s[0], wy = s[1], wvx = s[2], wvy = s[3], ex = s[4], ey = s[5], evx = s[6], evy = s[7];
    float elr = s[8];
    int dv = div[i], ov = ovf[i];
    for (int t = 0; t < steps; t++) {
      float gx, gy, hx, hy;
      gradient(wx, wy, &gx, &gy);
      wvx = gamma * wvx + (gx + lam * wx);
      wvy = gamma * wvy + (gy + lam * wy);
      wx = wx - eta * wvx;
      wy = wy - eta * wvy;
      if (ov < 0) {
        gradient(ex, ey, &hx, &hy);
        evx = gamma * evx + hx;
        evy = gamma * evy + hy;
        ex = ex - elr * evx;
        ey = ey - elr * evy;
        elr = elr * gr;
        if (!(isfinite(ex) && isfinite(ey) && isfinite(evx) && isfinite(evy) && isfinite(elr) &&
              isfinite(wx) && isfinite(wy) && isfinite(wvx) && isfinite(wvy)))
          ov = t + 1;
      }
      if (dv < 0 && ov < 0) {
        float cross = wx * ey - wy * ex, dot = wx * ex + wy * ey;
        if (!(dot > 0.0f) || cross * cross > tt * (dot * dot)) dv = t + 1;
      }
    }
    s[0] = wx, s[1] = wy, s[2] = wvx, s[3] = wvy, s[4] = ex, s[5] = ey, s[6] = evx, s[7] = evy, s[8] = elr;
    div[i] = dv;
    ovf[i] = ov;
  }
  double seconds = now() - t0;

  if (check) {
    printf("{\"wd\":[");
    for (int i = 0; i < n; i++) printf("%s%.17g,%.17g", i ? "," : "", (double)st[9 * i], (double)st[9 * i + 1]);
    printf("],\"ex\":[");
    for (int i = 0; i < n; i++) printf("%s%.17g,%.17g", i ? "," : "", (double)st[9 * i + 4], (double)st[9 * i + 5]);
    printf("],\"divergenceStep\":[");
    for (int i = 0; i < n; i++) printf("%s%d", i ? "," : "", div[i]);
    printf("],\"overflowStep\":[");
    for (int i = 0; i < n; i++) printf("%s%d", i ? "," : "", ovf[i]);
    printf("]}\n");
  } else {
    double checksum = 0;
    int diverged = 0;
    for (int i = 0; i < n; i++) {
      checksum += (double)st[9 * i] + (double)st[9 * i + 1];
      diverged += div[i] >= 0;
    }
    printf("{\"seconds\":%.9g,\"trajectorySteps\":%.0f,\"checksum\":%.17g,\"diverged\":%d,\"n\":%d,\"steps\":%d}\n",
           seconds, (double)n * steps, checksum, diverged, n, steps);
  }
  free(st);
  free(div);
  free(ovf);
  return 0;
}
