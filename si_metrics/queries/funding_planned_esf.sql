-- grain: one row per programme of the 2014-2020 plan with social-fund money (ESF, YEI): the EU and national amounts
-- planned for those funds, beside what the ИСУН register shows contracted and paid for the programme (newest
-- snapshot) where the register has it
with planned as (
    select
        programme_code,
        any_value(programme_title) as programme_title,
        string_agg(distinct fund, ' + ' order by fund) as funds,
        sum(eu_amount_eur) as eu_planned_eur,
        sum(national_amount_eur) as national_planned_eur,
        sum(total_amount_eur) as total_planned_eur
    from funding_planned
    where fund in ('ESF', 'YEI')
    group by programme_code
),

register as (
    select programme_code, contracted_eur, paid_eur, snapshot
    from funding_programmes
    qualify row_number() over (partition by programme_code order by snapshot desc) = 1
),

final as (
    select p.*, r.contracted_eur, r.paid_eur, r.snapshot
    from planned as p
    left join register as r using (programme_code)
)

select * from final
order by total_planned_eur desc, programme_code
