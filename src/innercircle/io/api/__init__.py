"""Public-API clients (Mastodon, Bluesky) over one HTTP layer with paging, rate limits, retries and a cache."""
