"""Scraper: finds and fetches report pages and attachments from government sites, politely,
and hands the raw bytes (with URL, headers and fetch time) to the archive and state DB."""
