/* event.h — a Kalshi feed result (feed.h) in venue-independent terms (core/events.h): the one
 * translation both the Kalshi WebSocket (ws.h) and the engine's feeds (engine/feeds.h) use. */
#ifndef PM_VENUE_KALSHI_EVENT_H
#define PM_VENUE_KALSHI_EVENT_H

#include <stdint.h>

#include "core/events.h"
#include "venue/kalshi/feed.h"

/* Fills *ev from the result of the frame received at now_ns: 1, or 0 when the result is no
 * event (nothing changed, or a book result without a market). A BOOK event names its ticker as
 * the feed holds it; MARKET, FEE, FILL and ORDER events point into r->msg (valid until the next
 * frame). Allocates nothing. */
int kalshi_feed_to_event(const kalshi_feed *f, const kalshi_feed_result *r, int64_t now_ns, pm_event *ev);

#endif
