-- grain: one row per theme, status, lead sector and timing (in_period: runs during the period;
-- starts_after: starts after it) of the demo projects that match the filters and the search
with searched as (
    select * from matching_projects($region, $themes::varchar[], $statuses::varchar[], $sectors::varchar[],
                                    $programmes::varchar[], $groups::varchar[], $cross_only, $words::varchar[])
),

final as (
    select
        s.theme,
        s.status,
        s.lead_sector,
        s.start_year <= $year_to and s.end_year >= $year_from as in_period,
        s.start_year > $year_to as starts_after,
        count(*) as projects,
        sum(s.eu_contribution_eur) as eu_contribution_eur,
        sum(s.beneficiaries_reached) as beneficiaries_reached,
        count(*) filter (where s.cross_sector) as cross_sector_projects
    from searched as s
    group by all
)

select * from final
order by theme, status, lead_sector, in_period, starts_after
