/* ratelimit.c — token bucket (see ratelimit.h). */
#include "net/ratelimit.h"

#include "util/clock.h"

#include <time.h>

void pm_bucket_init(pm_bucket *b, int64_t rate_per_s, int64_t capacity, int64_t now_ns) {
    pthread_mutex_init(&b->lock, NULL);
    b->rate = rate_per_s > 0 ? rate_per_s : 1;
    b->capacity = capacity > 0 ? capacity : b->rate;
    b->tokens_ns = b->capacity * 1000000000LL;
    b->last_ns = now_ns;
}

int64_t pm_bucket_take(pm_bucket *b, int64_t cost, int64_t now_ns) {
    pthread_mutex_lock(&b->lock);
    if (now_ns > b->last_ns) {
        __int128 t = (__int128)b->tokens_ns + (__int128)(now_ns - b->last_ns) * b->rate;
        __int128 full = (__int128)b->capacity * 1000000000LL;
        b->tokens_ns = (int64_t)(t > full ? full : t);
        b->last_ns = now_ns;
    }
    int64_t need = cost * 1000000000LL, wait = 0;
    if (b->tokens_ns >= need) b->tokens_ns -= need;
    else wait = (need - b->tokens_ns + b->rate - 1) / b->rate;
    pthread_mutex_unlock(&b->lock);
    return wait;
}

void pm_bucket_wait(pm_bucket *b, int64_t cost) {
    int64_t wait;
    while ((wait = pm_bucket_take(b, cost, pm_mono_ns())) > 0) {
        struct timespec ts = {wait / 1000000000LL, wait % 1000000000LL};
        nanosleep(&ts, NULL);
    }
}
