-- grain: one row per catalogue indicator that has at least one observation
-- (aggregated per indicator and area first: millions of observations, thousands of pairs)
with per_area as (
    select
        o.indicator_code,
        o.region_code,
        min(o.year) as first_year,
        max(o.year) as last_year,
        bool_or(o.sex <> 'T' or o.age <> 'TOTAL') as has_breakdown
    from observations as o
    group by o.indicator_code, o.region_code
),

obs as (
    select p.*, r.level
    from per_area as p
    join regions as r on r.code = p.region_code
),

final as (
    select
        i.code, i.name_en, i.name_bg, i.definition_en, i.definition_bg, i.unit, i.decimals,
        i.higher_is_better, i.theme, i.notes_en, i.notes_bg,
        min(obs.first_year) as first_year,
        max(obs.last_year) as last_year,
        list(distinct obs.level order by obs.level) as levels,
        bool_or(obs.has_breakdown) as has_breakdown
    from indicators as i
    join obs on obs.indicator_code = i.code
    group by all
)

select * from final
order by theme, code
