-- grain: one row per area (of $codes), indicator and year with a total value (sex T, age TOTAL): the value, its
-- flag, and the source and vintage the observation names (a briefing cites each figure; totals keep no vintage)
with final as (
    select o.region_code, o.indicator_code, o.year, o.value, o.flag, o.source, o.vintage
    from observations as o
    where o.region_code in (select unnest($codes::varchar[]))
      and o.sex = 'T'
      and o.age = 'TOTAL'
)

select * from final
order by region_code, indicator_code, year
