-- grain: one row per programme at the latest register snapshot (national totals; the register has no regional split)
with latest as (
    select max(snapshot) as snapshot from funding_programmes
),

final as (
    select
        p.programme_code,
        p.name_en,
        p.name_bg,
        p.fund,
        p.period,
        p.contracted_eur,
        p.paid_eur,
        p.paid_eur / nullif(p.contracted_eur, 0) * 100 as absorption_pct,
        p.contract_count,
        p.beneficiary_count,
        p.snapshot
    from funding_programmes as p
    join latest using (snapshot)
)

select * from final
order by period desc, programme_code
