-- grain: one row per demo project that matches the filters and the search and runs during the period,
-- by project id (at most 2,000 rows; how many match in all is projects_summary's count in the period)
with searched as (
    select * from matching_projects($region, $themes::varchar[], $statuses::varchar[], $sectors::varchar[],
                                    $programmes::varchar[], $groups::varchar[], $cross_only, $words::varchar[])
),

final as (
    select
        s.project_id,
        s.title_en,
        s.title_bg,
        s.lead_org,
        s.region_code,
        r.name_en as region_en,
        r.name_bg as region_bg,
        s.theme,
        s.status,
        s.eu_contribution_eur,
        s.beneficiaries_reached,
        s.beneficiaries_target
    from searched as s
    join regions as r on r.code = s.region_code
    where year(s.start_date) <= $year_to
      and year(s.end_date) >= $year_from
    order by s.project_id
    limit 2000
)

select * from final
