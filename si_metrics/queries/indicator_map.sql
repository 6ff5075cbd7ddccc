-- grain: one row per area of one level within one country (or other parent area), with the indicator's
-- total value for one year (null where there is none)
with areas as (
    select r.code, r.name_en, r.name_bg, r.tile_row, r.tile_col
    from regions as r
    join region_closure as rc on rc.region_code = r.code
    where rc.ancestor_code = $country
      and r.level = $level
),

vals as (
    select region_code, value, flag
    from totals
    where indicator_code = $indicator
      and year = $year
),

final as (
    select a.*, v.value, v.flag
    from areas as a
    left join vals as v on v.region_code = a.code
)

select * from final
order by code
