-- grain: one row per start year and EU fund: EU contribution of the demo (synthetic) projects located in an area
-- or within it, started within the period, of the chosen themes; cancelled projects left out
with chosen as (
    select p.*
    from demo_projects_in($region, $themes) as p
    where p.eu_contribution_eur > 0
      and p.start_year between $year_from and $year_to
),

final as (
    select
        start_year,
        fund,
        count(*) as projects,
        sum(eu_contribution_eur) as eu_contribution_eur
    from chosen
    group by start_year, fund
)

select * from final
order by start_year, fund
