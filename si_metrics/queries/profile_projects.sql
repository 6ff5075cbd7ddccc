-- grain: one row per area (of $codes) and project theme (of $themes): the demo projects located in the area
-- or any area within it that run during the period
with final as (
    select
        rc.ancestor_code as region_code,
        p.theme,
        count(*) as projects,
        coalesce(sum(p.beneficiaries_reached), 0) as beneficiaries_reached
    from project_index as p
    join region_closure as rc on rc.region_code = p.region_code
    where rc.ancestor_code in (select unnest($codes))
      and p.theme in (select unnest($themes))
      and p.start_year <= $year_to
      and p.end_year >= $year_from
    group by rc.ancestor_code, p.theme
)

select * from final
order by region_code, projects desc, theme
