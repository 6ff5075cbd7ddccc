-- grain: one row per funding programme named by the demo projects ('none' = no EU programme), with its
-- names where the register (latest snapshot of funding_programmes) has them
with used as (
    select distinct coalesce(nullif(programme_code, ''), 'none') as programme_code
    from projects
),

programmes as (
    select g.programme_code, g.name_en, g.name_bg
    from funding_programmes as g
    where g.snapshot = (select max(snapshot) from funding_programmes)
),

final as (
    select u.programme_code, g.name_en, g.name_bg
    from used as u
    left join programmes as g on g.programme_code = u.programme_code
)

select * from final
order by programme_code = 'none', programme_code
