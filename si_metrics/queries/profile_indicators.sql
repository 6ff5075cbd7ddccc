-- grain: one row per area (of $codes) and indicator with a total value (sex T, age TOTAL) in the period:
-- the latest value, the first value of the period, the country and benchmark values of the same year,
-- and the rank among the areas of the same level and country (1 = highest value; ties share the rank)
with areas as (
    select code, level, country_code
    from regions
    where code in (select unnest($codes))
),

-- only the areas the answer needs: the chosen ones, their peers (same level and country), countries, benchmark
needed as (
    select r.code, r.level, r.country_code, r.is_benchmark
    from regions as r
    where (r.level, r.country_code) in (select (a.level, a.country_code) from areas as a)
       or r.code in (select a.country_code from areas as a)
       or r.code = $benchmark
),

vals as (
    select o.indicator_code, o.region_code, o.year, o.value, o.flag
    from totals as o
    where o.year between $year_from and $year_to
      and o.region_code in (select n.code from needed as n)
),

-- each chosen area's series in one pass: first and latest year and value, the latest flag, and whether a break
-- is flagged after the first year (the change since then would mix two series versions)
own as (
    select
        t.region_code,
        t.indicator_code,
        min(t.year) as first_year,
        max(t.year) as year,
        arg_min(t.value, t.year) as first_value,
        arg_max(t.value, t.year) as value,
        arg_max_null(t.flag, t.year) as flag,
        count(*) filter (where t.flag like '%b%') > (coalesce(arg_min_null(t.flag, t.year), '') like '%b%')::int
            as break_since_first
    from vals as t
    join areas as a on a.code = t.region_code
    group by t.region_code, t.indicator_code
),

-- competition ranking ("1, 2, 3, 3, 5"): equal values share the better-placed rank. Counted for the few
-- values shown (a join, not a window that ranks every peer's values only to keep a few)
peers as (
    select
        s.region_code,
        s.indicator_code,
        1 + count(*) filter (where t.value > s.value) as rank,
        count(*) as peers,
        count(*) filter (where t.value = s.value) as sharing
    from own as s
    join areas as a on a.code = s.region_code
    join vals as t on t.indicator_code = s.indicator_code and t.year = s.year
    join needed as r on r.code = t.region_code
    where not r.is_benchmark
      and r.level = a.level
      and r.country_code = a.country_code
    group by s.region_code, s.indicator_code
),

final as (
    select
        s.region_code,
        s.indicator_code,
        i.name_en,
        i.name_bg,
        i.unit,
        i.decimals,
        i.higher_is_better,
        i.theme,
        s.year,
        s.value,
        s.flag,
        s.first_year,
        s.first_value,
        coalesce(s.break_since_first, false) as break_since_first,
        a.country_code,
        nat.value as country_value,
        bench.value as benchmark_value,
        p.rank,
        p.peers,
        p.sharing > 1 as tied
    from own as s
    join areas as a on a.code = s.region_code
    join indicators as i on i.code = s.indicator_code
    left join vals as nat
        on nat.region_code = a.country_code and nat.indicator_code = s.indicator_code and nat.year = s.year
    left join vals as bench
        on bench.region_code = $benchmark and bench.indicator_code = s.indicator_code and bench.year = s.year
    left join peers as p on p.region_code = s.region_code and p.indicator_code = s.indicator_code
)

select * from final
order by region_code, indicator_code
