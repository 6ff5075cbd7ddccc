-- grain: one row per area of a country at $level (NUTS 2 regions or NUTS 3 districts) and one for the country: all EU funds contracted in its
-- municipalities (latest register snapshot), the EU contribution of the demo (synthetic) projects placed in it
-- or within it (running during the period, chosen themes, not cancelled), and the Eurostat population of the
-- latest year up to the period end
with areas as (
    select r.code, r.level
    from regions as r
    join region_closure as rc on rc.region_code = r.code
    where rc.ancestor_code = $country
      and r.level in (0, $level)
),

eu_funds as (
    select code, contracted_eur as eu_funds_contracted_eur, snapshot
    from eu_funds_by_area((select list(a.code) from areas as a))
),

demo as (
    select rc.ancestor_code as code, sum(p.eu_contribution_eur) as demo_eu_contribution_eur, count(*) as demo_projects
    from project_index as p
    join region_closure as rc on rc.region_code = p.region_code
    where rc.ancestor_code in (select a.code from areas as a)
      and p.region_code in (select c.region_code from region_closure as c where c.ancestor_code = $country)
      and p.theme in (select unnest($themes))
      and p.status <> 'cancelled'
      and p.start_year <= $year_to
      and p.end_year >= $year_from
    group by rc.ancestor_code
),

population as (
    select * from population_latest($year_to)
),

final as (
    select
        a.code,
        a.level,
        e.eu_funds_contracted_eur,
        e.snapshot,
        coalesce(d.demo_eu_contribution_eur, 0) as demo_eu_contribution_eur,
        coalesce(d.demo_projects, 0) as demo_projects,
        p.population,
        p.pop_year
    from areas as a
    left join eu_funds as e using (code)
    left join demo as d using (code)
    left join population as p using (code)
)

select * from final
order by level, code
