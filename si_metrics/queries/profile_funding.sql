-- grain: one row per area (of $codes): all EU funds contracted in its municipalities (latest register
-- snapshot), its Eurostat population of the latest year up to $year_to, and the amount per person
with snapshot as (
    select max(snapshot) as snapshot from funding_municipalities
),

areas as (
    select code from regions where code in (select unnest($codes))
),

funds as (
    select
        rc.ancestor_code as region_code,
        sum(f.contracted_eur) as contracted_eur,
        sum(f.paid_eur) as paid_eur,
        count(*) as municipalities,
        max(f.snapshot) as snapshot
    from funding_municipalities as f
    join snapshot using (snapshot)
    join region_closure as rc on rc.region_code = f.region_code
    where rc.ancestor_code in (select code from areas)
    group by rc.ancestor_code
),

population as (
    select region_code, year as population_year, value as population
    from observations
    where indicator_code = 'POP'
      and sex = 'T'
      and age = 'TOTAL'
      and year <= $year_to
      and region_code in (select code from areas)
    qualify row_number() over (partition by region_code order by year desc) = 1
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
