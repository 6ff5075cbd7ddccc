-- grain: one row per catalogue indicator that has at least one observation
with obs as (
    select
        o.indicator_code,
        r.level,
        o.year,
        (o.sex <> 'T' or o.age <> 'TOTAL') as is_breakdown
    from observations as o
    join regions as r on r.code = o.region_code
),

final as (
    select
        i.code, i.name_en, i.name_bg, i.definition_en, i.definition_bg, i.unit, i.decimals,
        i.higher_is_better, i.theme, i.notes_en, i.notes_bg,
        min(obs.year) as first_year,
        max(obs.year) as last_year,
        list(distinct obs.level order by obs.level) as levels,
        bool_or(obs.is_breakdown) as has_breakdown
    from indicators as i
    join obs on obs.indicator_code = i.code
    group by all
)

select * from final
order by theme, code
