-- grain: one row: the demo projects located in an area or any area within it, running during the period
with final as (
    select
        count(*) as projects,
        coalesce(sum(p.beneficiaries_reached), 0) as beneficiaries_reached,
        count(*) filter (where project_cross_sector(p.lead_sector, p.partner_sectors)) as cross_sector_projects
    from projects as p
    join region_closure as rc on rc.region_code = p.region_code
    where rc.ancestor_code = $region
      and year(p.start_date) <= $year_to
      and year(p.end_date) >= $year_from
)

select * from final
