"""The daily crawl: discovery to the watermark, gap probing, refresh, periodic full sweep."""

from likeness_watch.crawl.daily import CrawlError, crawl_day

__all__ = ["CrawlError", "crawl_day"]
