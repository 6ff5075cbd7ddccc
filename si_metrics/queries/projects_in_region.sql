-- grain: one row: the demo projects located in an area or any area within it, running during the period
with final as (
    select
        count(*) as projects,
        coalesce(sum(p.beneficiaries_reached), 0) as beneficiaries_reached,
        count(*) filter (where p.cross_sector) as cross_sector_projects
    from project_index as p
    where p.region_code in (select rc.region_code from region_closure as rc where rc.ancestor_code = $region)
      and p.start_year <= $year_to
      and p.end_year >= $year_from
)

select * from final
