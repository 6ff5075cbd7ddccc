-- grain: one row per area of one level in the country of $region: the total value of one indicator in the
-- latest year of the period with any value at that level (one common year, so the tiles compare)
with areas as (
    select r.code, r.name_en, r.name_bg, r.tile_row, r.tile_col
    from regions as r
    where r.level = $level
      and not r.is_benchmark
      and r.country_code = (select country_code from regions where code = $region)
),

totals as (
    select o.region_code, o.year, o.value, o.flag
    from totals as o
    join areas as a on a.code = o.region_code
    where o.indicator_code = $indicator
      and o.year between $year_from and $year_to
),

latest as (
    select max(year) as year from totals
),

final as (
    select a.code, a.name_en, a.name_bg, a.tile_row, a.tile_col, l.year, t.value, t.flag
    from areas as a
    cross join latest as l
    left join totals as t on t.region_code = a.code and t.year = l.year
)

select * from final
order by code
