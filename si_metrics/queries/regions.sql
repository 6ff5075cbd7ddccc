-- grain: one row per area (countries, NUTS 1-3, benchmarks)
select
    code, level, parent_code, country_code, name_en, name_bg, iso_3166_2,
    area_km2, tile_row, tile_col, is_benchmark
from regions
order by is_benchmark, country_code, code
