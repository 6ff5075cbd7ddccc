-- grain: one row per demo project that matches the filters and the search and runs during the period, by project
-- id: every one of them (the page's list stops at 2,000; the export is streamed in chunks), with all its fields
with searched as (
    select * from matching_projects($region, $themes::varchar[], $statuses::varchar[], $sectors::varchar[],
                                    $programmes::varchar[], $groups::varchar[], $cross_only, $words::varchar[])
),

chosen as (
    select s.project_id, s.region_code
    from searched as s
    where s.start_year <= $year_to
      and s.end_year >= $year_from
),

final as (
    select
        p.project_id,
        p.title_en,
        p.title_bg,
        p.lead_org,
        p.lead_org_type,
        p.lead_sector,
        p.partner_sectors,
        p.partner_count,
        p.region_code,
        r.name_en as region_en,
        r.name_bg as region_bg,
        p.theme,
        p.target_groups,
        p.programme_code,
        p.fund,
        p.start_date,
        p.end_date,
        p.status,
        p.budget_eur,
        p.eu_contribution_eur,
        p.paid_eur,
        p.beneficiaries_target,
        p.beneficiaries_reached,
        p.sdgs,
        p.is_synthetic
    from projects as p
    join chosen as s on s.project_id = p.project_id and s.region_code = p.region_code
    join regions as r on r.code = p.region_code
    where p.region_code in (select rc.region_code from region_closure as rc where rc.ancestor_code = $region)
)

select * from final
order by project_id
