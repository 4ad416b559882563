/* ratelimit.h — a token bucket (the venues' rate limits are token buckets: Kalshi bills most
 * requests 10 tokens from a per-second read or write budget). Thread-safe. */
#ifndef PM_NET_RATELIMIT_H
#define PM_NET_RATELIMIT_H

#include <pthread.h>
#include <stdint.h>

typedef struct pm_bucket {
    pthread_mutex_t lock;
    int64_t rate;      /* tokens per second */
    int64_t capacity;  /* burst */
    int64_t tokens_ns; /* tokens × 1e9, so refills stay exact in integers */
    int64_t last_ns;   /* monotonic time of the last refill */
} pm_bucket;

void pm_bucket_init(pm_bucket *b, int64_t rate_per_s, int64_t capacity, int64_t now_ns);

/* Takes cost tokens if available and returns 0; otherwise takes nothing and returns how many
 * nanoseconds to wait before they will be. */
int64_t pm_bucket_take(pm_bucket *b, int64_t cost, int64_t now_ns);

/* Waits (sleeping) until cost tokens are available and takes them. */
void pm_bucket_wait(pm_bucket *b, int64_t cost);

#endif
