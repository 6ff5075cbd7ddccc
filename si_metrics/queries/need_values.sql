-- grain: one row per area of a country at $level (NUTS 2 regions or NUTS 3 districts) with a total value of the indicator in the year, plus one row
-- for the country itself when it has one; each with the population that weights it (same year, else the
-- nearest earlier year, else the earliest year the store holds)
with areas as (
    select r.code, r.level, r.name_en, r.name_bg
    from regions as r
    join region_closure as rc on rc.region_code = r.code
    where rc.ancestor_code = $country
      and r.level in (0, $level)
),

need as (
    select region_code as code, value, flag, source
    from totals
    where indicator_code = $indicator
      and year = $year
),

pop as (
    select region_code as code, year, population as value
    from population
),

weight_year as (
    select coalesce(max(year) filter (where year <= $year), min(year)) as year
    from pop
),

weights as (
    select pop.code, pop.value as population, pop.year as pop_year
    from pop
    join weight_year using (year)
),

final as (
    select a.code, a.level, a.name_en, a.name_bg, n.value, n.flag, n.source, w.population, w.pop_year
    from areas as a
    join need as n using (code)
    left join weights as w using (code)
)

select * from final
order by level, code
