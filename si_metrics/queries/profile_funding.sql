-- grain: one row per area (of $codes): all EU funds contracted in its municipalities (latest register
-- snapshot), its Eurostat population of the latest year up to $year_to, and the amount per person
with areas as (
    select code from regions where code in (select unnest($codes))
),

funds as (
    select code as region_code, contracted_eur, paid_eur, municipalities, snapshot from eu_funds_by_area($codes)
),

population as (
    select code as region_code, pop_year as population_year, population from population_latest($year_to)
),

final as (
    select
        a.code as region_code,
        f.contracted_eur,
        f.paid_eur,
        f.municipalities,
        f.snapshot,
        p.population,
        p.population_year,
        f.contracted_eur / nullif(p.population, 0) as per_person_eur
    from areas as a
    left join funds as f on f.region_code = a.code
    left join population as p on p.region_code = a.code
)

select * from final
order by region_code
