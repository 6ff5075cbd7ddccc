-- grain: one row per area within a country, the country itself and every level (a page picks the levels it shows:
-- one query instead of one per level, at the cost of one): all EU funds attributed to its municipalities at the
-- latest register snapshot, with the Eurostat population of the latest year up to the period end
-- (never the register's own population column, whose year is not stated)
with areas as (
    select r.code, r.level, r.name_en, r.name_bg, r.tile_row, r.tile_col
    from regions as r
    join region_closure as rc on rc.region_code = r.code
    where rc.ancestor_code = $country
      and not r.is_benchmark
),

money as (
    select * from eu_funds_by_area((select list(a.code) from areas as a))
),

population as (
    select * from population_latest($year_to)
),

final as (
    select
        a.code,
        a.level,
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
order by level, code
