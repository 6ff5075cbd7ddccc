-- grain: one row per fund and programming period, at the latest register snapshot
-- (snapshots are never mixed: each is a separate picture of the register)
with latest as (
    select max(snapshot) as snapshot from funding_programmes
),

final as (
    select
        p.fund,
        p.period,
        count(*) as programmes,
        sum(p.contracted_eur) as contracted_eur,
        sum(p.paid_eur) as paid_eur,
        sum(p.paid_eur) / nullif(sum(p.contracted_eur), 0) * 100 as absorption_pct,
        sum(p.contract_count) as contracts,
        max(p.snapshot) as snapshot
    from funding_programmes as p
    join latest using (snapshot)
    group by p.fund, p.period
)

select * from final
order by period desc, fund
