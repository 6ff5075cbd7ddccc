-- grain: one row per fund, programme, theme and area: EU contribution of the demo (synthetic) projects located in
-- an area or within it, running during the period, of the chosen themes; cancelled projects left out. The area is
-- the project's own area rolled up to $level (a project placed on a larger area keeps that area)
with chosen as (
    select p.*
    from demo_projects_in($region, $themes) as p
    where p.eu_contribution_eur > 0
      and p.start_year <= $year_to
      and p.end_year >= $year_from
),

at_level as (
    select rc.region_code, rc.ancestor_code as area_code
    from region_closure as rc
    join regions as r on r.code = rc.ancestor_code
    where r.level = $level
),

placed as (
    select c.*, coalesce(l.area_code, c.region_code) as area_code
    from chosen as c
    left join at_level as l on l.region_code = c.region_code
),

final as (
    select
        fund,
        programme_code,
        theme,
        area_code as region_code,
        count(*) as projects,
        sum(eu_contribution_eur) as eu_contribution_eur
    from placed
    group by fund, programme_code, theme, area_code
)

select * from final
order by fund, programme_code, theme, region_code
