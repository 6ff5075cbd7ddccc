-- grain: one row per area of one level within a country: all EU funds attributed to its municipalities at the
-- latest register snapshot, with the Eurostat population of the latest year up to the period end
-- (never the register's own population column, whose year is not stated)
with latest as (
    select max(snapshot) as snapshot from funding_municipalities
),

areas as (
    select r.code, r.name_en, r.name_bg, r.tile_row, r.tile_col
    from regions as r
    join region_closure as rc on rc.region_code = r.code
    where rc.ancestor_code = $country
      and r.level = $level
      and not r.is_benchmark
),

money as (
    select
        rc.ancestor_code as code,
        sum(f.contracted_eur) as contracted_eur,
        sum(f.paid_eur) as paid_eur,
        count(*) as municipalities,
        max(f.snapshot) as snapshot
    from funding_municipalities as f
    join latest using (snapshot)
    join region_closure as rc on rc.region_code = f.region_code
    group by rc.ancestor_code
),

population as (
    select
        region_code as code,
        arg_max(value, year) as population,
        max(year) as pop_year
    from observations
    where indicator_code = 'POP'
      and sex = 'T'
      and age = 'TOTAL'
      and year <= $year_to
    group by region_code
),

final as (
    select
        a.code,
        a.name_en,
        a.name_bg,
        a.tile_row,
        a.tile_col,
        m.contracted_eur,
        m.paid_eur,
        m.municipalities,
        m.snapshot,
        p.population,
        p.pop_year,
        m.contracted_eur / p.population as contracted_per_person
    from areas as a
    left join money as m using (code)
    left join population as p using (code)
)

select * from final
order by code
