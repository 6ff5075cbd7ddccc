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

totals as (
    -- the benchmark apart: with it, the codes would span most of the table (observations are in area order)
    select o.indicator_code, o.region_code, o.year, o.value, o.flag
    from observations as o
    where o.sex = 'T'
      and o.age = 'TOTAL'
      and o.year between $year_from and $year_to
      and o.region_code in (select n.code from needed as n where n.code <> $benchmark)
    union all
    select o.indicator_code, o.region_code, o.year, o.value, o.flag
    from observations as o
    where o.sex = 'T'
      and o.age = 'TOTAL'
      and o.year between $year_from and $year_to
      and o.region_code = $benchmark
),

span as (
    select t.region_code, t.indicator_code, min(t.year) as first_year, max(t.year) as year
    from totals as t
    join areas as a on a.code = t.region_code
    group by t.region_code, t.indicator_code
),

-- a break flagged after the first year means the change since then mixes two series versions
breaks as (
    select s.region_code, s.indicator_code, bool_or(coalesce(t.flag, '') like '%b%') as break_since_first
    from span as s
    join totals as t
        on t.region_code = s.region_code
        and t.indicator_code = s.indicator_code
        and t.year > s.first_year
        and t.year <= s.year
    group by s.region_code, s.indicator_code
),

-- competition ranking ("1, 2, 3, 3, 5"): equal values share the better-placed rank
peers as (
    select
        t.indicator_code,
        t.year,
        t.region_code,
        rank() over w_order as rank,
        count(*) over w_all as peers,
        count(*) over (partition by t.indicator_code, t.year, r.level, r.country_code, t.value) as sharing
    from totals as t
    join needed as r on r.code = t.region_code
    where not r.is_benchmark
      and (r.level, r.country_code) in (select (a.level, a.country_code) from areas as a)
      and (t.indicator_code, t.year) in (select (s.indicator_code, s.year) from span as s)
    window
        w_order as (partition by t.indicator_code, t.year, r.level, r.country_code order by t.value desc),
        w_all as (partition by t.indicator_code, t.year, r.level, r.country_code)
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
    join totals as cur
        on cur.region_code = s.region_code and cur.indicator_code = s.indicator_code and cur.year = s.year
    join totals as first
        on first.region_code = s.region_code and first.indicator_code = s.indicator_code
        and first.year = s.first_year
    left join breaks as b on b.region_code = s.region_code and b.indicator_code = s.indicator_code
    left join totals as nat
        on nat.region_code = a.country_code and nat.indicator_code = s.indicator_code and nat.year = s.year
    left join totals as bench
        on bench.region_code = $benchmark and bench.indicator_code = s.indicator_code and bench.year = s.year
    left join peers as p
        on p.region_code = s.region_code and p.indicator_code = s.indicator_code and p.year = s.year
)

select * from final
order by region_code, indicator_code
