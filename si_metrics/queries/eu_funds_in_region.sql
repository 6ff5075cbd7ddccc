-- grain: one row: all EU funds attributed to the municipalities within one area, latest snapshot
with latest as (
    select max(snapshot) as snapshot from funding_municipalities
),

final as (
    select
        sum(f.contracted_eur) as contracted_eur,
        sum(f.paid_eur) as paid_eur,
        count(*) as municipalities,
        max(f.snapshot) as snapshot
    from funding_municipalities as f
    join latest using (snapshot)
    join region_closure as rc on rc.region_code = f.region_code
    where rc.ancestor_code = $region
)

select * from final
