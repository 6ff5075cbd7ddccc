-- grain: one row per need indicator (poverty and employment themes) and year with a total value for at least one
-- area of a country at $level
with level_areas as (
    select r.code
    from regions as r
    join region_closure as rc on rc.region_code = r.code
    where rc.ancestor_code = $country
      and r.level = $level
),

final as (
    select
        i.code as indicator_code,
        i.name_en,
        i.name_bg,
        i.unit,
        i.decimals,
        i.higher_is_better,
        o.year,
        count(*) as regions
    from totals as o
    join level_areas on level_areas.code = o.region_code
    join indicators as i on i.code = o.indicator_code
    where i.theme in ('poverty_inclusion', 'employment')
    group by all
)

select * from final
order by indicator_code, year
