-- grain: one row per demo project that matches the filters and the search and runs during the period,
-- by project id (at most 2,000 rows; how many match in all is projects_summary's count in the period)
with searched as (
    select * from matching_projects($region, $themes::varchar[], $statuses::varchar[], $sectors::varchar[],
                                    $programmes::varchar[], $groups::varchar[], $cross_only, $words::varchar[])
),

shown as (
    -- the page's projects are chosen in project_index; only they are read from projects
    select s.project_id, s.region_code
    from searched as s
    where s.start_year <= $year_to
      and s.end_year >= $year_from
    order by s.project_id
    limit 2000
),

final as (
    select
        p.project_id,
        p.title_en,
        p.title_bg,
        p.lead_org,
        p.lead_sector,
        p.partner_sectors,
        p.partner_count,
        p.region_code,
        r.name_en as region_en,
        r.name_bg as region_bg,
        p.theme,
        p.status,
        p.eu_contribution_eur,
        p.beneficiaries_reached,
        p.beneficiaries_target
    from projects as p
    join shown as s on s.project_id = p.project_id and s.region_code = p.region_code
    join regions as r on r.code = p.region_code
    -- the area's codes again, so DuckDB skips the row groups of other areas of projects (kept in area order)
    where p.region_code in (select rc.region_code from region_closure as rc where rc.ancestor_code = $region)
)

select * from final
order by project_id
