-- grain: one row per release (every load, publish or rollback), newest first
select
    id, dataset, kind, published_at, user_name, note, file_name, sha256,
    rows_in_file, rows_added, rows_changed, rows_removed, rows_unchanged, rolls_back
from releases
order by id desc
