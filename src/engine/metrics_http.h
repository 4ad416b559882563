/* metrics_http.h — the HTTP endpoint of `pmarb run` on [run] http_listen: one small thread,
 * plain blocking sockets, one request per connection (Connection: close), serving GET /metrics
 * and GET /health from the snapshot the feed thread publishes (metrics.h), and in live mode
 * the executors' atomic counters and histograms; it never touches the engine. Anything else is 404 (405 for a method other than GET). */
#ifndef PM_ENGINE_METRICS_HTTP_H
#define PM_ENGINE_METRICS_HTTP_H

#include "engine/metrics.h"
#include "util/err.h"

typedef struct pm_metrics_http pm_metrics_http;

/* addr: "HOST:PORT" (an IPv4 address; port 0 = any free port). Binds before returning, so a
 * port in use is an error here; then serves pub (and live, NULL on paper) from its own thread. */
int pm_metrics_http_start(const char *addr, pm_metrics_pub *pub, const pm_live_metrics *live, pm_metrics_http **out,
                          pm_err *err);
/* The port bound. */
int pm_metrics_http_port(const pm_metrics_http *h);
/* Stops the thread and closes the socket. */
void pm_metrics_http_stop(pm_metrics_http *h);

#endif
