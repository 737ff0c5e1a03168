-- A war date may come from a photo caption's full date (date_source = 'caption') when a
-- story states no date line or dated dateline; analysts read the value list here.
COMMENT ON COLUMN war_entries.date_source IS 'Where the war date comes from: day_number (stated "Day N"), metadata (the document''s own date), dateline (a dateline or date line in the text, in any locale), caption (a full date in a photo caption among the first lines, its weekday agreeing with the lead), logical_date (the run''s fallback date: nothing in the document dates it), none.';
COMMENT ON COLUMN war_events.date_source IS 'Where the war date comes from: day_number, metadata, dateline, caption (a photo caption''s date), logical_date (the run''s fallback date), none.';
COMMENT ON COLUMN war_figures.date_source IS 'Where the war date comes from: day_number, metadata, dateline, caption (a photo caption''s date), logical_date (fallback), none.';
