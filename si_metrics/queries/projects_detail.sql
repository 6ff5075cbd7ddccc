-- grain: at most one row: one demo project with its area's names and, where the register has it, its
-- programme's names (latest snapshot of funding_programmes)
with programmes as (
    select g.programme_code, g.name_en, g.name_bg
    from funding_programmes as g
    where g.snapshot = (select max(snapshot) from funding_programmes)
),

final as (
    select
        p.*,
        r.name_en as region_en,
        r.name_bg as region_bg,
        g.name_en as programme_en,
        g.name_bg as programme_bg
    from projects as p
    left join regions as r on r.code = p.region_code
    left join programmes as g on g.programme_code = p.programme_code
    where p.project_id = $project
)

select * from final
