-- grain: one row per catalogue indicator with at least one total value (sex T, age TOTAL) in the store
with final as (
    select
        i.code,
        i.name_en,
        i.name_bg,
        i.unit,
        i.decimals,
        i.higher_is_better,
        i.theme,
        min(o.year) as first_year,
        max(o.year) as last_year
    from indicators as i
    join totals as o on o.indicator_code = i.code
    group by all
)

select * from final
order by code
