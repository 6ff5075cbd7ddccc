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

span as (
    select t.region_code, t.indicator_code, min(t.year) as first_year, max(t.year) as year
    from vals as t
    join areas as a on a.code = t.region_code
    group by t.region_code, t.indicator_code
),

-- a break flagged after the first year means the change since then mixes two series versions
breaks as (
    select s.region_code, s.indicator_code, bool_or(coalesce(t.flag, '') like '%b%') as break_since_first
    from span as s
    join vals as t
        on t.region_code = s.region_code
        and t.indicator_code = s.indicator_code
        and t.year > s.first_year
        and t.year <= s.year
    group by s.region_code, s.indicator_code
),

-- competition ranking ("1, 2, 3, 3, 5"): equal values share the better-placed rank. Counted for the few
-- values shown (a join, not a window over every peer's values: 3-4x faster for a country's 400 districts)
peers as (
    select
        s.region_code,
        s.indicator_code,
        1 + count(*) filter (where t.value > cur.value) as rank,
        count(*) as peers,
        count(*) filter (where t.value = cur.value) as sharing
    from span as s
    join areas as a on a.code = s.region_code
    join vals as cur on cur.region_code = s.region_code and cur.indicator_code = s.indicator_code and cur.year = s.year
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
        cur.value,
        cur.flag,
        s.first_year,
        first.value as first_value,
        coalesce(b.break_since_first, false) as break_since_first,
        a.country_code,
        nat.value as country_value,
        bench.value as benchmark_value,
        p.rank,
        p.peers,
        p.sharing > 1 as tied
    from span as s
    join areas as a on a.code = s.region_code
    join indicators as i on i.code = s.indicator_code
    join vals as cur
        on cur.region_code = s.region_code and cur.indicator_code = s.indicator_code and cur.year = s.year
    join vals as first
        on first.region_code = s.region_code and first.indicator_code = s.indicator_code
        and first.year = s.first_year
    left join breaks as b on b.region_code = s.region_code and b.indicator_code = s.indicator_code
    left join vals as nat
        on nat.region_code = a.country_code and nat.indicator_code = s.indicator_code and nat.year = s.year
    left join vals as bench
        on bench.region_code = $benchmark and bench.indicator_code = s.indicator_code and bench.year = s.year
    left join peers as p on p.region_code = s.region_code and p.indicator_code = s.indicator_code
)

select * from final
order by region_code, indicator_code
