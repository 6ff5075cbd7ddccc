-- grain: one row per theme and fund: demo (synthetic) projects located in an area or within it, running during
-- the period, of the chosen themes; cancelled projects left out
with chosen as (
    select p.*
    from demo_projects_in($region, $themes) as p
    where p.start_year <= $year_to
      and p.end_year >= $year_from
),

final as (
    select
        theme,
        fund,
        count(*) as projects,
        sum(budget_eur) as budget_eur,
        sum(eu_contribution_eur) as eu_contribution_eur
    from chosen
    group by theme, fund
)

select * from final
order by theme, fund
